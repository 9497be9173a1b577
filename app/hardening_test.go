package app_test

import (
	"errors"
	"portal/internal/fixtures"
	"strings"
	"testing"
	"time"

	"portal/app"
	"portal/internal/testenv"
)

func TestPublicSignupNeverChangesAKnownProfessional(t *testing.T) {
	a := seeded(t)
	g1 := addGroup(t, a, "intervisie", "intervisie-een", 5, 0, 2)
	g2 := addGroup(t, a, "intervisie", "intervisie-twee", 5, 0, 2)
	in := app.SignupInput{GroupID: g1, Name: "Sofie Claes", Email: "sofie@politie.example", Organisation: "PZ Mechelen",
		Sector: "police", Consent: true, ConsentText: consentText}
	if _, err := a.SignUp(t.Context(), in); err != nil {
		t.Fatal(err)
	}
	in.GroupID, in.Name, in.Organisation, in.Sector = g2, "Iemand Anders", "Vals", "other"
	if _, err := a.SignUp(t.Context(), in); err != nil {
		t.Fatal(err)
	}
	var id int64
	var org string
	testenv.MustScan(t, a.Store.DB, `SELECT id, organisation FROM people WHERE kind = 'professional'`, nil, &id, &org)
	name := fixtures.NameOf(t, a, id)
	if name != "Sofie Claes" || org != "PZ Mechelen" {
		t.Errorf("a public form changed a known professional into %q of %q", name, org)
	}
}

func TestOnlyPeopleOnTheRollCallCanBeMarked(t *testing.T) {
	a := seeded(t)
	staff := staffMember(t, a)
	g := addGroup(t, a, "lotgenotengroepen", "lotgenoten-test", 5, 0, 2)
	waiting := request(t, a, "lotgenotengroepen", g, "Mira")
	var person, session int64
	testenv.MustGet(t, a.Store.DB, &person, `SELECT person_id FROM registrations WHERE id = $1`, waiting.RegistrationID)
	testenv.MustGet(t, a.Store.DB, &session, `SELECT id FROM sessions WHERE group_id = $1 ORDER BY starts_at LIMIT 1`, g)
	a.Now = func() time.Time { return testNow.AddDate(0, 0, 7).Add(10 * time.Hour) }
	err := a.Mark(t.Context(), app.Actor{Staff: app.Staff{ID: staff, Role: app.RoleCoordinator, Active: true}}, session, person, app.MarkPresent)
	if !errors.Is(err, app.ErrNotFound) {
		t.Errorf("marking someone who only asked for a place: %v", err)
	}
}

func TestAClosedGroupOffersAndPromotesNobody(t *testing.T) {
	a := seeded(t)
	ctx := t.Context()
	staff := staffMember(t, a)
	g := addGroup(t, a, "intervisie", "intervisie-test", 1, 0, 4) // closes after session 2
	first := signup(t, a, g, 1)
	second := signup(t, a, g, 2)
	a.Now = func() time.Time { return testNow.AddDate(0, 0, 15) } // two sessions held
	// The seat must really be freed, else "nobody was offered it" proves nothing.
	if err := a.Withdraw(ctx, fixtures.ActiveActor(t, a, staff), first.RegistrationID); err != nil {
		t.Fatal(err)
	}
	if s := status(t, a, first.RegistrationID); s != "withdrawn" {
		t.Fatalf("the first member is %s, want withdrawn", s)
	}
	if s := status(t, a, second.RegistrationID); s != "waitlisted" {
		t.Errorf("a closed group offered its freed seat: %s", s)
	}
	if err := a.Promote(ctx, fixtures.ActiveActor(t, a, staff), second.RegistrationID, true); !errors.Is(err, app.ErrClosed) {
		t.Errorf("promoting into a closed group: %v, want ErrClosed", err)
	}
	if s := status(t, a, second.RegistrationID); s != "waitlisted" {
		t.Errorf("after a refused promotion the second is %s, want waitlisted", s)
	}
	var offers int
	testenv.MustGet(t, a.Store.DB, &offers, `SELECT count(*) FROM outbox WHERE registration_id = $1 AND kind IN ($2, $3)`,
		second.RegistrationID, app.MailOffer, app.MailPromoted)
	if offers != 0 {
		t.Errorf("%d offer or promotion mails for a closed group", offers)
	}
	// The same steps before the group closes do offer the seat: the test can see an offer when there is one.
	open := addGroup(t, a, "intervisie", "intervisie-open", 1, 0, 4)
	a.Now = func() time.Time { return testNow }
	one, two := signup(t, a, open, 3), signup(t, a, open, 4)
	if err := a.Withdraw(ctx, fixtures.ActiveActor(t, a, staff), one.RegistrationID); err != nil {
		t.Fatal(err)
	}
	if s := status(t, a, two.RegistrationID); s != "offered" {
		t.Errorf("in an open group the freed seat went to nobody: the second is %s, want offered", s)
	}
}

