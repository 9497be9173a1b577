package app

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/jmoiron/sqlx"
)

// lockedSession is a session row locked for a change.
type lockedSession struct {
	GroupID  int64     `db:"group_id"`
	StartsAt time.Time `db:"starts_at"`
	EndsAt   time.Time `db:"ends_at"`
	Status   string    `db:"status"`
}

// lockSession locks a session for a change; ErrNotFound when there is none.
func lockSession(ctx context.Context, tx *sqlx.Tx, sessionID int64) (lockedSession, error) {
	var s lockedSession
	err := tx.GetContext(ctx, &s, `SELECT group_id, starts_at, ends_at, status FROM sessions WHERE id = $1 FOR UPDATE`,
		sessionID)
	if errors.Is(err, sql.ErrNoRows) {
		return s, ErrNotFound
	}
	if err != nil {
		return s, fmt.Errorf("store: unable to lock session: %w", err)
	}
	return s, nil
}

// MoveSession gives a session a new start and end. Its waiting reminders move with it (start minus their
// offset); those whose new time has passed are dropped, those that already went out but whose new time is
// still ahead go out again for the new time, and offsets that are now ahead are added. Every admitted member
// gets a session_changed mail. Whoever may see the group may move its sessions: the office and the group's
// facilitators (ErrForbidden for anyone else).
func (a *App) MoveSession(ctx context.Context, actor Actor, sessionID int64, start, end time.Time) error {
	if err := actor.Allow(AllRoles); err != nil {
		return err
	}
	now := a.Now()
	return a.Store.tx(ctx, func(tx *sqlx.Tx) error {
		old, err := lockSession(ctx, tx, sessionID)
		if err != nil {
			return err
		}
		if err := actor.AllowGroup(AllRoles, old.GroupID); err != nil {
			return err
		}
		if !end.After(start) {
			return &ValidationError{Fields: map[string]string{"ends_at": "session.ends.before.start"}}
		}
		if old.Status != SessionPlanned {
			return ErrTransition
		}
		if old.StartsAt.Equal(start) && old.EndsAt.Equal(end) {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE sessions SET starts_at = $2, ends_at = $3, updated_at = now()
			WHERE id = $1`, sessionID, start, end); err != nil {
			return fmt.Errorf("store: unable to move session: %w", err)
		}
		if !old.StartsAt.Equal(start) {
			if err := a.moveReminders(ctx, tx, sessionID, start, now); err != nil {
				return err
			}
		}
		if err := a.planSessionReminders(ctx, tx, sessionID); err != nil {
			return err
		}
		if start.After(now) {
			// The dedupe key holds the new start: moving twice sends two mails, a double submit one.
			key := "session_changed:" + strconv.FormatInt(sessionID, 10) + ":" + strconv.FormatInt(start.Unix(), 10)
			err := a.mailMembers(ctx, tx, sessionID, old.GroupID, MailSessionChanged, key,
				map[string]any{"old_starts_at": old.StartsAt.Format(time.RFC3339)})
			if err != nil {
				return err
			}
		}
		return a.sessionAudit(ctx, tx, actor.ID(), "session_moved", old.GroupID, map[string]any{"session_id": sessionID,
			"old_starts_at": old.StartsAt, "starts_at": start, "ends_at": end})
	})
}

// moveReminders re-plans the reminders of a session that now starts at start.
func (a *App) moveReminders(ctx context.Context, tx *sqlx.Tx, sessionID int64, start, now time.Time) error {
	// Waiting reminders follow the session.
	if _, err := tx.ExecContext(ctx, `UPDATE outbox SET due_at = $2::timestamptz - offset_minutes * interval '1 minute'
		WHERE session_id = $1 AND kind = 'reminder' AND status IN ('queued', 'retrying')`, sessionID, start); err != nil {
		return fmt.Errorf("store: unable to move reminders: %w", err)
	}
	// A reminder that went out for the old time goes out again when its new time is still ahead.
	if _, err := tx.ExecContext(ctx, `UPDATE outbox
		SET status = 'queued', due_at = $2::timestamptz - offset_minutes * interval '1 minute', attempts = 0, last_error = ''
		WHERE session_id = $1 AND kind = 'reminder' AND status = 'sent'
		  AND $2::timestamptz - offset_minutes * interval '1 minute' > $3`, sessionID, start, now); err != nil {
		return fmt.Errorf("store: unable to move reminders: %w", err)
	}
	// A reminder whose new time has passed is not sent late.
	if _, err := tx.ExecContext(ctx, `UPDATE outbox SET status = 'cancelled',
			last_error = 'the session moved and this reminder''s time has passed'
		WHERE session_id = $1 AND kind = 'reminder' AND status IN ('queued', 'retrying') AND due_at <= $2`,
		sessionID, now); err != nil {
		return fmt.Errorf("store: unable to move reminders: %w", err)
	}
	return nil
}

// CancelSession calls a session off: its waiting reminders and change mails are dropped and every admitted
// member gets a session_cancelled mail. Cancelling a cancelled session again does nothing; a session that has
// started cannot be cancelled. Whoever may see the group may cancel its sessions: the office and the group's
// facilitators (ErrForbidden for anyone else).
func (a *App) CancelSession(ctx context.Context, actor Actor, sessionID int64) error {
	if err := actor.Allow(AllRoles); err != nil {
		return err
	}
	return a.cancelSession(ctx, actor.ID(), sessionID, func(groupID int64) error {
		return actor.AllowGroup(AllRoles, groupID)
	})
}

// cancelSession is CancelSession on behalf of staff member staffID, once allow (when not nil) lets them change
// the session's group. A caller that passes nil has authorized the change itself.
func (a *App) cancelSession(ctx context.Context, staffID, sessionID int64, allow func(groupID int64) error) error {
	now := a.Now()
	return a.Store.tx(ctx, func(tx *sqlx.Tx) error {
		s, err := lockSession(ctx, tx, sessionID)
		if err != nil {
			return err
		}
		if allow != nil {
			if err := allow(s.GroupID); err != nil {
				return err
			}
		}
		if s.Status == SessionCancelled {
			return nil
		}
		if !s.StartsAt.After(now) {
			return ErrTransition
		}
		if _, err := tx.ExecContext(ctx, `UPDATE sessions SET status = 'cancelled', updated_at = now() WHERE id = $1`,
			sessionID); err != nil {
			return fmt.Errorf("store: unable to cancel session: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE outbox SET status = 'cancelled', secret_enc = NULL,
				last_error = 'the session was cancelled'
			WHERE session_id = $1 AND kind IN ('reminder', 'session_changed') AND status IN ('queued', 'retrying')`,
			sessionID); err != nil {
			return fmt.Errorf("store: unable to drop the session's mail: %w", err)
		}
		key := "session_cancelled:" + strconv.FormatInt(sessionID, 10)
		if err := a.mailMembers(ctx, tx, sessionID, s.GroupID, MailSessionCancelled, key, nil); err != nil {
			return err
		}
		return a.sessionAudit(ctx, tx, staffID, "session_cancelled", s.GroupID, map[string]any{"session_id": sessionID,
			"starts_at": s.StartsAt})
	})
}

