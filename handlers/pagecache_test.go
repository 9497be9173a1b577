package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"portal/app"
	"portal/internal/testenv"
	"portal/internal/testserver"
)

// The catalogue is kept rendered: a change that does not go through staff shows after the TTL (made long here),
// and a change staff make through the portal empties the cache at once.
func TestPublicPagesAreKeptUntilStaffChangeSomething(t *testing.T) {
	srv := testserver.Start(t, testserver.Options{Seed: true, PageCacheTTL: time.Hour})
	c := testserver.Client()
	if _, body := get(t, c, srv.URL+"/"); !strings.Contains(body, "Lotgenotengroepen") {
		t.Fatal("the catalogue lacks Lotgenotengroepen")
	}
	if _, err := srv.DB.Exec(`UPDATE offerings SET name = jsonb_set(name, '{nl}', '"Praatgroepen"') WHERE slug = 'lotgenotengroepen'`); err != nil {
		t.Fatal(err)
	}
	if _, body := get(t, c, srv.URL+"/"); !strings.Contains(body, "Lotgenotengroepen") || strings.Contains(body, "Praatgroepen") {
		t.Error("the catalogue was rendered again within its TTL")
	}
	// Another page, another entry: rendered now, with the new name.
	if _, body := get(t, c, srv.URL+"/aanbod/lotgenotengroepen"); !strings.Contains(body, "Praatgroepen") {
		t.Error("an offering page not seen before shows the old name")
	}
	// The same page in English is an entry of its own.
	en := testserver.Client()
	u, err := url.Parse(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	en.Jar.SetCookies(u, []*http.Cookie{{Name: "taal", Value: "en", Path: "/"}})
	if _, body := get(t, en, srv.URL+"/"); !strings.Contains(body, `lang="en"`) {
		t.Error("the English catalogue came from the Dutch entry")
	}

	// A staff member signs out: a POST under /beheer that succeeds, which empties the cache.
	staff, err := srv.App.AddStaff(t.Context(), app.NewStaff{Email: "coord@example.org", Name: "Co", Role: app.RoleCoordinator,
		Password: "a long and silly passphrase"})
	if err != nil {
		t.Fatal(err)
	}
	sc, token := srv.StaffClient(t, staff)
	resp, err := sc.PostForm(srv.URL+"/beheer/uitloggen", url.Values{"_csrf": {token}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode >= 400 {
		t.Fatalf("sign out: status %d", resp.StatusCode)
	}
	if _, body := get(t, c, srv.URL+"/"); !strings.Contains(body, "Praatgroepen") {
		t.Error("after a change by staff the catalogue still shows the old name")
	}
}

// A page without a form gives no CSRF cookie; a page with a form does, and its token is accepted.
func TestTheCSRFCookieComesWithTheFirstForm(t *testing.T) {
	srv := testserver.Start(t, testserver.Options{Seed: true})
	c := testserver.Client()
	u, err := url.Parse(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/", "/aanbod/intervisie", "/privacy"} {
		get(t, c, srv.URL+path)
		if len(c.Jar.Cookies(u)) != 0 {
			t.Fatalf("%s set a cookie: %v", path, c.Jar.Cookies(u))
		}
	}
	_, body := get(t, c, srv.URL+"/mijn-link")
	token := csrfOf(t, body)
	if len(c.Jar.Cookies(u)) != 1 || c.Jar.Cookies(u)[0].Name != "vh_csrf" {
		t.Fatalf("the form page set %v", c.Jar.Cookies(u))
	}
	// The same token on every form page until the cookie changes.
	if _, again := get(t, c, srv.URL+"/aanbod/intervisie/inschrijven/intervisie-bornem"); csrfOf(t, again) != token {
		t.Error("a second form page carries another token")
	}
	// A wrong token is refused (so the check is live), the form page's token is taken and the form answered.
	if got, _ := post(t, c, srv.URL+"/mijn-link", url.Values{"_csrf": {token + "x"}, "email": {"iemand@example.org"}}); got != http.StatusForbidden {
		t.Errorf("a wrong token: %d, want 403", got)
	}
	got, body := post(t, c, srv.URL+"/mijn-link", url.Values{"_csrf": {token}, "email": {"iemand@example.org"}})
	if got != http.StatusOK || !strings.Contains(body, "Als dit e-mailadres bij ons bekend is") {
		t.Errorf("the token of the form page: %d, want 200 and the answer to the form", got)
	}
}

// The signup form may come from a view of the offering a moment old, but the signup itself decides from the
// database: a group closed after the form was shown takes no one, and a full group gives a waiting-list place.
func TestASignupDecidesFromTheDatabaseNotTheKeptView(t *testing.T) {
	srv := testserver.Start(t, testserver.Options{Seed: true, PageCacheTTL: time.Hour})
	c := testserver.Client()
	page := srv.URL + "/aanbod/intervisie/inschrijven/intervisie-mechelen"
	form := func(email string) url.Values {
		return merge(formFor(t, c, page), map[string]string{"name": "Sofie Claes", "email": email,
			"organisation": "PZ Mechelen-Willebroek", "sector": "police", "consent": "ja"})
	}
	first := form("one@politie.example") // the view is kept from here on: the group open, 12 seats free
	if _, err := srv.DB.Exec(`UPDATE groups SET capacity = 0 WHERE slug = 'intervisie-mechelen'`); err != nil {
		t.Fatal(err)
	}
	if status, body := post(t, c, page, first); status != 200 || !strings.Contains(body, "wachtlijst") {
		t.Errorf("a signup for a group now full: %d, not on the waiting list", status)
	}
	second := form("two@politie.example")
	if _, err := srv.DB.Exec(`UPDATE groups SET status = 'closed' WHERE slug = 'intervisie-mechelen'`); err != nil {
		t.Fatal(err)
	}
	if status, _ := post(t, c, page, second); status != 409 {
		t.Errorf("a signup for a group closed since the form was shown: status %d, want 409", status)
	}
	var seats int
	testenv.MustGet(t, srv.DB, &seats, `SELECT count(*) FROM registrations WHERE status = 'admitted'`)
	if seats != 0 {
		t.Errorf("%d seats given in a group without capacity", seats)
	}
}
