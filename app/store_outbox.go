package app

import (
	"context"
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"
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
// Calling it again with the same worker, now and outcomes after an error is safe: when the first call committed
// and only its answer was lost, the second finds its own attempts and changes nothing.
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
		again AS (
			SELECT a.outbox_id AS id FROM outbox_attempts a JOIN o ON o.id = a.outbox_id
			WHERE a.worker = $1 AND a.at = $2 AND a.ok = (o.status = 'sent')
			  AND a.error = CASE WHEN o.status = 'cancelled' THEN 'not sent: ' || o.error ELSE o.error END),
		attempts AS (
			INSERT INTO outbox_attempts (outbox_id, worker, ok, error, at)
			SELECT id, $1, status = 'sent', CASE WHEN status = 'cancelled' THEN 'not sent: ' || error ELSE error END, $2
			FROM o WHERE id NOT IN (SELECT id FROM again))
		SELECT id FROM done UNION SELECT id FROM again`,
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

// releaseSet hands a claimed mail back to the queue as if it had never been claimed.
const releaseSet = `UPDATE outbox SET status = CASE WHEN attempts > 1 THEN 'retrying' ELSE 'queued' END,
	attempts = greatest(attempts - 1, 0), claimed_at = NULL, claimed_by = NULL`

// ReleaseMail hands claimed mails that were not tried back to the queue, as if never claimed: a worker that
// stops leaves them to the next one at once instead of after the stall timeout.
func (s *Store) ReleaseMail(ctx context.Context, ids []int64, worker string) error {
	if len(ids) == 0 {
		return nil
	}
	_, err := s.DB.ExecContext(ctx, releaseSet+` WHERE id = ANY($1) AND status = 'sending' AND claimed_by = $2`,
		pq.Int64Array(ids), worker)
	if err != nil {
		return fmt.Errorf("store: unable to release mail: %w", err)
	}
	return nil
}

// ReleaseOrphans hands back to the queue every mail still claimed by worker except the mails in held, and
// returns how many. held must list every claim the worker still knows of (those it may send or is sending), and
// no claim of the worker may be on its way meanwhile: what its name holds beyond them was claimed by a call
// whose answer was lost, or could not be handed back while the database was away, and was never tried.
func (s *Store) ReleaseOrphans(ctx context.Context, worker string, held []int64) (int64, error) {
	if held == nil {
		held = []int64{} // a nil array is NULL to PostgreSQL, and NOT (id = ANY(NULL)) matches no row
	}
	res, err := s.DB.ExecContext(ctx, releaseSet+` WHERE status = 'sending' AND claimed_by = $1 AND NOT (id = ANY($2))`,
		worker, pq.Int64Array(held))
	if err != nil {
		return 0, fmt.Errorf("store: unable to release orphaned claims: %w", err)
	}
	return res.RowsAffected()
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

// mailRows reads claimed outbox rows ids with everything their mail refers to (person or staff member, request,
// registration, session, group, offering), in no particular order; rows that no longer exist are left out.
func mailRows(ctx context.Context, q sqlx.QueryerContext, ids []int64) ([]mailRow, error) {
	var rows []mailRow
	err := sqlx.SelectContext(ctx, q, &rows, `SELECT o.id, o.kind, o.attempts, o.max_attempts, o.params,
			o.secret_enc, l.lang, coalesce(o.person_id, 0) AS person_id, coalesce(o.staff_id, 0) AS staff_id,
			coalesce(o.registration_id, 0) AS registration_id,
			coalesce(o.waakvlam_request_id, 0) AS waakvlam_request_id,
			coalesce(p.kind, '') AS person_kind, p.display_name_enc, p.email_enc,
			coalesce(p.contact_email, false) AS contact_email, coalesce(p.ics_opt_in, false) AS ics_opt_in,
			p.anonymised_at IS NOT NULL AS anonymised,
			st.id IS NOT NULL AS staff_found, coalesce(st.email, '') AS staff_email,
			coalesce(st.name, '') AS staff_name, coalesce(st.active, false) AS staff_active,
			coalesce(w.organisation, '') AS organisation, coalesce(w.reference, '') AS reference,
			w.contact_name_enc, w.contact_email_enc,
			coalesce(r.status, '') AS registration_status, r.offer_expires_at,
			coalesce(g.id, 0) AS group_id,
			coalesce(nullif(g.name ->> l.lang, ''), g.name ->> 'nl', '') AS group_name,
			coalesce(g.place_name, '') AS group_place, coalesce(g.address, '') AS group_address,
			coalesce(g.place_private, false) AS place_private, coalesce(g.discreet, f.discreet, false) AS discreet,
			coalesce(nullif(f.name ->> l.lang, ''), f.name ->> 'nl', '') AS offering_name,
			coalesce(f.kind, '') AS offering_kind,
			coalesce(s.id, 0) AS session_id, s.starts_at, s.ends_at, coalesce(s.status, '') AS session_status,
			(SELECT max(gs.ends_at) FROM sessions gs WHERE gs.group_id = g.id AND gs.status = 'planned') AS group_ends_at,
			coalesce(greatest(extract(epoch FROM s.updated_at - s.created_at), 0)::int, 0) AS sequence,
			coalesce(nullif(s.topic ->> l.lang, ''), s.topic ->> 'nl', '') AS topic,
			coalesce(s.place_name, '') AS session_place, coalesce(s.address, '') AS session_address,
			EXISTS (SELECT 1 FROM attendance at WHERE at.session_id = o.session_id AND at.person_id = o.person_id
				AND at.status = 'excused') AS excused
		FROM outbox o
		LEFT JOIN people p ON p.id = o.person_id
		LEFT JOIN staff_users st ON st.id = o.staff_id
		CROSS JOIN LATERAL (SELECT CASE WHEN coalesce(p.language, st.language) = 'en' THEN 'en' ELSE 'nl' END AS lang) l
		LEFT JOIN waakvlam_requests w ON w.id = o.waakvlam_request_id
		LEFT JOIN registrations r ON r.id = o.registration_id
		LEFT JOIN sessions s ON s.id = o.session_id
		LEFT JOIN groups g ON g.id = coalesce(s.group_id, r.group_id, w.group_id)
		LEFT JOIN offerings f ON f.id = coalesce(g.offering_id, r.offering_id)
		WHERE o.id = ANY($1)`, pq.Int64Array(ids))
	if err != nil {
		return nil, fmt.Errorf("store: unable to load mail: %w", err)
	}
	return rows, nil
}

// reminderDueSQL is ReminderDue in SQL, for a session start and an offset in minutes given as SQL expressions
// (column names or parameters of the caller's own statement, never user input): whole days are Brussels calendar
// days, anything else plain minutes.
func reminderDueSQL(start, offset string) string {
	return `(CASE WHEN ` + offset + ` % 1440 = 0
		THEN ((` + start + `) AT TIME ZONE 'Europe/Brussels' - (` + offset + ` / 1440) * interval '1 day') AT TIME ZONE 'Europe/Brussels'
		ELSE (` + start + `) - ` + offset + ` * interval '1 minute' END)`
}

// reminderPlan inserts the reminders of admitted registrations for planned sessions of their group, for one
// registration ($1) or one session ($2), whose time ($3 is now) is still ahead.
var reminderPlan = `INSERT INTO outbox (dedupe_key, kind, due_at, offset_minutes, person_id, registration_id, session_id)
	SELECT 'reminder:' || r.id || ':' || s.id || ':' || m.off, 'reminder', ` + reminderDueSQL("s.starts_at", "m.off") + `,
		m.off, r.person_id, r.id, s.id
	FROM registrations r
	JOIN groups g ON g.id = r.group_id
	JOIN offerings f ON f.id = g.offering_id
	JOIN sessions s ON s.group_id = g.id
	CROSS JOIN LATERAL unnest(f.reminder_offsets) AS m(off)
	WHERE ($1::bigint IS NULL OR r.id = $1) AND ($2::bigint IS NULL OR s.id = $2)
	  AND r.status = 'admitted' AND r.role <> 'child' AND s.status = 'planned' AND g.status <> 'cancelled'
	  AND ` + reminderDueSQL("s.starts_at", "m.off") + ` > $3
	  AND NOT EXISTS (SELECT 1 FROM attendance at
	                  WHERE at.session_id = s.id AND at.person_id = r.person_id AND at.status = 'excused')
	ON CONFLICT (dedupe_key) DO UPDATE
	SET status = 'queued', due_at = EXCLUDED.due_at, attempts = 0, last_error = ''
	WHERE outbox.status = 'cancelled'`

// insertReminders queues the reminders of one registration (registrationID) or one session (sessionID) whose
// time is still ahead of now: see reminderPlan. The other id is nil.
func insertReminders(ctx context.Context, tx sqlx.ExecerContext, registrationID, sessionID *int64, now time.Time) error {
	if _, err := tx.ExecContext(ctx, reminderPlan, registrationID, sessionID, now); err != nil {
		return fmt.Errorf("store: unable to plan reminders: %w", err)
	}
	return nil
}

// cancelReminders cancels the waiting reminders of registration registrationID: all, or those of session
// sessionID when it is not nil.
func cancelReminders(ctx context.Context, tx sqlx.ExecerContext, registrationID int64, sessionID *int64) error {
	_, err := tx.ExecContext(ctx, `UPDATE outbox SET status = 'cancelled', secret_enc = NULL,
			last_error = 'no longer needed: the registration ended or the person excused themselves'
		WHERE kind = 'reminder' AND registration_id = $1 AND ($2::bigint IS NULL OR session_id = $2)
		  AND status IN ('queued', 'retrying')`, registrationID, sessionID)
	if err != nil {
		return fmt.Errorf("store: unable to drop reminders: %w", err)
	}
	return nil
}

// moveSessionReminders re-plans the reminders of a session that now starts at start.
func moveSessionReminders(ctx context.Context, tx *sqlx.Tx, sessionID int64, start, now time.Time) error {
	// Waiting reminders follow the session.
	due := reminderDueSQL("$2::timestamptz", "offset_minutes")
	if _, err := tx.ExecContext(ctx, `UPDATE outbox SET due_at = `+due+`
		WHERE session_id = $1 AND kind = 'reminder' AND status IN ('queued', 'retrying')`, sessionID, start); err != nil {
		return fmt.Errorf("store: unable to move reminders: %w", err)
	}
	// A reminder that went out for the old time goes out again when its new time is still ahead, to whoever
	// still has a seat in the session's group and has not excused themselves for it (a reminder once sent stays
	// "sent" when its person leaves, moves or excuses themselves).
	dueO := reminderDueSQL("$2::timestamptz", "o.offset_minutes")
	if _, err := tx.ExecContext(ctx, `UPDATE outbox o
		SET status = 'queued', due_at = `+dueO+`, attempts = 0, last_error = ''
		FROM registrations r, sessions s
		WHERE o.session_id = $1 AND o.kind = 'reminder' AND o.status = 'sent'
		  AND `+dueO+` > $3
		  AND r.id = o.registration_id AND s.id = o.session_id AND r.status = 'admitted' AND r.group_id = s.group_id
		  AND NOT EXISTS (SELECT 1 FROM attendance a WHERE a.session_id = s.id AND a.person_id = r.person_id
		                  AND a.status = 'excused')`, sessionID, start, now); err != nil {
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

// dropSessionMail cancels the reminders and change mails of a session that are still waiting, and forgets their
// secrets.
func dropSessionMail(ctx context.Context, tx *sqlx.Tx, sessionID int64) error {
	if _, err := tx.ExecContext(ctx, `UPDATE outbox SET status = 'cancelled', secret_enc = NULL,
			last_error = 'the session was cancelled'
		WHERE session_id = $1 AND kind IN ('reminder', 'session_changed') AND status IN ('queued', 'retrying')`,
		sessionID); err != nil {
		return fmt.Errorf("store: unable to drop the session's mail: %w", err)
	}
	return nil
}

// dropTakeAttendance cancels the "take attendance" mails of a session that are still waiting: attendance is
// being taken, so the request is moot.
func dropTakeAttendance(ctx context.Context, tx *sqlx.Tx, sessionID int64) error {
	if _, err := tx.ExecContext(ctx, `UPDATE outbox SET status = 'cancelled', last_error = 'attendance was taken'
		WHERE session_id = $1 AND kind = 'take_attendance' AND status IN ('queued', 'retrying')`, sessionID); err != nil {
		return fmt.Errorf("store: unable to drop the attendance mail: %w", err)
	}
	return nil
}

const outboxColumns = `id, kind, status, due_at, offset_minutes, person_id, staff_id, registration_id, session_id,

	waakvlam_request_id, attempts, max_attempts, claimed_by, sent_at, subject, message_id, last_error, created_at`

// insertOutbox writes a mail to the outbox with its params as JSON and its secret sealed; a mail whose dedupe key
// is taken is dropped. A mail with a notSent reason is written as cancelled with that reason.
func insertOutbox(ctx context.Context, e sqlx.ExecerContext, m Mail, params, sealedSecret []byte) error {
	status := OutboxQueued
	if m.notSent != "" {
		status = OutboxCancelled
	}
	_, err := e.ExecContext(ctx, `INSERT INTO outbox (dedupe_key, kind, due_at, offset_minutes, person_id, staff_id,
			registration_id, session_id, waakvlam_request_id, params, secret_enc, status, last_error)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
		ON CONFLICT (dedupe_key) DO NOTHING`,
		m.DedupeKey, m.Kind, m.DueAt, m.OffsetMinutes, m.PersonID, m.StaffID, m.RegistrationID, m.SessionID,
		m.WaakvlamID, params, sealedSecret, status, m.notSent)
	if err != nil {
		return fmt.Errorf("store: unable to queue mail: %w", err)
	}
	return nil
}

// cancelRegistrationReminders cancels the queued reminders of a registration with reason (reminders planned
// under recordOnly).
func cancelRegistrationReminders(ctx context.Context, e sqlx.ExecerContext, registrationID int64, reason string) error {
	_, err := e.ExecContext(ctx, `UPDATE outbox SET status = 'cancelled', last_error = $2
		WHERE registration_id = $1 AND kind = 'reminder' AND status = 'queued'`, registrationID, reason)
	if err != nil {
		return fmt.Errorf("store: unable to hold reminders: %w", err)
	}
	return nil
}

// outboxEntries lists up to limit mails, newest first, with this status and kind ("" for any) and an id below
// beforeID (0 for any).
func outboxEntries(ctx context.Context, q sqlx.QueryerContext, status, kind string, beforeID int64, limit int) ([]OutboxEntry, error) {
	var out []OutboxEntry
	err := sqlx.SelectContext(ctx, q, &out, `SELECT `+outboxColumns+` FROM outbox
		WHERE ($1::text = '' OR status = $1) AND ($2::text = '' OR kind = $2) AND ($3::bigint = 0 OR id < $3)
		ORDER BY id DESC LIMIT $4`, status, kind, beforeID, limit)
	if err != nil {
		return nil, fmt.Errorf("store: unable to list the outbox: %w", err)
	}
	return out, nil
}

// outboxCounts returns the number of mails in each status.
func outboxCounts(ctx context.Context, q sqlx.QueryerContext) (map[string]int, error) {
	var counts []struct {
		Status string `db:"status"`
		N      int    `db:"n"`
	}
	if err := sqlx.SelectContext(ctx, q, &counts, `SELECT status, count(*) AS n FROM outbox GROUP BY status`); err != nil {
		return nil, fmt.Errorf("store: unable to count the outbox: %w", err)
	}
	out := map[string]int{}
	for _, c := range counts {
		out[c.Status] = c.N
	}
	return out, nil
}

// outboxEntry returns one mail, or ErrNotFound.
func outboxEntry(ctx context.Context, q sqlx.QueryerContext, id int64) (OutboxEntry, error) {
	var e OutboxEntry
	if err := sqlx.GetContext(ctx, q, &e, `SELECT `+outboxColumns+` FROM outbox WHERE id = $1`, id); err != nil {
		return e, notFoundOr(err, "store: unable to fetch mail")
	}
	return e, nil
}

// outboxAttempts lists every attempt to send a mail, oldest first.
func outboxAttempts(ctx context.Context, q sqlx.QueryerContext, id int64) ([]OutboxAttempt, error) {
	var out []OutboxAttempt
	if err := sqlx.SelectContext(ctx, q, &out, `SELECT id, worker, ok, error, at FROM outbox_attempts
		WHERE outbox_id = $1 ORDER BY at, id`, id); err != nil {
		return nil, fmt.Errorf("store: unable to list attempts: %w", err)
	}
	return out, nil
}

// lockOutboxStatus returns a mail's status and last error (its Status and LastError, the rest left empty) and
// locks it for the transaction, or ErrNotFound.
func lockOutboxStatus(ctx context.Context, tx *sqlx.Tx, id int64) (OutboxEntry, error) {
	var e OutboxEntry
	if err := tx.GetContext(ctx, &e, `SELECT status, last_error FROM outbox WHERE id = $1 FOR UPDATE`, id); err != nil {
		return e, notFoundOr(err, "store: unable to lock mail")
	}
	return e, nil
}

// requeueMail puts a mail back in the queue, due at now, with its attempts counted afresh.
func requeueMail(ctx context.Context, e sqlx.ExecerContext, id int64, now time.Time) error {
	if _, err := e.ExecContext(ctx, `UPDATE outbox SET status = 'queued', due_at = $2, attempts = 0,
			claimed_at = NULL, claimed_by = NULL, last_error = ''
		WHERE id = $1`, id, now); err != nil {
		return fmt.Errorf("store: unable to queue mail again: %w", err)
	}
	return nil
}
