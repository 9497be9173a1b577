package app_test

import (
	"testing"
	"time"

	"portal/app"
	"portal/app/locale"
	"portal/internal/benchdata"
	"portal/internal/testenv"
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
		benchdata.AttendanceYear(b, a.Store.DB, year)
	}
	a.Store.DB.MustExec(`ANALYZE`)
	var rows int
	testenv.MustGet(b, a.Store.DB, &rows, `SELECT count(*) FROM attendance a JOIN sessions s ON s.id = a.session_id
		WHERE s.starts_at >= '2025-01-01' AND s.starts_at < '2026-01-01'`)
	b.Logf("setup: %d attendance rows in 2025 (of %d) in %s", rows, rows*2, time.Since(start).Round(time.Second))
	a.Now = func() time.Time { return time.Date(2026, 1, 15, 9, 0, 0, 0, locale.Brussels) }
	// The figures read no staff row: an office actor is enough to pass the contract's check.
	office := app.Actor{Staff: app.Staff{ID: 1, Role: app.RoleCoordinator, Active: true}}
	b.ResetTimer()
	for b.Loop() {
		f, err := a.FiguresOf(ctx, office, 2025)
		if err != nil {
			b.Fatal(err)
		}
		if f.Offering("intervisie").Participants == 0 {
			b.Fatal("no figures")
		}
	}
}
