package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"portal/app"
	"portal/app/locale"
	"portal/internal/fixtures"
	"portal/internal/testenv"
)

// A coordinator recording who was in a group is not stopped by the group's closing: the public still is.
func TestCoordinatorAdmitsToAGroupClosedAfterItsSession(t *testing.T) {
	w := newStaffWorld(t, time.Date(2026, 6, 15, 9, 0, 0, 0, locale.Brussels))
	a, ctx := w.srv.App, t.Context()
	o, err := a.Store.OfferingBySlug(ctx, "rotonde")
	if err != nil {
		t.Fatal(err)
	}
	group, err := a.CreateGroup(ctx, fixtures.Actor(t, a, w.coord), o.ID, app.GroupForm{Name: app.Text{"nl": "Rotonde najaar 2025"},
		Slug: "rotonde-najaar-2025", Municipality: "Mechelen", Capacity: "8", ClosedAfter: "1", Status: app.GroupOpen,
		Visibility: app.VisibilityPublic})
	if err != nil {
		t.Fatal(err)
	}
	var times []app.SessionTime
	for _, d := range []int{8, 22} {
		start := time.Date(2025, 9, d, 19, 0, 0, 0, locale.Brussels)
		times = append(times, app.SessionTime{Start: start, End: start.Add(2 * time.Hour)})
	}
	if _, err := a.AddSessions(ctx, fixtures.Actor(t, a, w.coord), group, times); err != nil {
		t.Fatal(err)
	}
	res, err := a.Request(ctx, app.RequestInput{OfferingSlug: "rotonde", Alias: "Koen",
		Contact: app.ContactInput{ByPhone: true, Phone: "0470 11 22 33"}, Consent: true, ConsentText: app.Consent{Version: "t", Text: "ok"}})
	if err != nil {
		t.Fatal(err)
	}
	c, token := w.client(t, w.coord)
	// Registering someone on their behalf offers the group that is over; the public form does not.
	if page := w.get(t, c, "/beheer/aanvragen/nieuw?aanbod=rotonde"); page.status != 200 || !strings.Contains(page.body, "Rotonde najaar 2025") {
		t.Errorf("the staff request form does not offer the past group (%d)", page.status)
	}
	if page := w.get(t, &http.Client{}, "/aanbod/rotonde/aanvragen"); page.status != 200 || strings.Contains(page.body, "Rotonde najaar 2025") {
		t.Error("the public request form offers a group that is over")
	}
	// Nor does the offering's page list it as "closed, dates to follow": it is last year's.
	if page := w.get(t, &http.Client{}, "/aanbod/rotonde"); page.status != 200 || strings.Contains(page.body, "Rotonde najaar 2025") {
		t.Error("the public offering page lists a group that is over")
	}
	// Her request names no group: the admission form offers the group that is over as a choice she can be given
	// (not greyed out), while the waiting list's choice keeps it closed.
	regPage := w.get(t, c, "/beheer/inschrijvingen/"+itoa(res.RegistrationID))
	admitForm, _, _ := strings.Cut(regPage.body[strings.Index(regPage.body, "/toelaten\""):], "</form>")
	radio := `<input type="radio" name="group" value="` + itoa(group) + `"`
	if !strings.Contains(admitForm, radio+">") || !strings.Contains(admitForm, "je kunt wel noteren wie erin zat") {
		t.Errorf("the admission form does not let staff choose the group that is over")
	}
	if waitForm, _, _ := strings.Cut(regPage.body[strings.Index(regPage.body, "/wachtlijst\""):], "</form>"); !strings.Contains(waitForm, radio+" disabled>") {
		t.Errorf("the waiting list offers a group that is over")
	}
	r := w.post(t, c, "/beheer/inschrijvingen/"+itoa(res.RegistrationID)+"/toelaten", url.Values{"_csrf": {token}, "group": {itoa(group)}})
	if r.status != 303 {
		t.Fatalf("a coordinator admitting to a group closed after session 1: %d, want 303", r.status)
	}
	var status string
	testenv.MustGet(t, w.srv.DB, &status, `SELECT status FROM registrations WHERE id = $1`, res.RegistrationID)
	if status != app.StatusAdmitted {
		t.Errorf("after the admission the registration is %s", status)
	}
	// The public still finds the group closed.
	if _, _, err := a.SignupGroup(ctx, "rotonde", "rotonde-najaar-2025"); err == nil {
		t.Error("the public may still join a group closed after its session")
	}
}

