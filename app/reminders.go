package app

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"
)

// Reminders are outbox rows with an offset in minutes before their session's start (offerings.reminder_offsets).
// They are planned when someone gets a seat and when a session is added, move when their session moves, and
// are dropped when the session is cancelled or the person cancels or excuses themselves. An offset already past
// is skipped, never sent late. Children get none: their parent does. The dedupe key
// "reminder:REGISTRATION:SESSION:OFFSET" makes planning twice harmless, and planning again revives a reminder
// that was dropped (the person was excused and then was not).

// reminderPlan inserts the reminders of admitted registrations for planned sessions of their group, for one
// registration ($1) or one session ($2), whose time ($3 is now) is still ahead.
const reminderPlan = `INSERT INTO outbox (dedupe_key, kind, due_at, offset_minutes, person_id, registration_id, session_id)
	SELECT 'reminder:' || r.id || ':' || s.id || ':' || m.off, 'reminder', s.starts_at - m.off * interval '1 minute',
		m.off, r.person_id, r.id, s.id
	FROM registrations r
	JOIN groups g ON g.id = r.group_id
	JOIN offerings f ON f.id = g.offering_id
	JOIN sessions s ON s.group_id = g.id
	CROSS JOIN LATERAL unnest(f.reminder_offsets) AS m(off)
	WHERE ($1::bigint IS NULL OR r.id = $1) AND ($2::bigint IS NULL OR s.id = $2)
	  AND r.status = 'admitted' AND r.role <> 'child' AND s.status = 'planned' AND g.status <> 'cancelled'
	  AND s.starts_at - m.off * interval '1 minute' > $3
	  AND NOT EXISTS (SELECT 1 FROM attendance at
	                  WHERE at.session_id = s.id AND at.person_id = r.person_id AND at.status = 'excused')
	ON CONFLICT (dedupe_key) DO UPDATE
	SET status = 'queued', due_at = EXCLUDED.due_at, attempts = 0, last_error = ''
	WHERE outbox.status = 'cancelled'`

// planReminders queues the reminders of an admitted registration for every planned session of its group still
// ahead, one per offset of the offering. Call it in the transaction that admits (or confirms) the registration.
func (a *App) planReminders(ctx context.Context, tx *sqlx.Tx, registrationID int64) error {
	if _, err := tx.ExecContext(ctx, reminderPlan, registrationID, nil, a.Now()); err != nil {
		return fmt.Errorf("store: unable to plan reminders: %w", err)
	}
	return nil
}

// planSessionReminders queues the reminders of a new (or moved) session for every admitted member of its group.
func (a *App) planSessionReminders(ctx context.Context, tx *sqlx.Tx, sessionID int64) error {
	if _, err := tx.ExecContext(ctx, reminderPlan, nil, sessionID, a.Now()); err != nil {
		return fmt.Errorf("store: unable to plan session reminders: %w", err)
	}
	return nil
}

// dropReminders cancels the reminders of a registration that are still waiting: all of them (it was cancelled
// or withdrawn), or those of one session (the person excused themselves for it).
func (a *App) dropReminders(ctx context.Context, tx *sqlx.Tx, registrationID int64, sessionID *int64) error {
	_, err := tx.ExecContext(ctx, `UPDATE outbox SET status = 'cancelled', secret_enc = NULL,
			last_error = 'no longer needed: the registration ended or the person excused themselves'
		WHERE kind = 'reminder' AND registration_id = $1 AND ($2::bigint IS NULL OR session_id = $2)
		  AND status IN ('queued', 'retrying')`, registrationID, sessionID)
	if err != nil {
		return fmt.Errorf("store: unable to drop reminders: %w", err)
	}
	return nil
}
