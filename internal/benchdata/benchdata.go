// Package benchdata fills a database with years of attendance for the benchmarks of the yearly figures.
package benchdata

import (
	"context"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
)

// AttendanceYear adds a year of work the size of a large organisation's decade: 100 groups of four offerings
// (intervision, peer groups, Rotonde, Blaffen of Schuilen), 50 weekly sessions each, 20,000 people (every
// fifth a child) of four municipalities, 200 per group, each marked at every session of their group: 1,000,000
// attendance rows. The seeded offer must be there. It inserts in bulk, through the same triggers as the portal's
// own writes, so the tallies the figures read are kept as in production.
func AttendanceYear(tb testing.TB, pool *sqlx.DB, year int) {
	tb.Helper()
	// One transaction without the portal's statement time limit, and a deadline of its own (the connection bounds
	// every call by its context's deadline): a million rows through the triggers take longer than any page may.
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	tx, err := pool.BeginTxx(ctx, nil)
	if err != nil {
		tb.Fatal(err)
	}
	db := execer{ctx: ctx, tb: tb, tx: tx}
	db.MustExec(`SET LOCAL statement_timeout = 0`)
	db.MustExec(`
		WITH g AS (
			INSERT INTO groups (offering_id, slug, name, municipality, capacity, child_capacity)
			SELECT o.id, 'bench-' || $1::text || '-' || n, jsonb_build_object('nl', 'Groep ' || n), 'Mechelen', 500, 500
			FROM generate_series(1, 100) n
			JOIN offerings o ON o.slug = (ARRAY['intervisie', 'lotgenotengroepen', 'rotonde', 'blaffen-of-schuilen'])[1 + n % 4]
			RETURNING id, offering_id),
		s AS (
			INSERT INTO sessions (group_id, starts_at, ends_at)
			SELECT g.id, make_timestamptz($1::int, 1, 1, 19, 0, 0, 'Europe/Brussels') + (k * interval '7 days'),
			       make_timestamptz($1::int, 1, 1, 21, 0, 0, 'Europe/Brussels') + (k * interval '7 days')
			FROM g, generate_series(0, 49) k
			RETURNING id, group_id)
		SELECT count(*) FROM s`, year)
	db.MustExec(`
		WITH p AS (
			INSERT INTO people (kind, municipality, sector)
			SELECT CASE WHEN n % 5 = 0 THEN 'child' ELSE 'participant' END,
			       (ARRAY['Mechelen', 'Lier', 'Bornem', 'Duffel'])[1 + n % 4], 'other'
			FROM generate_series(1, 20000) n RETURNING id),
		numbered AS (SELECT id, row_number() OVER (ORDER BY id) - 1 AS i FROM p),
		groups_of_year AS (SELECT id, offering_id, row_number() OVER (ORDER BY id) - 1 AS j FROM groups WHERE slug LIKE 'bench-' || $1::text || '-%')
		INSERT INTO registrations (person_id, offering_id, group_id, role, status, referrer, created_at)
		SELECT n.id, g.offering_id, g.id, CASE WHEN n.i % 5 = 0 THEN 'child' ELSE 'participant' END, 'admitted', 'self',
		       make_timestamptz($1::int, 2, 1, 12, 0, 0, 'Europe/Brussels')
		FROM numbered n JOIN groups_of_year g ON g.j = n.i % 100`, year)
	db.MustExec(`
		INSERT INTO attendance (session_id, person_id, registration_id, status)
		SELECT s.id, r.person_id, r.id, (ARRAY['present', 'present', 'present', 'late', 'excused', 'absent'])[1 + (r.id + s.id) % 6]
		FROM groups g JOIN sessions s ON s.group_id = g.id JOIN registrations r ON r.group_id = g.id
		WHERE g.slug LIKE 'bench-' || $1::text || '-%'`, year)
	if err := tx.Commit(); err != nil {
		tb.Fatal(err)
	}
}

// execer runs the statements of AttendanceYear in its transaction, under its deadline.
type execer struct {
	ctx context.Context
	tb  testing.TB
	tx  *sqlx.Tx
}

// MustExec runs query with args, failing the benchmark on an error.
func (e execer) MustExec(query string, args ...any) {
	e.tb.Helper()
	if _, err := e.tx.ExecContext(e.ctx, query, args...); err != nil {
		e.tb.Fatal(err)
	}
}
