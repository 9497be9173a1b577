package app

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

// The one rule about the past: a mail about a moment already past is never sent. Its kind declares what moment
// it concerns (MailKind.Moment in app/mail_kinds.go); enqueue writes such a mail to the outbox as cancelled
// with ReasonPast instead of queued, and the worker checks the same rule once more just before sending (a
// session may have moved into the past meanwhile). Staff recording last year's groups, talks and roll calls
// therefore mail nobody about them, and the outbox shows what was not sent and why.

// ReasonPast is the reason (outbox.last_error) of a mail that was not sent because its moment is past. Staff
// see it on the outbox pages, worded in their language ("staff.mail.past").
const ReasonPast = "in het verleden"

// attendanceMailWindow is how long after a session's start the "take attendance" mail still makes sense: it is
// queued up to seven days after the session ended (queueTakeAttendance), and a session lasts less than a day.
const attendanceMailWindow = 8 * 24 * time.Hour

// mailMoments are the times a mail's moment is read from; a zero time is "none".
type mailMoments struct {
	SessionStart time.Time // the start of the mail's session
	GroupEnd     time.Time // the end of the last planned session of the mail's group
	IntakeAt     time.Time // the introductory talk (the mail's intake_at)
	OfferExpires time.Time // the end of a waiting-list offer (the mail's expires_at)
}

// mailInPast says whether a mail of kind k concerns a moment that is past at now (plus the kind's grace). A
// mail without its moment (no session, no group, no sessions yet) is not past.
func mailInPast(k MailKind, m mailMoments, now time.Time) bool {
	var at time.Time
	switch k.Moment {
	case MomentSession:
		at = m.SessionStart
	case MomentGroup:
		at = m.GroupEnd
	case MomentIntake:
		at = m.IntakeAt
	case MomentOffer:
		at = m.OfferExpires
	}
	return !at.IsZero() && !at.Add(k.Grace).After(now)
}

// recordOnlyKey marks a context under which mail is recorded, never sent.
type recordOnlyKey struct{}

// recordOnly returns a context under which every mail a workflow enqueues is written to the outbox as cancelled
// with reason (never sent, whatever its moment): for recording what happened, such as lists brought in from
// elsewhere, through the same workflows as the present. reason is what staff see on the outbox page; an
// empty reason means ReasonPast.
func recordOnly(ctx context.Context, reason string) context.Context {
	if reason == "" {
		reason = ReasonPast
	}
	return context.WithValue(ctx, recordOnlyKey{}, reason)
}

// notSentReason says why the mail m, about to be enqueued in tx, must only be recorded: the context says so
// (recordOnly), or its moment is past. "" means it is queued to be sent.
func (a *App) notSentReason(ctx context.Context, tx *sqlx.Tx, k MailKind, m Mail) (string, error) {
	if reason, ok := ctx.Value(recordOnlyKey{}).(string); ok {
		return reason, nil
	}
	var mm mailMoments
	switch k.Moment {
	case MomentSession, MomentGroup:
		var session, group sql.NullTime
		err := tx.QueryRowxContext(ctx, `SELECT (SELECT starts_at FROM sessions WHERE id = $1),
				(SELECT max(s.ends_at) FROM sessions s WHERE s.status = 'planned' AND s.group_id = coalesce(
					(SELECT group_id FROM sessions WHERE id = $1), (SELECT group_id FROM registrations WHERE id = $2)))`,
			m.SessionID, m.RegistrationID).Scan(&session, &group)
		if err != nil {
			return "", fmt.Errorf("outbox: unable to read the moment of a mail: %w", err)
		}
		mm.SessionStart, mm.GroupEnd = session.Time, group.Time
	case MomentIntake:
		mm.IntakeAt = paramTime(m.Params, "intake_at")
	case MomentOffer:
		mm.OfferExpires = paramTime(m.Params, "expires_at")
	}
	if mailInPast(k, mm, a.Now()) {
		return ReasonPast, nil
	}
	return "", nil
}
