package app

import (
	"context"
	"strconv"
	"time"

	"github.com/jmoiron/sqlx"
)

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
		v := &ValidationError{}
		checkSpan(v, "date", "to", start, end)
		if err := v.OrNil(); err != nil {
			return err
		}
		if old.Status != SessionPlanned {
			return ErrTransition
		}
		if old.StartsAt.Equal(start) && old.EndsAt.Equal(end) {
			return nil
		}
		if err := setSessionTimes(ctx, tx, sessionID, start, end); err != nil {
			return err
		}
		if !old.StartsAt.Equal(start) {
			if err := moveSessionReminders(ctx, tx, sessionID, start, now); err != nil {
				return err
			}
		}
		if err := a.planSessionReminders(ctx, tx, sessionID); err != nil {
			return err
		}
		// The dedupe key holds the new start: moving twice sends two mails, a double submit one. A move to a
		// moment already past is recorded, not sent (the rule of enqueue; AnnouncesMove says so beforehand).
		key := "session_changed:" + strconv.FormatInt(sessionID, 10) + ":" + strconv.FormatInt(start.Unix(), 10)
		if err := a.mailMembers(ctx, tx, sessionID, old.GroupID, MailSessionChanged, key,
			map[string]any{"old_starts_at": old.StartsAt.Format(time.RFC3339)}); err != nil {
			return err
		}
		if err := a.sessionAudit(ctx, tx, actor.ID(), AuditSessionMove, old.GroupID, map[string]any{"session_id": sessionID,
			"old_starts_at": old.StartsAt, "starts_at": start, "ends_at": end}); err != nil {
			return err
		}
		// A session moved ahead can reopen a group past its closing session: whoever waits is offered a seat.
		return a.reconcileSeats(ctx, tx, old.GroupID)
	})
}

// AnnouncesMove reports whether members are mailed of a session moved at now to start: only when the new moment
// is still ahead (nobody is told of a moment already past: the one rule of app/mail_past.go). Staff pages use it
// to say so.
func AnnouncesMove(start, now time.Time) bool {
	return !mailInPast(mailKindByName[MailSessionChanged], mailMoments{SessionStart: start}, now)
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
	return a.Store.tx(ctx, func(tx *sqlx.Tx) error {
		return a.cancelSessionIn(ctx, tx, staffID, sessionID, allow)
	})
}

// cancelSessionIn is cancelSession inside the caller's transaction, so a change that cancels several sessions
// (a Waakvlam training called off) commits or fails as one, its audit rows with it.
func (a *App) cancelSessionIn(ctx context.Context, tx *sqlx.Tx, staffID, sessionID int64, allow func(groupID int64) error) error {
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
	if !s.StartsAt.After(a.Now()) {
		return ErrTransition
	}
	if err := setSessionCancelled(ctx, tx, sessionID); err != nil {
		return err
	}
	if err := dropSessionMail(ctx, tx, sessionID); err != nil {
		return err
	}
	key := "session_cancelled:" + strconv.FormatInt(sessionID, 10)
	if err := a.mailMembers(ctx, tx, sessionID, s.GroupID, MailSessionCancelled, key, nil); err != nil {
		return err
	}
	return a.sessionAudit(ctx, tx, staffID, AuditSessionCancel, s.GroupID, map[string]any{"session_id": sessionID,
		"starts_at": s.StartsAt})
}

// mailMembers queues a mail about a session to every admitted adult of its group (children hear it from their
// parent), each with keyPrefix:REGISTRATION as its dedupe key.
func (a *App) mailMembers(ctx context.Context, tx *sqlx.Tx, sessionID, groupID int64, kind, keyPrefix string, params map[string]any) error {
	members, err := admittedAdults(ctx, tx, groupID)
	if err != nil {
		return err
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
	return queueTakeAttendance(ctx, a.Store.DB, a.Now())
}
