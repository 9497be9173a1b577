package handlers_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"portal/app"
	"portal/app/locale"
	"portal/internal/fixtures"
	"portal/internal/testenv"
)

var (
	// unresolvedKey is a catalogue id the catalogue did not know: locale.T writes it between brackets.
	unresolvedKey = regexp.MustCompile(`\[[a-z_]+\.[a-z0-9_.]+\]`)
	// snakeCode is a code such as intake_planned or code_locked in the visible text: words never have an
	// underscore.
	snakeCode = regexp.MustCompile(`\b[a-z]+(?:_[a-z]+)+\b`)
	hrefs     = regexp.MustCompile(`href="(/[^"#]*)"`)
	// The parts of a page that are not read: scripts, styles, tags with their attributes.
	unreadParts = regexp.MustCompile(`(?s)<script.*?</script>|<style.*?</style>|<[^>]*>`)
	digits      = regexp.MustCompile(`[0-9]+`)
)

// visibleText is what a reader sees of an HTML page: its text without tags and attributes.
func visibleText(body string) string {
	return unreadParts.ReplaceAllString(body, " ")
}

// rawWords finds, in the visible text of a page, an unresolved catalogue id or a code where words belong: an
// audit action (registration.withdraw) or any snake_case code (a status like intake_planned).
func rawWords(body string) []string {
	text := visibleText(body)
	var found []string
	if m := unresolvedKey.FindString(body); m != "" {
		found = append(found, m)
	}
	for _, action := range app.AuditActions {
		if strings.Contains(text, action) && (strings.Contains(action, ".") || strings.Contains(action, "_")) {
			found = append(found, action)
		}
	}
	found = append(found, snakeCode.FindAllString(text, 3)...)
	return found
}

// crawl opens every page reachable by links from start (GET only, same site, pages under prefix), at most a few
// per address pattern (numbers taken out), and calls check on each HTML page.
func crawl(t *testing.T, w *staffWorld, c *http.Client, prefix string, start []string, check func(path string, r response)) int {
	t.Helper()
	seen, perPattern := map[string]bool{}, map[string]int{}
	queue := append([]string(nil), start...)
	pages := 0
	for len(queue) > 0 && pages < 300 {
		path := queue[0]
		queue = queue[1:]
		u, err := url.Parse(path)
		if err != nil || seen[path] || !strings.HasPrefix(u.Path, prefix) {
			continue
		}
		seen[path] = true
		pattern := digits.ReplaceAllString(u.Path, "N")
		if perPattern[pattern]++; perPattern[pattern] > 3 {
			continue
		}
		r := w.get(t, c, path)
		if r.status >= 500 {
			t.Errorf("%s: status %d", path, r.status)
		}
		if !strings.HasPrefix(r.header.Get("Content-Type"), "text/html") {
			continue
		}
		pages++
		check(path, r)
		for _, m := range hrefs.FindAllStringSubmatch(r.body, -1) {
			link := strings.ReplaceAll(m[1], "&amp;", "&")
			if strings.HasPrefix(link, "/taal/") || strings.HasPrefix(link, "/static/") || strings.HasSuffix(link, ".ics") {
				continue
			}
			queue = append(queue, link)
		}
	}
	return pages
}

