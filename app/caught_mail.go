package app

import (
	"context"
	"time"

	"github.com/lib/pq"
)

// The built-in mail catcher (used when no SMTP_URL is set) stores what it receives here, and staff read it
// under /beheer. It holds whole messages with personal links, so it is kept for a week only.

// CaughtMailKept is how long the catcher keeps a message.
const CaughtMailKept = 7 * 24 * time.Hour

// CaughtMail is one message the catcher received.
type CaughtMail struct {
	ID         int64          `db:"id"`
	From       string         `db:"mail_from"`
	To         pq.StringArray `db:"rcpt"`
	Subject    string         `db:"subject"`
	Size       int            `db:"size"`
	ReceivedAt time.Time      `db:"received_at"`
}

// CaughtMessage is a caught message with its raw content (RFC 5322); mail.ParseMail takes it apart for reading.
type CaughtMessage struct {
	CaughtMail
	Raw []byte
}

// CaughtMailList returns the newest caught messages (at most limit, default 100), for the office (ErrForbidden
// for anyone else).
func (a *App) CaughtMailList(ctx context.Context, actor Actor, limit int) ([]CaughtMail, error) {
	if err := actor.Allow(OfficeRoles); err != nil {
		return nil, err
	}
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	return caughtMailList(ctx, a.Store.DB, limit)
}

// CaughtMessage returns one caught message with its raw content. Reading it is written to the audit log, as it
// holds personal data. Its HTML is the message's own: show it escaped or in a sandboxed frame, never as trusted
// markup. For the office (ErrForbidden); ErrNotFound for an unknown id.
func (a *App) CaughtMessage(ctx context.Context, actor Actor, id int64) (CaughtMessage, error) {
	var m CaughtMessage
	if err := actor.Allow(OfficeRoles); err != nil {
		return m, err
	}
	staffID := actor.ID()
	var err error
	if m.CaughtMail, m.Raw, err = caughtMessage(ctx, a.Store.DB, id); err != nil {
		return m, err
	}
	return m, a.Audit(ctx, a.Store.DB, AuditEntry{StaffID: &staffID, Action: AuditCaughtMailView,
		Detail: map[string]any{"caught_mail_id": id}})
}
