package app

import (
	"context"
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/lib/pq"
)

// Outbox statuses. A mail is queued, taken by a worker (sending), then sent; a failed attempt makes it retrying
// until it has used its attempts (failed). A mail that must not go out any more (the session was cancelled, the
// person may not be mailed) is cancelled.
const (
	OutboxQueued    = "queued"
	OutboxSending   = "sending"
	OutboxSent      = "sent"
	OutboxRetrying  = "retrying"
	OutboxFailed    = "failed"
	OutboxCancelled = "cancelled"
)

// OutboxStatuses lists the statuses in the order staff pages show them.
var OutboxStatuses = []string{OutboxQueued, OutboxSending, OutboxRetrying, OutboxSent, OutboxFailed, OutboxCancelled}

// Retry timing: the first retry waits a minute, each next one twice as long, never more than six hours. With the
// default eight attempts a mail keeps trying for about two hours before it is marked failed.
const (
	retryFirst = time.Minute
	retryMax   = 6 * time.Hour
)

// RetryDelay is how long to wait after the given number of failed attempts (1 for the first failure).
func RetryDelay(attempts int) time.Duration {
	d := retryFirst
	for i := 1; i < attempts && d < retryMax; i++ {
		d *= 2
	}
	return min(d, retryMax)
}

// ClaimMail takes up to limit mails that are due at now for worker: queued or retrying mails whose time has
// come, and mails stuck in sending longer than stall (their worker died). Each claim counts as an attempt, so a
// mail that keeps killing its worker ends as failed instead of looping. FOR UPDATE SKIP LOCKED lets several
// processes claim at once without ever taking the same mail.
func (s *Store) ClaimMail(ctx context.Context, worker string, limit int, now time.Time, stall time.Duration) ([]int64, error) {
	stalledBefore := now.Add(-stall)
	// A stalled mail without attempts left fails here; the others are claimed again below.
	if _, err := s.DB.ExecContext(ctx, `WITH dead AS (
			UPDATE outbox SET status = 'failed', secret_enc = NULL, claimed_at = NULL, claimed_by = NULL,
				last_error = 'the worker sending it stopped answering, and no attempts are left'
			WHERE status = 'sending' AND claimed_at < $1 AND attempts >= max_attempts
			RETURNING id, claimed_by)
		INSERT INTO outbox_attempts (outbox_id, worker, ok, error, at)
		SELECT id, coalesce(claimed_by, ''), false, 'stalled: the worker stopped answering', $2 FROM dead`,
		stalledBefore, now); err != nil {
		return nil, fmt.Errorf("store: unable to fail stalled mail: %w", err)
	}
	var ids []int64
	err := s.DB.SelectContext(ctx, &ids, `WITH picked AS (
			SELECT id, status AS old_status, claimed_by AS old_worker FROM outbox
			WHERE (status IN ('queued', 'retrying') AND due_at <= $1)
			   OR (status = 'sending' AND claimed_at < $2 AND attempts < max_attempts)
			ORDER BY due_at, id
			LIMIT $3
			FOR UPDATE SKIP LOCKED),
		claimed AS (
			UPDATE outbox o SET status = 'sending', claimed_at = $1, claimed_by = $4, attempts = o.attempts + 1
			FROM picked p WHERE o.id = p.id
			RETURNING o.id, o.due_at, p.old_status, p.old_worker),
		stalled AS (
			INSERT INTO outbox_attempts (outbox_id, worker, ok, error, at)
			SELECT id, coalesce(old_worker, ''), false, 'stalled: the worker stopped answering', $1
			FROM claimed WHERE old_status = 'sending')
		SELECT id FROM claimed ORDER BY due_at, id`, now, stalledBefore, limit, worker)
	if err != nil {
		return nil, fmt.Errorf("store: unable to claim mail: %w", err)
	}
	return ids, nil
}

// MailOutcome is what became of one claimed mail.
type MailOutcome struct {
	ID     int64
	Status string // OutboxSent, OutboxRetrying (with RetryAt), OutboxFailed or OutboxCancelled
	// RetryAt is when a retrying mail is due again.
	RetryAt time.Time
	// Error says why the mail failed or was cancelled; staff see it.
	Error string
	// Subject and MessageID of a sent mail.
	Subject, MessageID string
}

