package handlers_test

import (
	"encoding/json"
	"net/url"
	"portal/internal/fixtures"
	"strings"
	"testing"
	"time"

	"portal/app"
	"portal/app/locale"
	"portal/internal/testenv"
)

func TestIntakeJourneyForTheOffice(t *testing.T) {
	w := newStaffWorld(t, time.Date(2026, 6, 15, 9, 0, 0, 0, locale.Brussels))
	a := w.srv.App
	c, token := w.client(t, w.coord)
	// A survivor's request with contact wishes.
	res, err := a.Request(t.Context(), app.RequestInput{OfferingSlug: "lotgenotengroepen", Alias: "Mira",
		Contact:      app.ContactInput{ByPhone: true, Phone: "0470 98 76 54", SafeTimes: "op weekdagen na 18 uur", Email: "mira@example.be"},
		Municipality: "Lier", Referrer: "police", Message: "Liefst op dinsdag.", Consent: true, ConsentText: app.Consent{Version: "t", Text: "ok"}})
	if err != nil {
		t.Fatal(err)
	}
	reg := itoa(res.RegistrationID)

	queue := w.get(t, c, "/beheer/aanvragen")
	if queue.status != 200 || !strings.Contains(queue.body, "Mira") || !strings.Contains(queue.body, "Lotgenotengroepen") {
		t.Fatalf("queue: %d", queue.status)
	}
	page := w.get(t, c, "/beheer/inschrijvingen/"+reg)
	body := page.body
	wishes, phone := strings.Index(body, "Zo mag je contact opnemen"), strings.Index(body, "0470 98 76 54")
	if page.status != 200 || wishes < 0 || phone < 0 || wishes > phone {
		t.Fatalf("the contact wishes must come before the contact details (%d, %d, %d)", page.status, wishes, phone)
	}
	for _, want := range []string{"op weekdagen na 18 uur", "nee, geen bericht achterlaten", "Liefst op dinsdag.", "Politie"} {
		if !strings.Contains(body, want) {
			t.Errorf("registration page lacks %q", want)
		}
	}
	var views int
	testenv.MustGet(t, w.srv.DB, &views, `SELECT count(*) FROM audit_log WHERE action = 'person.view' AND staff_id = $1`, w.coord)
	if views != 1 {
		t.Errorf("%d audit lines for viewing the registration, want 1", views)
	}

	// Plan the talk, with a note.
	r := w.post(t, c, "/beheer/inschrijvingen/"+reg+"/intake", url.Values{"_csrf": {token}, "intake_date": {"2026-06-18"},
		"intake_time": {"10:30"}, "note": {"Bellen op gsm."}})
	if r.status != 303 {
		t.Fatalf("plan intake: %d", r.status)
	}
	// Admit without choosing a group: the form comes back with a message next to the choice.
	r = w.post(t, c, "/beheer/inschrijvingen/"+reg+"/toelaten", url.Values{"_csrf": {token}})
	if r.status != 422 || !strings.Contains(r.body, "Kijk dit even na") {
		t.Fatalf("admit without a group: %d", r.status)
	}
	var group int64
	testenv.MustGet(t, w.srv.DB, &group, `SELECT id FROM groups WHERE slug = 'vrouwengroep-lier'`)
	r = w.post(t, c, "/beheer/inschrijvingen/"+reg+"/toelaten", url.Values{"_csrf": {token}, "group": {itoa(group)}})
	if r.status != 303 {
		t.Fatalf("admit: %d", r.status)
	}
	page = w.get(t, c, "/beheer/inschrijvingen/"+reg+"?gedaan=toelaten")
	for _, want := range []string{"Toegelaten. Een bericht met de persoonlijke link", "toegelaten", "Bellen op gsm.", "gesprek gepland"} {
		if !strings.Contains(page.body, want) {
			t.Errorf("after admission the page lacks %q", want)
		}
	}
	// Onward referral.
	r = w.post(t, c, "/beheer/inschrijvingen/"+reg+"/doorverwijzen", url.Values{"_csrf": {token}, "destination": {"caw_individual"},
		"referred_on": {"2026-06-20"}})
	if r.status != 303 {
		t.Fatalf("referral: %d", r.status)
	}
	// Separation from someone already in the group: recorded, and the staff member is warned.
	other, err := a.Request(t.Context(), app.RequestInput{OfferingSlug: "lotgenotengroepen", GroupID: group, Alias: "Els",
		Contact: app.ContactInput{ByPhone: true, Phone: "0470 00 00 01"}, Consent: true, ConsentText: app.Consent{Version: "t", Text: "ok"}})
	if err != nil {
		t.Fatal(err)
	}
	var els int64
	testenv.MustGet(t, w.srv.DB, &els, `SELECT person_id FROM registrations WHERE id = $1`, other.RegistrationID)
	r = w.post(t, c, "/beheer/inschrijvingen/"+reg+"/scheiden", url.Values{"_csrf": {token}, "other": {itoa(els)}})
	if r.status != 303 || !strings.Contains(r.location, "scheiden-gedeeld") {
		t.Fatalf("separation: %d %q", r.status, r.location)
	}
	// Now Els cannot be admitted to Mira's group; the page says why.
	r = w.post(t, c, "/beheer/inschrijvingen/"+itoa(other.RegistrationID)+"/toelaten", url.Values{"_csrf": {token}, "group": {itoa(group)}})
	if r.status != 422 || !strings.Contains(r.body, "mag nooit samen in een groep") {
		t.Fatalf("admitting a separated person: %d", r.status)
	}

	// An admin exports and then erases Mira.
	ac, atoken := w.client(t, w.admin)
	var mira int64
	testenv.MustGet(t, w.srv.DB, &mira, `SELECT person_id FROM registrations WHERE id = $1`, res.RegistrationID)
	exp := w.get(t, ac, "/beheer/personen/"+itoa(mira)+"/export")
	var data map[string]any
	if exp.status != 200 || json.Unmarshal([]byte(exp.body), &data) != nil || !strings.Contains(exp.body, "op weekdagen na 18 uur") {
		t.Fatalf("export: %d", exp.status)
	}
	if strings.Contains(exp.body, "Els") {
		t.Error("the export holds someone else")
	}
	r = w.post(t, ac, "/beheer/personen/"+itoa(mira)+"/wissen", url.Values{"_csrf": {atoken}, "confirm": {"ja"}})
	if r.status != 303 {
		t.Fatalf("erase: %d", r.status)
	}
	if name := fixtures.NameOf(t, w.srv.App, mira); name != "" {
		t.Error("erased person still has a name")
	}
	// Her page says she was erased and offers nothing more to decide.
	page = w.get(t, ac, "/beheer/inschrijvingen/"+itoa(res.RegistrationID))
	if page.status != 200 || !strings.Contains(page.body, "<h1>Gewiste persoon") || !strings.Contains(page.body, "zijn gewist op") {
		t.Errorf("an erased person's page does not say so (%d)", page.status)
	}
	for _, action := range []string{"/intrekken", "/verplaatsen", "/code", "/aanvraagdatum", "/doorverwijzen", "/wissen"} {
		if strings.Contains(page.body, `action="`) && strings.Contains(page.body, action+`"`) {
			t.Errorf("an erased person's page still offers %s", action)
		}
	}
	var logged int
	testenv.MustGet(t, w.srv.DB, &logged, `SELECT count(*) FROM audit_log WHERE person_id = $1 AND action IN ('person.export', 'person.erase',
		'registration.intake', 'registration.admit', 'referral.create')`, mira)
	if logged != 5 {
		t.Errorf("%d audit lines for Mira's file, want 5", logged)
	}
}

