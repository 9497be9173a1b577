package app

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

// retentionDue is when one person's data falls due for anonymisation: DueAt is the latest end of their
// registrations plus that offering's retention period; OfferingID is the offering of the registration that sets
// that date. WaitsFor is the latest year, among the years their registrations ended in, that is not closed yet
// (nil when all are closed): the purge waits for it, so that year's figures can still be frozen.
type retentionDue struct {
	PersonID   int64     `db:"person_id"`
	OfferingID int64     `db:"offering_id"`
	DueAt      time.Time `db:"due_at"`
	WaitsFor   *int      `db:"waits_for"`
}

// dueBy reports whether a run at now anonymises this person.
func (d retentionDue) dueBy(now time.Time) bool { return d.WaitsFor == nil && !d.DueAt.After(now) }

// retentionSchedule is the one rule of who is anonymised when: every person not anonymised yet whose every
// registration has ended (its group's last session, or, without sessions, the day a closed registration was
// last changed), with the date their data falls due and the year they wait for. The purge anonymises the rows
// with dueBy(now); the retention page counts the same rows. A registration that has not ended (no sessions and
// still open) keeps its person out: their date is not known yet. With person set, only that person's row.
func retentionSchedule(ctx context.Context, q sqlx.QueryerContext, person *int64) ([]retentionDue, error) {
	var out []retentionDue
	// Each group's end is read once (group_end), for the groups of the registrations asked: as a subquery per
	// registration it was planned once per use of the column, seven index scans per registration.
	err := sqlx.SelectContext(ctx, q, &out, `
		WITH regs AS (
			SELECT r.person_id, r.offering_id, r.group_id, r.status, r.updated_at, o.retention_days
			FROM registrations r
			JOIN offerings o ON o.id = r.offering_id
			JOIN people p ON p.id = r.person_id AND p.anonymised_at IS NULL
			WHERE $1::bigint IS NULL OR r.person_id = $1
		), group_end AS (
			SELECT s.group_id, max(s.ends_at) AS ended_at FROM sessions s
			WHERE s.group_id IN (SELECT group_id FROM regs) GROUP BY s.group_id
		), due AS (
			SELECT r.person_id, r.offering_id, e.ended_at,
			       e.ended_at + make_interval(days => r.retention_days) AS due_at,
			       CASE WHEN e.ended_at IS NOT NULL AND NOT EXISTS (SELECT 1 FROM years_closed y
			                 WHERE y.year = figures_year(e.ended_at)) THEN figures_year(e.ended_at) END AS open_year
			FROM regs r
			LEFT JOIN group_end g ON g.group_id = r.group_id
			CROSS JOIN LATERAL (SELECT COALESCE(g.ended_at,
			       CASE WHEN r.status IN ('declined', 'withdrawn', 'completed') THEN r.updated_at END) AS ended_at) e
		)
		SELECT person_id,
		       (array_agg(offering_id ORDER BY due_at DESC, offering_id))[1] AS offering_id,
		       max(due_at) AS due_at,
		       max(open_year) AS waits_for
		FROM due
		GROUP BY person_id
		HAVING bool_and(ended_at IS NOT NULL)
		ORDER BY person_id`, person)
	if err != nil {
		return nil, fmt.Errorf("store: unable to read the retention schedule: %w", err)
	}
	return out, nil
}

// lockRetention takes the retention lock for the transaction: shared by each person a purge anonymises, exclusive
// for reopening a year. So a year cannot be reopened while one of its people is being anonymised, and a person
// checked as due inside the shared lock stays due until their transaction ends.
func lockRetention(ctx context.Context, tx *sqlx.Tx, exclusive bool) error {
	lock := `SELECT pg_advisory_xact_lock_shared(hashtext('retention'))`
	if exclusive {
		lock = `SELECT pg_advisory_xact_lock(hashtext('retention'))`
	}
	if _, err := tx.ExecContext(ctx, lock); err != nil {
		return fmt.Errorf("store: unable to take the retention lock: %w", err)
	}
	return nil
}

// waakvlamContactDue is the rule for a Waakvlam request's contact person: wiped when the training (or, without
// one, the request's last change) is longer ago than the Waakvlam offering's retention period. Used by the purge
// and by the retention page's count, with $1 the moment of the run.
const waakvlamContactDue = `o.slug = 'waakvlam' AND w.contact_email_enc IS NOT NULL
	AND COALESCE((SELECT max(s.ends_at) FROM sessions s WHERE s.group_id = w.group_id), w.updated_at)
	    + make_interval(days => o.retention_days) < $1`

// waakvlamContactsDue counts the contact persons a run at now would wipe.
func waakvlamContactsDue(ctx context.Context, q sqlx.QueryerContext, now time.Time) (int, error) {
	var n int
	if err := sqlx.GetContext(ctx, q, &n, `SELECT count(*) FROM waakvlam_requests w, offerings o
		WHERE `+waakvlamContactDue, now); err != nil {
		return 0, fmt.Errorf("store: unable to count Waakvlam contacts due: %w", err)
	}
	return n, nil
}

// RetentionRun is one run of the retention purge: when, who started it (nil: the daily job), and how many
// people it anonymised and Waakvlam contact persons it wiped.
type RetentionRun struct {
	ID         int64     `db:"id"`
	StartedAt  time.Time `db:"started_at"`
	FinishedAt time.Time `db:"finished_at"`
	StaffID    *int64    `db:"staff_id"`
	// StaffName is the name (or e-mail address) of who started it; nil for the daily job.
	StaffName *string `db:"staff_name"`
	People    int     `db:"people"`
	Waakvlam  int     `db:"waakvlam"`
}