// A refused decision is said once on the page, not twice (in the summary and again above the decisions).
func TestARefusedDecisionIsShownOnce(t *testing.T) {
	w := newStaffWorld(t, time.Date(2026, 6, 15, 9, 0, 0, 0, locale.Brussels))
	a, ctx := w.srv.App, t.Context()
	o, err := a.Store.OfferingBySlug(ctx, "rotonde")
	if err != nil {
		t.Fatal(err)
	}
	group, err := a.CreateGroup(ctx, fixtures.Actor(t, a, w.coord), o.ID, app.GroupForm{Name: app.Text{"nl": "Rotonde vol"},
		Slug: "rotonde-vol", Municipality: "Mechelen", Capacity: "1", Status: app.GroupOpen, Visibility: app.VisibilityPublic})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Date(2026, 9, 8, 19, 0, 0, 0, locale.Brussels)
	if _, err := a.AddSessions(ctx, fixtures.Actor(t, a, w.coord), group, []app.SessionTime{{Start: start, End: start.Add(2 * time.Hour)}}); err != nil {
		t.Fatal(err)
	}
	c, token := w.client(t, w.coord)
	var last string
	for i, alias := range []string{"Jan", "Piet"} {
		res, err := a.Request(ctx, app.RequestInput{OfferingSlug: "rotonde", Alias: alias,
			Contact: app.ContactInput{ByPhone: true, Phone: "0470 11 22 3" + itoa(int64(i))}, Consent: true, ConsentText: app.Consent{Version: "t", Text: "ok"}})
		if err != nil {
			t.Fatal(err)
		}
		r := w.post(t, c, "/beheer/inschrijvingen/"+itoa(res.RegistrationID)+"/toelaten", url.Values{"_csrf": {token}, "group": {itoa(group)}})
		last = r.body
		if want := []int{303, 422}[i]; r.status != want {
			t.Fatalf("admission %d: %d, want %d", i+1, r.status, want)
		}
	}
	const msg = "Die groep is volzet."
	if n := strings.Count(last, msg); n != 1 {
		t.Errorf("the refusal %q is on the page %d times, want once", msg, n)
	}
}