// TestEveryPageSpeaksInWords crawls every staff page an admin can reach, and every public page, in both
// languages, over data that shows most of what the portal holds (a planned Waakvlam with a colleague signed up,
// a decision, a roll call, an erased person, an audit line of a change): no page shows a catalogue id or a raw
// code instead of words.
func TestEveryPageSpeaksInWords(t *testing.T) {
	w := newStaffWorld(t, time.Date(2026, 6, 15, 9, 0, 0, 0, locale.Brussels))
	a, ctx := w.srv.App, t.Context()
	coord := fixtures.Actor(t, a, w.coord)
	admin := fixtures.Actor(t, a, w.admin)
	// A planned Waakvlam with its status page and one colleague signed up through the private link.
	wv, err := a.RequestWaakvlam(ctx, app.WaakvlamInput{Organisation: "CKG De Kleine Kameel", ServiceType: "ckg",
		ContactName: "An", ContactEmail: "an@ckg.example", ExpectedStaff: "1", PreferredPeriods: "najaar", Consent: true,
		ConsentText: app.Consent{Version: "t", Text: "ok"}})
	if err != nil {
		t.Fatal(err)
	}
	st, err := a.WaakvlamByToken(ctx, wv.Token)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Date(2026, 10, 6, 13, 0, 0, 0, locale.Brussels)
	group, err := a.PlanWaakvlam(ctx, coord, st.Request.ID, start, start.Add(3*time.Hour), "Zaal", "Mechelen")
	if err != nil {
		t.Fatal(err)
	}
	const signupToken = "the-private-link-of-the-ckg-in-this-test"
	w.srv.DB.MustExec(`UPDATE groups SET signup_token_hash = $2 WHERE id = $1`, group, app.HashToken(signupToken))
	if _, err := a.SignUp(ctx, app.SignupInput{GroupID: group, Name: "Collega Een", Email: "een@ckg.example",
		Organisation: "CKG De Kleine Kameel", Sector: "ckg", Consent: true, ConsentText: app.Consent{Version: "t", Text: "ok"}}); err != nil {
		t.Fatal(err)
	}
	// A decision (its audit line carries statuses), a roll call with a mark, and an erased person on it.
	if err := a.Withdraw(ctx, coord, w.registrations[w.own]); err != nil {
		t.Fatal(err)
	}
	session := w.sessions[w.foreign]
	var startsAt time.Time
	testenv.MustGet(t, w.srv.DB, &startsAt, `SELECT starts_at FROM sessions WHERE id = $1`, session)
	w.clock.t = startsAt.Add(time.Hour) // the roll call opens when the session starts
	if err := a.Mark(ctx, coord, session, w.people[w.foreign], app.MarkPresent); err != nil {
		t.Fatal(err)
	}
	if err := a.Erase(ctx, admin, w.people[w.foreign]); err != nil {
		t.Fatal(err)
	}

	// The erased person keeps her mark on the roll call, named in words.
	c, _ := w.client(t, w.admin)
	if r := w.get(t, c, "/beheer/sessies/"+itoa(session)+"/aanwezigheid"); !strings.Contains(r.body, "<em>Gewiste persoon</em></a>") {
		t.Error("the roll call does not name the erased person in words")
	}
	// The audit page tells the detail of a line in words: the mark given, not its code.
	if r := w.get(t, c, "/beheer/audit"); !strings.Contains(r.body, "<li>Naar: Aanwezig</li>") {
		t.Error("the audit page does not tell the mark given in words")
	}
	staffStart := []string{"/beheer", "/beheer/account", "/beheer/audit", "/beheer/sessies/" + itoa(session) + "/aanwezigheid",
		"/beheer/waakvlam/" + itoa(st.Request.ID), "/beheer/aanvragen/nieuw?aanbod=rotonde",
		"/beheer/aanvragen/nieuw?aanbod=blaffen-of-schuilen", "/beheer/inschrijvingen/" + itoa(w.registrations[w.own])}
	publicStart := []string{"/", "/privacy", "/waakvlam/" + wv.Token, "/inschrijven/" + signupToken}
	for _, l := range locale.Languages {
		t.Run(l, func(t *testing.T) {
			c, _ := w.client(t, w.admin)
			anon, _ := w.client(t, 0)
			for _, cl := range []*http.Client{c, anon} {
				u, err := url.Parse(w.srv.URL)
				if err != nil {
					t.Fatal(err)
				}
				cl.Jar.SetCookies(u, []*http.Cookie{{Name: "taal", Value: l, Path: "/"}})
			}
			check := func(path string, r response) {
				if raw := rawWords(r.body); len(raw) > 0 {
					t.Errorf("%s: shows %q where words belong", path, raw)
				}
			}
			if n := crawl(t, w, c, "/beheer", staffStart, check); n < 25 {
				t.Errorf("only %d staff pages reached", n)
			}
			if n := crawl(t, w, anon, "/", publicStart, check); n < 10 {
				t.Errorf("only %d public pages reached", n)
			}
		})
	}
}

