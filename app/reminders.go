package app

import (
	"context"
	"time"

	"github.com/jmoiron/sqlx"

	"portal/app/locale"
)

// Reminders are outbox rows with an offset in minutes before their session's start (offerings.reminder_offsets).
// An offset of whole days counts Brussels calendar days, so the reminder keeps the session's clock time across
// summer time (ReminderDue); any other offset counts plain minutes.
// They are planned when someone gets a seat and when a session is added, move when their session moves, and
// are dropped when the session is cancelled or the person cancels or excuses themselves. An offset already past
// is skipped, never sent late. Children get none: their parent does. The dedupe key
// "reminder:REGISTRATION:SESSION:OFFSET" makes planning twice harmless, and planning again revives a reminder
// that was dropped (the person was excused and then was not).

// ReminderDue is when a reminder offsetMinutes before a session starting at start is due. Whole days (a
// multiple of 1440 minutes) keep the local clock time in Brussels: "7 days before" Monday 29 March 2027 19.00
// is Monday 22 March 19.00, not 18.00, although summer time began in between. Other offsets are plain minutes
// ("2 hours before" is two hours before). reminderDueSQL is the same rule in SQL; a test holds them equal.
func ReminderDue(start time.Time, offsetMinutes int64) time.Time {
	if offsetMinutes%minutesPerDay != 0 {
		return start.Add(-time.Duration(offsetMinutes) * time.Minute)
	}
	local := start.In(locale.Brussels)
	return local.AddDate(0, 0, -int(offsetMinutes/minutesPerDay))
}

// minutesPerDay is the length of a reminder offset of one day.
const minutesPerDay = 24 * 60

// planReminders queues the reminders of an admitted registration for every planned session of its group still
// ahead, one per offset of the offering. Call it in the transaction that admits (or confirms) the registration.
func (a *App) planReminders(ctx context.Context, tx *sqlx.Tx, registrationID int64) error {
	if err := insertReminders(ctx, tx, &registrationID, nil, a.Now()); err != nil {
		return err
	}
	// Reminders are planned straight into the outbox, not through enqueue: under recordOnly they are recorded as
	// not sent all the same.
	if reason, ok := ctx.Value(recordOnlyKey{}).(string); ok {
		return cancelRegistrationReminders(ctx, tx, registrationID, reason)
	}
	return nil
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
