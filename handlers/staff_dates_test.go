package handlers_test

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"portal/app"
	"portal/app/locale"
	"portal/internal/testenv"
)

// Every staff date goes through one rule: the values that once went through are refused next to their field,
// nothing is saved, and what was typed stays.
func TestStaffDatesAreRefusedNextToTheField(t *testing.T) {
	w, session, _ := rollCallWorld(t)
	c, token := w.client(t, w.fac)
	var before time.Time
	testenv.MustGet(t, w.srv.DB, &before, `SELECT starts_at FROM sessions WHERE id = $1`, session)
	for _, tc := range []struct {
		name, date, from, to, message string
	}{
		{"year 0", "0000-06-01", "14:00", "16:00", "Kies een datum tussen 2000 en 2100."},
		{"30 February", "2027-02-30", "14:00", "16:00", "Vul een bestaande datum in"},
		{"02.30-03.30 on 28 March 2027", "2027-03-28", "02:30", "03:30", "Dit uur bestaat niet op die dag"},
		{"02.30-04.00 on 28 March 2027", "2027-03-28", "02:30", "04:00", "Dit uur bestaat niet op die dag"},
	} {
		r := w.post(t, c, "/beheer/sessies/"+itoa(session)+"/verplaatsen", url.Values{"_csrf": {token}, "date": {tc.date},
			"from": {tc.from}, "to": {tc.to}})
		if r.status != 422 || !strings.Contains(r.body, tc.message) || !strings.Contains(r.body, `value="`+tc.date+`"`) {
			t.Errorf("%s: %d, want 422 with %q and the typed date", tc.name, r.status, tc.message)
		}
	}
	var after time.Time
	testenv.MustGet(t, w.srv.DB, &after, `SELECT starts_at FROM sessions WHERE id = $1`, session)
	if !after.Equal(before) {
		t.Errorf("a refused move changed the session: %v → %v", before, after)
	}

	// A referral dated 30 February is refused, not recorded as today.
	coord, ctoken := w.client(t, w.coord)
	reg := itoa(w.registrations[w.own])
	r := w.post(t, coord, "/beheer/inschrijvingen/"+reg+"/doorverwijzen", url.Values{"_csrf": {ctoken},
		"destination": {"caw_individual"}, "referred_on": {"2026-02-30"}})
	if r.status != 422 || !strings.Contains(r.body, "Vul een bestaande datum in") || !strings.Contains(r.body, `value="2026-02-30"`) {
		t.Errorf("referral on 30 February: %d", r.status)
	}
	var referrals int
	testenv.MustGet(t, w.srv.DB, &referrals, `SELECT count(*) FROM onward_referrals`)
	if referrals != 0 {
		t.Errorf("%d referrals recorded from a refused form", referrals)
	}

	// The audit log's date filter says so too, instead of filtering from some other day.
	admin, _ := w.client(t, w.admin)
	page := w.get(t, admin, "/beheer/audit?van=2027-02-30")
	if page.status != 200 || !strings.Contains(page.body, "Vul een bestaande datum in") || !strings.Contains(page.body, `value="2027-02-30"`) {
		t.Errorf("audit filter from 30 February: %d", page.status)
	}
}

// A session stored in year 0 (before the date rule held) cannot break the yearly lists.
func TestAYearZeroSessionLeavesTheFiguresPageStanding(t *testing.T) {
	w := newStaffWorld(t, monday)
	start := time.Date(0, 6, 1, 19, 0, 0, 0, locale.Brussels) // what a move to 0000-06-01 once stored
	w.srv.DB.MustExec(`UPDATE sessions SET starts_at = $2, ends_at = $3 WHERE id = $1`, w.sessions[w.own], start,
		start.Add(2*time.Hour))
	c, _ := w.client(t, w.coord)
	for _, path := range []string{"/beheer/cijfers", "/beheer/groepen/" + itoa(w.own) + "/attesten"} {
		if r := w.get(t, c, path); r.status != 200 {
			t.Errorf("%s: %d, want 200", path, r.status)
		}
	}
}

