package app

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
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
	// notSent, when set, records the mail as cancelled with this reason: it is never sent.
	notSent string
}

// enqueue writes a mail to the outbox within tx; a mail with the same dedupe key is dropped. A mail about a
// moment already past, or enqueued under recordOnly, is written as cancelled with its reason and never sent
// (app/mail_past.go).
func (a *App) enqueue(ctx context.Context, tx *sqlx.Tx, m Mail) error {
	k, ok := mailKindByName[m.Kind]
	if !ok || k.Moment == momentUnset {
		return fmt.Errorf("outbox: %q is no mail kind with its moment (declare it in app/mail_kinds.go)", m.Kind)
	}
	if m.DueAt.IsZero() {
		m.DueAt = a.Now()
	}
	reason, err := a.notSentReason(ctx, tx, k, m)
	if err != nil {
		return err
	}
	if reason != "" {
		m.notSent, m.Secret = reason, "" // a secret that is never sent is never kept
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
