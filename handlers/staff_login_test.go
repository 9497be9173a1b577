package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"portal/app/locale"
	"portal/internal/testserver"
)

var monday = time.Date(2026, 6, 15, 9, 0, 0, 0, locale.Brussels)

func TestStaffSignInWithPasswordAndAuthenticator(t *testing.T) {
	w := newStaffWorld(t, monday)
	c := testserver.Client()

	// Not signed in: to the sign-in, remembering where we were going.
	r := w.get(t, c, "/beheer/groepen?alle=1")
	if r.status != http.StatusSeeOther || r.location != "/beheer/login?terug=%2Fbeheer%2Fgroepen%3Falle%3D1" {
		t.Fatalf("anonymous: %d → %q", r.status, r.location)
	}
	page := w.get(t, c, r.location)
	for _, want := range []string{`name="email"`, `name="password"`, `name="terug" value="/beheer/groepen?alle=1"`,
		`<meta name="robots" content="noindex, nofollow">`} {
		if !strings.Contains(page.body, want) {
			t.Errorf("sign-in page lacks %s", want)
		}
	}
	if strings.Contains(page.body, `id="snelweg"`) {
		t.Error("the staff sign-in carries the quick exit")
	}
	if page.header.Get("Cache-Control") != "no-store" || page.header.Get("X-Robots-Tag") == "" {
		t.Errorf("staff pages may be cached or indexed: %q %q", page.header.Get("Cache-Control"), page.header.Get("X-Robots-Tag"))
	}
	r = w.post(t, c, "/beheer/login", url.Values{"_csrf": {csrfOf(t, page.body)}, "email": {w.facEmail},
		"password": {staffPassword}, "terug": {"/beheer/groepen?alle=1"}})
	if r.status != http.StatusSeeOther || r.location != "/beheer/tweestapsverificatie?terug=%2Fbeheer%2Fgroepen%3Falle%3D1" {
		t.Fatalf("password: %d → %q", r.status, r.location)
	}
	cookie := r.header.Get("Set-Cookie")
	for _, want := range []string{"vh_staff=", "path=/beheer", "HttpOnly", "SameSite=Strict"} {
		if !strings.Contains(cookie, want) {
			t.Errorf("session cookie %q lacks %s", cookie, want)
		}
	}
	pending := cookieValue(t, c, w.srv.URL, "vh_staff")

	// Between password and code, the staff pages stay shut.
	if r := w.get(t, c, "/beheer"); r.status != http.StatusSeeOther || !strings.HasPrefix(r.location, "/beheer/tweestapsverificatie") {
		t.Fatalf("pending session on /beheer: %d → %q", r.status, r.location)
	}

	enrol := w.get(t, c, "/beheer/tweestapsverificatie?terug=%2Fbeheer%2Fgroepen%3Falle%3D1")
	m := secretField.FindStringSubmatch(enrol.body)
	if enrol.status != http.StatusOK || m == nil || !strings.Contains(enrol.body, `src="data:image/png;base64,`) {
		t.Fatalf("enrolment page: %d %s", enrol.status, enrol.body)
	}
	secret := strings.ReplaceAll(m[1], " ", "")
	r = w.post(t, c, "/beheer/tweestapsverificatie", url.Values{"_csrf": {csrfOf(t, enrol.body)}, "code": {"000000"}})
	if r.status != http.StatusUnauthorized || !strings.Contains(r.body, "Die code klopt niet") || !strings.Contains(r.body, secret[:4]) {
		t.Fatalf("wrong code: %d", r.status)
	}
	r = w.post(t, c, "/beheer/tweestapsverificatie", url.Values{"_csrf": {csrfOf(t, enrol.body)},
		"code": {codeAt(t, secret, w.clock.Now())}, "terug": {"/beheer/groepen?alle=1"}})
	if r.status != http.StatusSeeOther || r.location != "/beheer/groepen?alle=1" {
		t.Fatalf("first code: %d → %q", r.status, r.location)
	}
	if full := cookieValue(t, c, w.srv.URL, "vh_staff"); full == pending || full == "" {
		t.Error("the session id was not renewed after the code")
	}
	dash := w.get(t, c, "/beheer")
	if dash.status != http.StatusOK || !strings.Contains(dash.body, "Goedemorgen, Naam facilitator") || !strings.Contains(dash.body, "Vandaag en morgen") {
		t.Fatalf("dashboard: %d", dash.status)
	}

	// Signing out ends the session; the next sign-in asks for a code, and refuses the one just used.
	r = w.post(t, c, "/beheer/uitloggen", url.Values{"_csrf": {csrfOf(t, dash.body)}})
	if r.status != http.StatusSeeOther || r.location != "/beheer/login?uitgelogd=1" {
		t.Fatalf("logout: %d → %q", r.status, r.location)
	}
	if r := w.get(t, c, "/beheer"); r.status != http.StatusSeeOther {
		t.Fatal("still signed in after signing out")
	}
	page = w.get(t, c, "/beheer/login")
	r = w.post(t, c, "/beheer/login", url.Values{"_csrf": {csrfOf(t, page.body)}, "email": {w.facEmail}, "password": {staffPassword}})
	if r.location != "/beheer/login/code" {
		t.Fatalf("second sign-in goes to %q", r.location)
	}
	page = w.get(t, c, r.location)
	if !strings.Contains(page.body, `autocomplete="one-time-code"`) {
		t.Error("code page lacks its field")
	}
	replay := w.post(t, c, "/beheer/login/code", url.Values{"_csrf": {csrfOf(t, page.body)}, "code": {codeAt(t, secret, w.clock.Now())}})
	if replay.status != http.StatusUnauthorized || !strings.Contains(replay.body, "werd al gebruikt") {
		t.Fatalf("replayed code: %d", replay.status)
	}
	w.clock.Add(30 * time.Second)
	r = w.post(t, c, "/beheer/login/code", url.Values{"_csrf": {csrfOf(t, page.body)}, "code": {codeAt(t, secret, w.clock.Now())}})
	if r.status != http.StatusSeeOther || r.location != "/beheer" {
		t.Fatalf("next code: %d → %q", r.status, r.location)
	}
	// Signed in, the sign-in page sends you on.
	if r := w.get(t, c, "/beheer/login"); r.status != http.StatusSeeOther || r.location != "/beheer" {
		t.Errorf("sign-in page when signed in: %d → %q", r.status, r.location)
	}
}

