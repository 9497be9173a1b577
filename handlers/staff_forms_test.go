package handlers_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"portal/app"
	"portal/internal/testenv"
	"portal/internal/testserver"
)

// counts is a fingerprint of everything a staff form can change.
func counts(t *testing.T, w *staffWorld) string {
	t.Helper()
	var out []string
	for _, q := range []string{
		`SELECT count(*) FROM audit_log`, `SELECT count(*) FROM staff_sessions`, `SELECT count(*) FROM outbox`,
		`SELECT count(*) FROM staff_users WHERE active`, `SELECT string_agg(role, ',' ORDER BY id) FROM staff_users`,
		`SELECT count(*) FROM staff_tokens`, `SELECT count(*) FROM offerings`, `SELECT count(*) FROM groups`,
		`SELECT count(*) FROM sessions`, `SELECT count(*) FROM group_facilitators`,
		`SELECT string_agg(md5(name::text || retention_days), ',' ORDER BY id) FROM offerings`,
		`SELECT string_agg(md5(name::text || capacity || status), ',' ORDER BY id) FROM groups`,
		`SELECT count(*) FROM staff_users WHERE totp_secret_enc IS NOT NULL`,
		`SELECT count(*) FROM attendance`, `SELECT count(*) FROM registrations`, `SELECT count(*) FROM people`,
		`SELECT string_agg(status, ',' ORDER BY id) FROM waakvlam_requests`,
		`SELECT string_agg(status || starts_at::text, ',' ORDER BY id) FROM sessions`,
		`SELECT string_agg(status, ',' ORDER BY id) FROM outbox`,
		`SELECT COALESCE(string_agg(status, ',' ORDER BY id), '') FROM registrations`,
	} {
		var v string
		if err := w.srv.DB.Get(&v, q); err != nil {
			t.Fatal(err)
		}
		out = append(out, v)
	}
	return strings.Join(out, "|")
}

func TestStaffFormsRefuseAMissingOrWrongCSRFToken(t *testing.T) {
	w := newStaffWorld(t, monday)
	// A valid reset token and a pending session, so that the forms behind them would act if the token passed.
	if err := w.srv.App.RequestPasswordReset(t.Context(), w.facEmail, "192.0.2.1"); err != nil {
		t.Fatal(err)
	}
	resetToken := outboxToken(t, w, w.fac)
	before := counts(t, w)

	filled := url.Values{"email": {"new@example.org"}, "name": {"Nieuw"}, "role": {"admin"}, "password": {staffPassword},
		"active": {"nee"}, "name_nl": {"Iets"}, "slug": {"iets-nieuws"}, "capacity": {"3"}, "status": {"open"},
		"visibility": {"public"}, "retention_days": {"10"}, "kind": {"event"}, "audience": {"public"},
		"admission": {"open"}, "mode": {"one"}, "date": {"2026-07-01"}, "from": {"19:00"}, "to": {"21:00"},
		"action": {"save"}, "code": {"123456"}}
	paths := map[string]string{
		"/beheer/login": "", "/beheer/login/code": "", "/beheer/tweestapsverificatie": "",
		"/beheer/wachtwoord-vergeten": "", "/beheer/wachtwoord/" + resetToken: "", "/beheer/uitloggen": "",
	}
	for _, m := range staffMatrix {
		if m.method == "POST" {
			paths[strings.NewReplacer("/groepen/:id", "/groepen/"+itoa(w.own), "/aanbod/:id", "/aanbod/"+itoa(w.offering),
				"/medewerkers/:id", "/medewerkers/"+itoa(w.other), "/sessies/:id", "/sessies/"+itoa(w.sessions[w.own]),
				"/inschrijvingen/:id", "/inschrijvingen/"+itoa(w.registrations[w.own]), "/personen/:id", "/personen/"+itoa(w.people[w.own]), "/waakvlam/:id", "/waakvlam/"+itoa(w.waakvlam), "/mail/:id", "/mail/"+itoa(w.mail)).Replace(m.path)] = ""
		}
	}
	if len(paths) < 20 {
		t.Fatalf("%d staff forms, want at least 20 (6 to sign in and out, the rest behind sign-in)", len(paths))
	}
	for path := range paths {
		for _, token := range []string{"", "forged-token"} {
			c, _ := w.client(t, w.admin) // an admin: without the CSRF check, every form would act
			form := url.Values{}
			for k, v := range filled {
				form[k] = v
			}
			if token != "" {
				form.Set("_csrf", token)
			}
			r := w.post(t, c, path, form)
			if r.status != http.StatusForbidden || !strings.Contains(r.body, "Je formulier is verlopen") {
				t.Errorf("POST %s with csrf %q: %d, want 403", path, token, r.status)
			}
		}
	}
	// The sessions made for the clients above are the only change.
	testenv.MustExec(t, w.srv.DB, `DELETE FROM staff_sessions`)
	beforeNoSessions := strings.Split(before, "|")
	beforeNoSessions[1] = "0"
	if after := counts(t, w); after != strings.Join(beforeNoSessions, "|") {
		t.Errorf("a refused form changed something:\nbefore %s\nafter  %s", strings.Join(beforeNoSessions, "|"), after)
	}
}