func TestFacilitatorSeesOnlyRegistrationsOfTheirGroups(t *testing.T) {
	w := newStaffWorld(t, time.Date(2026, 6, 15, 9, 0, 0, 0, locale.Brussels))
	c, _ := w.client(t, w.fac)
	if r := w.get(t, c, "/beheer/inschrijvingen/"+itoa(w.registrations[w.own])); r.status != 200 {
		t.Errorf("own group: %d", r.status)
	}
	if r := w.get(t, c, "/beheer/inschrijvingen/"+itoa(w.registrations[w.foreign])); r.status != 403 {
		t.Errorf("foreign group: %d", r.status)
	}
	q := w.get(t, c, "/beheer/aanvragen")
	if !strings.Contains(q.body, "Tom") || strings.Contains(q.body, ">Pro<") {
		t.Error("the facilitator's queue shows the wrong people")
	}
}

func TestStaffRegistersSomeoneOnTheirBehalf(t *testing.T) {
	w := newStaffWorld(t, time.Date(2026, 6, 15, 9, 0, 0, 0, locale.Brussels))
	c, token := w.client(t, w.coord)
	form := w.get(t, c, "/beheer/aanvragen/nieuw?aanbod=rotonde")
	if form.status != 200 || !strings.Contains(form.body, "Lees de toestemming hieronder voor") {
		t.Fatalf("form: %d", form.status)
	}
	r := w.post(t, c, "/beheer/aanvragen/nieuw?aanbod=rotonde", url.Values{"_csrf": {token}, "alias": {"Bart"},
		"channels": {"phone"}, "phone": {"0470 11 22 33"}, "consent": {"ja"}, "_key": {strings.Repeat("b", 24)}})
	if r.status != 303 || !strings.HasPrefix(r.location, "/beheer/inschrijvingen/") {
		t.Fatalf("register: %d %q", r.status, r.location)
	}
	var via string
	var by *int64
	bart := fixtures.PeopleNamed(t, w.srv.App, "Bart")
	if len(bart) != 1 {
		t.Fatalf("%d people named Bart", len(bart))
	}
	testenv.MustScan(t, w.srv.DB, `SELECT c.via, r.registered_by FROM consents c JOIN registrations r ON r.id = c.registration_id
		WHERE r.person_id = $1`, []any{bart[0]}, &via, &by)
	if via != "staff" || by == nil || *by != w.coord {
		t.Errorf("consent via %q by %v", via, by)
	}
}

