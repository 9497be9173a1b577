package app

import (
	"context"
	"time"

	"github.com/jmoiron/sqlx"
)

// What staff see of the outbox. The outbox spans every group, so only admins and coordinators may see it;
// it holds no addresses or names, only ids, kinds, subjects and errors.

// OutboxEntry is one mail in the outbox.
type OutboxEntry struct {
	ID             int64      `db:"id"`
	Kind           string     `db:"kind"`
	Status         string     `db:"status"`
	DueAt          time.Time  `db:"due_at"`
	OffsetMinutes  *int       `db:"offset_minutes"`
	PersonID       *int64     `db:"person_id"`
	StaffID        *int64     `db:"staff_id"`
	RegistrationID *int64     `db:"registration_id"`
	SessionID      *int64     `db:"session_id"`
	WaakvlamID     *int64     `db:"waakvlam_request_id"`
	Attempts       int        `db:"attempts"`
	MaxAttempts    int        `db:"max_attempts"`
	ClaimedBy      *string    `db:"claimed_by"`
	SentAt         *time.Time `db:"sent_at"`
	Subject        string     `db:"subject"`
	MessageID      string     `db:"message_id"`
	LastError      string     `db:"last_error"`
	CreatedAt      time.Time  `db:"created_at"`
}

// CanResend reports whether staff may send this mail again (the resend button). A mail about the past may not:
// the rule that kept it would keep it again.
func (e OutboxEntry) CanResend() bool {
	switch e.Status {
	case OutboxSent, OutboxFailed, OutboxRetrying:
		return true
	case OutboxCancelled:
		return !e.Past()
	}
	return false
}

// Past reports whether the mail was not sent because the moment it concerns is past (ReasonPast): the page
// says so in the reader's language.
func (e OutboxEntry) Past() bool { return e.Status == OutboxCancelled && e.LastError == ReasonPast }

// OutboxAttempt is one try to send a mail.
type OutboxAttempt struct {
	ID     int64     `db:"id"`
	Worker string    `db:"worker"`
	OK     bool      `db:"ok"`
	Error  string    `db:"error"`
	At     time.Time `db:"at"`
}

// OutboxFilter selects a page of the outbox, newest first.
type OutboxFilter struct {
	Status   string // one of OutboxStatuses, or empty for all
	Kind     string // a mail kind, or empty for all
	BeforeID int64  // the page after this id (0: the first page)
	Limit    int    // default 50, at most 200
}

// OutboxPage is a page of the outbox with the number of mails in each status.
type OutboxPage struct {
	Entries []OutboxEntry
	Counts  map[string]int
	// NextBeforeID is the BeforeID of the next page, 0 when this is the last.
	NextBeforeID int64
}

// OutboxList returns a page of the outbox for the office (ErrForbidden for anyone else).
func (a *App) OutboxList(ctx context.Context, actor Actor, f OutboxFilter) (OutboxPage, error) {
	if err := actor.Allow(OfficeRoles); err != nil {
		return OutboxPage{}, err
	}
	if f.Limit <= 0 {
		f.Limit = 50
	}
	f.Limit = min(f.Limit, 200)
	var page OutboxPage
	var err error
	// One more than a page tells whether a next page exists.
	if page.Entries, err = outboxEntries(ctx, a.Store.DB, f.Status, f.Kind, f.BeforeID, f.Limit+1); err != nil {
		return page, err
	}
	if len(page.Entries) > f.Limit {
		page.Entries = page.Entries[:f.Limit]
		page.NextBeforeID = page.Entries[f.Limit-1].ID
	}
	page.Counts, err = outboxCounts(ctx, a.Store.DB)
	return page, err
}

// OutboxItem returns one mail with every attempt to send it, oldest first, for the office (ErrForbidden for
// anyone else; ErrNotFound for an unknown id).
func (a *App) OutboxItem(ctx context.Context, actor Actor, id int64) (OutboxEntry, []OutboxAttempt, error) {
	var e OutboxEntry
	if err := actor.Allow(OfficeRoles); err != nil {
		return e, nil, err
	}
	e, err := outboxEntry(ctx, a.Store.DB, id)
	if err != nil {
		return e, nil, err
	}
	attempts, err := outboxAttempts(ctx, a.Store.DB, id)
	return e, attempts, err
}

// ResendMail puts a sent, failed, cancelled or retrying mail back in the queue, due now, with its attempts
// counted afresh; its history stays. The recipient and the checks are resolved again when it is sent, so a
// mail cancelled for want of an address goes out once the address is there. A mail whose link could be sent
// only once (its token was wiped after sending) goes out with the page where a new link can be asked instead.
// For the office (ErrForbidden); ErrTransition for a mail still waiting to go out or one about the past.
func (a *App) ResendMail(ctx context.Context, actor Actor, id int64) error {
	if err := actor.Allow(OfficeRoles); err != nil {
		return err
	}
	staffID := actor.ID()
	return a.Store.tx(ctx, func(tx *sqlx.Tx) error {
		e, err := lockOutboxStatus(ctx, tx, id)
		if err != nil {
			return err
		}
		if !e.CanResend() {
			return ErrTransition
		}
		status := e.Status
		if err := requeueMail(ctx, tx, id, a.Now()); err != nil {
			return err
		}
		return a.Audit(ctx, tx, AuditEntry{StaffID: &staffID, Action: AuditMailResend,
			Detail: map[string]any{"outbox_id": id, "was": status}})
	})
}