// The roll call of a session that has not started, or was cancelled, says so and offers no marks.
func TestRollCallBeforeTheStartSaysSo(t *testing.T) {
	w, session, people := rollCallWorld(t)
	c, token := w.client(t, w.fac)
	w.clock.t = w.clock.t.Add(-time.Hour) // 55 minutes before the start
	page := w.get(t, c, "/beheer/sessies/"+itoa(session)+"/aanwezigheid")
	if page.status != 200 || !strings.Contains(page.body, "Deze bijeenkomst is nog niet begonnen") ||
		strings.Contains(page.body, `class="save-bar"`) || strings.Contains(page.body, `id="walkin"`) {
		t.Errorf("roll call before the start: %d", page.status)
	}
	r := w.post(t, c, "/beheer/sessies/"+itoa(session)+"/aanwezigheid", url.Values{"_csrf": {token},
		"mark-" + itoa(people[0]): {"present"}})
	var marks int
	testenv.MustGet(t, w.srv.DB, &marks, `SELECT count(*) FROM attendance WHERE session_id = $1`, session)
	if r.status < 400 || marks != 0 {
		t.Errorf("marks before the start: %d, %d marks", r.status, marks)
	}
}

// A session moved into the past mails nobody, and the page says so instead of "the participants get a message".
func TestASessionMovedIntoThePastSaysNobodyIsMailed(t *testing.T) {
	w, session, people := rollCallWorld(t)
	c, token := w.client(t, w.fac)
	// Before saving, the form says the date is past and that nobody will be mailed, next to the date, and asks
	// to tick that this is meant; what was typed stays.
	move := url.Values{"_csrf": {token}, "date": {"2026-06-08"}, "from": {"14:00"}, "to": {"16:00"}}
	r := w.post(t, c, "/beheer/sessies/"+itoa(session)+"/verplaatsen", move)
	if r.status != 422 || !strings.Contains(r.body, "Deze datum ligt in het verleden. Niemand krijgt hierover een bericht.") ||
		!strings.Contains(r.body, `aria-describedby=" e-date"`) || !strings.Contains(r.body, `id="e-date"`) ||
		!strings.Contains(r.body, `name="verleden"`) || !strings.Contains(r.body, `value="2026-06-08"`) {
		t.Fatalf("a move into the past before confirming: %d", r.status)
	}
	var moved int
	testenv.MustGet(t, w.srv.DB, &moved, `SELECT count(*) FROM sessions WHERE id = $1 AND starts_at::date = '2026-06-08'`, session)
	if moved != 0 {
		t.Fatal("the session moved before the past date was confirmed")
	}
	move.Set("verleden", "ja")
	r = w.post(t, c, "/beheer/sessies/"+itoa(session)+"/verplaatsen", move)
	if r.status != 303 {
		t.Fatalf("move into the past: %d", r.status)
	}
	page := w.get(t, c, r.location)
	if !strings.Contains(page.body, "Niemand krijgt een bericht") || strings.Contains(page.body, "De deelnemers krijgen een bericht") {
		t.Errorf("after a move into the past the page says: %q", between(page.body, `role="status"`, "</p>"))
	}
	var changed, recorded int
	testenv.MustGet(t, w.srv.DB, &changed, `SELECT count(*) FROM outbox WHERE kind = 'session_changed' AND session_id = $1
		AND status <> 'cancelled'`, session)
	testenv.MustGet(t, w.srv.DB, &recorded, `SELECT count(*) FROM outbox WHERE kind = 'session_changed' AND session_id = $1
		AND status = 'cancelled' AND last_error = $2`, session, app.ReasonPast)
	if changed != 0 || recorded != len(people) {
		t.Errorf("%d change mails to send for a moment already past, %d recorded as not sent (want %d)", changed, recorded, len(people))
	}
	// Into the future: the members are told, and the page says so.
	r = w.post(t, c, "/beheer/sessies/"+itoa(session)+"/verplaatsen", url.Values{"_csrf": {token}, "date": {"2026-06-22"},
		"from": {"14:00"}, "to": {"16:00"}})
	page = w.get(t, c, r.location)
	testenv.MustGet(t, w.srv.DB, &changed, `SELECT count(*) FROM outbox WHERE kind = 'session_changed' AND session_id = $1
		AND status <> 'cancelled'`, session)
	if !strings.Contains(page.body, "De deelnemers krijgen een bericht") || changed != len(people) {
		t.Errorf("after a move ahead: %d change mails for %d people", changed, len(people))
	}
}

// between returns what lies in s between the first start and the next end after it.
func between(s, start, end string) string {
	_, rest, _ := strings.Cut(s, start)
	v, _, _ := strings.Cut(rest, end)
	return v
}
