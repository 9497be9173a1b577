package handlers_test

import (
	"net/url"
	"portal/internal/testenv"
	"strings"
	"testing"
)

func TestFacilitatorMovesAndCancelsASessionOfTheirGroup(t *testing.T) {
	w, session, people := rollCallWorld(t)
	c, token := w.client(t, w.fac)
	page := w.get(t, c, "/beheer/sessies/"+itoa(session))
	if page.status != 200 || !strings.Contains(page.body, "maandag 15 juni 2026") || !strings.Contains(page.body, `value="14:00"`) {
		t.Fatalf("session page: %d", page.status)
	}
	r := w.post(t, c, "/beheer/sessies/"+itoa(session)+"/verplaatsen", url.Values{"_csrf": {token}, "date": {"2026-06-22"},
		"from": {"18:00"}, "to": {"20:00"}})
	if r.status != 303 {
		t.Fatalf("move: %d", r.status)
	}
	var changed int
	testenv.MustGet(t, w.srv.DB, &changed, `SELECT count(*) FROM outbox WHERE kind = 'session_changed' AND session_id = $1`, session)
	if changed != len(people) {
		t.Errorf("%d change notices, want %d", changed, len(people))
	}
	// Cancelling needs the box ticked.
	r = w.post(t, c, "/beheer/sessies/"+itoa(session)+"/annuleren", url.Values{"_csrf": {token}})
	if r.status != 422 || !strings.Contains(r.body, "Vink aan dat je de bijeenkomst wilt annuleren") {
		t.Fatalf("cancel without confirmation: %d", r.status)
	}
	r = w.post(t, c, "/beheer/sessies/"+itoa(session)+"/annuleren", url.Values{"_csrf": {token}, "confirm": {"ja"}})
	if r.status != 303 {
		t.Fatalf("cancel: %d", r.status)
	}
	var status string
	var cancelledMails, queuedReminders int
	testenv.MustGet(t, w.srv.DB, &status, `SELECT status FROM sessions WHERE id = $1`, session)
	testenv.MustGet(t, w.srv.DB, &cancelledMails, `SELECT count(*) FROM outbox WHERE kind = 'session_cancelled' AND session_id = $1`, session)
	testenv.MustGet(t, w.srv.DB, &queuedReminders, `SELECT count(*) FROM outbox WHERE kind = 'reminder' AND session_id = $1 AND status = 'queued'`, session)
	if status != "cancelled" || cancelledMails != len(people) || queuedReminders != 0 {
		t.Errorf("after cancelling: %s, %d notices, %d reminders left", status, cancelledMails, queuedReminders)
	}
	// The foreign facilitator's group is out of reach.
	if r := w.post(t, c, "/beheer/sessies/"+itoa(w.sessions[w.foreign])+"/annuleren", url.Values{"_csrf": {token}, "confirm": {"ja"}}); r.status != 403 {
		t.Errorf("cancel a foreign session: %d", r.status)
	}
}

func TestOfficeReadsTheOutboxAndResends(t *testing.T) {
	w := newStaffWorld(t, monday)
	c, token := w.client(t, w.coord)
	list := w.get(t, c, "/beheer/mail")
	if list.status != 200 || !strings.Contains(list.body, "Inschrijving bevestigd") || !strings.Contains(list.body, "in de wachtrij") {
		t.Fatalf("outbox: %d", list.status)
	}
	w.srv.DB.MustExec(`UPDATE outbox SET status = 'failed', last_error = 'connection refused' WHERE id = $1`, w.mail)
	item := w.get(t, c, "/beheer/mail/"+itoa(w.mail))
	if !strings.Contains(item.body, "connection refused") || !strings.Contains(item.body, "Opnieuw versturen") {
		t.Fatal("a failed mail shows no error or resend button")
	}
	r := w.post(t, c, "/beheer/mail/"+itoa(w.mail)+"/opnieuw", url.Values{"_csrf": {token}})
	var status string
	testenv.MustGet(t, w.srv.DB, &status, `SELECT status FROM outbox WHERE id = $1`, w.mail)
	if r.status != 303 || status != "queued" {
		t.Errorf("resend: %d, %s", r.status, status)
	}
	caught := w.get(t, c, "/beheer/mail/opgevangen/"+itoa(w.caught))
	if caught.status != 200 || !strings.Contains(caught.body, "Hallo") {
		t.Errorf("caught message: %d", caught.status)
	}
	fac, _ := w.client(t, w.fac)
	if r := w.get(t, fac, "/beheer/mail"); r.status != 403 {
		t.Errorf("a facilitator reads the outbox: %d", r.status)
	}
}
