package handlers_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"portal/app"
	"portal/internal/testenv"
)

// TestSearchPage: the search field is on every staff page; a coordinator finds a person by name, e-mail or phone
// with a link to the registration, in both languages and without a missing message; a term too short is said
// next to the field, what was typed kept.
func TestSearchPage(t *testing.T) {
	w := newStaffWorld(t, monday)
	coord, token := w.client(t, w.coord)
	for _, path := range []string{"/beheer", "/beheer/groepen", "/beheer/groepen/" + itoa(w.own)} {
		if page := w.get(t, coord, path); !strings.Contains(page.body, `action="/beheer/zoeken"`) {
			t.Errorf("%s has no search field", path)
		}
	}
	link := `href="/beheer/inschrijvingen/` + itoa(w.registrations[w.own]) + `"`
	missing := regexp.MustCompile(`\[[a-z]+\.[a-z0-9_.]+\]`)
	for _, l := range []string{"nl", "en"} {
		u, err := url.Parse(w.srv.URL)
		if err != nil {
			t.Fatal(err)
		}
		coord.Jar.SetCookies(u, []*http.Cookie{{Name: "taal", Value: l, Path: "/"}})
		for _, term := range []string{"tom", "0470000000", "pro@example"} {
			page := w.post(t, coord, "/beheer/zoeken", url.Values{"_csrf": {token}, "q": {term}})
			if page.status != http.StatusOK {
				t.Fatalf("%s %q: %d", l, term, page.status)
			}
			want := link
			if term == "pro@example" {
				want = `href="/beheer/inschrijvingen/` + itoa(w.registrations[w.foreign]) + `"`
			}
			if !strings.Contains(page.body, want) {
				t.Errorf("%s %q: no link to the registration", l, term)
			}
			if m := missing.FindString(page.body); m != "" {
				t.Errorf("%s %q: message %s is missing", l, term, m)
			}
		}
		short := w.post(t, coord, "/beheer/zoeken", url.Values{"_csrf": {token}, "q": {"x"}})
		if short.status != http.StatusUnprocessableEntity || !strings.Contains(short.body, `value="x"`) ||
			!strings.Contains(short.body, map[string]string{"nl": "Typ minstens twee", "en": "Type at least two"}[l]) {
			t.Errorf("%s: a term too short gave %d without its message next to the field", l, short.status)
		}
		if m := missing.FindString(w.get(t, coord, "/beheer/zoeken").body); m != "" {
			t.Errorf("%s: the empty search page misses %s", l, m)
		}
	}
	// A reference finds the Waakvlam request and nobody: the page shows the request, not "nobody found".
	var reference string
	testenv.MustGet(t, w.srv.DB, &reference, `SELECT reference FROM waakvlam_requests WHERE id = $1`, w.waakvlam)
	if page := w.post(t, coord, "/beheer/zoeken", url.Values{"_csrf": {token}, "q": {reference}}); !strings.Contains(page.body,
		`href="/beheer/waakvlam/`+itoa(w.waakvlam)+`"`) || strings.Contains(page.body, "Nobody found") || strings.Contains(page.body, "Niemand gevonden") {
		t.Errorf("a reference search: %d, the request missing or 'nobody found' above it", page.status)
	}
	if page := w.post(t, coord, "/beheer/zoeken", url.Values{"q": {"tom"}}); page.status != http.StatusForbidden {
		t.Errorf("a search without the form token: %d", page.status)
	}
}

// TestSearchScopeCrawl: a facilitator searching for someone of a group they do not lead finds nothing, and no page
// reachable from the search result (followed link by link) shows her.
func TestSearchScopeCrawl(t *testing.T) {
	w := newStaffWorld(t, monday)
	consent := app.Consent{Version: "t", Text: "ok"}
	su, err := w.srv.App.SignUp(t.Context(), app.SignupInput{GroupID: w.foreign, Name: "Zwaantje Onbekend",
		Email: "zwaantje@elders.example", Organisation: "CAW", Sector: "caw", Consent: true, ConsentText: consent})
	if err != nil {
		t.Fatal(err)
	}
	fac, token := w.client(t, w.fac)
	coord, coordToken := w.client(t, w.coord)
	if page := w.post(t, coord, "/beheer/zoeken", url.Values{"_csrf": {coordToken}, "q": {"Zwaantje"}}); !strings.Contains(page.body, "Zwaantje Onbekend") {
		t.Fatal("the coordinator does not find her: the crawl below would prove nothing")
	}
	res := w.post(t, fac, "/beheer/zoeken", url.Values{"_csrf": {token}, "q": {"Zwaantje"}})
	if res.status != http.StatusOK {
		t.Fatalf("search: %d", res.status)
	}
	secret := []string{"Onbekend", "zwaantje@elders", "/beheer/inschrijvingen/" + itoa(su.RegistrationID) + `"`}
	for _, s := range secret {
		if strings.Contains(res.body, s) {
			t.Errorf("the facilitator's search result shows %q", s)
		}
	}
	href := regexp.MustCompile(`href="(/beheer[^"#?]*)`)
	seen := map[string]bool{}
	queue := []string{}
	for _, m := range href.FindAllStringSubmatch(res.body, -1) {
		queue = append(queue, m[1])
	}
	for len(queue) > 0 && len(seen) < 150 {
		path := queue[0]
		queue = queue[1:]
		if seen[path] {
			continue
		}
		seen[path] = true
		page := w.get(t, fac, path)
		for _, s := range append(secret, "Zwaantje") {
			if strings.Contains(page.body, s) {
				t.Errorf("%s shows %q to a facilitator of another group", path, s)
			}
		}
		for _, m := range href.FindAllStringSubmatch(page.body, -1) {
			if !seen[m[1]] {
				queue = append(queue, m[1])
			}
		}
	}
	t.Logf("crawled %d pages", len(seen))
	if len(seen) < 5 {
		t.Errorf("the crawl reached only %d pages: %v", len(seen), seen)
	}
}