func TestErasureFreesTheSeatForWhoeverWaits(t *testing.T) {
	a := seeded(t)
	g := addGroup(t, a, "intervisie", "intervisie-test", 1, 0, 2)
	first := signup(t, a, g, 1)
	second := signup(t, a, g, 2)
	var person int64
	testenv.MustGet(t, a.Store.DB, &person, `SELECT person_id FROM registrations WHERE id = $1`, first.RegistrationID)
	if err := a.Erase(t.Context(), fixtures.Actor(t, a, addStaff(t, a, "admin@example.org", app.RoleAdmin)), person); err != nil {
		t.Fatal(err)
	}
	if s := status(t, a, second.RegistrationID); s != "offered" {
		t.Errorf("after an erasure the next person is %s, want offered", s)
	}
}

func TestYearsCloseInOrder(t *testing.T) {
	a := seeded(t)
	staff := staffMember(t, a)
	a.Store.DB.MustExec(`INSERT INTO sessions (group_id, starts_at, ends_at)
		SELECT id, '2024-03-05 19:00+01', '2024-03-05 21:00+01' FROM groups WHERE slug = 'intervisie-bornem'`)
	a.Store.DB.MustExec(`INSERT INTO sessions (group_id, starts_at, ends_at)
		SELECT id, '2025-03-05 19:00+01', '2025-03-05 21:00+01' FROM groups WHERE slug = 'intervisie-bornem'`)
	err := a.CloseYear(t.Context(), fixtures.Actor(t, a, staff), 2025)
	if v, ok := app.AsValidation(err); !ok || !strings.Contains(v.Error(), "bevestig") {
		t.Fatalf("closing 2025 with 2024 open: %v", err)
	}
	if err := a.CloseYear(t.Context(), fixtures.Actor(t, a, staff), 2024); err != nil {
		t.Fatal(err)
	}
	if err := a.CloseYear(t.Context(), fixtures.Actor(t, a, staff), 2025); err != nil {
		t.Fatalf("closing 2025 after 2024: %v", err)
	}
}

func TestCancellingAPlannedWaakvlamClosesItsGroup(t *testing.T) {
	a := seeded(t)
	ctx := t.Context()
	coordinator, requestID, groupID := plannedWaakvlam(t, a)
	link := secretOf(t, a, 0, "waakvlam_planned")
	signup(t, a, groupID, 1)
	if err := a.SetWaakvlamStatus(ctx, coordinator, requestID, "cancelled"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := a.GroupBySignupToken(ctx, link); !errors.Is(err, app.ErrNotFound) {
		t.Errorf("the signup link of a cancelled training still works: %v", err)
	}
	var sessionStatus string
	var notices int
	testenv.MustGet(t, a.Store.DB, &sessionStatus, `SELECT status FROM sessions WHERE group_id = $1`, groupID)
	testenv.MustGet(t, a.Store.DB, &notices, `SELECT count(*) FROM outbox WHERE kind = 'session_cancelled'`)
	if sessionStatus != "cancelled" || notices != 1 {
		t.Errorf("after cancelling: session %s, %d notices", sessionStatus, notices)
	}
}
