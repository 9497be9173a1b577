package app

import (
	"context"

	"github.com/jmoiron/sqlx"
)

// Reminders are outbox rows with an offset in minutes before their session's start (offerings.reminder_offsets).
// They are planned when someone gets a seat and when a session is added, move when their session moves, and
// are dropped when the session is cancelled or the person cancels or excuses themselves. An offset already past
// is skipped, never sent late. Children get none: their parent does. The dedupe key
// "reminder:REGISTRATION:SESSION:OFFSET" makes planning twice harmless, and planning again revives a reminder
// that was dropped (the person was excused and then was not).

// planReminders queues the reminders of an admitted registration for every planned session of its group still
// ahead, one per offset of the offering. Call it in the transaction that admits (or confirms) the registration.
func (a *App) planReminders(ctx context.Context, tx *sqlx.Tx, registrationID int64) error {
	return insertReminders(ctx, tx, &registrationID, nil, a.Now())
}

// planSessionReminders queues the reminders of a new (or moved) session for every admitted member of its group.
func (a *App) planSessionReminders(ctx context.Context, tx *sqlx.Tx, sessionID int64) error {
	return insertReminders(ctx, tx, nil, &sessionID, a.Now())
}

// dropReminders cancels the reminders of a registration that are still waiting: all of them (it was cancelled
// or withdrawn), or those of one session (the person excused themselves for it).
func (a *App) dropReminders(ctx context.Context, tx *sqlx.Tx, registrationID int64, sessionID *int64) error {
	return cancelReminders(ctx, tx, registrationID, sessionID)
}
