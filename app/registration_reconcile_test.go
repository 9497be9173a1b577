package app_test

import (
	"testing"
	"time"

	"portal/app"
	"portal/internal/fixtures"
	"portal/internal/testenv"
)

// seatsLeft is what the public page of the intervision offering says is left in group groupID.
func seatsLeft(t *testing.T, a *app.App, groupID int64) int {
	t.Helper()
	view, err := a.OfferingPage(t.Context(), "intervisie")
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range view.Groups {
		if g.ID == groupID {
			return g.SeatsLeft
		}
	}
	t.Fatalf("group %d is not on the public page", groupID)
	return 0
}

// The reported case, exactly: an open intervision group with 1 seat, one admitted, one waiting; an admin raises
// the seats to 3. The waiting one is offered a seat at once, the next signup gets a seat, and the public page
// counts what the signup answered.
func TestRaisingSeatsOffersTheWaitingAtOnce(t *testing.T) {
	a := seeded(t)
	ctx := t.Context()
	admin := fixtures.Actor(t, a, addStaff(t, a, "admin@example.org", app.RoleAdmin))
	g := addGroup(t, a, "intervisie", "intervisie-test", 1, 0, 4)
	first, second := signup(t, a, g, 1), signup(t, a, g, 2)
	if first.Status != app.StatusAdmitted || second.Status != app.StatusWaitlisted {
		t.Fatalf("before: %s and %s, want admitted and waitlisted", first.Status, second.Status)
	}
	if n := seatsLeft(t, a, g); n != 0 {
		t.Fatalf("before: the page says %d seats left, want 0", n)
	}

	group, err := a.Store.GroupByID(ctx, g)
	if err != nil {
		t.Fatal(err)
	}
	form := app.GroupFormOf(group, nil)
	form.Capacity = "3"
	if err := a.UpdateGroup(ctx, admin, g, form); err != nil {
		t.Fatal(err)
	}
	if s := status(t, a, second.RegistrationID); s != app.StatusOffered {
		t.Errorf("after raising the seats to 3 the waiting one is %s, want offered at once", s)
	}
	var offers int
	testenv.MustGet(t, a.Store.DB, &offers, `SELECT count(*) FROM outbox WHERE registration_id = $1 AND kind = $2`,
		second.RegistrationID, app.MailOffer)
	if offers != 1 {
		t.Errorf("%d offer mails to the waiting one, want 1", offers)
	}
	if n := seatsLeft(t, a, g); n != 1 {
		t.Errorf("the page says %d seats left, want 1 (3 seats: one admitted, one offered)", n)
	}

	third := signup(t, a, g, 3)
	if third.Status != app.StatusAdmitted {
		t.Errorf("the next signup is %s, want admitted: a free seat is never answered with full", third.Status)
	}
	if n := seatsLeft(t, a, g); n != 0 {
		t.Errorf("after the third signup the page says %d seats left, want 0", n)
	}
	if fourth := signup(t, a, g, 4); fourth.Status != app.StatusWaitlisted {
		t.Errorf("a fourth signup in a full group is %s, want waitlisted", fourth.Status)
	}

	// Lowering the seats below those taken is refused: nobody loses a seat, the group never counts more than it has.
	form.Capacity = "2"
	if v, ok := app.AsValidation(a.UpdateGroup(ctx, admin, g, form)); !ok || v.Fields["capacity"] != "staff.groups.capacity.below" {
		t.Errorf("lowering the seats to 2 with 3 taken: %v, want a validation error on capacity", v)
	}
}

// Every change to a group that can add a seat passes it on at once: more seats, a closed group reopened, a
// closing session set later. Before the change the freed seat stays free (the group takes nobody), so the test
// sees the change itself make the offer.
func TestEveryGroupChangeThatAddsASeatOffersIt(t *testing.T) {
	for _, tc := range []struct {
		name          string
		before, after func(f *app.GroupForm)
		days          int // the clock's advance before the change (sessions weekly from day 7)
	}{
		{"seats raised", nil, func(f *app.GroupForm) { f.Capacity = "2" }, 0},
		{"group reopened", func(f *app.GroupForm) { f.Status = app.GroupClosed }, func(f *app.GroupForm) { f.Status = app.GroupOpen }, 0},
		{"closing later", func(f *app.GroupForm) { f.ClosedAfter = "1" }, func(f *app.GroupForm) { f.ClosedAfter = "3" }, 8},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := seeded(t)
			ctx := t.Context()
			admin := fixtures.Actor(t, a, addStaff(t, a, "admin@example.org", app.RoleAdmin))
			g := addGroup(t, a, "intervisie", "intervisie-test", 1, 0, 4)
			edit := func(change func(f *app.GroupForm)) {
				t.Helper()
				group, err := a.Store.GroupByID(ctx, g)
				if err != nil {
					t.Fatal(err)
				}
				f := app.GroupFormOf(group, nil)
				change(&f)
				if err := a.UpdateGroup(ctx, admin, g, f); err != nil {
					t.Fatal(err)
				}
			}
			first, second := signup(t, a, g, 1), signup(t, a, g, 2)
			if tc.before != nil {
				edit(tc.before)
				a.Now = func() time.Time { return testNow.AddDate(0, 0, tc.days) }
				if err := a.Withdraw(ctx, admin, first.RegistrationID); err != nil {
					t.Fatal(err)
				}
			}
			if s := status(t, a, second.RegistrationID); s != app.StatusWaitlisted {
				t.Fatalf("before the change the waiting one is %s, want waitlisted", s)
			}
			edit(tc.after)
			if s := status(t, a, second.RegistrationID); s != app.StatusOffered {
				t.Errorf("after the change the waiting one is %s, want offered", s)
			}
		})
	}
}

