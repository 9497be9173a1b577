package app_test

import (
	"errors"
	"testing"
	"time"

	"portal/app"
	"portal/internal/fixtures"
	"portal/internal/testenv"
)

// family admits a household of one parent and two children into a Blaffen of Schuilen group.
func family(t *testing.T, a *app.App, staff, g int64, parent string) {
	t.Helper()
	res, err := a.RequestHousehold(t.Context(), app.HouseholdInput{GroupID: g, Parent: parent,
		Children: []app.ChildInput{{"Kind1" + parent, "6"}, {"Kind2" + parent, "9"}},
		Contact:  app.ContactInput{ByPhone: true, Phone: "0470 00 00 00"}, Consent: true, ConsentText: consentText})
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Admit(t.Context(), fixtures.ActiveActor(t, a, staff), res.RegistrationID, app.AdmitOptions{}); err != nil {
		t.Fatal(err)
	}
}

func TestRollCallSeparatesParentsAndChildrenAndCounts(t *testing.T) {
	a := seeded(t)
	ctx := t.Context()
	staff := staffMember(t, a)
	actor := app.Actor{Staff: app.Staff{ID: staff, Role: app.RoleCoordinator, Active: true}}
	g := addGroup(t, a, "blaffen-of-schuilen", "blaffen-test", 6, 6, 3)
	family(t, a, staff, g, "Sara")
	family(t, a, staff, g, "Ilse")
	var sessions []int64
	testenv.MustSelect(t, a.Store.DB, &sessions, `SELECT id FROM sessions WHERE group_id = $1 ORDER BY starts_at`, g)
	// Ilse excuses the family for the first session through her link.
	ilse := secretOf(t, a, 0, "admitted")
	if err := a.Excuse(ctx, ilse, "", sessions[0], true); err != nil {
		t.Fatal(err)
	}
	rc, err := a.RollCallOf(ctx, actor, sessions[0])
	if err != nil {
		t.Fatal(err)
	}
	if len(rc.Adults) != 2 || len(rc.Children) != 4 || rc.Counts.Expected != 6 || rc.Counts.Excused != 3 {
		t.Fatalf("roll call: %d adults, %d children, counts %+v", len(rc.Adults), len(rc.Children), rc.Counts)
	}
	a.Now = func() time.Time { return testNow.AddDate(0, 0, 7).Add(10 * time.Hour) } // during the session
	marks := map[int64]string{}
	for _, p := range append(rc.Adults, rc.Children...) {
		if p.Mark == nil {
			marks[p.PersonID] = app.MarkPresent
		}
	}
	if err := a.MarkMany(ctx, actor, sessions[0], marks); err != nil {
		t.Fatal(err)
	}
	if err := a.MarkMany(ctx, actor, sessions[0], marks); err != nil { // sent twice after a flaky connection
		t.Fatal(err)
	}
	if _, err := a.AddWalkIn(ctx, actor, sessions[0], "Noor", app.RoleChild); err != nil {
		t.Fatal(err)
	}
	if rc, err = a.RollCallOf(ctx, actor, sessions[0]); err != nil {
		t.Fatal(err)
	}
	c := rc.Counts
	if c.Present != 4 || c.Excused != 3 || c.Unmarked != 0 || len(rc.Children) != 5 {
		t.Fatalf("after the roll call: %+v, %d children", c, len(rc.Children))
	}
	if r := c.Rate(); r < 0.57 || r > 0.58 {
		t.Errorf("rate %.3f, want 4/7", r)
	}
	// The walk-in is not expected at the next session.
	next, err := a.RollCallOf(ctx, actor, sessions[1])
	if err != nil {
		t.Fatal(err)
	}
	if len(next.Children) != 4 {
		t.Errorf("next session expects %d children", len(next.Children))
	}
}

func TestAttendanceEditWindowAndAbsenceAlert(t *testing.T) {
	a := seeded(t)
	ctx := t.Context()
	staff := staffMember(t, a)
	coordinator := app.Actor{Staff: app.Staff{ID: staff, Role: app.RoleCoordinator, Active: true}}
	g := addGroup(t, a, "lotgenotengroepen", "lotgenoten-test", 5, 0, 3)
	r := request(t, a, "lotgenotengroepen", g, "Mira")
	if err := a.Admit(ctx, fixtures.ActiveActor(t, a, staff), r.RegistrationID, app.AdmitOptions{}); err != nil {
		t.Fatal(err)
	}
	var person int64
	testenv.MustGet(t, a.Store.DB, &person, `SELECT person_id FROM registrations WHERE id = $1`, r.RegistrationID)
	var sessions []int64
	testenv.MustSelect(t, a.Store.DB, &sessions, `SELECT id FROM sessions WHERE group_id = $1 ORDER BY starts_at`, g)
	a.Now = func() time.Time { return testNow.AddDate(0, 0, 15) } // after two sessions
	if err := a.Mark(ctx, coordinator, sessions[0], person, app.MarkAbsent); err != nil {
		t.Fatal(err)
	}
	alerts := func() int {
		var n int
		testenv.MustGet(t, a.Store.DB, &n, `SELECT count(*) FROM outbox WHERE kind = 'absence_alert'`)
		return n
	}
	if alerts() != 0 {
		t.Fatal("one absence alerted")
	}
	if err := a.Mark(ctx, coordinator, sessions[1], person, app.MarkAbsent); err != nil {
		t.Fatal(err)
	}
	if alerts() != 1 {
		t.Fatalf("%d alerts after two absences in a row, want 1", alerts())
	}
	var toPerson int
	testenv.MustGet(t, a.Store.DB, &toPerson, `SELECT count(*) FROM outbox WHERE kind = 'absence_alert' AND person_id IS NOT NULL`)
	if toPerson != 0 {
		t.Error("the participant was told")
	}
	// Three weeks later only an admin may change the first session's mark, and that is logged.
	a.Now = func() time.Time { return testNow.AddDate(0, 0, 7+15) }
	if err := a.Mark(ctx, coordinator, sessions[0], person, app.MarkExcused); !errors.Is(err, app.ErrForbidden) {
		t.Fatalf("late edit by a coordinator: %v", err)
	}
	if err := a.Mark(ctx, app.Actor{Staff: app.Staff{ID: staff, Role: app.RoleAdmin, Active: true}}, sessions[0], person, app.MarkExcused); err != nil {
		t.Fatal(err)
	}
	var logged int
	testenv.MustGet(t, a.Store.DB, &logged, `SELECT count(*) FROM audit_log WHERE action = 'attendance.late_edit' AND person_id = $1`, person)
	if logged != 1 {
		t.Errorf("%d audit lines for the late edit", logged)
	}
	if err := a.Mark(ctx, coordinator, sessions[2], person, "asleep"); err == nil {
		t.Error("an unknown mark was accepted")
	}
	if err := a.Mark(ctx, coordinator, sessions[2], 999999, app.MarkPresent); !errors.Is(err, app.ErrNotFound) {
		t.Errorf("marking someone not in the group: %v", err)
	}
}