// TestStaffPagesAreWrittenForStaff opens the pages staff work in and checks their words: the staff wording of
// the participant forms, the menu tab of the section a page belongs to, ways of contact with commas between them,
// the sign-ins of an account as a number of devices.
func TestStaffPagesAreWrittenForStaff(t *testing.T) {
	w := newStaffWorld(t, monday)
	c, _ := w.client(t, w.admin)
	current := regexp.MustCompile(`<a href="([^"]+)" aria-current="page">`)
	for _, tc := range []struct {
		path, tab string
		want      []string
		not       []string
	}{
		{"/beheer/aanvragen/nieuw?aanbod=rotonde", "/beheer/aanvragen",
			[]string{"Woonplaats", "Hoe mogen we de persoon contacteren?", "De persoon gaat akkoord met deze tekst",
				`<blockquote class="consent-text">Ik ga akkoord`},
			[]string{"Gemeente waar je woont", "Wie raadde je ons aan?", "Hoe mogen we je contacteren?"}},
		{"/beheer/aanvragen/nieuw?aanbod=blaffen-of-schuilen", "/beheer/aanvragen",
			[]string{"Voornaam of schuilnaam van de ouder", "De ouder gaat akkoord met deze tekst", "<h1>Een gezin aanmelden</h1>"},
			[]string{"Jouw voornaam of schuilnaam", "Gemeente waar je woont", "Je gezin aanmelden"}},
		{"/beheer/inschrijvingen/" + itoa(w.registrations[w.own]), "/beheer/aanvragen",
			[]string{"Manier: <strong>Telefoon (bellen)</strong>"}, []string{"Gemeente waar je woont"}},
		{"/beheer/waakvlam/" + itoa(w.waakvlam), "/beheer/waakvlam", []string{"<dt>Verwacht aantal medewerkers</dt>", "<dt>Voorkeursperiodes</dt>"},
			[]string{"Welke periodes passen jullie?", "Hoeveel medewerkers nemen ongeveer deel?"}},
		{"/beheer/sessies/" + itoa(w.sessions[w.own]), "/beheer/groepen", nil, nil},
		{"/beheer/groepen/" + itoa(w.own), "/beheer/groepen", nil, nil},
		{"/beheer", "/beheer", nil, nil},
		{"/beheer/account", "", []string{"<dd>Op 1 toestel</dd>"}, []string{"Aangemeld op 0"}},
		{"/beheer/medewerkers/" + itoa(w.fac), "/beheer/medewerkers", []string{"<dd>Geen</dd>"}, nil},
	} {
		r := w.get(t, c, tc.path)
		if r.status != http.StatusOK {
			t.Errorf("%s: status %d", tc.path, r.status)
			continue
		}
		var tabs []string
		for _, m := range current.FindAllStringSubmatch(r.body, -1) {
			tabs = append(tabs, m[1])
		}
		if want := []string{tc.tab}; tc.tab == "" && len(tabs) != 0 || tc.tab != "" && strings.Join(tabs, " ") != tc.tab {
			t.Errorf("%s: current menu tab %v, want %v", tc.path, tabs, want)
		}
		for _, s := range tc.want {
			if !strings.Contains(r.body, s) {
				t.Errorf("%s: lacks %q", tc.path, s)
			}
		}
		for _, s := range tc.not {
			if strings.Contains(r.body, s) {
				t.Errorf("%s: still says %q", tc.path, s)
			}
		}
	}
	// The public form keeps the participant's own words.
	anon, _ := w.client(t, 0)
	if r := w.get(t, anon, "/aanbod/rotonde/aanvragen"); r.status != http.StatusOK || !strings.Contains(r.body, "Gemeente waar je woont") {
		t.Errorf("the public request form (status %d) lost its own wording", r.status)
	}
}
