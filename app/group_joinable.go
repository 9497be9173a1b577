package app

import (
	"context"

	"github.com/jmoiron/sqlx"
)

// joinable checks that a group takes new people now: open, and not past the session after which it closes.
// This is the rule for the public and for late joiners (signup, an offer accepted from the waiting list, the
// automatic offer of a freed seat). Staff recording who was in a group use recordable instead.
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

// recordable checks that staff may place someone in a group: any group that exists for real (open or
// closed), also one whose sessions are all past or that closed after its agreed session, because staff record
// who was in the group (a past year, a late admission agreed in the room). Only a draft (not yet a group) or a
// cancelled group refuses with ErrClosed. Seats stay guarded by the capacity trigger as for any admission.
func recordable(g Group) error {
	if g.Status == GroupDraft || g.Status == GroupCancelled {
		return ErrClosed
	}
	return nil
}