// RecordMail writes the outcomes of claimed mails in one statement: each row gets its new status (a sent,
// failed or cancelled mail loses its secret) and each attempt is recorded. The worker sends while the previous
// outcomes are written, so the database and the SMTP server work at the same time. It returns the ids that were
// no longer this worker's (they stalled and another worker took them): their attempt is recorded all the same.
func (s *Store) RecordMail(ctx context.Context, worker string, now time.Time, outcomes []MailOutcome) ([]int64, error) {
	if len(outcomes) == 0 {
		return nil, nil
	}
	n := len(outcomes)
	ids, statuses, retry := make([]int64, n), make([]string, n), make([]string, n)
	errs, subjects, messageIDs := make([]string, n), make([]string, n), make([]string, n)
	for i, o := range outcomes {
		ids[i], statuses[i], errs[i] = o.ID, o.Status, cutBytes(o.Error, 1000)
		subjects[i], messageIDs[i] = o.Subject, o.MessageID
		if o.Status == OutboxRetrying {
			retry[i] = o.RetryAt.Format(time.RFC3339Nano)
		}
	}
	var mine []int64
	err := s.DB.SelectContext(ctx, &mine, `WITH o AS (
			SELECT * FROM unnest($3::bigint[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[])
				AS o(id, status, retry_at, error, subject, message_id)),
		done AS (
			UPDATE outbox SET status = o.status,
				due_at = coalesce(nullif(o.retry_at, '')::timestamptz, outbox.due_at),
				sent_at = CASE WHEN o.status = 'sent' THEN $2 ELSE outbox.sent_at END,
				subject = CASE WHEN o.status = 'sent' THEN o.subject ELSE outbox.subject END,
				message_id = CASE WHEN o.status = 'sent' THEN o.message_id ELSE outbox.message_id END,
				last_error = o.error,
				secret_enc = CASE WHEN o.status = 'retrying' THEN outbox.secret_enc END,
				claimed_at = NULL, claimed_by = NULL
			FROM o WHERE outbox.id = o.id AND outbox.status = 'sending' AND outbox.claimed_by = $1
			RETURNING outbox.id),
		attempts AS (
			INSERT INTO outbox_attempts (outbox_id, worker, ok, error, at)
			SELECT id, $1, status = 'sent', CASE WHEN status = 'cancelled' THEN 'not sent: ' || error ELSE error END, $2
			FROM o)
		SELECT id FROM done`,
		worker, now, pq.Int64Array(ids), pq.StringArray(statuses), pq.StringArray(retry), pq.StringArray(errs),
		pq.StringArray(subjects), pq.StringArray(messageIDs))
	if err != nil {
		return nil, fmt.Errorf("store: unable to record mail: %w", err)
	}
	var lost []int64
	if len(mine) < n {
		done := make(map[int64]bool, len(mine))
		for _, id := range mine {
			done[id] = true
		}
		for _, id := range ids {
			if !done[id] {
				lost = append(lost, id)
			}
		}
	}
	return lost, nil
}

// ReleaseMail hands claimed mails that were not tried back to the queue, as if never claimed: a worker that
// stops leaves them to the next one at once instead of after the stall timeout.
func (s *Store) ReleaseMail(ctx context.Context, ids []int64, worker string) error {
	if len(ids) == 0 {
		return nil
	}
	_, err := s.DB.ExecContext(ctx, `UPDATE outbox SET status = CASE WHEN attempts > 1 THEN 'retrying' ELSE 'queued' END,
			attempts = greatest(attempts - 1, 0), claimed_at = NULL, claimed_by = NULL
		WHERE id = ANY($1) AND status = 'sending' AND claimed_by = $2`, pq.Int64Array(ids), worker)
	if err != nil {
		return fmt.Errorf("store: unable to release mail: %w", err)
	}
	return nil
}

// cutBytes cuts s to at most n bytes, at a rune boundary.
func cutBytes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