// outboxToken reads the raw token of the newest password mail to staffID.
func outboxToken(t *testing.T, w *staffWorld, staffID int64) string {
	t.Helper()
	var secret []byte
	if err := w.srv.DB.Get(&secret, `SELECT secret_enc FROM outbox WHERE kind = $1 AND staff_id = $2 ORDER BY id DESC LIMIT 1`,
		app.MailPasswordReset, staffID); err != nil {
		t.Fatal(err)
	}
	token, err := w.srv.App.Keys.Decrypt(secret)
	if err != nil || token == "" {
		t.Fatalf("secret: %v", err)
	}
	return token
}

func TestPasswordResetByMailEndToEnd(t *testing.T) {
	w := newStaffWorld(t, monday)
	c := testserver.Client()
	old, _ := w.client(t, w.fac)
	page := w.get(t, c, "/beheer/wachtwoord-vergeten")
	unknown := w.post(t, c, "/beheer/wachtwoord-vergeten", url.Values{"_csrf": {csrfOf(t, page.body)}, "email": {"nobody@example.org"}})
	known := w.post(t, c, "/beheer/wachtwoord-vergeten", url.Values{"_csrf": {csrfOf(t, page.body)}, "email": {w.facEmail}})
	if unknown.status != http.StatusOK || known.status != http.StatusOK || unknown.body != known.body ||
		!strings.Contains(known.body, "Als dit adres een account heeft") {
		t.Fatalf("answers differ or fail: %d %d", unknown.status, known.status)
	}
	token := outboxToken(t, w, w.fac)
	link := "/beheer/wachtwoord/" + token
	if got := w.srv.App.PasswordResetLink(token); got != w.srv.URL+link {
		t.Errorf("link %q", got)
	}
	form := w.get(t, c, link)
	if form.status != http.StatusOK || !strings.Contains(form.body, `name="password"`) {
		t.Fatalf("reset form: %d", form.status)
	}
	short := w.post(t, c, link, url.Values{"_csrf": {csrfOf(t, form.body)}, "password": {"short"}})
	if short.status != http.StatusUnprocessableEntity || !strings.Contains(short.body, "minstens 12 tekens") {
		t.Fatalf("short password: %d", short.status)
	}
	r := w.post(t, c, link, url.Values{"_csrf": {csrfOf(t, form.body)}, "password": {"my brand new passphrase"}})
	if r.status != http.StatusSeeOther || r.location != "/beheer/login?wachtwoord=1" {
		t.Fatalf("reset: %d → %q", r.status, r.location)
	}
	if r := w.get(t, old, "/beheer"); r.status != http.StatusSeeOther {
		t.Error("a session survived the password reset")
	}
	if r := w.get(t, c, link); r.status != http.StatusGone || !strings.Contains(r.body, "werkt niet meer") {
		t.Errorf("used link: %d", r.status)
	}
	login := w.get(t, c, "/beheer/login?wachtwoord=1")
	if !strings.Contains(login.body, "nieuwe wachtwoord is opgeslagen") {
		t.Error("no confirmation on the sign-in page")
	}
	r = w.post(t, c, "/beheer/login", url.Values{"_csrf": {csrfOf(t, login.body)}, "email": {w.facEmail}, "password": {"my brand new passphrase"}})
	if r.status != http.StatusSeeOther {
		t.Errorf("sign-in with the new password: %d", r.status)
	}
	if r := w.get(t, c, "/beheer/wachtwoord/made-up-token"); r.status != http.StatusGone {
		t.Errorf("made-up link: %d", r.status)
	}
}