func cookieValue(t *testing.T, c *http.Client, base, name string) string {
	t.Helper()
	u, err := url.Parse(base + "/beheer")
	if err != nil {
		t.Fatal(err)
	}
	for _, ck := range c.Jar.Cookies(u) {
		if ck.Name == name {
			return ck.Value
		}
	}
	return ""
}

func TestStaffSessionCookieIsSecureOverHTTPS(t *testing.T) {
	w := newStaffWorld(t, monday)
	w.srv.App.Config.BaseURL = "https://portal.example"
	c := testserver.Client()
	page := w.get(t, c, "/beheer/login")
	r := w.post(t, c, "/beheer/login", url.Values{"_csrf": {csrfOf(t, page.body)}, "email": {w.facEmail}, "password": {staffPassword}})
	if ck := r.header.Get("Set-Cookie"); !strings.Contains(ck, "secure") && !strings.Contains(ck, "Secure") {
		t.Errorf("cookie %q is not Secure over HTTPS", ck)
	}
}

func TestStaffLoginAnswersTheSameForUnknownAndWrong(t *testing.T) {
	w := newStaffWorld(t, monday)
	c := testserver.Client()
	page := w.get(t, c, "/beheer/login")
	token := csrfOf(t, page.body)
	unknown := w.post(t, c, "/beheer/login", url.Values{"_csrf": {token}, "email": {"nobody@example.org"}, "password": {staffPassword}})
	wrong := w.post(t, c, "/beheer/login", url.Values{"_csrf": {token}, "email": {"nobody@example.org"}, "password": {"wrong wrong wrong"}})
	known := w.post(t, c, "/beheer/login", url.Values{"_csrf": {token}, "email": {w.facEmail}, "password": {"wrong wrong wrong"}})
	for _, r := range []response{unknown, wrong, known} {
		if r.status != http.StatusUnauthorized || !strings.Contains(r.body, "E-mailadres of wachtwoord klopt niet") {
			t.Fatalf("status %d", r.status)
		}
		if r.header.Get("Set-Cookie") != "" && strings.Contains(r.header.Get("Set-Cookie"), "vh_staff") {
			t.Error("a refused sign-in set a session cookie")
		}
	}
	// Apart from the address typed, the pages are identical.
	a := strings.Replace(unknown.body, "nobody@example.org", "X", 1)
	b := strings.Replace(known.body, w.facEmail, "X", 1)
	if a != b {
		t.Error("the answers for an unknown address and a wrong password differ")
	}
}

