package handlers_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"portal/app/locale"
	"portal/internal/testenv"
)

// The dashboard's work queue, in both languages: the coordinator sees every kind with its link and closes a
// stored item with "Gedaan"; the facilitator sees only the roll calls of the group they lead, no request, no
// registration's page, no other group. The account page offers coordinators the daily digest.
func TestDashboardWorkQueue(t *testing.T) {
	w := newStaffWorld(t, time.Date(2026, 6, 15, 9, 0, 0, 0, locale.Brussels))
	db := w.srv.DB
	var item int64
	testenv.MustGet(t, db, &item, `INSERT INTO work_items (kind, registration_id, person_id, group_id)
		VALUES ('contact_me', $1, $2, $3) RETURNING id`, w.registrations[w.own], w.people[w.own], w.own)
	// The first session of each group is over, without a roll call (Bornem's moved to the same evening).
	var ends time.Time
	testenv.MustGet(t, db, &ends, `SELECT ends_at FROM sessions WHERE id = $1`, w.sessions[w.own])
	if _, err := db.Exec(`UPDATE sessions SET starts_at = $2, ends_at = $3 WHERE id = $1`, w.sessions[w.foreign],
		ends.Add(-3*time.Hour), ends.Add(-time.Hour)); err != nil {
		t.Fatal(err)
	}
	w.clock.Add(ends.Sub(w.clock.Now()) + time.Hour)
	coord, token := w.client(t, w.coord)
	fac, facToken := w.client(t, w.fac)

	missing := regexp.MustCompile(`\[[a-z]+\.[a-z0-9_.]+\]`)
	rollCall := func(g int64) string { return `href="/beheer/sessies/` + itoa(w.sessions[g]) + `/aanwezigheid"` }
	for _, lang := range []string{"nl", "en"} {
		r := do(t, coord, http.MethodGet, w.srv.URL+"/beheer", nil, "Cookie", "taal="+lang)
		if r.status != http.StatusOK {
			t.Fatalf("%s: dashboard %d", lang, r.status)
		}
		for _, want := range []string{`href="/beheer/inschrijvingen/` + itoa(w.registrations[w.own]) + `"`, "Tom",
			`href="/beheer/waakvlam/` + itoa(w.waakvlam) + `"`, "Sociaal Huis Lier", rollCall(w.own), rollCall(w.foreign),
			`action="/beheer/werk/` + itoa(item) + `/klaar"`} {
			if !strings.Contains(r.body, want) {
				t.Errorf("%s: the coordinator's queue lacks %s", lang, want)
			}
		}
		if m := missing.FindString(r.body); m != "" {
			t.Errorf("%s: unresolved message %s on the dashboard", lang, m)
		}
		r = do(t, fac, http.MethodGet, w.srv.URL+"/beheer", nil, "Cookie", "taal="+lang)
		if !strings.Contains(r.body, rollCall(w.own)) {
			t.Errorf("%s: the facilitator does not see the roll call of their group", lang)
		}
		for _, not := range []string{rollCall(w.foreign), "/beheer/inschrijvingen/", "/beheer/waakvlam/", "Sociaal Huis Lier",
			"/beheer/werk/"} {
			if strings.Contains(r.body, not) {
				t.Errorf("%s: the facilitator's dashboard shows %s", lang, not)
			}
		}
		if m := missing.FindString(r.body); m != "" {
			t.Errorf("%s: unresolved message %s on the facilitator's dashboard", lang, m)
		}
	}

	if r := w.post(t, fac, "/beheer/werk/"+itoa(item)+"/klaar", url.Values{"_csrf": {facToken}}); r.status != http.StatusForbidden {
		t.Errorf("a facilitator closing a work item: %d", r.status)
	}
	r := w.post(t, coord, "/beheer/werk/"+itoa(item)+"/klaar", url.Values{"_csrf": {token}})
	if r.status != http.StatusSeeOther || r.location != "/beheer#werk" {
		t.Fatalf("closing: %d to %q", r.status, r.location)
	}
	var open int
	testenv.MustGet(t, db, &open, `SELECT count(*) FROM work_items WHERE id = $1 AND done_at IS NULL`, item)
	if open != 0 {
		t.Error("the item is still open after Gedaan")
	}
	if r := w.get(t, coord, "/beheer"); strings.Contains(r.body, "/beheer/werk/"+itoa(item)+"/klaar") {
		t.Error("the closed item is still on the dashboard")
	}

	// The digest: offered to the coordinator on their own page, not to the facilitator.
	if r := w.get(t, fac, "/beheer/account"); strings.Contains(r.body, "/beheer/account/samenvatting") {
		t.Error("the facilitator's account page offers the digest")
	}
	r = w.get(t, coord, "/beheer/account")
	if !strings.Contains(r.body, `action="/beheer/account/samenvatting"`) {
		t.Fatal("the coordinator's account page does not offer the digest")
	}
	if strings.Contains(r.body, `name="digest" value="1" checked`) {
		t.Error("the account page shows the digest as chosen before choosing it")
	}
	r = w.post(t, coord, "/beheer/account/samenvatting", url.Values{"_csrf": {token}, "digest": {"1"}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("choosing the digest: %d", r.status)
	}
	var on bool
	testenv.MustGet(t, db, &on, `SELECT work_digest FROM staff_users WHERE id = $1`, w.coord)
	if !on {
		t.Error("the digest is not on after choosing it")
	}
	if r := w.get(t, coord, r.location); !strings.Contains(r.body, `name="digest" value="1" checked`) {
		t.Error("the account page does not show the digest as chosen")
	}
}
