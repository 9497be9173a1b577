package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"portal/app/locale"
)

// FuzzStaffForms posts arbitrary bodies, with a valid CSRF pair, to every staff form an admin can reach: the
// answer is never a server error, and an answer that refuses the input (any 4xx) leaves every table as it was
// (a form validates before it writes, and writes in one transaction). Signing out and deactivating are left
// out: they would end the fuzzer's session or the account the other forms act on.
//
// The seeds post each body to every form, so `go test` checks every staff form; `make fuzz` mutates from there.
func FuzzStaffForms(f *testing.F) {
	w := newStaffWorld(f, time.Date(2026, 6, 15, 9, 0, 0, 0, locale.Brussels))
	c, token := w.client(f, w.admin)
	var paths []string
	for _, m := range staffMatrix {
		if m.method != http.MethodPost || strings.Contains(m.path, "uitloggen") || strings.HasSuffix(m.path, "/actief") {
			continue
		}
		paths = append(paths, strings.NewReplacer("/groepen/:id", "/groepen/"+itoa(w.own), "/aanbod/:id", "/aanbod/"+itoa(w.offering),
			"/medewerkers/:id", "/medewerkers/"+itoa(w.other), "/sessies/:id", "/sessies/"+itoa(w.sessions[w.own]),
			"/inschrijvingen/:id", "/inschrijvingen/"+itoa(w.registrations[w.own]), "/personen/:id", "/personen/"+itoa(w.people[w.foreign]),
			"/waakvlam/:id", "/waakvlam/"+itoa(w.waakvlam), "/mail/:id", "/mail/"+itoa(w.mail), "/cijfers/:jaar", "/cijfers/2025").Replace(m.path))
	}
	// Bodies a form must refuse, sent to every form; the erasure's "confirm=ja" comes last, as it removes a person
	// the other forms act on.
	for _, s := range []string{"", "date=2026-13-45&from=25:99&to=", "group=-1&over=ja", "intake_date=x&intake_time=y",
		"capacity=999999999999999999999&slug=%00", "mode=series&every=0&unit=weeks&count=100000", "status=given",
		"person=abc&mark=present", "name=" + strings.Repeat("x", 3000), "destination=caw_individual&referred_on=2026-02-30",
		"other=999999999", "role=king", "name=%ff%fe&email=a%00b@example.org", "confirm=ja"} {
		for i := range paths {
			f.Add(s, uint8(i))
		}
	}
	digest := tableDigest(f, w.srv.DB)
	f.Fuzz(func(t *testing.T, body string, which uint8) {
		path := paths[int(which)%len(paths)]
		before := digest(t)
		switch s := postBody(t, c, w.srv.URL+path, "_csrf="+url.QueryEscape(token)+"&"+body); {
		case s >= 500:
			t.Fatalf("POST %s with %q: status %d", path, body, s)
		case s >= 400:
			after := digest(t)
			for table, sum := range before {
				if after[table] != sum {
					t.Errorf("POST %s with %q refused (%d) but changed %s", path, body, s, table)
				}
			}
		}
	})
}