func TestStaffLoginIsThrottledPerAddress(t *testing.T) {
	w := newStaffWorld(t, monday)
	c := testserver.Client()
	page := w.get(t, c, "/beheer/login")
	token := csrfOf(t, page.body)
	for i := range 20 {
		r := w.post(t, c, "/beheer/login", url.Values{"_csrf": {token}, "email": {"guess@example.org" + strings.Repeat("x", i)}, "password": {"x"}})
		if r.status != http.StatusUnauthorized {
			t.Fatalf("try %d: %d", i, r.status)
		}
	}
	r := w.post(t, c, "/beheer/login", url.Values{"_csrf": {token}, "email": {w.facEmail}, "password": {staffPassword}})
	if r.status != http.StatusTooManyRequests || !strings.Contains(r.body, "Te veel pogingen") || r.header.Get("Retry-After") == "" {
		t.Fatalf("21st try: %d", r.status)
	}
	w.clock.Add(16 * time.Minute)
	r = w.post(t, c, "/beheer/login", url.Values{"_csrf": {token}, "email": {w.facEmail}, "password": {staffPassword}})
	if r.status != http.StatusSeeOther {
		t.Errorf("after the window: %d", r.status)
	}
}

func TestStaffSessionExpiresAndComesBackToTheSameSpot(t *testing.T) {
	w := newStaffWorld(t, monday)
	c, _ := w.client(t, w.coord)
	if r := w.get(t, c, "/beheer/aanbod"); r.status != http.StatusOK {
		t.Fatalf("signed in: %d", r.status)
	}
	w.clock.Add(29 * time.Minute)
	if r := w.get(t, c, "/beheer/aanbod"); r.status != http.StatusOK {
		t.Fatalf("after 29 minutes: %d", r.status)
	}
	w.clock.Add(31 * time.Minute)
	r := w.get(t, c, "/beheer/aanbod")
	if r.status != http.StatusSeeOther || r.location != "/beheer/login?terug=%2Fbeheer%2Faanbod&verlopen=1" {
		t.Fatalf("after 31 idle minutes: %d → %q", r.status, r.location)
	}
	page := w.get(t, c, r.location)
	if !strings.Contains(page.body, "Je sessie is verlopen") {
		t.Error("the sign-in does not say the session expired")
	}
}

func TestLogOutEverywhereAndDeactivationEndOtherDevices(t *testing.T) {
	w := newStaffWorld(t, monday)
	phone, _ := w.client(t, w.fac)
	laptop, token := w.client(t, w.fac)
	me := w.get(t, laptop, "/beheer/account")
	if !strings.Contains(me.body, "Overal afmelden") {
		t.Fatal("account page lacks 'log out everywhere'")
	}
	r := w.post(t, laptop, "/beheer/uitloggen/overal", url.Values{"_csrf": {token}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("log out everywhere: %d", r.status)
	}
	for name, c := range map[string]*http.Client{"phone": phone, "laptop": laptop} {
		if r := w.get(t, c, "/beheer"); r.status != http.StatusSeeOther {
			t.Errorf("%s still signed in", name)
		}
	}

	facPhone, _ := w.client(t, w.fac)
	admin, adminToken := w.client(t, w.admin)
	r = w.post(t, admin, "/beheer/medewerkers/"+itoa(w.fac)+"/actief", url.Values{"_csrf": {adminToken}, "active": {"nee"}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("deactivate: %d", r.status)
	}
	page := w.get(t, admin, r.location)
	if !strings.Contains(page.body, "gedeactiveerd en overal afgemeld") {
		t.Error("no confirmation of the deactivation")
	}
	if r := w.get(t, facPhone, "/beheer"); r.status != http.StatusSeeOther {
		t.Error("a deactivated facilitator is still signed in")
	}
	// An admin cannot lock themselves out.
	r = w.post(t, admin, "/beheer/medewerkers/"+itoa(w.admin)+"/actief", url.Values{"_csrf": {adminToken}, "active": {"nee"}})
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "eigen account") {
		t.Errorf("self-deactivation: %d", r.status)
	}
}

func TestLinkFromAMailBouncesOnceToSendTheStrictCookie(t *testing.T) {
	w := newStaffWorld(t, monday)
	c := testserver.Client()
	r := do(t, c, http.MethodGet, w.srv.URL+"/beheer/groepen/"+itoa(w.own), nil, "Sec-Fetch-Site", "cross-site")
	if r.status != http.StatusOK || !strings.Contains(r.body, `<meta http-equiv="refresh" content="0;url=/beheer/groepen/`+itoa(w.own)+`">`) {
		t.Fatalf("cross-site arrival: %d %s", r.status, r.body)
	}
	// The hop itself is same-origin: without a session, it goes to the sign-in.
	r = do(t, c, http.MethodGet, w.srv.URL+"/beheer/groepen/"+itoa(w.own), nil, "Sec-Fetch-Site", "same-origin")
	if r.status != http.StatusSeeOther || !strings.HasPrefix(r.location, "/beheer/login?terug=") {
		t.Errorf("same-origin arrival: %d → %q", r.status, r.location)
	}
}
