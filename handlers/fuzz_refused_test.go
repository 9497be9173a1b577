package handlers_test

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"portal/handlers"
	"portal/internal/testserver"
)

// changeTables are the tables a form can write to (rate-limit counters aside, which count refused posts too).
var changeTables = []string{"staff_sessions", "staff_tokens", "households", "people", "waakvlam_requests",
	"registrations", "registration_events", "consents", "outbox", "audit_log", "form_submissions", "registration_tokens"}

// FuzzRefusedFormsChangeNothing posts arbitrary bodies (with a valid CSRF pair) to every form a visitor can
// reach without an account, the staff sign-in and "forgot password" among them: the answer is never a server
// error, and an answer that refuses the input (400, 403, 413, 422) leaves every table as it was. Input that no
// form should take (invalid UTF-8, a NUL) must be refused before it reaches PostgreSQL.
func FuzzRefusedFormsChangeNothing(f *testing.F) {
	srv := testserver.Start(f, testserver.Options{Seed: true, Limits: handlers.Limits{Forms: 1 << 30, Window: time.Minute}})
	c := testserver.Client()
	form := formFor(f, c, srv.URL+"/beheer/login")
	csrf := "_csrf=" + url.QueryEscape(form.Get("_csrf"))
	for _, s := range []string{"email=a%00b%40example.org&password=x", "email=%ff%fe&password=x", "email=%ff%fe",
		"email=a%00b%40example.org", "name=An&email=an@example.be&consent=ja", "alias=%ff%fe&channels=email",
		"email=" + strings.Repeat("x", 300) + "@example.org&password=y", "organisation=CAW%ff&name=An&email=a@b.be&consent=ja"} {
		for which := range uint8(9) {
			f.Add(s, which)
		}
	}
	paths := []string{"/beheer/login", "/beheer/wachtwoord-vergeten", "/aanbod/intervisie/inschrijven/intervisie-bornem",
		"/aanbod/activiteiten/inschrijven/orange-the-world", "/aanbod/lotgenotengroepen/aanvragen", "/aanbod/rotonde/aanvragen",
		"/aanbod/blaffen-of-schuilen/aanvragen", "/aanbod/waakvlam/aanvragen", "/mijn-link"}
	count := func(t *testing.T) map[string]int {
		t.Helper()
		out := map[string]int{}
		for _, table := range changeTables {
			var n int
			if err := srv.DB.Get(&n, `SELECT count(*) FROM `+table); err != nil {
				t.Fatal(err)
			}
			out[table] = n
		}
		return out
	}
	f.Fuzz(func(t *testing.T, body string, which uint8) {
		path := paths[int(which)%len(paths)]
		before := count(t)
		switch s := postBody(t, c, srv.URL+path, csrf+"&"+body); {
		case s >= 500:
			t.Fatalf("%s with %q: status %d", path, body, s)
		case s == 400 || s == 403 || s == 413 || s == 422:
			after := count(t)
			for _, table := range changeTables {
				if after[table] != before[table] {
					t.Errorf("%s with %q refused (%d) but %s went from %d to %d rows", path, body, s, table,
						before[table], after[table])
				}
			}
		}
	})
}