// insertRetentionRun records a run and returns its id.
func insertRetentionRun(ctx context.Context, tx *sqlx.Tx, r RetentionRun) (int64, error) {
	var id int64
	err := tx.GetContext(ctx, &id, `INSERT INTO retention_runs (started_at, finished_at, staff_id, people, waakvlam)
		VALUES ($1, $2, $3, $4, $5) RETURNING id`, r.StartedAt, r.FinishedAt, r.StaffID, r.People, r.Waakvlam)
	if err != nil {
		return 0, fmt.Errorf("store: unable to record the retention run: %w", err)
	}
	return id, nil
}

// lastRetentionRuns returns the newest runs first, at most limit.
func lastRetentionRuns(ctx context.Context, q sqlx.QueryerContext, limit int) ([]RetentionRun, error) {
	var out []RetentionRun
	err := sqlx.SelectContext(ctx, q, &out, `SELECT r.id, r.started_at, r.finished_at, r.staff_id,
			NULLIF(COALESCE(NULLIF(su.name, ''), su.email), '') AS staff_name, r.people, r.waakvlam
		FROM retention_runs r LEFT JOIN staff_users su ON su.id = r.staff_id
		ORDER BY r.started_at DESC, r.id DESC LIMIT $1`, limit)
	if err != nil {
		return nil, fmt.Errorf("store: unable to list retention runs: %w", err)
	}
	return out, nil
}

// laterClosedYear returns the first closed year after year, or 0.
func laterClosedYear(ctx context.Context, q sqlx.QueryerContext, year int) (int, error) {
	var later int
	if err := sqlx.GetContext(ctx, q, &later, `SELECT COALESCE(min(year), 0) FROM years_closed WHERE year > $1`,
		year); err != nil {
		return 0, fmt.Errorf("store: unable to find later closed years: %w", err)
	}
	return later, nil
}

// anonymisedSinceClosing counts the people of a year — a place in one of its groups (a session that year), a
// request dated that year, an attendance or an onward referral that year — anonymised after the year was closed at
// closedAt: their data no longer stands behind the frozen figures, so recomputing them would give other numbers.
func anonymisedSinceClosing(ctx context.Context, q sqlx.QueryerContext, year int, closedAt time.Time) (int, error) {
	from, to := yearRange(year)
	var n int
	err := sqlx.GetContext(ctx, q, &n, `SELECT count(*) FROM people p
		WHERE p.anonymised_at IS NOT NULL AND p.anonymised_at >= $3 AND (
			EXISTS (SELECT 1 FROM registrations r JOIN sessions s ON s.group_id = r.group_id
			        WHERE r.person_id = p.id AND s.starts_at >= $1 AND s.starts_at < $2)
			OR EXISTS (SELECT 1 FROM registrations r WHERE r.person_id = p.id
			           AND r.requested_on >= make_date($4, 1, 1) AND r.requested_on < make_date($4 + 1, 1, 1))
			OR EXISTS (SELECT 1 FROM attendance a JOIN sessions s ON s.id = a.session_id
			           WHERE a.person_id = p.id AND s.starts_at >= $1 AND s.starts_at < $2)
			OR EXISTS (SELECT 1 FROM onward_referrals f WHERE f.person_id = p.id
			           AND f.referred_on >= make_date($4, 1, 1) AND f.referred_on < make_date($4 + 1, 1, 1)))`,
		from, to, closedAt, year)
	if err != nil {
		return 0, fmt.Errorf("store: unable to count people anonymised since closing: %w", err)
	}
	return n, nil
}

// deleteYearClosed reopens a year: its closing and its frozen figures go.
func deleteYearClosed(ctx context.Context, tx *sqlx.Tx, year int) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM years_closed WHERE year = $1`, year); err != nil {
		return fmt.Errorf("store: unable to reopen year: %w", err)
	}
	return nil
}

// closedYearsOfSession returns a session's group and, when the year the session is in is closed, that year.
func closedYearsOfSession(ctx context.Context, q sqlx.QueryerContext, sessionID int64) (groupID int64, years []int, err error) {
	var row struct {
		GroupID int64 `db:"group_id"`
		Closed  *int  `db:"closed"`
	}
	err = sqlx.GetContext(ctx, q, &row, `SELECT s.group_id, c.year AS closed FROM sessions s
		LEFT JOIN years_closed c ON c.year = figures_year(s.starts_at) WHERE s.id = $1`, sessionID)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil, ErrNotFound
	}
	if err != nil {
		return 0, nil, fmt.Errorf("store: unable to read the year of a session: %w", err)
	}
	if row.Closed != nil {
		years = []int{*row.Closed}
	}
	return row.GroupID, years, nil
}

// closedYearsOfRegistration returns a registration's group (nil without one) and the closed years it counts in:
// the years of its group's sessions and the year of its request date, oldest first.
func closedYearsOfRegistration(ctx context.Context, q sqlx.QueryerContext, regID int64) (groupID *int64, years []int, err error) {
	if err := sqlx.GetContext(ctx, q, &groupID, `SELECT group_id FROM registrations WHERE id = $1`, regID); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, nil, ErrNotFound
		}
		return nil, nil, fmt.Errorf("store: unable to read a registration's group: %w", err)
	}
	err = sqlx.SelectContext(ctx, q, &years, `SELECT c.year FROM years_closed c WHERE c.year IN (
			SELECT figures_year(s.starts_at) FROM registrations r JOIN sessions s ON s.group_id = r.group_id WHERE r.id = $1
			UNION SELECT extract(year FROM r.requested_on)::int FROM registrations r WHERE r.id = $1)
		ORDER BY c.year`, regID)
	if err != nil {
		return nil, nil, fmt.Errorf("store: unable to read a registration's closed years: %w", err)
	}
	return groupID, years, nil
}