// Forms that take a date say before saving that it is past and that nobody will be mailed; a tick saves it.
func TestFormsWithAPastDateSaySoBeforeSaving(t *testing.T) {
	w := newStaffWorld(t, time.Date(2026, 6, 15, 9, 0, 0, 0, locale.Brussels))
	a, ctx := w.srv.App, t.Context()
	c, token := w.client(t, w.coord)
	const notice = "Deze datum ligt in het verleden. Niemand krijgt hierover een bericht."

	// Sessions of last autumn for the Rotonde group.
	add := url.Values{"_csrf": {token}, "mode": {"one"}, "date": {"2025-09-08"}, "from": {"19:00"}, "to": {"21:00"},
		"action": {"save"}}
	r := w.post(t, c, "/beheer/groepen/"+itoa(w.own)+"/sessies/nieuw", add)
	if r.status != 422 || !strings.Contains(r.body, notice) || !strings.Contains(r.body, `value="2025-09-08"`) ||
		!strings.Contains(r.body, `id="f-verleden"`) {
		t.Fatalf("past sessions before confirming: %d", r.status)
	}
	count := func() int {
		var n int
		testenv.MustGet(t, w.srv.DB, &n, `SELECT count(*) FROM sessions WHERE group_id = $1 AND starts_at < '2026-01-01'`, w.own)
		return n
	}
	if n := count(); n != 0 {
		t.Fatalf("%d past sessions saved before confirming", n)
	}
	add.Set("verleden", "ja")
	if r = w.post(t, c, "/beheer/groepen/"+itoa(w.own)+"/sessies/nieuw", add); r.status != 303 || count() != 1 {
		t.Fatalf("past sessions after confirming: %d, %d saved", r.status, count())
	}

	// An introductory talk of last summer.
	res, err := a.Request(ctx, app.RequestInput{OfferingSlug: "rotonde", Alias: "Wim",
		Contact: app.ContactInput{ByEmail: true, Email: "wim@example.be"}, Consent: true, ConsentText: app.Consent{Version: "t", Text: "ok"}})
	if err != nil {
		t.Fatal(err)
	}
	reg := itoa(res.RegistrationID)
	talk := url.Values{"_csrf": {token}, "intake_date": {"2025-08-20"}, "intake_time": {"10:00"}}
	r = w.post(t, c, "/beheer/inschrijvingen/"+reg+"/intake", talk)
	if r.status != 422 || !strings.Contains(r.body, notice) || !strings.Contains(r.body, `aria-describedby=" e-intake_date"`) {
		t.Fatalf("a past talk before confirming: %d", r.status)
	}
	talk.Set("verleden", "ja")
	if r = w.post(t, c, "/beheer/inschrijvingen/"+reg+"/intake", talk); r.status != 303 {
		t.Fatalf("a past talk after confirming: %d", r.status)
	}
	var mails []string
	testenv.MustSelect(t, w.srv.DB, &mails, `SELECT status || ' ' || last_error FROM outbox WHERE registration_id = $1 AND kind = $2`,
		res.RegistrationID, app.MailIntakePlanned)
	if len(mails) != 1 || mails[0] != "cancelled "+app.ReasonPast {
		t.Errorf("the mail about a past talk: %v, want one cancelled %q", mails, app.ReasonPast)
	}
	// The outbox page says why it was not sent, in the reader's language.
	if page := w.get(t, c, "/beheer/mail?status=cancelled"); !strings.Contains(page.body, "Niet verstuurd: in het verleden.") {
		t.Errorf("the outbox page does not say the mail about the past was not sent (%d)", page.status)
	}
	// It cannot be sent again: the rule that kept it would keep it again.
	var mailID int64
	testenv.MustGet(t, w.srv.DB, &mailID, `SELECT id FROM outbox WHERE registration_id = $1 AND kind = $2`,
		res.RegistrationID, app.MailIntakePlanned)
	if page := w.get(t, c, "/beheer/mail/"+itoa(mailID)); page.status != 200 || strings.Contains(page.body, "/opnieuw") {
		t.Errorf("a mail about the past offers to send it again (%d)", page.status)
	}
	if r := w.post(t, c, "/beheer/mail/"+itoa(mailID)+"/opnieuw", url.Values{"_csrf": {token}}); r.status < 400 {
		t.Errorf("sending a mail about the past again: %d, want a refusal", r.status)
	}
	w.get(t, c, "/taal/en?terug=/beheer")
	if page := w.get(t, c, "/beheer/mail?status=cancelled"); !strings.Contains(page.body, "Not sent: in the past.") {
		t.Errorf("the English outbox page does not say the mail about the past was not sent (%d)", page.status)
	}
}

// A Waakvlam training given last year is recorded after a tick, and its colleagues' signup link is mailed to
// nobody.
func TestAPastWaakvlamIsPlannedAfterATickAndMailsNobody(t *testing.T) {
	w := newStaffWorld(t, time.Date(2026, 6, 15, 9, 0, 0, 0, locale.Brussels))
	c, token := w.client(t, w.coord)
	plan := url.Values{"_csrf": {token}, "date": {"2025-11-18"}, "from": {"09:00"}, "to": {"12:00"},
		"place_name": {"Sociaal Huis"}, "address": {"Paradeplein 2, 2500 Lier"}}
	r := w.post(t, c, "/beheer/waakvlam/"+itoa(w.waakvlam)+"/plannen", plan)
	if r.status != 422 || !strings.Contains(r.body, "Deze datum ligt in het verleden.") || !strings.Contains(r.body, `value="Sociaal Huis"`) {
		t.Fatalf("a past training before confirming: %d", r.status)
	}
	plan.Set("verleden", "ja")
	if r = w.post(t, c, "/beheer/waakvlam/"+itoa(w.waakvlam)+"/plannen", plan); r.status != 303 {
		t.Fatalf("a past training after confirming: %d", r.status)
	}
	var mails []string
	testenv.MustSelect(t, w.srv.DB, &mails, `SELECT status || ' ' || last_error FROM outbox WHERE waakvlam_request_id = $1
		AND kind = $2`, w.waakvlam, app.MailWaakvlamPlanned)
	if len(mails) != 1 || mails[0] != "cancelled "+app.ReasonPast {
		t.Errorf("the mail about a past training: %v", mails)
	}
}