func TestOfficePlansAWaakvlamRequest(t *testing.T) {
	w := newStaffWorld(t, time.Date(2026, 6, 15, 9, 0, 0, 0, locale.Brussels))
	c, token := w.client(t, w.coord)
	page := w.get(t, c, "/beheer/waakvlam/"+itoa(w.waakvlam))
	if page.status != 200 || !strings.Contains(page.body, "jo@lier.example") || !strings.Contains(page.body, "najaar") {
		t.Fatalf("request page: %d", page.status)
	}
	r := w.post(t, c, "/beheer/waakvlam/"+itoa(w.waakvlam)+"/plannen", url.Values{"_csrf": {token}, "date": {"2026-09-22"}, "from": {"09:00"},
		"to": {"12:00"}, "place_name": {"Sociaal Huis"}, "address": {"Paradeplein 2, 2500 Lier"}})
	if r.status != 303 {
		t.Fatalf("plan: %d %s", r.status, r.body)
	}
	var status string
	var mails int
	testenv.MustGet(t, w.srv.DB, &status, `SELECT status FROM waakvlam_requests WHERE id = $1`, w.waakvlam)
	testenv.MustGet(t, w.srv.DB, &mails, `SELECT count(*) FROM outbox WHERE kind = 'waakvlam_planned' AND waakvlam_request_id = $1`, w.waakvlam)
	if status != "planned" || mails != 1 {
		t.Errorf("after planning: %s, %d mails", status, mails)
	}
	r = w.post(t, c, "/beheer/waakvlam/"+itoa(w.waakvlam)+"/status", url.Values{"_csrf": {token}, "status": {"given"}})
	testenv.MustGet(t, w.srv.DB, &status, `SELECT status FROM waakvlam_requests WHERE id = $1`, w.waakvlam)
	if r.status != 303 || status != "given" {
		t.Errorf("given: %d %s", r.status, status)
	}
}

