package app

import (
	"context"
	"time"
)

// Allow counts one hit for key in a fixed window and reports whether the hit is within limit. The counter
// lives in PostgreSQL, so every portal process shares it.
func (a *App) Allow(ctx context.Context, key string, limit int, window time.Duration) (bool, error) {
	hits, err := countHit(ctx, a.Store.DB, key, a.Now().Add(window), a.Now())
	if err != nil {
		return false, err
	}
	return hits <= limit, nil
}
