package handlers_test

import (
	"fmt"
	"testing"
	"time"

	"portal/app"
	"portal/app/locale"
	"portal/internal/fixtures"
	"portal/internal/testenv"
	"portal/internal/testserver"
)

// An organisation's staff sign up through its private Waakvlam link from one office address: 22 colleagues
// (20 announced) all get in, although the ordinary budget of a public form is 20 posts per address.
func TestTwentyTwoColleaguesFromOneAddressSignUpThroughTheirPrivateLink(t *testing.T) {
	srv, token, group := privateWaakvlamLink(t)

	c := testserver.Client() // every colleague posts from the same address
	page := srv.URL + "/inschrijven/" + token
	for i := 1; i <= 22; i++ {
		status, body := post(t, c, page, merge(formFor(t, c, page), map[string]string{"name": fmt.Sprintf("Collega %d", i),
			"email": fmt.Sprintf("collega%d@lier.example", i), "organisation": "Sociaal Huis Lier", "sector": "ocmw",
			"consent": "ja"}))
		if status != 200 {
			t.Fatalf("colleague %d: %d\n%s", i, status, body)
		}
	}
	var admitted int
	testenv.MustGet(t, srv.DB, &admitted, `SELECT count(*) FROM registrations WHERE group_id = $1 AND status = 'admitted'`, group)
	if admitted != 22 {
		t.Errorf("%d colleagues signed up, want 22", admitted)
	}
}

// privateWaakvlamLink starts a portal whose clock is 1 September 2026, where Sociaal Huis Lier asked for the
// Waakvlam training and a coordinator planned it on 6 October 2026, 13.00–16.00; it returns the portal and the
// organisation's private signup link token and the training's group.
func privateWaakvlamLink(t *testing.T) (*testserver.Server, string, int64) {
	t.Helper()
	srv := testserver.Start(t, testserver.Options{Seed: true})
	a := srv.App
	a.Now = func() time.Time { return time.Date(2026, 9, 1, 9, 0, 0, 0, locale.Brussels) }
	ctx := t.Context()
	res, err := a.RequestWaakvlam(ctx, app.WaakvlamInput{Organisation: "Sociaal Huis Lier", ServiceType: "social_services",
		Municipality: "Lier", ContactName: "Jo", ContactEmail: "jo@lier.example", ExpectedStaff: "20",
		PreferredPeriods: "najaar", Consent: true, ConsentText: app.Consent{Version: "t", Text: "ok"}})
	if err != nil {
		t.Fatal(err)
	}
	st, err := a.WaakvlamByToken(ctx, res.Token)
	if err != nil {
		t.Fatal(err)
	}
	coord := fixtures.AddStaff(t, a, "coord@example.org", "C", app.RoleCoordinator, "")
	start := time.Date(2026, 10, 6, 13, 0, 0, 0, locale.Brussels)
	group, err := a.PlanWaakvlam(ctx, fixtures.Actor(t, a, coord), st.Request.ID, start, start.Add(3*time.Hour), "Zaal", "Lier")
	if err != nil {
		t.Fatal(err)
	}
	const token = "the-link-of-sociaal-huis-lier-for-this-test"
	srv.DB.MustExec(`UPDATE groups SET signup_token_hash = $2 WHERE id = $1`, group, app.HashToken(token))
	return srv, token, group
}
