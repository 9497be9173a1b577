package app_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"portal/app"
	"portal/app/locale"
	"portal/internal/fixtures"
)

// A weekly Monday 19.00 series across 28 March 2027 (summer time begins): "7 days before" and "1 day before"
// keep 19.00 on the wall clock in Brussels; "2 hours before" stays two hours. Planned in the database (SQL) and
// by ReminderDue (Go), the same; moving the session moves them by the same rule.
func TestRemindersKeepTheLocalClockAcrossSummerTime(t *testing.T) {
	a, now := mailWorld(t)
	ctx := context.Background()
	*now = time.Date(2027, 3, 1, 9, 0, 0, 0, locale.Brussels)
	group := fixtures.GroupID(t, a, "intervisie-bornem") // offsets: 7 days, 1 day, 2 hours
	coord := fixtures.AddStaff(t, a, "coord@example.org", "Coördinator", app.RoleCoordinator, "")
	plan, err := app.PlanSessions(app.SessionPlan{Mode: "series", Date: "2027-03-15", From: "19:00", To: "21:00",
		Every: "1", Unit: app.UnitWeeks, End: "count", Count: "4"})
	if err != nil {
		t.Fatal(err)
	}
	ids, err := a.AddSessions(ctx, fixtures.Actor(t, a, coord), group, plan)
	if err != nil {
		t.Fatal(err)
	}
	pro := fixtures.AddPerson(t, a, fixtures.Person{Kind: "professional", Name: "An", Email: "an@example.org"})
	reg := fixtures.Register(t, a, pro, "intervisie-bornem", "admitted", "")
	if err := a.PlanReminders(ctx, reg); err != nil {
		t.Fatal(err)
	}
	due := func(session int64, offset int) string {
		t.Helper()
		got, ok := queuedReminders(t, a)[fmt.Sprintf("reminder:%d:%d:%d", reg, session, offset)]
		if !ok {
			t.Fatalf("no reminder %d minutes before session %d", offset, session)
		}
		return got.In(locale.Brussels).Format("Mon 2006-01-02 15:04 -07")
	}
	monday29 := ids[2] // Monday 29 March 2027 19.00, the first session in summer time
	for _, tc := range []struct {
		offset int
		want   string
	}{
		{10080, "Mon 2027-03-22 19:00 +01"}, // not 18.00
		{1440, "Sun 2027-03-28 19:00 +02"},
		{120, "Mon 2027-03-29 17:00 +02"},
	} {
		if got := due(monday29, tc.offset); got != tc.want {
			t.Errorf("%d minutes before Monday 29 March 2027 19.00: due %s, want %s", tc.offset, got, tc.want)
		}
		start := time.Date(2027, 3, 29, 19, 0, 0, 0, locale.Brussels)
		if got := app.ReminderDue(start, int64(tc.offset)).In(locale.Brussels).Format("Mon 2006-01-02 15:04 -07"); got != tc.want {
			t.Errorf("ReminderDue(%d): %s, want %s", tc.offset, got, tc.want)
		}
	}
	// Every reminder of the series, planned in SQL, equals the Go rule.
	sessions := fixtures.Sessions(t, a, group)
	sameReminders(t, queuedReminders(t, a), wantReminders(reg, sessions, []int{10080, 1440, 120}, *now))

	// Moved to Tuesday 30 March 19.00: "7 days before" is Tuesday 23 March 19.00.
	tuesday := time.Date(2027, 3, 30, 19, 0, 0, 0, locale.Brussels)
	if err := a.MoveSession(ctx, fixtures.Actor(t, a, coord), monday29, tuesday, tuesday.Add(2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if got, want := due(monday29, 10080), "Tue 2027-03-23 19:00 +01"; got != want {
		t.Errorf("after the move: due %s, want %s", got, want)
	}
	// And back across the change in October: 1 day before Sunday 31 October 2027 10.00 is Saturday 10.00.
	sunday := time.Date(2027, 10, 31, 10, 0, 0, 0, locale.Brussels)
	if err := a.MoveSession(ctx, fixtures.Actor(t, a, coord), monday29, sunday, sunday.Add(2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if got, want := due(monday29, 1440), "Sat 2027-10-30 10:00 +02"; got != want {
		t.Errorf("before the change back: due %s, want %s", got, want)
	}
	if got, want := due(monday29, 10080), "Sun 2027-10-24 10:00 +02"; got != want {
		t.Errorf("a week before the change back: due %s, want %s", got, want)
	}
}
