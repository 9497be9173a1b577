package app

import (
	"context"

	"github.com/jmoiron/sqlx"
)

// joinable checks that a group takes new people now: open, and not past the session after which it closes.
func (a *App) joinable(ctx context.Context, q sqlx.QueryerContext, g Group) error {
	held, ahead, err := sessionCounts(ctx, q, g.ID, a.Now())
	if err != nil {
		return err
	}
	if groupClosed(g, held, ahead) {
		return ErrClosed
	}
	return nil
}
