package app_test

import (
	"testing"
	"time"

	"portal/app/locale"
	"portal/internal/testenv"
)

func TestSeedIsIdempotentAndComplete(t *testing.T) {
	now := time.Date(2026, 11, 28, 10, 0, 0, 0, locale.Brussels)
	a := newApp(t, now)
	ctx := t.Context()
	count := func() (o, g, s int) {
		db := a.Store.DB
		testenv.MustGet(t, db, &o, `SELECT count(*) FROM offerings`)
		testenv.MustGet(t, db, &g, `SELECT count(*) FROM groups`)
		testenv.MustGet(t, db, &s, `SELECT count(*) FROM sessions`)
		return
	}
	if err := a.Seed(ctx); err != nil {
		t.Fatal(err)
	}
	o1, g1, s1 := count()
	if err := a.Seed(ctx); err != nil {
		t.Fatal(err)
	}
	o2, g2, s2 := count()
	if o1 != o2 || g1 != g2 || s1 != s2 {
		t.Fatalf("second seed changed counts: %d/%d/%d → %d/%d/%d", o1, g1, s1, o2, g2, s2)
	}
	if o1 != 6 || g1 != 15 {
		t.Errorf("seeded %d offerings and %d groups, want 6 and 15", o1, g1)
	}
	seeded, err := a.SeedIfEmpty(ctx)
	if err != nil || seeded {
		t.Errorf("SeedIfEmpty on a seeded database: %v, %v", seeded, err)
	}

	// Intervision meets every two months, in the afternoon, from next month on.
	var starts []time.Time
	if err := a.Store.DB.Select(&starts, `SELECT s.starts_at FROM sessions s JOIN groups g ON g.id = s.group_id
		WHERE g.slug = 'intervisie-bornem' ORDER BY s.starts_at`); err != nil {
		t.Fatal(err)
	}
	if len(starts) != 6 {
		t.Fatalf("Bornem has %d sessions, want 6", len(starts))
	}
	for i, s := range starts {
		s = s.In(locale.Brussels)
		if s.Weekday() != time.Tuesday || s.Hour() != 13 || s.Minute() != 30 {
			t.Errorf("session %d at %v, want a Tuesday at 13.30", i, s)
		}
		if i > 0 {
			gap := s.Sub(starts[i-1]).Hours() / 24
			if gap < 50 || gap > 70 {
				t.Errorf("gap of %.0f days between sessions %d and %d, want about two months", gap, i-1, i)
			}
		}
	}
	if !starts[0].After(now) {
		t.Error("seeded sessions are not upcoming")
	}
}