// mailMembers queues a mail about a session to every admitted adult of its group (children hear it from their
// parent), each with keyPrefix:REGISTRATION as its dedupe key.
func (a *App) mailMembers(ctx context.Context, tx *sqlx.Tx, sessionID, groupID int64, kind, keyPrefix string, params map[string]any) error {
	var members []struct {
		ID       int64 `db:"id"`
		PersonID int64 `db:"person_id"`
	}
	if err := tx.SelectContext(ctx, &members, `SELECT id, person_id FROM registrations
		WHERE group_id = $1 AND status = 'admitted' AND role <> 'child' ORDER BY id`, groupID); err != nil {
		return fmt.Errorf("store: unable to list group members: %w", err)
	}
	for _, m := range members {
		err := a.enqueue(ctx, tx, Mail{DedupeKey: keyPrefix + ":" + strconv.FormatInt(m.ID, 10), Kind: kind,
			PersonID: ref(m.PersonID), RegistrationID: ref(m.ID), SessionID: ref(sessionID), Params: params})
		if err != nil {
			return err
		}
	}
	return nil
}

// sessionAudit records a staff change to a session in the audit log.
func (a *App) sessionAudit(ctx context.Context, tx *sqlx.Tx, staffID int64, action string, groupID int64, detail map[string]any) error {
	return a.Audit(ctx, tx, AuditEntry{StaffID: &staffID, Action: action, GroupID: &groupID, Detail: detail})
}

// QueueAttendanceMails asks the facilitators of every session that ended in the last week (and was not
// cancelled) to take attendance, once: the session is marked in the same statement, and SKIP LOCKED with the
// dedupe key keeps two processes running this job at once from mailing twice.
func (a *App) QueueAttendanceMails(ctx context.Context) error {
	now := a.Now()
	_, err := a.Store.DB.ExecContext(ctx, `WITH ended AS (
			UPDATE sessions SET attendance_mailed_at = $1
			WHERE id IN (SELECT id FROM sessions
			             WHERE status = 'planned' AND attendance_mailed_at IS NULL
			               AND ends_at <= $1 AND ends_at > $1 - interval '7 days'
			             FOR UPDATE SKIP LOCKED)
			RETURNING id, group_id)
		INSERT INTO outbox (dedupe_key, kind, due_at, staff_id, session_id)
		SELECT 'take_attendance:' || e.id || ':' || gf.staff_id, 'take_attendance', $1, gf.staff_id, e.id
		FROM ended e JOIN group_facilitators gf ON gf.group_id = e.group_id
		ON CONFLICT (dedupe_key) DO NOTHING`, now)
	if err != nil {
		return fmt.Errorf("store: unable to queue attendance mails: %w", err)
	}
	return nil
}
