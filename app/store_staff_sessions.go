package app

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

// Queries on staff_sessions: signed-in staff, by the hash of the cookie's random id.

// sweepStaffSessions deletes a staff member's sessions that passed their absolute or idle limit.
func sweepStaffSessions(ctx context.Context, e sqlx.ExecerContext, staffID int64, now time.Time) error {
	if _, err := e.ExecContext(ctx, `DELETE FROM staff_sessions WHERE staff_id = $1 AND (expires_at <= $2 OR last_seen_at <= $3)`,
		staffID, now, now.Add(-StaffIdleTimeout)); err != nil {
		return fmt.Errorf("store: unable to sweep staff sessions: %w", err)
	}
	return nil
}

// insertStaffSession stores a new session under the hash of its cookie value.
func insertStaffSession(ctx context.Context, e sqlx.ExecerContext, hash []byte, staffID int64, mfaDone bool, now, expires time.Time) error {
	_, err := e.ExecContext(ctx, `INSERT INTO staff_sessions (id_hash, staff_id, mfa_done, created_at, last_seen_at, expires_at)
		VALUES ($1, $2, $3, $4, $4, $5)`, hash, staffID, mfaDone, now, expires)
	if err != nil {
		return fmt.Errorf("store: unable to start staff session: %w", err)
	}
	return nil
}

// staffSessionByHash returns the session with this hash and its account as it is now, when the account is
// active; ErrNotFound otherwise. It does not check the session's limits.
func staffSessionByHash(ctx context.Context, q sqlx.QueryerContext, hash []byte) (StaffSession, error) {
	var s StaffSession
	err := sqlx.GetContext(ctx, q, &s, `SELECT `+prefixed("u.", staffColumns)+`,
			s.mfa_done, s.created_at AS session_started_at, s.last_seen_at, s.expires_at
		FROM staff_sessions s JOIN staff_users u ON u.id = s.staff_id
		WHERE s.id_hash = $1 AND u.active`, hash)
	if err != nil {
		return s, notFoundOr(err, "store: unable to fetch staff session")
	}
	return s, nil
}

// touchStaffSession records a request on the session.
func touchStaffSession(ctx context.Context, e sqlx.ExecerContext, hash []byte, now time.Time) error {
	if _, err := e.ExecContext(ctx, `UPDATE staff_sessions SET last_seen_at = $2 WHERE id_hash = $1`, hash, now); err != nil {
		return fmt.Errorf("store: unable to record staff session: %w", err)
	}
	return nil
}

// deleteStaffSession ends the session with this hash and returns whose it was; ErrNotFound when there is none.
func deleteStaffSession(ctx context.Context, q sqlx.QueryerContext, hash []byte) (int64, error) {
	var staffID int64
	if err := sqlx.GetContext(ctx, q, &staffID, `DELETE FROM staff_sessions WHERE id_hash = $1 RETURNING staff_id`, hash); err != nil {
		return 0, notFoundOr(err, "store: unable to end staff session")
	}
	return staffID, nil
}

// deleteStaffSessions ends every session of a staff member.
func deleteStaffSessions(ctx context.Context, e sqlx.ExecerContext, staffID int64) error {
	if _, err := e.ExecContext(ctx, `DELETE FROM staff_sessions WHERE staff_id = $1`, staffID); err != nil {
		return fmt.Errorf("store: unable to end staff sessions: %w", err)
	}
	return nil
}

// CountStaffSessions is countStaffSessions on the database, for callers outside a transaction.
func (s *Store) CountStaffSessions(ctx context.Context, staffID int64, now time.Time) (int, error) {
	return countStaffSessions(ctx, s.DB, staffID, now)
}

// countStaffSessions returns how many sessions a staff member has open (for the account page and tests).
func countStaffSessions(ctx context.Context, q sqlx.QueryerContext, staffID int64, now time.Time) (int, error) {
	var n int
	err := sqlx.GetContext(ctx, q, &n, `SELECT count(*) FROM staff_sessions
		WHERE staff_id = $1 AND expires_at > $2 AND last_seen_at > $3`, staffID, now, now.Add(-StaffIdleTimeout))
	if err != nil {
		return 0, fmt.Errorf("store: unable to count staff sessions: %w", err)
	}
	return n, nil
}
