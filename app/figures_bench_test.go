package app_test

import (
	"testing"
	"time"

	"portal/app/locale"
)

// BenchmarkFiguresOnAMillionAttendances computes a year's figures with 1,000,000 attendance rows in that year
// (100 groups × 50 sessions × 200 people), plus a year before it of the same size. Run it with
// make bench-figures (or go test ./app -run '^$' -bench Figures -benchtime 10x).
func BenchmarkFiguresOnAMillionAttendances(b *testing.B) {
	a := newAppB(b)
	ctx := b.Context()
	if err := a.Seed(ctx); err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	for _, year := range []int{2024, 2025} {
		a.Store.DB.MustExec(`
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
		a.Store.DB.MustExec(`
		WITH p AS (
			INSERT INTO people (kind, display_name, municipality, sector)
			SELECT CASE WHEN n % 5 = 0 THEN 'child' ELSE 'participant' END, 'P' || n,
			       (ARRAY['Mechelen', 'Lier', 'Bornem', 'Duffel'])[1 + n % 4], 'other'
			FROM generate_series(1, 20000) n RETURNING id),
		numbered AS (SELECT id, row_number() OVER (ORDER BY id) - 1 AS i FROM p),
		groups_of_year AS (SELECT id, offering_id, row_number() OVER (ORDER BY id) - 1 AS j FROM groups WHERE slug LIKE 'bench-' || $1::text || '-%')
		INSERT INTO registrations (person_id, offering_id, group_id, role, status, referrer, created_at)
		SELECT n.id, g.offering_id, g.id, CASE WHEN n.i % 5 = 0 THEN 'child' ELSE 'participant' END, 'admitted', 'self',
		       make_timestamptz($1::int, 2, 1, 12, 0, 0, 'Europe/Brussels')
		FROM numbered n JOIN groups_of_year g ON g.j = n.i % 100`, year)
		a.Store.DB.MustExec(`
		INSERT INTO attendance (session_id, person_id, registration_id, status)
		SELECT s.id, r.person_id, r.id, (ARRAY['present', 'present', 'present', 'late', 'excused', 'absent'])[1 + (r.id + s.id) % 6]
		FROM groups g JOIN sessions s ON s.group_id = g.id JOIN registrations r ON r.group_id = g.id
		WHERE g.slug LIKE 'bench-' || $1::text || '-%'`, year)
	}
	a.Store.DB.MustExec(`ANALYZE`)
	var rows int
	a.Store.DB.Get(&rows, `SELECT count(*) FROM attendance a JOIN sessions s ON s.id = a.session_id
		WHERE s.starts_at >= '2025-01-01' AND s.starts_at < '2026-01-01'`)
	b.Logf("setup: %d attendance rows in 2025 (of %d) in %s", rows, rows*2, time.Since(start).Round(time.Second))
	a.Now = func() time.Time { return time.Date(2026, 1, 15, 9, 0, 0, 0, locale.Brussels) }
	b.ResetTimer()
	for b.Loop() {
		f, err := a.FiguresOf(ctx, 2025)
		if err != nil {
			b.Fatal(err)
		}
		if f.Offering("intervisie").Participants == 0 {
			b.Fatal("no figures")
		}
	}
}
