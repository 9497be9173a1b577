package app_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"portal/app"
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
	var name, org string
	a.Store.DB.QueryRow(`SELECT display_name, organisation FROM people WHERE kind = 'professional'`).Scan(&name, &org)
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
	a.Store.DB.Get(&person, `SELECT person_id FROM registrations WHERE id = $1`, waiting.RegistrationID)
	a.Store.DB.Get(&session, `SELECT id FROM sessions WHERE group_id = $1 ORDER BY starts_at LIMIT 1`, g)
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
	if err := a.Cancel(ctx, first.Token, ""); err != nil && !errors.Is(err, app.ErrExpired) {
		t.Fatal(err)
	}
	if err := a.Withdraw(ctx, staffActor(t, a, staff), first.RegistrationID); err != nil && !errors.Is(err, app.ErrTransition) {
		t.Fatal(err)
	}
	if s := status(t, a, second.RegistrationID); s != "waitlisted" {
		t.Errorf("a closed group offered its freed seat: %s", s)
	}
	if err := a.Promote(ctx, staffActor(t, a, staff), second.RegistrationID, true); !errors.Is(err, app.ErrClosed) {
		t.Errorf("promoting into a closed group: %v", err)
	}
}

func TestErasureFreesTheSeatForWhoeverWaits(t *testing.T) {
	a := seeded(t)
	g := addGroup(t, a, "intervisie", "intervisie-test", 1, 0, 2)
	first := signup(t, a, g, 1)
	second := signup(t, a, g, 2)
	var person int64
	a.Store.DB.Get(&person, `SELECT person_id FROM registrations WHERE id = $1`, first.RegistrationID)
	if err := a.Erase(t.Context(), actorFor(t, a, addStaff(t, a, "admin@example.org", app.RoleAdmin)), person); err != nil {
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
	err := a.CloseYear(t.Context(), actorFor(t, a, staff), 2025)
	if v, ok := app.AsValidation(err); !ok || !strings.Contains(v.Error(), "bevestig") {
		t.Fatalf("closing 2025 with 2024 open: %v", err)
	}
	if err := a.CloseYear(t.Context(), actorFor(t, a, staff), 2024); err != nil {
		t.Fatal(err)
	}
	if err := a.CloseYear(t.Context(), actorFor(t, a, staff), 2025); err != nil {
		t.Fatalf("closing 2025 after 2024: %v", err)
	}
}

func TestCancellingAPlannedWaakvlamClosesItsGroup(t *testing.T) {
	a := seeded(t)
	ctx := t.Context()
	staff := staffMember(t, a)
	wv, err := a.RequestWaakvlam(ctx, app.WaakvlamInput{Organisation: "CKG", ServiceType: "ckg", ContactName: "Jo",
		ContactEmail: "jo@ckg.example", ExpectedStaff: "8", PreferredPeriods: "mei", Consent: true, ConsentText: consentText})
	if err != nil {
		t.Fatal(err)
	}
	st, _ := a.WaakvlamByToken(ctx, wv.Token)
	start := testNow.AddDate(0, 1, 0)
	coordinator := actorFor(t, a, staff)
	groupID, err := a.PlanWaakvlam(ctx, coordinator, st.Request.ID, start, start.Add(3*time.Hour), "CKG", "Berlaar")
	if err != nil {
		t.Fatal(err)
	}
	link := secretOf(t, a, 0, "waakvlam_planned")
	signup(t, a, groupID, 1)
	if err := a.SetWaakvlamStatus(ctx, coordinator, st.Request.ID, "cancelled"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := a.GroupBySignupToken(ctx, link); !errors.Is(err, app.ErrNotFound) {
		t.Errorf("the signup link of a cancelled training still works: %v", err)
	}
	var sessionStatus string
	var notices int
	a.Store.DB.Get(&sessionStatus, `SELECT status FROM sessions WHERE group_id = $1`, groupID)
	a.Store.DB.Get(&notices, `SELECT count(*) FROM outbox WHERE kind = 'session_cancelled'`)
	if sessionStatus != "cancelled" || notices != 1 {
		t.Errorf("after cancelling: session %s, %d notices", sessionStatus, notices)
	}
}
