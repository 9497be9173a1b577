package handlers_test

import (
	"net/http"
	"net/url"
	"portal/internal/fixtures"
	"regexp"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"portal/app/locale"
	"portal/internal/testserver"
)

var routeParam = regexp.MustCompile(`:[a-z]+`)

// publicPaths fills the public routes' parameters so the real page answers; the rest get "x" (their not-found
// page must carry the headers too).
var publicPaths = map[string]string{
	"/static/*":                        "/static/app.css",
	"/taal/:lang":                      "/taal/en",
	"/aanbod/:slug":                    "/aanbod/intervisie",
	"/aanbod/:slug/inschrijven/:group": "/aanbod/intervisie/inschrijven/intervisie-bornem",
	"/aanbod/:slug/aanvragen":          "/aanbod/rotonde/aanvragen",
	"/aanbod/:slug/inschrijven/:group/agenda.ics": "/aanbod/intervisie/inschrijven/intervisie-bornem/agenda.ics",
}

// TestSecurityHeadersOnEveryRoute walks every GET and POST route the portal has and checks the headers of the
// real answer: staff pages as a signed-in admin with real ids (each must answer 200), public pages with real
// slugs; every POST without a CSRF token must be refused with 403.
func TestSecurityHeadersOnEveryRoute(t *testing.T) {
	w := newStaffWorld(t, time.Date(2026, 6, 15, 9, 0, 0, 0, locale.Brussels))
	c, _ := w.client(t, w.admin)
	routes := map[string]bool{}
	checked := 0
	for _, r := range w.srv.Web.GetRoutes(true) {
		key := r.Method + " " + r.Path
		if (r.Method != http.MethodGet && r.Method != http.MethodPost) || routes[key] {
			continue
		}
		routes[key] = true
		path := r.Path
		switch {
		case strings.HasPrefix(path, "/beheer"):
			path = w.pathFor(t, path, w.foreign)
		case publicPaths[path] != "":
			path = publicPaths[path]
		}
		path = routeParam.ReplaceAllString(path, "x")
		var resp response
		if r.Method == http.MethodGet {
			resp = w.get(t, c, path)
		} else {
			resp = w.post(t, c, path, url.Values{"a": {"b"}})
		}
		checked++
		h := resp.header
		checks := map[string]string{
			"Content-Security-Policy": "frame-ancestors 'none'",
			"X-Content-Type-Options":  "nosniff",
			"X-Frame-Options":         "DENY",
			"Referrer-Policy":         "no-referrer",
		}
		for name, want := range checks {
			if !strings.Contains(h.Get(name), want) {
				t.Errorf("%s %s: %s = %q, want %q", r.Method, path, name, h.Get(name), want)
			}
		}
		csp := h.Get("Content-Security-Policy")
		if strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval") || strings.Contains(csp, "http") {
			t.Errorf("%s %s: CSP allows too much: %q", r.Method, path, csp)
		}
		switch {
		case r.Method == http.MethodPost:
			if resp.status != http.StatusForbidden {
				t.Errorf("POST %s without a CSRF token: %d, want 403", path, resp.status)
			}
		case strings.HasPrefix(r.Path, "/beheer") && !signInRoutes[key]:
			if resp.status != http.StatusOK {
				t.Errorf("GET %s as an admin: %d, want the page (200)", path, resp.status)
			}
			if h.Get("Cache-Control") != "no-store" {
				t.Errorf("GET %s: Cache-Control %q, want no-store", path, h.Get("Cache-Control"))
			}
		case !strings.Contains(path, "/x") && r.Path != "/taal/:lang" && !signInRoutes[key]: // signed in: 303 onwards
			if resp.status != http.StatusOK {
				t.Errorf("GET %s: %d, want the page (200)", path, resp.status)
			}
		default:
			if resp.status >= 500 {
				t.Errorf("GET %s: %d", path, resp.status)
			}
		}
	}
	if checked != len(routes) || checked < len(staffMatrix)+20 {
		t.Errorf("%d of %d routes checked", checked, len(routes))
	}
}