func TestSeriesOfSessionsThroughTheForm(t *testing.T) {
	w := newStaffWorld(t, monday)
	c, token := w.client(t, w.coord)
	path := "/beheer/groepen/" + itoa(w.foreign) + "/sessies/nieuw"
	if r := w.get(t, c, path); r.status != http.StatusOK || !strings.Contains(r.body, "Bekijk de data") {
		t.Fatalf("form: %d", r.status)
	}
	series := url.Values{"_csrf": {token}, "mode": {"series"}, "date": {"2026-09-08"}, "from": {"19:00"}, "to": {"21:00"},
		"every": {"1"}, "unit": {app.UnitWeeks}, "end": {"count"}, "count": {"12"}, "action": {"preview"}}
	preview := w.post(t, c, path, series)
	if preview.status != http.StatusOK || !strings.Contains(preview.body, "Dit geeft 12 bijeenkomsten") ||
		!strings.Contains(preview.body, "dinsdag 8 september 2026, 19.00 tot 21.00 uur") ||
		!strings.Contains(preview.body, "dinsdag 24 november 2026, 19.00 tot 21.00 uur") {
		t.Fatalf("preview: %d", preview.status)
	}
	var n0 int
	testenv.MustGet(t, w.srv.DB, &n0, `SELECT count(*) FROM sessions WHERE group_id = $1`, w.foreign)
	series.Set("action", "save")
	r := w.post(t, c, path, series)
	if r.status != http.StatusSeeOther || r.location != "/beheer/groepen/"+itoa(w.foreign)+"?toegevoegd=12" {
		t.Fatalf("save: %d → %q", r.status, r.location)
	}
	var n1 int
	testenv.MustGet(t, w.srv.DB, &n1, `SELECT count(*) FROM sessions WHERE group_id = $1`, w.foreign)
	if n1-n0 != 12 {
		t.Errorf("%d sessions added, want 12", n1-n0)
	}
	page := w.get(t, c, r.location)
	if !strings.Contains(page.body, "12 bijeenkomsten toegevoegd") || !strings.Contains(page.body, "dinsdag 27 oktober 2026, 19.00 tot 21.00 uur") {
		t.Error("the group page does not show the new sessions (in winter time too)")
	}
	bad := w.post(t, c, path, url.Values{"_csrf": {token}, "mode": {"series"}, "date": {"2026-09-08"}, "from": {"21:00"},
		"to": {"19:00"}, "every": {"0"}, "unit": {app.UnitWeeks}, "end": {"until"}, "until": {"2026-01-01"}})
	if bad.status != http.StatusUnprocessableEntity || !strings.Contains(bad.body, "Het einde moet na het begin liggen") ||
		!strings.Contains(bad.body, `href="#f-to"`) || !strings.Contains(bad.body, `aria-invalid="true"`) {
		t.Errorf("invalid series: %d", bad.status)
	}
}

func TestOfferAndGroupFormsSaveAndShowProblems(t *testing.T) {
	w := newStaffWorld(t, monday)
	c, token := w.client(t, w.coord)
	edit := w.get(t, c, "/beheer/aanbod/"+itoa(w.offering))
	if edit.status != http.StatusOK || !strings.Contains(edit.body, `value="Rotonde"`) || !strings.Contains(edit.body, "Rotonde – nieuwe groep") {
		t.Fatalf("offering form: %d", edit.status)
	}
	form := formValues(edit.body)
	form.Set("_csrf", token)
	form.Set("retention_days", "500")
	r := w.post(t, c, "/beheer/aanbod/"+itoa(w.offering), form)
	if r.status != http.StatusSeeOther {
		t.Fatalf("save offering: %d %s", r.status, r.body)
	}
	var days int
	testenv.MustGet(t, w.srv.DB, &days, `SELECT retention_days FROM offerings WHERE id = $1`, w.offering)
	if days != 500 {
		t.Errorf("retention %d", days)
	}
	form.Set("name_nl", "")
	form.Set("reminders", "morgen")
	r = w.post(t, c, "/beheer/aanbod/"+itoa(w.offering), form)
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, `href="#f-name_nl"`) ||
		!strings.Contains(r.body, `value="morgen"`) {
		t.Errorf("invalid offering: %d", r.status)
	}

	g := w.get(t, c, "/beheer/groepen/"+itoa(w.own)+"/bewerken")
	gform := formValues(g.body)
	if gform.Get("slug") != "rotonde-groep-1" || !strings.Contains(g.body, `value="`+itoa(w.fac)+`" checked`) {
		t.Fatalf("group form not filled in: %v", gform)
	}
	gform.Set("_csrf", token)
	gform.Set("capacity", "9")
	gform["facilitators"] = []string{itoa(w.fac), itoa(w.other)}
	r = w.post(t, c, "/beheer/groepen/"+itoa(w.own)+"/bewerken", gform)
	if r.status != http.StatusSeeOther {
		t.Fatalf("save group: %d %s", r.status, r.body)
	}
	page := w.get(t, c, r.location)
	if !strings.Contains(page.body, "Opgeslagen.") || !strings.Contains(page.body, "Naam facilitator, Naam facilitator") {
		t.Error("group page after saving")
	}
	newGroup := w.post(t, c, "/beheer/aanbod/"+itoa(w.offering)+"/groepen/nieuw", url.Values{"_csrf": {token},
		"name_nl": {"Rotonde najaar"}, "slug": {"rotonde-najaar"}, "capacity": {"8"}, "status": {"draft"},
		"visibility": {"public"}, "discreet": {""}})
	if newGroup.status != http.StatusSeeOther {
		t.Fatalf("new group: %d %s", newGroup.status, newGroup.body)
	}
}