// In a group with an intake staff choose who takes a freed seat: a "free seat, people waiting" work item names
// who waits longest while a seat is free, and goes once the seat is taken.
func TestAFreeSeatInAnIntakeGroupIsWorkForStaff(t *testing.T) {
	a := seeded(t)
	ctx := t.Context()
	office := fixtures.ActiveActor(t, a, staffMember(t, a))
	g := addGroup(t, a, "lotgenotengroepen", "lotgenoten-test", 1, 0, 4)
	member := request(t, a, "lotgenotengroepen", g, "Anna")
	early, late := request(t, a, "lotgenotengroepen", g, "Bea"), request(t, a, "lotgenotengroepen", g, "Cleo")
	if err := a.Admit(ctx, office, member.RegistrationID, app.AdmitOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, r := range []int64{early.RegistrationID, late.RegistrationID} {
		if err := a.Waitlist(ctx, office, r, g); err != nil {
			t.Fatal(err)
		}
	}
	openItems := func() []int64 {
		t.Helper()
		var regs []int64
		testenv.MustSelect(t, a.Store.DB, &regs, `SELECT registration_id FROM work_items
			WHERE kind = 'seat_free' AND group_id = $1 AND done_at IS NULL ORDER BY id`, g)
		return regs
	}
	if items := openItems(); len(items) != 0 {
		t.Fatalf("a full group has free-seat items: %v", items)
	}
	if err := a.Withdraw(ctx, office, member.RegistrationID); err != nil {
		t.Fatal(err)
	}
	if s := status(t, a, early.RegistrationID); s != app.StatusWaitlisted {
		t.Errorf("in an intake group the portal itself moved the first waiting to %s: staff decide", s)
	}
	if items := openItems(); len(items) != 1 || items[0] != early.RegistrationID {
		t.Errorf("free-seat items %v, want one naming who waits longest (%d)", items, early.RegistrationID)
	}
	all, err := a.OpenWorkItems(ctx, office)
	if err != nil {
		t.Fatal(err)
	}
	shown := false
	for _, w := range all {
		shown = shown || (w.Kind == app.WorkSeatFree && w.PersonName == "Bea")
	}
	if !shown {
		t.Error("the staff's list of work does not show the free seat with who waits longest")
	}
	if err := a.Promote(ctx, office, late.RegistrationID, false); err != nil {
		t.Fatal(err)
	}
	if items := openItems(); len(items) != 0 {
		t.Errorf("the seat is taken, yet free-seat items stay open: %v", items)
	}
}

// A group left with a free seat and people waiting (by an older version, or a change by hand) heals within the
// minute job, and a signup is never told "full" meanwhile.
func TestAStuckWaitingListHeals(t *testing.T) {
	a := seeded(t)
	g := addGroup(t, a, "intervisie", "intervisie-test", 1, 0, 4)
	signup(t, a, g, 1)
	second, third := signup(t, a, g, 2), signup(t, a, g, 3)
	testenv.MustExec(t, a.Store.DB, `UPDATE groups SET capacity = 2 WHERE id = $1`, g)
	n, err := a.ReconcileAllSeats(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if n != 1 {
		t.Errorf("reconciled %d groups, want 1", n)
	}
	if s := status(t, a, second.RegistrationID); s != app.StatusOffered {
		t.Errorf("after the job the longest waiting is %s, want offered", s)
	}
	if s := status(t, a, third.RegistrationID); s != app.StatusWaitlisted {
		t.Errorf("the next in line is %s, want waitlisted (one seat was freed)", s)
	}

	testenv.MustExec(t, a.Store.DB, `UPDATE groups SET capacity = 3 WHERE id = $1`, g)
	fourth := signup(t, a, g, 4)
	if s := status(t, a, third.RegistrationID); s != app.StatusOffered {
		t.Errorf("the signup left the one waiting %s, want offered before the newcomer", s)
	}
	if fourth.Status != app.StatusWaitlisted {
		t.Errorf("the newcomer is %s, want waitlisted: the free seat went to who waited first", fourth.Status)
	}
}

// Someone separated from a member is passed over, not offered a seat the database would refuse: the withdrawal
// that freed it still goes through and the next in line gets it.
func TestAnOfferPassesOverASeparatedPerson(t *testing.T) {
	a := seeded(t)
	ctx := t.Context()
	office := fixtures.ActiveActor(t, a, staffMember(t, a))
	g := addGroup(t, a, "intervisie", "intervisie-test", 2, 0, 4)
	first, second := signup(t, a, g, 1), signup(t, a, g, 2)
	separated, next := signup(t, a, g, 3), signup(t, a, g, 4)
	var people []int64
	testenv.MustSelect(t, a.Store.DB, &people, `SELECT person_id FROM registrations WHERE id IN ($1, $2) ORDER BY id`,
		first.RegistrationID, separated.RegistrationID)
	if _, err := a.Separate(ctx, office, people[0], people[1]); err != nil {
		t.Fatal(err)
	}
	if err := a.Withdraw(ctx, office, second.RegistrationID); err != nil {
		t.Fatalf("withdrawing failed because the next in line is separated from a member: %v", err)
	}
	if s := status(t, a, separated.RegistrationID); s != app.StatusWaitlisted {
		t.Errorf("the separated one is %s, want still waitlisted", s)
	}
	if s := status(t, a, next.RegistrationID); s != app.StatusOffered {
		t.Errorf("the next in line is %s, want offered", s)
	}
}
