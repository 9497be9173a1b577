package app_test

import (
	"errors"
	"fmt"
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
	// An adult who walks into a family group is a parent, so parents and children add up to the participants.
	wim, err := a.AddWalkIn(ctx, actor, sessions[0], "Wim", app.RoleParticipant)
	if err != nil {
		t.Fatal(err)
	}
	var wimRole string
	testenv.MustGet(t, a.Store.DB, &wimRole, `SELECT role FROM registrations WHERE person_id = $1`, wim)
	if wimRole != app.RoleParent {
		t.Errorf("an adult walk-in in a family group has role %q, want parent", wimRole)
	}
	if rc, err = a.RollCallOf(ctx, actor, sessions[0]); err != nil {
		t.Fatal(err)
	}
	c := rc.Counts
	if c.Present != 5 || c.Excused != 3 || c.Unmarked != 0 || len(rc.Children) != 5 || len(rc.Adults) != 3 {
		t.Fatalf("after the roll call: %+v, %d adults, %d children", c, len(rc.Adults), len(rc.Children))
	}
	if r := c.Rate(); r < 0.62 || r > 0.63 {
		t.Errorf("rate %.3f, want 5/8", r)
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
	// Three weeks later the facilitator may no longer change the first session's mark; an admin may, with a
	// reason, and that is logged with the reason.
	a.Now = func() time.Time { return testNow.AddDate(0, 0, 7+15) }
	facilitator := app.Actor{Staff: app.Staff{ID: staff, Role: app.RoleFacilitator, Active: true}, Leads: []int64{g}}
	if err := a.Mark(ctx, facilitator, sessions[0], person, app.MarkExcused); !errors.Is(err, app.ErrForbidden) {
		t.Fatalf("late edit by a facilitator: %v", err)
	}
	admin := app.Actor{Staff: app.Staff{ID: staff, Role: app.RoleAdmin, Active: true}}
	if err := a.MarkManyWithReason(ctx, admin, sessions[0], map[int64]string{person: app.MarkExcused}, "late_notice"); err != nil {
		t.Fatal(err)
	}
	var logged int
	testenv.MustGet(t, a.Store.DB, &logged, `SELECT count(*) FROM audit_log WHERE action = 'attendance.late_edit' AND person_id = $1
		AND detail->>'reason' = 'late_notice'`, person)
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

// After the edit window the setting decides which roles may still take or correct a roll call (marks and
// walk-ins); every such change asks for a reason and is audited with it. Within the window nobody is asked.
func TestLateRollCallByRoleSetting(t *testing.T) {
	a := seeded(t)
	ctx := t.Context()
	staff := staffMember(t, a)
	g := addGroup(t, a, "lotgenotengroepen", "lotgenoten-laat", 5, 0, 1)
	r := request(t, a, "lotgenotengroepen", g, "Mira")
	if err := a.Admit(ctx, fixtures.ActiveActor(t, a, staff), r.RegistrationID, app.AdmitOptions{}); err != nil {
		t.Fatal(err)
	}
	var person, session int64
	testenv.MustGet(t, a.Store.DB, &person, `SELECT person_id FROM registrations WHERE id = $1`, r.RegistrationID)
	testenv.MustGet(t, a.Store.DB, &session, `SELECT id FROM sessions WHERE group_id = $1`, g)
	actorOf := func(role string) app.Actor {
		return app.Actor{Staff: app.Staff{ID: staff, Role: role, Active: true}, Leads: []int64{g}}
	}
	lateEdits := func() int {
		var n int
		testenv.MustGet(t, a.Store.DB, &n, `SELECT count(*) FROM audit_log WHERE detail->>'session_id' = $1::text
			AND detail->>'reason' = 'paper_list' AND action IN ('attendance.late_edit', 'attendance.walk_in')`, session)
		return n
	}
	// Within the window a facilitator marks without a reason.
	a.Now = func() time.Time { return testNow.AddDate(0, 0, 8) }
	if err := a.Mark(ctx, actorOf(app.RoleFacilitator), session, person, app.MarkAbsent); err != nil {
		t.Fatalf("within the window: %v", err)
	}
	a.Now = func() time.Time { return testNow.AddDate(0, 0, 7+15) }
	cases := []struct {
		setting []string // nil: the default
		role    string
		may     bool
	}{
		{nil, app.RoleCoordinator, true},
		{nil, app.RoleFacilitator, false},
		{nil, app.RoleAdmin, true},
		{[]string{app.RoleAdmin}, app.RoleCoordinator, false},
		{[]string{app.RoleAdmin}, app.RoleAdmin, true},
		{[]string{app.RoleCoordinator, app.RoleFacilitator}, app.RoleFacilitator, true},
		{[]string{app.RoleFacilitator}, app.RoleAdmin, true}, // an admin always may
	}
	for i, c := range cases {
		a.Config.LateRollCallRoles = c.setting
		ac := actorOf(c.role)
		before := lateEdits()
		var stored string
		testenv.MustGet(t, a.Store.DB, &stored, `SELECT status FROM attendance WHERE session_id = $1 AND person_id = $2`, session, person)
		mark := map[string]string{app.MarkAbsent: app.MarkLate, app.MarkPresent: app.MarkLate, app.MarkLate: app.MarkPresent}[stored]
		rc, err := a.RollCallOf(ctx, ac, session)
		if err != nil {
			t.Fatal(err)
		}
		if !rc.Locked || rc.MayChange != c.may || rc.NeedsReason != c.may {
			t.Errorf("%v, %s: roll call locked %v, may change %v, needs a reason %v", c.setting, c.role, rc.Locked,
				rc.MayChange, rc.NeedsReason)
		}
		err = a.Mark(ctx, ac, session, person, mark)
		_, walkErr := a.AddWalkIn(ctx, ac, session, fmt.Sprintf("Gast %d", i), app.RoleParticipant)
		if !c.may {
			if !errors.Is(err, app.ErrForbidden) || !errors.Is(walkErr, app.ErrForbidden) {
				t.Errorf("%v, %s: late change %v, late walk-in %v; want both forbidden", c.setting, c.role, err, walkErr)
			}
			if err := a.MarkManyWithReason(ctx, ac, session, map[int64]string{person: mark}, "paper_list"); !errors.Is(err, app.ErrForbidden) {
				t.Errorf("%v, %s: late change with a reason: %v", c.setting, c.role, err)
			}
			if lateEdits() != before {
				t.Errorf("%v, %s: a refused change was audited", c.setting, c.role)
			}
			continue
		}
		for what, err := range map[string]error{"mark": err, "walk-in": walkErr} {
			if v, ok := app.AsValidation(err); !ok || v.Fields["reason"] != "form.latereason.required" {
				t.Errorf("%v, %s: late %s without a reason: %v", c.setting, c.role, what, err)
			}
		}
		if err := a.MarkManyWithReason(ctx, ac, session, map[int64]string{person: mark}, "napping"); err == nil {
			t.Errorf("%v, %s: an unknown reason was accepted", c.setting, c.role)
		}
		if err := a.MarkManyWithReason(ctx, ac, session, map[int64]string{person: mark}, "paper_list"); err != nil {
			t.Errorf("%v, %s: late change with a reason: %v", c.setting, c.role, err)
		}
		if _, err := a.AddWalkInWithReason(ctx, ac, session, fmt.Sprintf("Gast %d", i), app.RoleParticipant, "paper_list"); err != nil {
			t.Errorf("%v, %s: late walk-in with a reason: %v", c.setting, c.role, err)
		}
		if got := lateEdits(); got != before+2 {
			t.Errorf("%v, %s: %d audit lines with the reason, want %d", c.setting, c.role, got, before+2)
		}
		// The same marks sent again change nothing and need no reason.
		if err := a.Mark(ctx, ac, session, person, mark); err != nil {
			t.Errorf("%v, %s: unchanged mark sent again: %v", c.setting, c.role, err)
		}
	}
}