func TestFacilitatorDoesNotSeeWhoAParticipantIsSeparatedFrom(t *testing.T) {
	w := newStaffWorld(t, time.Date(2026, 6, 15, 9, 0, 0, 0, locale.Brussels))
	a := w.srv.App
	other, err := a.Request(t.Context(), app.RequestInput{OfferingSlug: "rotonde", Alias: "Geheimenaam",
		Contact: app.ContactInput{ByPhone: true, Phone: "0470 00 00 02"}, Consent: true, ConsentText: app.Consent{Version: "t", Text: "ok"}})
	if err != nil {
		t.Fatal(err)
	}
	var otherPerson int64
	testenv.MustGet(t, w.srv.DB, &otherPerson, `SELECT person_id FROM registrations WHERE id = $1`, other.RegistrationID)
	if _, err := a.Separate(t.Context(), fixtures.ActiveActor(t, a, w.coord), w.people[w.own], otherPerson); err != nil {
		t.Fatal(err)
	}
	c, _ := w.client(t, w.fac)
	page := w.get(t, c, "/beheer/inschrijvingen/"+itoa(w.registrations[w.own]))
	if page.status != 200 || strings.Contains(page.body, "Geheimenaam") {
		t.Errorf("the facilitator's page names the person this participant is separated from (%d)", page.status)
	}
	office, _ := w.client(t, w.coord)
	if page := w.get(t, office, "/beheer/inschrijvingen/"+itoa(w.registrations[w.own])); !strings.Contains(page.body, "Geheimenaam") {
		t.Error("the office does not see the separation")
	}
}

// The office sets the day a request came in on the registration's page: a day after today comes back with the
// message next to the field and the typed day kept; a past day is saved and shown.
func TestOfficeSetsTheRequestDate(t *testing.T) {
	w := newStaffWorld(t, time.Date(2026, 6, 15, 9, 0, 0, 0, locale.Brussels))
	a := w.srv.App
	c, token := w.client(t, w.coord)
	res, err := a.Request(t.Context(), app.RequestInput{OfferingSlug: "lotgenotengroepen", Alias: "Mira",
		Contact: app.ContactInput{ByPhone: true, Phone: "0470 98 76 54"}, Referrer: "police", Consent: true,
		ConsentText: app.Consent{Version: "t", Text: "ok"}})
	if err != nil {
		t.Fatal(err)
	}
	page := "/beheer/inschrijvingen/" + itoa(res.RegistrationID)
	if r := w.get(t, c, page); r.status != 200 || !strings.Contains(r.body, "maandag 15 juni 2026") ||
		!strings.Contains(r.body, `name="requested_on"`) {
		t.Fatalf("registration page without its request date: %d", r.status)
	}
	r := w.post(t, c, page+"/aanvraagdatum", url.Values{"_csrf": {token}, "requested_on": {"2026-06-16"}})
	if r.status != 422 || !strings.Contains(r.body, "Een aanvraag kan niet later binnenkomen dan vandaag") ||
		!strings.Contains(r.body, `value="2026-06-16"`) {
		t.Fatalf("a request date after today: %d", r.status)
	}
	r = w.post(t, c, page+"/aanvraagdatum", url.Values{"_csrf": {token}, "requested_on": {"2025-12-03"}})
	if r.status != 303 {
		t.Fatalf("a past request date: %d", r.status)
	}
	if r = w.get(t, c, page+"?gedaan=aanvraagdatum"); !strings.Contains(r.body, "woensdag 3 december 2025") ||
		!strings.Contains(r.body, "De datum van de aanvraag is opgeslagen.") {
		t.Error("the page does not show the new request date")
	}
	// The list of requests says how long she waits by her request date, not by the day it was typed in.
	if r = w.get(t, c, "/beheer/aanvragen"); r.status != 200 || !strings.Contains(r.body, "Sinds woensdag 3 december 2025") {
		t.Errorf("the list of requests does not show the request date: %d", r.status)
	}
}
