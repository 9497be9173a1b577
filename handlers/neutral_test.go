package handlers_test

import (
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"portal/app"
	"portal/internal/testserver"
)

// orgWords name the organisation, its place or its topic: none may appear on the neutral host of discreet links.
// A line about danger would tell the topic as well as a name.
var orgWords = regexp.MustCompile(`(?i)veilig ?huis|rivierenland|1712|015 45 33 28|schipstraat|mechelen|geweld|violence|gevaar|immediate danger|snel weg|quick exit|lotgenot|intervisie|waakvlam|beheer`)

// TestNeutralHostShowsOnlyMailPages opens the neutral host as someone who read her mailbox would: the pages her
// mail links to answer under the neutral name "Afspraken" with a neutral icon; every other address is "not
// found"; no page there names the organisation.
func TestNeutralHostShowsOnlyMailPages(t *testing.T) {
	srv := testserver.Start(t, testserver.Options{Seed: true, Neutral: true})
	if srv.NeutralURL == srv.URL {
		t.Fatal("the neutral host is the site's own host")
	}
	res, err := srv.App.Request(t.Context(), app.RequestInput{OfferingSlug: "rotonde", Alias: "Kim",
		Contact: app.ContactInput{ByPhone: true, Phone: "0470 11 22 33"}, Consent: true,
		ConsentText: app.Consent{Version: "t", Text: "ok"}, Language: "nl"})
	if err != nil || res.Token == "" {
		t.Fatalf("request: %+v %v", res, err)
	}
	c := testserver.Client()
	for _, p := range []string{"/", "/aanbod/rotonde", "/aanbod/lotgenotengroepen", "/aanbod/rotonde/aanvragen",
		"/veilig-surfen", "/privacy", "/toegankelijkheid", "/beheer", "/beheer/login", "/waakvlam/x",
		"/inschrijven/" + res.Token, "/static/staff.css", "/static/rollcall.js", "/favicon.ico", "/bestaat-niet"} {
		status, body := get(t, c, srv.NeutralURL+p)
		if status != http.StatusNotFound {
			t.Errorf("neutral host %s: status %d, want 404", p, status)
		}
		checkNeutral(t, p, body)
	}
	for _, p := range []string{"/mijn/" + res.Token, "/mijn-link", "/mijn/onbekend-onbekend-onbekend-onbekend"} {
		status, body := get(t, c, srv.NeutralURL+p)
		if status != http.StatusOK && !(strings.Contains(p, "onbekend") && status == http.StatusNotFound) {
			t.Errorf("neutral host %s: status %d", p, status)
		}
		checkNeutral(t, p, body)
	}
	for _, p := range []string{"/static/app.css", "/static/afspraken.svg", "/static/snelweg.js", "/static/error-summary.js"} {
		status, body := get(t, c, srv.NeutralURL+p)
		if status != http.StatusOK || orgWords.MatchString(body) {
			t.Errorf("neutral host %s: status %d, or it names the organisation", p, status)
		}
	}
	// Every spelling of the neutral name reaches this server, so every one gets the neutral pages: a trailing dot,
	// no port, upper case.
	n, err := url.Parse(srv.NeutralURL)
	if err != nil {
		t.Fatal(err)
	}
	for _, host := range []string{n.Hostname() + ".:" + n.Port(), n.Hostname(), strings.ToUpper(n.Host), n.Hostname() + "."} {
		req, err := http.NewRequest(http.MethodGet, srv.URL+"/", nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Host = host
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("Host %q: status %d, want the neutral 404", host, resp.StatusCode)
		}
		checkNeutral(t, "/ as "+host, string(body))
	}
	// The site's own host keeps its name and all its pages.
	if status, body := get(t, c, srv.URL+"/"); status != http.StatusOK || !strings.Contains(body, "Veilig Huis") {
		t.Errorf("own host home: %d", status)
	}
}

