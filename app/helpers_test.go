package app_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"portal/app"
	"portal/app/locale"
)

// testNow is the clock of the registration tests: a Saturday morning in Mechelen.
var testNow = time.Date(2026, 11, 28, 10, 0, 0, 0, locale.Brussels)

// seeded returns an App with the demo offer loaded.
func seeded(t *testing.T) *app.App {
	t.Helper()
	a := newApp(t, testNow)
	if err := a.Seed(t.Context()); err != nil {
		t.Fatal(err)
	}
	return a
}

// addGroup creates a group of an offering with capacities and weekly sessions starting in a week.
func addGroup(t *testing.T, a *app.App, offering, slug string, capacity, children, sessions int) int64 {
	t.Helper()
	var id int64
	err := a.Store.DB.Get(&id, `INSERT INTO groups (offering_id, slug, name, municipality, place_name, address, place_private,
			capacity, child_capacity, closed_after_session)
		SELECT id, $2, '{"nl":"Testgroep"}', 'Mechelen', 'Zaal Zeven', 'Geheimstraat 7, 2800 Mechelen', true, $3, $4, 2
		FROM offerings WHERE slug = $1 RETURNING id`, offering, slug, capacity, children)
	if err != nil {
		t.Fatal(err)
	}
	for i := range sessions {
		start := testNow.AddDate(0, 0, 7*(i+1)).Add(9 * time.Hour) // 19.00
		a.Store.DB.MustExec(`INSERT INTO sessions (group_id, starts_at, ends_at) VALUES ($1, $2, $3)`,
			id, start, start.Add(2*time.Hour))
	}
	return id
}

var consentText = app.Consent{Version: "test", Text: "Ik ga akkoord."}

// signup signs up person n for a group with an address of their own.
func signup(t *testing.T, a *app.App, groupID int64, n int) app.SignupResult {
	t.Helper()
	res, err := a.SignUp(t.Context(), app.SignupInput{GroupID: groupID, Name: fmt.Sprintf("Persoon %d", n),
		Email: fmt.Sprintf("persoon%d@example.be", n), Organisation: "CAW", Sector: "caw", Consent: true,
		ConsentText: consentText, Language: "nl"})
	if err != nil {
		t.Fatalf("signup %d: %v", n, err)
	}
	return res
}

// request sends a survivor-group request with e-mail contact.
func request(t *testing.T, a *app.App, offering string, groupID int64, alias string) app.RequestResult {
	t.Helper()
	res, err := a.Request(t.Context(), app.RequestInput{OfferingSlug: offering, GroupID: groupID, Alias: alias,
		Contact:      app.ContactInput{ByEmail: true, Email: strings.ToLower(alias) + "@example.be", SafeTimes: "na 18 uur"},
		Municipality: "Mechelen", Referrer: "police", Consent: true, ConsentText: consentText, Language: "nl"})
	if err != nil {
		t.Fatalf("request %s: %v", alias, err)
	}
	return res
}

func status(t *testing.T, a *app.App, regID int64) string {
	t.Helper()
	var s string
	if err := a.Store.DB.Get(&s, `SELECT status FROM registrations WHERE id = $1`, regID); err != nil {
		t.Fatal(err)
	}
	return s
}

func outboxKinds(t *testing.T, a *app.App, regID int64) []string {
	t.Helper()
	var kinds []string
	if err := a.Store.DB.Select(&kinds, `SELECT kind FROM outbox WHERE registration_id = $1 AND kind <> 'reminder'
		ORDER BY id`, regID); err != nil {
		t.Fatal(err)
	}
	return kinds
}

// staffMember adds a coordinator and returns their id.
func staffMember(t *testing.T, a *app.App) int64 {
	t.Helper()
	var id int64
	if err := a.Store.DB.Get(&id, `INSERT INTO staff_users (email, name, role) VALUES ('coordinator@example.be', 'Karen', 'coordinator')
		ON CONFLICT (lower(email)) DO UPDATE SET name = EXCLUDED.name RETURNING id`); err != nil {
		t.Fatal(err)
	}
	return id
}
