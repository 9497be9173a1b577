package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"portal/app"
	"portal/app/locale"
	"portal/internal/testenv"
)

// TestRetentionPageRunNowAndReopen walks the retention page as the office would: a coordinator sees who falls due
// when (counts, no names) but can neither run the purge nor reopen a year; an admin reopens a closed year before
// its people are purged, runs the purge after a confirmation, sees the run listed, and can no longer reopen.
func TestRetentionPageRunNowAndReopen(t *testing.T) {
	w := newStaffWorld(t, time.Date(2025, 3, 1, 9, 0, 0, 0, locale.Brussels))
	a, db := w.srv.App, w.srv.DB
	// A Rotonde group of March 2025 (retention 365 days) with one person in it.
	var group int64
	testenv.MustGet(t, db, &group, `INSERT INTO groups (offering_id, slug, name, municipality, capacity)
		SELECT id, 'rot-2025', '{"nl":"Rotonde 2025","en":"Rotonde 2025"}', 'Mechelen', 8 FROM offerings WHERE slug = 'rotonde'
		RETURNING id`)
	for _, day := range []int{4, 11} {
		start := time.Date(2025, 3, day, 19, 0, 0, 0, locale.Brussels)
		testenv.MustExec(t, db, `INSERT INTO sessions (group_id, starts_at, ends_at) VALUES ($1, $2, $3)`, group, start, start.Add(2*time.Hour))
	}
	req, err := a.Request(t.Context(), app.RequestInput{OfferingSlug: "rotonde", GroupID: group, Alias: "Verborgen Naam",
		Contact: app.ContactInput{ByPhone: true, Phone: "0470 11 22 33"}, Consent: true,
		ConsentText: app.Consent{Version: "t", Text: "ok"}})
	if err != nil {
		t.Fatal(err)
	}
	w.clock.set(time.Date(2026, 1, 15, 9, 0, 0, 0, locale.Brussels))
	coord, coordToken := w.client(t, w.coord)
	admin, adminToken := w.client(t, w.admin)
	if r := w.post(t, coord, "/beheer/cijfers/2025/afsluiten", url.Values{"_csrf": {coordToken}, "bevestig": {"ja"}}); r.status != http.StatusSeeOther {
		t.Fatalf("closing 2025: %d", r.status)
	}

	page := func(c *http.Client, path string) string {
		t.Helper()
		r := w.get(t, c, path)
		if r.status != http.StatusOK {
			t.Fatalf("%s: %d", path, r.status)
		}
		return htmlUnescape(r.body)
	}
	body := page(coord, "/beheer/bewaartermijnen")
	for _, want := range []string{"Bewaartermijnen", "Bewaartermijn: 365 dagen", "donderdag 12 maart 2026", "Nog geen opruimingen."} {
		if !strings.Contains(body, want) {
			t.Errorf("the retention page lacks %q", want)
		}
	}
	if strings.Contains(body, "Verborgen Naam") {
		t.Error("the retention page shows a name")
	}
	if strings.Contains(body, "/beheer/bewaartermijnen/nu") {
		t.Error("a coordinator is offered to run the purge")
	}
	if r := w.post(t, coord, "/beheer/bewaartermijnen/nu", url.Values{"_csrf": {coordToken}, "bevestig": {"ja"}}); r.status != http.StatusForbidden {
		t.Errorf("a coordinator ran the purge: %d", r.status)
	}
	if strings.Contains(page(coord, "/beheer/cijfers?jaar=2025"), "/heropenen") {
		t.Error("a coordinator is offered to reopen a year")
	}
	if r := w.post(t, coord, "/beheer/cijfers/2025/heropenen", url.Values{"_csrf": {coordToken}, "bevestig": {"ja"}}); r.status != http.StatusForbidden {
		t.Errorf("a coordinator reopened a year: %d", r.status)
	}

	// A correction after closing says that the frozen figures of 2025 no longer move: after a new request date,
	// and on the roll call of a 2025 session (where a tap is saved without a page after it).
	const frozenNotice = "De cijfers van 2025 liggen vast: wat je hier nu nog verandert, telt daarin niet meer mee."
	reg := "/beheer/inschrijvingen/" + itoa(req.RegistrationID)
	r := w.post(t, coord, reg+"/aanvraagdatum", url.Values{"_csrf": {coordToken}, "requested_on": {"2025-02-20"}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("setting the request date: %d", r.status)
	}
	if !strings.Contains(page(coord, r.location), frozenNotice) {
		t.Error("a change after closing does not say that the frozen figures stay")
	}
	if strings.Contains(page(coord, reg), frozenNotice) {
		t.Error("the notice shows without a change")
	}
	testenv.MustExec(t, db, `UPDATE registrations SET requested_on = '2026-01-10' WHERE id = $1`, w.registrations[w.own])
	if strings.Contains(page(coord, "/beheer/inschrijvingen/"+itoa(w.registrations[w.own])+"?gedaan=nieuw"), "liggen vast") {
		t.Error("a change to a registration of an open year says its figures are fixed")
	}
	var session int64
	testenv.MustGet(t, db, &session, `SELECT min(id) FROM sessions WHERE group_id = $1`, group)
	if !strings.Contains(page(coord, "/beheer/sessies/"+itoa(session)+"/aanwezigheid"), frozenNotice) {
		t.Error("the roll call of a closed year does not say that the frozen figures stay")
	}
	if strings.Contains(page(coord, "/beheer/sessies/"+itoa(w.sessions[w.own])+"/aanwezigheid"), "liggen vast") {
		t.Error("the roll call of an open year says its figures are fixed")
	}

	// The admin reopens 2025 (the box must be ticked), and the coordinator closes it again.
	if !strings.Contains(page(admin, "/beheer/cijfers?jaar=2025"), "/beheer/cijfers/2025/heropenen") {
		t.Error("an admin is not offered to reopen a closed year")
	}
	r = w.post(t, admin, "/beheer/cijfers/2025/heropenen", url.Values{"_csrf": {adminToken}})
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "Vink aan dat je het jaar wilt heropenen.") {
		t.Errorf("reopening without the box: %d", r.status)
	}
	r = w.post(t, admin, "/beheer/cijfers/2025/heropenen", url.Values{"_csrf": {adminToken}, "bevestig": {"ja"}})
	if r.status != http.StatusSeeOther || r.location != "/beheer/cijfers?jaar=2025&heropend=1" {
		t.Fatalf("reopening: %d to %q", r.status, r.location)
	}
	if !strings.Contains(page(admin, r.location), "2025 is heropend") {
		t.Error("the figures page does not say the year was reopened")
	}
	if r := w.post(t, coord, "/beheer/cijfers/2025/afsluiten", url.Values{"_csrf": {coordToken}, "bevestig": {"ja"}}); r.status != http.StatusSeeOther {
		t.Fatalf("closing 2025 again: %d", r.status)
	}

	// On the day, the admin runs the purge now: a page that repeats the counts, a box to tick, then the run.
	w.clock.set(time.Date(2026, 3, 12, 8, 0, 0, 0, locale.Brussels))
	admin, adminToken = w.client(t, w.admin) // a new day, a new session
	confirm := page(admin, "/beheer/bewaartermijnen/nu")
	if !strings.Contains(confirm, "Personen van wie de gegevens gewist worden</dt><dd>1</dd>") {
		t.Errorf("the confirmation does not repeat the count:\n%s", confirm)
	}
	r = w.post(t, admin, "/beheer/bewaartermijnen/nu", url.Values{"_csrf": {adminToken}})
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "Vink aan dat je de gegevens nu wilt wissen.") {
		t.Errorf("running without the box: %d", r.status)
	}
	var anonymised int
	testenv.MustGet(t, db, &anonymised, `SELECT count(*) FROM people WHERE anonymised_at IS NOT NULL`)
	if anonymised != 0 {
		t.Fatal("a run without confirmation anonymised people")
	}
	r = w.post(t, admin, "/beheer/bewaartermijnen/nu", url.Values{"_csrf": {adminToken}, "bevestig": {"ja"}})
	if r.status != http.StatusSeeOther || !strings.HasPrefix(r.location, "/beheer/bewaartermijnen?run=") {
		t.Fatalf("running: %d to %q", r.status, r.location)
	}
	body = page(admin, r.location)
	for _, want := range []string{"De opruiming is klaar. Gewist: 1 (personen)", "Naam admin"} {
		if !strings.Contains(body, want) {
			t.Errorf("the page after the run lacks %q", want)
		}
	}
	var audited int
	testenv.MustGet(t, db, &audited, `SELECT count(*) FROM audit_log WHERE action = $1 AND staff_id = $2
		AND (detail->>'people')::int = 1`, app.AuditRetentionPurge, w.admin)
	if audited != 1 {
		t.Errorf("%d audit lines for the run, want 1", audited)
	}

	// Now a person of 2025 is gone: reopening is refused, with the reason next to the box.
	r = w.post(t, admin, "/beheer/cijfers/2025/heropenen", url.Values{"_csrf": {adminToken}, "bevestig": {"ja"}})
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(htmlUnescape(r.body), "kan niet meer heropend worden") {
		t.Errorf("reopening after the purge: %d", r.status)
	}
	// The figures page no longer offers a form that can only be refused: it says why instead.
	if body := htmlUnescape(page(admin, "/beheer/cijfers?jaar=2025")); strings.Contains(body, "/beheer/cijfers/2025/heropenen") ||
		!strings.Contains(body, "kan niet meer heropend worden") {
		t.Error("after the purge the figures page still offers to reopen 2025, or does not say why it cannot")
	}
}
