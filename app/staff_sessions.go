package app

import (
	"context"
	"errors"
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
	if err := sweepStaffSessions(ctx, tx, staffID, now); err != nil {
		return "", err
	}
	if err := insertStaffSession(ctx, tx, hash, staffID, mfaDone, now, expires); err != nil {
		return "", err
	}
	return raw, nil
}

// StaffSessionByToken returns the session behind a cookie value and records the request. A session that is
// unknown, belongs to a deactivated account, or has passed its idle or absolute limit is ErrNotFound (an
// expired one ErrExpired, and it is removed).
func (a *App) StaffSessionByToken(ctx context.Context, token string) (StaffSession, error) {
	if token == "" || len(token) > 100 {
		return StaffSession{}, ErrNotFound
	}
	hash := HashToken(token)
	s, err := staffSessionByHash(ctx, a.Store.DB, hash)
	if err != nil {
		return StaffSession{}, err
	}
	now := a.Now()
	if !now.Before(s.ExpiresAt) || !now.Before(s.LastSeenAt.Add(StaffIdleTimeout)) {
		if _, err := deleteStaffSession(ctx, a.Store.DB, hash); err != nil && !errors.Is(err, ErrNotFound) {
			return StaffSession{}, err
		}
		return StaffSession{}, ErrExpired
	}
	if now.Sub(s.LastSeenAt) >= staffTouchEvery {
		if err := touchStaffSession(ctx, a.Store.DB, hash, now); err != nil {
			return s, err
		}
		s.LastSeenAt = now
	}
	s.sessionToken = token
	return s, nil
}

// EndStaffSession signs out the session behind a cookie value.
func (a *App) EndStaffSession(ctx context.Context, token string) error {
	return a.Store.tx(ctx, func(tx *sqlx.Tx) error {
		staffID, err := deleteStaffSession(ctx, tx, HashToken(token))
		if errors.Is(err, ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
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
		if err := deleteStaffSessions(ctx, tx, staffID); err != nil {
			return err
		}
		return a.Audit(ctx, tx, AuditEntry{StaffID: &staffID, Action: AuditLogout, Detail: map[string]any{"everywhere": true}})
	})
}