// checkNeutral fails when a page on the neutral host names the organisation or lacks the neutral frame.
func checkNeutral(t *testing.T, path, body string) {
	t.Helper()
	// The language switch carries the path the visitor typed; that says nothing she did not already know.
	body = regexp.MustCompile(`terug=[^"]*`).ReplaceAllString(body, "")
	if m := orgWords.FindString(body); m != "" {
		t.Errorf("neutral host %s says %q", path, m)
	}
	if !(strings.Contains(body, "– Afspraken</title>") || strings.Contains(body, "<title>Afspraken</title>")) ||
		!strings.Contains(body, `<span class="brand">Afspraken</span>`) ||
		!strings.Contains(body, `rel="icon" href="/static/afspraken.svg`) {
		t.Errorf("neutral host %s lacks the neutral title, header or icon:\n%s", path, body)
	}
	// The quick exit is there, under a plain word: "Snel weg" would tell what the page is about.
	if !strings.Contains(body, `id="snelweg"`) || !strings.Contains(body, `>Sluiten</a>`) || strings.Contains(body, "Snel weg") {
		t.Errorf("neutral host %s lacks the neutral quick exit", path)
	}
}

// The signup form of a discreet group offers the personal code, as the request form does; a form for
// professionals, or for a group that is not discreet, does not.
func TestDiscreetSignupFormOffersTheCode(t *testing.T) {
	srv := testserver.Start(t, testserver.Options{Seed: true})
	c := testserver.Client()
	for p, want := range map[string]bool{
		"/aanbod/activiteiten/inschrijven/samen-naar-herstel": true,
		"/aanbod/activiteiten/inschrijven/orange-the-world":   false,
		"/aanbod/intervisie/inschrijven/intervisie-bornem":    false,
	} {
		status, body := get(t, c, srv.URL+p)
		if status != http.StatusOK {
			t.Fatalf("%s: status %d", p, status)
		}
		if got := strings.Contains(body, `name="code"`); got != want {
			t.Errorf("%s: code field %v, want %v", p, got, want)
		}
	}
}

// The "I can't come" link of a reminder, opened on the neutral host for a page guarded by a code: the form asks
// for the code; without it or with a wrong one the answer is refused next to the field (422) and nothing
// changes; with it, she is excused. No page along the way names the organisation.
func TestExcuseLinkAsksForTheCode(t *testing.T) {
	srv := testserver.Start(t, testserver.Options{Seed: true, Neutral: true})
	ctx := t.Context()
	var group int64
	if err := srv.App.Store.DB.Get(&group, `SELECT id FROM groups WHERE slug = 'samen-naar-herstel'`); err != nil {
		t.Fatal(err)
	}
	res, err := srv.App.SignUp(ctx, app.SignupInput{GroupID: group, Name: "Noor", ByPhone: true, Phone: "0470 21 21 21",
		Code: "Regenboog", Consent: true, ConsentText: app.Consent{Version: "t", Text: "ok"}})
	if err != nil {
		t.Fatal(err)
	}
	v, err := srv.App.Personal(ctx, res.Token)
	if err != nil || len(v.Sessions) == 0 {
		t.Fatalf("personal view: %d sessions, %v", len(v.Sessions), err)
	}
	s := v.Sessions[0]
	link := srv.App.ExcuseLink(res.RegistrationID, s.ID, s.StartsAt)
	page := srv.NeutralURL + link[strings.Index(link, "/afmelden/"):]
	c := testserver.Client()
	status, body := get(t, c, page)
	if status != http.StatusOK || !strings.Contains(body, `name="code"`) {
		t.Fatalf("excuse page: status %d, or no code field", status)
	}
	checkNeutral(t, "excuse page", body)
	form := formFor(t, c, page)
	for code, want := range map[string]string{"": "Vul je persoonlijke code in", "zonneschijn": "Die code klopt niet"} {
		status, body := post(t, c, page, merge(form, map[string]string{"code": code}))
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, want) || !strings.Contains(body, `aria-invalid="true"`) {
			t.Errorf("code %q: status %d, want 422 with %q next to the field", code, status, want)
		}
		checkNeutral(t, "excuse refused", body)
	}
	if ev, err := srv.App.ExcuseLinkView(ctx, link[strings.LastIndex(link, "/")+1:]); err != nil || ev.Excused {
		t.Fatalf("excused without the code: %v %v", ev.Excused, err)
	}
	status, body = post(t, c, page, merge(form, map[string]string{"code": "regenboog"}))
	if status != http.StatusOK || !strings.Contains(body, "Je bent afgemeld") {
		t.Errorf("with the code: status %d\n%s", status, body)
	}
	checkNeutral(t, "excused", body)
}
