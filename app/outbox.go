package app

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

// Mail kinds: what a mail is about. The mail package has a template for each.
const (
	MailSignupConfirmed   = "signup_confirmed"       // open signup: you have a place
	MailRequestReceived   = "request_received"       // intake offering: we received your request
	MailIntakePlanned     = "intake_planned"         // an introductory talk is planned
	MailAdmitted          = "admitted"               // you are admitted, with the personal link
	MailDeclined          = "declined"               // the request is declined
	MailWaitlisted        = "waitlisted"             // you are on the waiting list
	MailOffer             = "waitlist_offer"         // a place is free: accept or refuse before it expires
	MailOfferExpired      = "offer_expired"          // the offer passed on
	MailPromoted          = "promoted"               // staff gave you a place from the waiting list
	MailCancelled         = "cancellation_confirmed" // your cancellation is recorded
	MailSessionChanged    = "session_changed"        // a session moved
	MailSessionCancelled  = "session_cancelled"      // a session was cancelled
	MailReminder          = "reminder"               // a session is coming up
	MailWaakvlamReceived  = "waakvlam_received"      // the organisation's request is received
	MailWaakvlamPlanned   = "waakvlam_planned"       // the training is planned, with the staff signup link
	MailLinkAgain         = "link_again"             // "send me my link again"
	MailTakeAttendance    = "take_attendance"        // to facilitators, after a session
	MailAbsenceAlert      = "absence_alert"          // to coordinators: two unexcused absences in a row
	MailPasswordReset     = "password_reset"         // to staff
	MailHouseholdReceived = "household_received"     // Blaffen of Schuilen: we received your family's request
	MailContactChanged    = "contact_changed"        // to the old address: your contact details were changed online
	MailEnded             = "registration_ended"     // staff ended a registration (never "we noted your cancellation")
)

// Mail is one mail to be sent: written to the outbox in the same transaction as the change that causes it.
// The recipient is not stored here: the worker looks it up when sending, so a person's current contact wishes
// apply (no e-mail at all when they asked for phone contact only).
type Mail struct {
	// DedupeKey makes the mail unique: a second mail with the same key is dropped (ON CONFLICT DO NOTHING).
	DedupeKey string
	Kind      string
	// DueAt is when to send it; zero means now.
	DueAt time.Time
	// OffsetMinutes, for reminders, is how long before its session's start the mail is due; it moves with the
	// session.
	OffsetMinutes  *int
	PersonID       *int64
	StaffID        *int64
	RegistrationID *int64
	SessionID      *int64
	WaakvlamID     *int64
	// Params are template values that cannot be looked up later (a reason, an old session time).
	Params map[string]any
	// Secret is a value the mail must show but the database must not keep in clear (a personal link's token):
	// it is stored encrypted and wiped once the mail is sent.
	Secret string
}

// enqueue writes a mail to the outbox within tx; a mail with the same dedupe key is dropped.
func (a *App) enqueue(ctx context.Context, tx *sqlx.Tx, m Mail) error {
	if m.DueAt.IsZero() {
		m.DueAt = a.Now()
	}
	params := m.Params
	if params == nil {
		params = map[string]any{}
	}
	p, err := json.Marshal(params)
	if err != nil {
		return fmt.Errorf("outbox: unable to encode params: %w", err)
	}
	return insertOutbox(ctx, tx, m, p, a.Keys.Encrypt(m.Secret))
}

// ref returns a pointer to v, for the optional ids of a Mail.
func ref[T any](v T) *T { return &v }
