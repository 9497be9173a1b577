package handlers_test

import (
	"strings"
	"testing"
	"time"

	"portal/app"
	"portal/app/locale"
	"portal/internal/fixtures"
	"portal/internal/testenv"
	"portal/internal/testserver"
)

// TestWaakvlamColleaguesSignUpWithoutRetyping follows an organisation's planned Waakvlam from its contact
// person's status page: the private signup form names the organisation and its sector without asking them (and
// the server keeps them whatever is posted), the status page leads with the state and the day and lists who
// signed up, and the contact person can have the private link sent again: a new link works, the old one stops,
// and the answer is the same for a link that does not exist.
func TestWaakvlamColleaguesSignUpWithoutRetyping(t *testing.T) {
	srv := testserver.Start(t, testserver.Options{Seed: true})
	a, ctx := srv.App, t.Context()
	a.Now = func() time.Time { return time.Date(2026, 9, 1, 9, 0, 0, 0, locale.Brussels) }
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
	c := testserver.Client()
	status := srv.URL + "/waakvlam/" + res.Token
	if code, body := get(t, c, status); code != 200 || !strings.Contains(body, "<strong>Aangevraagd</strong> – aangevraagd op ") {
		t.Fatalf("status page before planning (%d) does not lead with the state and day:\n%s", code, body)
	}
	coord := fixtures.AddStaff(t, a, "coord@example.org", "C", app.RoleCoordinator, "")
	start := time.Date(2026, 10, 6, 13, 0, 0, 0, locale.Brussels)
	group, err := a.PlanWaakvlam(ctx, fixtures.Actor(t, a, coord), st.Request.ID, start, start.Add(3*time.Hour), "Zaal", "Lier")
	if err != nil {
		t.Fatal(err)
	}
	const token = "the-link-of-sociaal-huis-lier-in-this-test"
	srv.DB.MustExec(`UPDATE groups SET signup_token_hash = $2 WHERE id = $1`, group, app.HashToken(token))

	form := srv.URL + "/inschrijven/" + token
	code, body := get(t, c, form)
	if code != 200 {
		t.Fatalf("private form: %d", code)
	}
	for _, want := range []string{"<dd>Sociaal Huis Lier</dd>", "<dd>Sociaal Huis (OCMW: Openbaar Centrum voor Maatschappelijk Welzijn)</dd>"} {
		if !strings.Contains(body, want) {
			t.Errorf("the private form does not show %q", want)
		}
	}
	if strings.Contains(body, `name="organisation"`) || strings.Contains(body, `name="sector"`) {
		t.Error("the private form asks for the organisation or sector again")
	}
	// A colleague who posts another organisation and sector (an old form, a forged post) still counts for hers.
	if code, body := post(t, c, form, merge(formFor(t, c, form), map[string]string{"name": "An Peeters",
		"email": "an@lier.example", "organisation": "Iets Anders", "sector": "police", "consent": "ja"})); code != 200 {
		t.Fatalf("signup: %d\n%s", code, body)
	}
	if code, body := post(t, c, form, merge(formFor(t, c, form), map[string]string{"name": "Bert Janssens",
		"email": "bert@lier.example", "consent": "ja"})); code != 200 {
		t.Fatalf("signup without organisation: %d\n%s", code, body)
	}
	var orgs []string
	if err := srv.DB.Select(&orgs, `SELECT DISTINCT p.organisation || '/' || p.sector FROM registrations r JOIN people p ON p.id = r.person_id
		WHERE r.group_id = $1`, group); err != nil {
		t.Fatal(err)
	}
	if len(orgs) != 1 || orgs[0] != "Sociaal Huis Lier/ocmw" {
		t.Errorf("colleagues stored with %v, want only Sociaal Huis Lier/ocmw", orgs)
	}

	_, body = get(t, c, status)
	for _, want := range []string{"<strong>Gepland</strong> – op dinsdag 6 oktober 2026", "2 medewerkers ingeschreven.",
		"<li>An Peeters</li><li>Bert Janssens</li>", "Stuur de inschrijflink opnieuw"} {
		if !strings.Contains(body, want) {
			t.Errorf("status page lacks %q", want)
		}
	}
	if i, j := strings.Index(body, "Gepland</strong>"), strings.Index(body, "WV-2026-"); i < 0 || j < i {
		t.Error("the status page does not lead with the state: the request's details come first")
	}

	// The link sent again: a new link in a mail to the contact person; the old link stops.
	mailsBefore := len(fixtures.Rows(t, a, app.MailWaakvlamPlanned))
	if code, _ = post(t, c, status+"/link", formFor(t, c, status)); code != 303 {
		t.Fatalf("resend: %d, want 303 back to the status page", code)
	}
	if _, body = get(t, c, status+"?gedaan=link"); !strings.Contains(body, "krijgt de contactpersoon binnen enkele minuten een e-mail met de nieuwe inschrijflink") {
		t.Fatalf("no neutral answer after sending again\n%s", body)
	}
	if n := len(fixtures.Rows(t, a, app.MailWaakvlamPlanned)); n != mailsBefore+1 {
		t.Errorf("%d signup-link mails after sending again, want %d", n, mailsBefore+1)
	}
	if code, _ := get(t, c, form); code == 200 {
		t.Error("the old private link still works after a new one was sent")
	}
	var renewed []byte
	testenv.MustGet(t, srv.DB, &renewed, `SELECT signup_token_hash FROM groups WHERE id = $1`, group)
	if len(renewed) == 0 {
		t.Fatal("the group lost its signup link")
	}
	// Sends per day are limited, and an unknown link gets the same answer without a mail.
	for range app.WaakvlamLinkResends + 2 {
		if code, _ := post(t, c, status+"/link", formFor(t, c, status)); code != 303 {
			t.Fatalf("resend: %d", code)
		}
	}
	if n := len(fixtures.Rows(t, a, app.MailWaakvlamPlanned)); n != mailsBefore+app.WaakvlamLinkResends {
		t.Errorf("%d signup-link mails after many sends, want %d (the day's limit)", n, mailsBefore+app.WaakvlamLinkResends)
	}
	mailsBefore = len(fixtures.Rows(t, a, app.MailWaakvlamPlanned))
	if code, _ := post(t, c, srv.URL+"/waakvlam/no-such-token/link", formFor(t, c, status)); code >= 500 {
		t.Errorf("an unknown link answers %d", code)
	}
	if n := len(fixtures.Rows(t, a, app.MailWaakvlamPlanned)); n != mailsBefore {
		t.Error("an unknown link sent a mail")
	}
}
