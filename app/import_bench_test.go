package app_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"portal/app"
	"portal/app/locale"
	"portal/internal/testenv"
)

// BenchmarkImport imports a past group's list of 60 people (the most a list may hold) with their marks at 12 sessions (720 marks) into
// a new group each time: the whole import in its one transaction, through admission and the roll call.
func BenchmarkImport(b *testing.B) {
	a := newAppB(b)
	if err := a.Seed(b.Context()); err != nil {
		b.Fatal(err)
	}
	now := time.Date(2026, 11, 28, 10, 0, 0, 0, locale.Brussels)
	a.Now = func() time.Time { return now }
	var staffID int64
	testenv.MustGet(b, a.Store.DB, &staffID, `INSERT INTO staff_users (email, name, role) VALUES ('c@example.be', 'C', 'coordinator') RETURNING id`)
	staff := app.Actor{Staff: app.Staff{ID: staffID, Role: app.RoleCoordinator, Active: true}}
	first := time.Date(2025, 1, 7, 19, 0, 0, 0, locale.Brussels)
	header := []string{"Naam", "Rol"}
	for i := range 12 {
		header = append(header, locale.ShortDate("nl", first.AddDate(0, 0, 14*i)))
	}
	lines := []string{strings.Join(header, ";")}
	marks := []string{"aanwezig", "te laat", "verontschuldigd", "afwezig", "aanwezig"}
	for p := range 60 {
		row := []string{fmt.Sprintf("Persoon %d", p), "deelnemer"}
		for s := range 12 {
			row = append(row, marks[(p+s)%len(marks)])
		}
		lines = append(lines, strings.Join(row, ";"))
	}
	file := []byte(strings.Join(lines, "\n"))
	n := 0
	for b.Loop() {
		b.StopTimer()
		n++
		var g int64
		testenv.MustGet(b, a.Store.DB, &g, `INSERT INTO groups (offering_id, slug, name, municipality, capacity, child_capacity)
			SELECT id, $1, '{"nl":"Groep"}', 'Mechelen', 12, 0 FROM offerings WHERE slug = 'rotonde' RETURNING id`, fmt.Sprintf("bench-%d", n))
		for i := range 12 {
			start := first.AddDate(0, 0, 14*i)
			testenv.MustExec(b, a.Store.DB, `INSERT INTO sessions (group_id, starts_at, ends_at) VALUES ($1, $2, $3)`, g, start, start.Add(2*time.Hour))
		}
		b.StartTimer()
		if plan, res, err := a.Import(b.Context(), staff, g, file); err != nil || res.Marks != 720 {
			b.Fatalf("import: %v, %+v (%d problems)", err, res, len(plan.Problems))
		}
	}
}
