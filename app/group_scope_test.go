package app_test

import (
	"errors"
	"testing"
	"time"

	"portal/app"
	"portal/app/locale"
	"portal/internal/fixtures"
	"portal/internal/testenv"
)

// groupID returns the id of a seeded group.
func groupID(t *testing.T, a *app.App, slug string) int64 {
	t.Helper()
	var id int64
	if err := a.Store.DB.Get(&id, `SELECT id FROM groups WHERE slug = $1`, slug); err != nil {
		t.Fatal(err)
	}
	return id
}

func lead(t *testing.T, a *app.App, group, staff int64) {
	t.Helper()
	if _, err := a.Store.DB.Exec(`INSERT INTO group_facilitators (group_id, staff_id) VALUES ($1, $2)`, group, staff); err != nil {
		t.Fatal(err)
	}
}

func TestFacilitatorsSeeOnlyTheGroupsTheyLead(t *testing.T) {
	now := time.Date(2026, 11, 28, 10, 0, 0, 0, locale.Brussels)
	a, _ := newStaffApp(t, now)
	ctx := t.Context()
	if err := a.Seed(ctx); err != nil {
		t.Fatal(err)
	}
	admin := addStaff(t, a, "admin@example.org", app.RoleAdmin)
	coord := addStaff(t, a, "coord@example.org", app.RoleCoordinator)
	fac := addStaff(t, a, "fac@example.org", app.RoleFacilitator)
	own, foreign := groupID(t, a, "rotonde-groep-1"), groupID(t, a, "intervisie-bornem")
	lead(t, a, own, fac)

	cases := []struct {
		who   int64
		group int64
		want  bool
	}{
		{admin, own, true}, {admin, foreign, true},
		{coord, own, true}, {coord, foreign, true},
		{fac, own, true}, {fac, foreign, false},
	}
	for _, tc := range cases {
		_, err := a.GroupForStaff(ctx, fixtures.Actor(t, a, tc.who), tc.group)
		if got := err == nil; got != tc.want || (err != nil && !errors.Is(err, app.ErrForbidden)) {
			t.Errorf("staff %d, group %d: %v, want seen %v", tc.who, tc.group, err, tc.want)
		}
	}
	if _, err := a.GroupForStaff(ctx, fixtures.Actor(t, a, admin), 999999); !errors.Is(err, app.ErrNotFound) {
		t.Errorf("no such group: %v", err)
	}

	all, err := a.VisibleGroups(ctx, fixtures.Actor(t, a, coord), false)
	if err != nil {
		t.Fatal(err)
	}
	mine, err := a.VisibleGroups(ctx, fixtures.Actor(t, a, fac), false)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 15 || len(mine) != 1 || mine[0].ID != own {
		t.Errorf("coordinator sees %d groups, facilitator %d", len(all), len(mine))
	}
	if mine[0].NextSession == nil || mine[0].Upcoming == 0 {
		t.Error("the group's next session is missing")
	}

	// A group whose last session is long over, and a cancelled one, leave the list of running groups.
	if _, err := a.Store.DB.Exec(`UPDATE sessions SET starts_at = starts_at - interval '2 years', ends_at = ends_at - interval '2 years'
		WHERE group_id = $1`, foreign); err != nil {
		t.Fatal(err)
	}
	testenv.MustExec(t, a.Store.DB, `UPDATE groups SET status = 'cancelled' WHERE slug = 'intervisie-lier'`)
	running, err := a.VisibleGroups(ctx, fixtures.Actor(t, a, coord), true)
	if err != nil {
		t.Fatal(err)
	}
	if len(running) != 13 {
		t.Errorf("%d running groups, want 13", len(running))
	}
	for _, g := range running {
		if g.ID == foreign {
			t.Error("a finished group is listed as running")
		}
	}

	// A role change counts at once, through the same rule.
	if err := a.ChangeStaffRole(ctx, fixtures.Actor(t, a, admin), coord, app.RoleFacilitator); err != nil {
		t.Fatal(err)
	}
	if _, err := a.GroupForStaff(ctx, fixtures.Actor(t, a, coord), foreign); !errors.Is(err, app.ErrForbidden) {
		t.Errorf("a coordinator turned facilitator still sees every group: %v", err)
	}
	if turned, err := a.VisibleGroups(ctx, fixtures.Actor(t, a, coord), false); err != nil || len(turned) != 0 {
		t.Errorf("a coordinator turned facilitator lists %d groups (%v), want none", len(turned), err)
	}
	// A deactivated facilitator sees nothing.
	if err := a.SetStaffActive(ctx, fixtures.Actor(t, a, admin), fac, false); err != nil {
		t.Fatal(err)
	}
	if _, err := a.GroupForStaff(ctx, fixtures.Actor(t, a, fac), own); !errors.Is(err, app.ErrForbidden) {
		t.Errorf("a deactivated facilitator still sees their group: %v", err)
	}
}

func TestAgendaShowsTodayAndTomorrowOfOwnGroups(t *testing.T) {
	now := time.Date(2026, 3, 28, 8, 0, 0, 0, locale.Brussels) // the day before summer time
	a, _ := newStaffApp(t, now)
	ctx := t.Context()
	if err := a.Seed(ctx); err != nil {
		t.Fatal(err)
	}
	fac := addStaff(t, a, "fac@example.org", app.RoleFacilitator)
	own, foreign := groupID(t, a, "rotonde-groep-1"), groupID(t, a, "intervisie-bornem")
	lead(t, a, own, fac)
	at := func(d, h int) app.SessionTime {
		s := time.Date(2026, 3, d, h, 0, 0, 0, locale.Brussels)
		return app.SessionTime{Start: s, End: s.Add(2 * time.Hour)}
	}
	coord := addStaff(t, a, "coord@example.org", app.RoleCoordinator)
	mine, err := a.AddSessions(ctx, fixtures.Actor(t, a, coord), own, []app.SessionTime{at(27, 19), at(28, 7), at(28, 19), at(29, 23), at(30, 0)})
	if err != nil {
		t.Fatal(err)
	}
	// Planning sessions is the office's work: a facilitator adds none, to a group they lead or another.
	for _, g := range []int64{own, foreign} {
		if _, err := a.AddSessions(ctx, fixtures.Actor(t, a, fac), g, []app.SessionTime{at(28, 14)}); !errors.Is(err, app.ErrForbidden) {
			t.Fatalf("a facilitator added a session to group %d: %v", g, err)
		}
	}
	if _, err := a.AddSessions(ctx, fixtures.Actor(t, a, coord), foreign, []app.SessionTime{at(28, 14)}); err != nil {
		t.Fatal(err)
	}
	items, err := a.Agenda(ctx, fixtures.Actor(t, a, fac), 2)
	if err != nil {
		t.Fatal(err)
	}
	var got []int64
	for _, it := range items {
		got = append(got, it.SessionID)
	}
	// Today from midnight (also the session that has begun) up to tomorrow's end; not yesterday, not the day after.
	want := []int64{mine[1], mine[2], mine[3]}
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] || got[2] != want[2] {
		t.Errorf("agenda %v, want %v", got, want)
	}
}