var inputValue = regexp.MustCompile(`<input id="f-([a-z_]+)" name="[a-z_]+" type="[a-z]+" value="([^"]*)"`)
var textareaValue = regexp.MustCompile(`(?s)<textarea id="f-([a-z_]+)" name="[a-z_]+"[^>]*>(.*?)</textarea>`)
var checkedBox = regexp.MustCompile(`<input type="(?:radio|checkbox)" (?:id="f-[a-z_]+" )?name="([a-z_]+)" value="([^"]*)"[^>]* checked`)

// formValues reads the values a form page shows (inputs, text areas, ticked boxes), as a browser would send them.
func formValues(body string) url.Values {
	v := url.Values{}
	for _, m := range inputValue.FindAllStringSubmatch(body, -1) {
		v.Set(m[1], htmlUnescape(m[2]))
	}
	for _, m := range textareaValue.FindAllStringSubmatch(body, -1) {
		v.Set(m[1], htmlUnescape(m[2]))
	}
	for _, m := range checkedBox.FindAllStringSubmatch(body, -1) {
		v.Add(m[1], m[2])
	}
	return v
}

func htmlUnescape(s string) string {
	return strings.NewReplacer("&amp;", "&", "&lt;", "<", "&gt;", ">", "&#34;", `"`, "&#39;", "'").Replace(s)
}

func TestStaffMenuShowsWhatExistsForTheRole(t *testing.T) {
	w := newStaffWorld(t, monday)
	nav := regexp.MustCompile(`(?s)<nav aria-label="Beheer" class="staff-nav">(.*?)</nav>`)
	for _, tc := range []struct {
		id        int64
		want, not []string
	}{
		{w.fac, []string{">Vandaag<", ">Aanvragen<", ">Groepen<"}, []string{">Aanbod<", ">Medewerkers<", ">Audit<", ">Cijfers<", ">Bewaartermijnen<"}},
		{w.coord, []string{">Vandaag<", ">Groepen<", ">Aanbod<", ">Aanvragen<", ">Cijfers<", ">Bewaartermijnen<"}, []string{">Medewerkers<", ">Audit<"}},
		{w.admin, []string{">Vandaag<", ">Groepen<", ">Aanbod<", ">Aanvragen<", ">Cijfers<", ">Bewaartermijnen<", ">Medewerkers<", ">Audit<"}, nil},
	} {
		c, _ := w.client(t, tc.id)
		page := w.get(t, c, "/beheer/groepen")
		m := nav.FindStringSubmatch(page.body)
		if m == nil {
			t.Fatal("no staff menu")
		}
		for _, s := range tc.want {
			if !strings.Contains(m[1], s) {
				t.Errorf("staff %d: menu lacks %s", tc.id, s)
			}
		}
		for _, s := range tc.not {
			if strings.Contains(m[1], s) {
				t.Errorf("staff %d: menu shows %s", tc.id, s)
			}
		}
		if !strings.Contains(m[1], `href="/beheer/groepen" aria-current="page"`) {
			t.Error("the current page is not marked in the menu")
		}
	}
}