// TestNoThirdPartyRequests checks that no page refers to another site for scripts, styles, fonts or images.
func TestNoThirdPartyRequests(t *testing.T) {
	srv := testserver.Start(t, testserver.Options{Seed: true})
	external := regexp.MustCompile(`(?i)(src|href)="(https?:)?//[^"]*"`)
	for _, p := range []string{"/", "/aanbod/lotgenotengroepen", "/aanbod/lotgenotengroepen/aanvragen", "/privacy"} {
		_, body := get(t, testserver.Client(), srv.URL+p)
		for _, m := range external.FindAllString(body, -1) {
			// The only link elsewhere is the quick exit, a plain link that loads nothing until it is used.
			if !strings.Contains(m, "meteo.be") {
				t.Errorf("%s refers elsewhere: %s", p, m)
			}
		}
		if strings.Contains(body, "<link") && strings.Count(body, "<link") != 1 {
			t.Errorf("%s loads more than its one stylesheet", p)
		}
	}
}

// xssCorpus holds attacks that must come back as harmless text wherever they are shown.
var xssCorpus = []string{
	`<script>alert(1)</script>`,
	`"><img src=x onerror=alert(1)>`,
	`' onmouseover='alert(1)`,
	`javascript:alert(1)`,
	`</textarea><script>alert(1)</script>`,
	`<svg/onload=alert(1)>`,
	`＜script＞alert(1)＜/script＞`,
	`{{.Secret}}`,
	`'); DROP TABLE people; --`,
}

// TestXSSCorpusIsShownAsText sends every attack through the forms and looks at every place it comes back: the
// form with errors, the result page, the personal page.
func TestXSSCorpusIsShownAsText(t *testing.T) {
	srv := testserver.Start(t, testserver.Options{Seed: true})
	for i, attack := range xssCorpus {
		c := testserver.Client()
		// 1. The request form comes back with errors, every field holding the attack.
		page := srv.URL + "/aanbod/lotgenotengroepen/aanvragen"
		form := merge(formFor(t, c, page), map[string]string{"alias": attack, "safe_times": attack, "message": attack,
			"referrer_detail": attack, "email": attack, "channels": "email"})
		_, body := post(t, c, page, form)
		if m := injected(body); m != "" {
			t.Errorf("attack %d in the form with errors: %s", i, m)
		}
		// 2. A valid event signup with the attack as name: shown on the result and the personal page.
		page = srv.URL + "/aanbod/activiteiten/inschrijven/orange-the-world"
		form = merge(formFor(t, c, page), map[string]string{"name": attack, "contact": "phone", "phone": "0470 12 34 56", "consent": "ja"})
		status, body := post(t, c, page, form)
		if status != 200 && status != 422 {
			t.Fatalf("attack %d: signup %d", i, status)
		}
		if m := injected(body); m != "" {
			t.Errorf("attack %d on the result page: %s", i, m)
		}
		if link := regexp.MustCompile(`http://[^"<]*/mijn/[A-Za-z0-9_-]+`).FindString(body); link != "" {
			_, personal := get(t, c, link)
			if m := injected(personal); m != "" {
				t.Errorf("attack %d on the personal page: %s", i, m)
			}
		}
	}
	// SQL in a field is stored verbatim.
	if n := len(fixtures.PeopleNamed(t, srv.App, `'); DROP TABLE people; --`)); n != 1 {
		t.Errorf("the SQL string was not stored verbatim (%d)", n)
	}
}

// injected parses a page as a browser would and reports an element or attribute that an attack created: an
// event handler, a script with a payload, an image or svg from the corpus, or a javascript: address.
func injected(page string) string {
	z := html.NewTokenizer(strings.NewReader(page))
	inScript := false
	for {
		switch z.Next() {
		case html.ErrorToken:
			return ""
		case html.TextToken:
			if inScript && strings.Contains(string(z.Text()), "alert") {
				return "script with a payload"
			}
		case html.StartTagToken, html.SelfClosingTagToken:
			tok := z.Token()
			inScript = tok.Data == "script"
			if tok.Data == "img" || tok.Data == "svg" {
				return "<" + tok.Data + ">"
			}
			for _, a := range tok.Attr {
				if strings.HasPrefix(strings.ToLower(a.Key), "on") {
					return "attribute " + a.Key
				}
				if (a.Key == "href" || a.Key == "src" || a.Key == "action") &&
					strings.HasPrefix(strings.ToLower(strings.TrimSpace(a.Val)), "javascript:") {
					return a.Key + "=" + a.Val
				}
			}
		case html.EndTagToken:
			inScript = false
		}
	}
}
