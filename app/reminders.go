package app

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"
)

// planReminders queues a reminder per offset of the offering for every session ahead of an admitted
// registration; offsets already past are skipped, not sent late.
func (a *App) planReminders(ctx context.Context, tx *sqlx.Tx, registrationID int64) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO outbox (dedupe_key, kind, due_at, offset_minutes, person_id,
			registration_id, session_id)
		SELECT 'reminder:' || r.id || ':' || s.id || ':' || off, 'reminder', s.starts_at - make_interval(mins => off),
			off, r.person_id, r.id, s.id
		FROM registrations r
		JOIN offerings o ON o.id = r.offering_id
		JOIN sessions s ON s.group_id = r.group_id AND s.status = 'planned'
		CROSS JOIN LATERAL unnest(o.reminder_offsets) AS off
		WHERE r.id = $1 AND r.status = 'admitted' AND s.starts_at - make_interval(mins => off) > $2
		ON CONFLICT (dedupe_key) DO NOTHING`, registrationID, a.Now())
	if err != nil {
		return fmt.Errorf("store: unable to plan reminders: %w", err)
	}
	return nil
}

// dropReminders cancels the queued reminders of a registration: all of them, or one session's.
func (a *App) dropReminders(ctx context.Context, tx *sqlx.Tx, registrationID int64, sessionID *int64) error {
	_, err := tx.ExecContext(ctx, `UPDATE outbox SET status = 'cancelled', secret_enc = NULL
		WHERE registration_id = $1 AND kind = 'reminder' AND status IN ('queued', 'retrying')
		  AND ($2::bigint IS NULL OR session_id = $2)`, registrationID, sessionID)
	if err != nil {
		return fmt.Errorf("store: unable to drop reminders: %w", err)
	}
	return nil
}