func TestAuditViewerShowsWhoDidWhat(t *testing.T) {
	w := newStaffWorld(t, monday)
	var secret string
	w.signIn(t, w.facEmail, &secret)
	coord, token := w.client(t, w.coord)
	w.post(t, coord, "/beheer/groepen/"+itoa(w.own)+"/sessies/nieuw", url.Values{"_csrf": {token}, "mode": {"one"},
		"date": {"2026-07-01"}, "from": {"19:00"}, "to": {"21:00"}, "action": {"save"}})
	unknown := int64(4242)
	if err := w.srv.App.Audit(t.Context(), w.srv.DB, app.AuditEntry{StaffID: &w.fac, Action: app.AuditPersonView,
		PersonID: &unknown, GroupID: &w.own}); err != nil {
		t.Fatal(err)
	}
	admin, _ := w.client(t, w.admin)
	page := w.get(t, admin, "/beheer/audit")
	for _, want := range []string{"tweestapsverificatie ingesteld", "aangemeld", "bijeenkomsten toegevoegd", "gegevens bekeken",
		"Naam facilitator", "Naam coordinator", "persoon 4242"} {
		if !strings.Contains(page.body, want) {
			t.Errorf("audit page lacks %q", want)
		}
	}
	page = w.get(t, admin, "/beheer/audit?persoon=4242")
	if strings.Count(page.body, "gegevens bekeken") != 1 || strings.Contains(page.body, "bijeenkomsten toegevoegd") {
		t.Error("the person filter does not filter")
	}
	page = w.get(t, admin, "/beheer/audit?medewerker="+itoa(w.coord)+"&van=2026-06-15&tot=2026-06-15")
	if !strings.Contains(page.body, "bijeenkomsten toegevoegd") || strings.Contains(page.body, "tweestapsverificatie ingesteld") {
		t.Error("the staff filter does not filter")
	}
	var views int
	testenv.MustGet(t, w.srv.DB, &views, `SELECT count(*) FROM audit_log WHERE action = 'audit.view' AND staff_id = $1`, w.admin)
	if views != 3 {
		t.Errorf("%d audit views recorded, want 3", views)
	}
}

func TestStaffPagesHaveEveryMessageInBothLanguages(t *testing.T) {
	w := newStaffWorld(t, monday)
	missing := regexp.MustCompile(`\[[a-z]+\.[a-z0-9_.]+\]`)
	pages := []string{"/beheer", "/beheer/account", "/beheer/groepen", "/beheer/groepen?alle=1", "/beheer/groepen/" + itoa(w.own),
		"/beheer/groepen/" + itoa(w.own) + "/bewerken", "/beheer/groepen/" + itoa(w.own) + "/sessies/nieuw", "/beheer/aanbod",
		"/beheer/aanbod/nieuw", "/beheer/aanbod/" + itoa(w.offering), "/beheer/aanbod/" + itoa(w.offering) + "/groepen/nieuw",
		"/beheer/medewerkers", "/beheer/medewerkers/nieuw", "/beheer/medewerkers/" + itoa(w.fac),
		"/beheer/medewerkers/" + itoa(w.fac) + "?gedaan=tweestaps", "/beheer/audit", "/beheer/groepen/999999"}
	anonymous := []string{"/beheer/login?verlopen=1", "/beheer/wachtwoord-vergeten", "/beheer/wachtwoord/nope"}
	for _, l := range []string{"nl", "en"} {
		c, token := w.client(t, w.admin)
		anon, _ := w.client(t, 0)
		for _, cl := range []*http.Client{c, anon} {
			u, err := url.Parse(w.srv.URL)
			if err != nil {
				t.Fatal(err)
			}
			cl.Jar.SetCookies(u, []*http.Cookie{{Name: "taal", Value: l, Path: "/"}})
		}
		check := func(path string, r response) {
			if m := missing.FindString(r.body); m != "" {
				t.Errorf("%s %s: message %s is missing", l, path, m)
			}
			if !strings.Contains(r.body, `lang="`+map[string]string{"nl": "nl-BE", "en": "en"}[l]+`"`) {
				t.Errorf("%s %s: page not in %s", l, path, l)
			}
		}
		for _, p := range pages {
			check(p, w.get(t, c, p))
		}
		for _, p := range anonymous {
			check(p, w.get(t, anon, p))
		}
		// Forms with every problem shown.
		check("offering errors", w.post(t, c, "/beheer/aanbod/nieuw", url.Values{"_csrf": {token}, "slug": {"X X"}, "reminders": {"x"}}))
		check("group errors", w.post(t, c, "/beheer/aanbod/"+itoa(w.offering)+"/groepen/nieuw", url.Values{"_csrf": {token},
			"slug": {"X"}, "capacity": {"-4"}, "facilitators": {"99999"}}))
		check("session errors", w.post(t, c, "/beheer/groepen/"+itoa(w.own)+"/sessies/nieuw", url.Values{"_csrf": {token},
			"mode": {"series"}, "date": {"x"}, "from": {"x"}, "to": {"x"}, "end": {"until"}, "until": {"x"}}))
		check("account errors", w.post(t, c, "/beheer/medewerkers/nieuw", url.Values{"_csrf": {token}, "email": {"x"}, "password": {"short"}}))
	}
}
