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

// MarkMailSent records a delivered mail and wipes its secret. It reports false when the mail was no longer this
// worker's (it stalled and another worker took it): the attempt is recorded all the same.
func (s *Store) MarkMailSent(ctx context.Context, id int64, worker string, now time.Time, subject, messageID string) (bool, error) {
	var n int
	err := s.DB.GetContext(ctx, &n, `WITH done AS (
			UPDATE outbox SET status = 'sent', sent_at = $3, subject = $4, message_id = $5, secret_enc = NULL,
				last_error = '', claimed_at = NULL, claimed_by = NULL
			WHERE id = $1 AND status = 'sending' AND claimed_by = $2
			RETURNING id),
		attempt AS (
			INSERT INTO outbox_attempts (outbox_id, worker, ok, at) VALUES ($1, $2, true, $3))
		SELECT count(*) FROM done`, id, worker, now, subject, messageID)
	if err != nil {
		return false, fmt.Errorf("store: unable to mark mail sent: %w", err)
	}
	return n == 1, nil
}

// MarkMailFailed records a failed attempt. With retryAt set the mail waits until then (retrying); without it the
// mail has failed for good and its secret is wiped.
func (s *Store) MarkMailFailed(ctx context.Context, id int64, worker string, now time.Time, retryAt *time.Time, reason string) error {
	status := OutboxFailed
	if retryAt != nil {
		status = OutboxRetrying
	}
	_, err := s.DB.ExecContext(ctx, `WITH done AS (
			UPDATE outbox SET status = $4, due_at = coalesce($5, due_at), last_error = $6,
				secret_enc = CASE WHEN $4 = 'failed' THEN NULL ELSE secret_enc END,
				claimed_at = NULL, claimed_by = NULL
			WHERE id = $1 AND status = 'sending' AND claimed_by = $2)
		INSERT INTO outbox_attempts (outbox_id, worker, ok, error, at) VALUES ($1, $2, false, $6, $3)`,
		id, worker, now, status, retryAt, cutBytes(reason, 1000))
	if err != nil {
		return fmt.Errorf("store: unable to record failed mail: %w", err)
	}
	return nil
}

// MarkMailCancelled drops a claimed mail that must not be sent (no address, no consent, the session is off),
// with the reason for staff.
func (s *Store) MarkMailCancelled(ctx context.Context, id int64, worker string, now time.Time, reason string) error {
	_, err := s.DB.ExecContext(ctx, `WITH done AS (
			UPDATE outbox SET status = 'cancelled', last_error = $4, secret_enc = NULL, claimed_at = NULL, claimed_by = NULL
			WHERE id = $1 AND status = 'sending' AND claimed_by = $2)
		INSERT INTO outbox_attempts (outbox_id, worker, ok, error, at) VALUES ($1, $2, false, 'not sent: ' || $4::text, $3)`,
		id, worker, now, cutBytes(reason, 1000))
	if err != nil {
		return fmt.Errorf("store: unable to cancel mail: %w", err)
	}
	return nil
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
