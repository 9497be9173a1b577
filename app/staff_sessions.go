package app

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

// Staff sessions live in PostgreSQL (staff_sessions): the cookie holds a random id, the table only its hash, so a
// copy of the database cannot be used to sign in. A session ends after StaffIdleTimeout without a request, and
// at the latest StaffAbsoluteTimeout after it began, whatever happens.
const (
	StaffIdleTimeout     = 30 * time.Minute
	StaffAbsoluteTimeout = 10 * time.Hour
	// staffPendingTimeout bounds the step between the password and the code.
	staffPendingTimeout = 15 * time.Minute
	// staffTouchEvery spares a write per request: the last request is recorded at most once a minute.
	staffTouchEvery = time.Minute
)

// StaffSession is a signed-in staff member: the account as it is now, and the session's state.
type StaffSession struct {
	Staff
	// MFADone means the second factor was given; without it the session only reaches the code step.
	MFADone      bool      `db:"mfa_done"`
	StartedAt    time.Time `db:"session_started_at"`
	LastSeenAt   time.Time `db:"last_seen_at"`
	ExpiresAt    time.Time `db:"expires_at"`
	sessionToken string
}

// Token is the session's cookie value.
func (s StaffSession) Token() string { return s.sessionToken }

// StartStaffSession opens a session for an active staff member and returns the cookie value. mfaDone says
// whether the second factor was given (the login steps and tests decide).
func (a *App) StartStaffSession(ctx context.Context, staffID int64, mfaDone bool) (string, error) {
	var token string
	err := a.Store.tx(ctx, func(tx *sqlx.Tx) error {
		var err error
		token, err = a.startStaffSession(ctx, tx, staffID, mfaDone)
		return err
	})
	return token, err
}

func (a *App) startStaffSession(ctx context.Context, tx *sqlx.Tx, staffID int64, mfaDone bool) (string, error) {
	now := a.Now()
	expires := now.Add(StaffAbsoluteTimeout)
	if !mfaDone {
		expires = now.Add(staffPendingTimeout)
	}
	raw, hash := NewToken()
	// Sweep this person's dead sessions while we are here, so the table does not grow without a job.
	if _, err := tx.ExecContext(ctx, `DELETE FROM staff_sessions WHERE staff_id = $1 AND (expires_at <= $2 OR last_seen_at <= $3)`,
		staffID, now, now.Add(-StaffIdleTimeout)); err != nil {
		return "", fmt.Errorf("store: unable to sweep staff sessions: %w", err)
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO staff_sessions (id_hash, staff_id, mfa_done, created_at, last_seen_at, expires_at)
		VALUES ($1, $2, $3, $4, $4, $5)`, hash, staffID, mfaDone, now, expires)
	if err != nil {
		return "", fmt.Errorf("store: unable to start staff session: %w", err)
	}
	return raw, nil
}

// StaffSessionByToken returns the session behind a cookie value and records the request. A session that is
// unknown, belongs to a deactivated account, or has passed its idle or absolute limit is ErrNotFound (an
// expired one ErrExpired, and it is removed).
func (a *App) StaffSessionByToken(ctx context.Context, token string) (StaffSession, error) {
	var s StaffSession
	if token == "" || len(token) > 100 {
		return s, ErrNotFound
	}
	hash := HashToken(token)
	err := a.Store.DB.GetContext(ctx, &s, `SELECT u.id, u.email, u.name, u.role, u.password_hash, u.totp_secret_enc,
			u.totp_enabled, u.totp_last_step, u.active, u.language, u.created_at, u.password_changed_at,
			s.mfa_done, s.created_at AS session_started_at, s.last_seen_at, s.expires_at
		FROM staff_sessions s JOIN staff_users u ON u.id = s.staff_id
		WHERE s.id_hash = $1 AND u.active`, hash)
	if errors.Is(err, sql.ErrNoRows) {
		return s, ErrNotFound
	}
	if err != nil {
		return s, fmt.Errorf("store: unable to fetch staff session: %w", err)
	}
	now := a.Now()
	if !now.Before(s.ExpiresAt) || !now.Before(s.LastSeenAt.Add(StaffIdleTimeout)) {
		if _, err := a.Store.DB.ExecContext(ctx, `DELETE FROM staff_sessions WHERE id_hash = $1`, hash); err != nil {
			return s, fmt.Errorf("store: unable to end staff session: %w", err)
		}
		return StaffSession{}, ErrExpired
	}
	if now.Sub(s.LastSeenAt) >= staffTouchEvery {
		if _, err := a.Store.DB.ExecContext(ctx, `UPDATE staff_sessions SET last_seen_at = $2 WHERE id_hash = $1`,
			hash, now); err != nil {
			return s, fmt.Errorf("store: unable to record staff session: %w", err)
		}
		s.LastSeenAt = now
	}
	s.sessionToken = token
	return s, nil
}

// EndStaffSession signs out the session behind a cookie value.
func (a *App) EndStaffSession(ctx context.Context, token string) error {
	return a.Store.tx(ctx, func(tx *sqlx.Tx) error {
		var staffID int64
		err := tx.GetContext(ctx, &staffID, `DELETE FROM staff_sessions WHERE id_hash = $1 RETURNING staff_id`, HashToken(token))
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("store: unable to end staff session: %w", err)
		}
		return a.Audit(ctx, tx, AuditEntry{StaffID: &staffID, Action: AuditLogout})
	})
}

// EndAllStaffSessions signs the actor out on every device ("log out everywhere"). Every active staff member may
// do this for their own account.
func (a *App) EndAllStaffSessions(ctx context.Context, actor Actor) error {
	if err := actor.Allow(AllRoles); err != nil {
		return err
	}
	staffID := actor.ID()
	return a.Store.tx(ctx, func(tx *sqlx.Tx) error {
		if err := a.endStaffSessions(ctx, tx, staffID); err != nil {
			return err
		}
		return a.Audit(ctx, tx, AuditEntry{StaffID: &staffID, Action: AuditLogout, Detail: map[string]any{"everywhere": true}})
	})
}

// endStaffSessions ends every session of a staff member within tx.
func (a *App) endStaffSessions(ctx context.Context, tx *sqlx.Tx, staffID int64) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM staff_sessions WHERE staff_id = $1`, staffID); err != nil {
		return fmt.Errorf("store: unable to end staff sessions: %w", err)
	}
	return nil
}

// CountStaffSessions returns how many sessions a staff member has open (for the account page and tests).
func (s *Store) CountStaffSessions(ctx context.Context, staffID int64, now time.Time) (int, error) {
	var n int
	err := s.DB.GetContext(ctx, &n, `SELECT count(*) FROM staff_sessions
		WHERE staff_id = $1 AND expires_at > $2 AND last_seen_at > $3`, staffID, now, now.Add(-StaffIdleTimeout))
	if err != nil {
		return 0, fmt.Errorf("store: unable to count staff sessions: %w", err)
	}
	return n, nil
}
