package app_test

import (
	"encoding/json"
	"portal/internal/fixtures"
	"strings"
	"testing"
	"time"

	"portal/app"
	"portal/internal/testenv"
)

func TestEraseAnonymisesOnePersonAndKeepsCounts(t *testing.T) {
	a := seeded(t)
	ctx := t.Context()
	staff := staffMember(t, a)
	g := addGroup(t, a, "lotgenotengroepen", "lotgenoten-test", 5, 0, 2)
	mira := request(t, a, "lotgenotengroepen", g, "Mira")
	other := request(t, a, "lotgenotengroepen", g, "Els")
	if err := a.Admit(ctx, fixtures.ActiveActor(t, a, staff), mira.RegistrationID, app.AdmitOptions{}); err != nil {
		t.Fatal(err)
	}
	var person int64
	testenv.MustGet(t, a.Store.DB, &person, `SELECT person_id FROM registrations WHERE id = $1`, mira.RegistrationID)
	if err := a.Erase(ctx, fixtures.Actor(t, a, addStaff(t, a, "admin@example.org", app.RoleAdmin)), person); err != nil {
		t.Fatal(err)
	}
	var name, email, safe []byte
	testenv.MustScan(t, a.Store.DB, `SELECT display_name_enc, email_enc, safe_times_enc FROM people WHERE id = $1`, []any{person},
		&name, &email, &safe)
	if name != nil || email != nil || safe != nil {
		t.Errorf("erased person still has %v %v %v", name, email, safe)
	}
	if s := status(t, a, mira.RegistrationID); s != "withdrawn" {
		t.Errorf("erased person's place: %s", s)
	}
	var regs int
	testenv.MustGet(t, a.Store.DB, &regs, `SELECT count(*) FROM registrations WHERE group_id = $1`, g)
	if regs != 2 {
		t.Errorf("%d registrations counted after erasure, want 2", regs)
	}
	var otherID int64
	testenv.MustGet(t, a.Store.DB, &otherID, `SELECT person_id FROM registrations WHERE id = $1`, other.RegistrationID)
	if fixtures.NameOf(t, a, otherID) != "Els" {
		t.Error("erasing one person touched another")
	}
}

func TestPurgeWaitsForRetentionAndFrozenFigures(t *testing.T) {
	a := seeded(t)
	ctx := t.Context()
	staff := staffMember(t, a)
	g := addGroup(t, a, "lotgenotengroepen", "lotgenoten-test", 5, 0, 2) // last session 14 days ahead
	r := request(t, a, "lotgenotengroepen", g, "Mira")
	if err := a.Admit(ctx, fixtures.ActiveActor(t, a, staff), r.RegistrationID, app.AdmitOptions{}); err != nil {
		t.Fatal(err)
	}
	purged := func() bool {
		var at *time.Time
		testenv.MustGet(t, a.Store.DB, &at, `SELECT p.anonymised_at FROM people p JOIN registrations r ON r.person_id = p.id WHERE r.id = $1`, r.RegistrationID)
		return at != nil
	}
	// A year and a month after the group: retention (365 days) has passed, but the year's figures are not frozen.
	a.Now = func() time.Time { return testNow.AddDate(1, 1, 0) }
	if n, err := a.Purge(ctx); err != nil || n != 0 || purged() {
		t.Fatalf("purged before the figures were frozen: %d %v", n, err)
	}
	a.Store.DB.MustExec(`INSERT INTO years_closed (year) VALUES (2026)`)
	// Within retention nothing happens either.
	a.Now = func() time.Time { return testNow.AddDate(0, 6, 0) }
	if n, err := a.Purge(ctx); err != nil {
		t.Fatal(err)
	} else if n != 0 {
		t.Fatal("purged within the retention period")
	}
	a.Now = func() time.Time { return testNow.AddDate(1, 1, 0) }
	if n, err := a.Purge(ctx); err != nil || n != 1 || !purged() {
		t.Fatalf("purge after retention and freeze: %d %v", n, err)
	}
	if n, err := a.Purge(ctx); err != nil {
		t.Fatal(err)
	} else if n != 0 {
		t.Error("a second purge found more")
	}
}

func TestExportHoldsOnePersonOnly(t *testing.T) {
	a := seeded(t)
	ctx := t.Context()
	res, err := a.RequestHousehold(ctx, app.HouseholdInput{Parent: "Sara", SecondParent: "Karim",
		Children: []app.ChildInput{{"Lina", "7"}}, Contact: app.ContactInput{ByEmail: true, Email: "sara@example.be",
			SafeTimes: "na 20 uur"}, Message: "liefst woensdag", Consent: true, ConsentText: consentText})
	if err != nil {
		t.Fatal(err)
	}
	var person int64
	testenv.MustGet(t, a.Store.DB, &person, `SELECT person_id FROM registrations WHERE id = $1`, res.RegistrationID)
	b, err := a.ExportPerson(ctx, fixtures.Actor(t, a, addStaff(t, a, "admin@example.org", app.RoleAdmin)), person)
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	for _, want := range []string{`"name": "Sara"`, "sara@example.be", "na 20 uur", "liefst woensdag", "Ik ga akkoord."} {
		if !strings.Contains(s, want) {
			t.Errorf("export lacks %q", want)
		}
	}
	for _, other := range []string{"Karim", "Lina"} {
		if strings.Contains(s, other) {
			t.Errorf("export holds data about %s", other)
		}
	}
	var parsed map[string]any
	if err := json.Unmarshal(b, &parsed); err != nil {
		t.Errorf("export is not JSON: %v", err)
	}
}
