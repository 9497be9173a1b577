package handlers_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"portal/app"
	"portal/internal/browser"
	"portal/internal/testenv"
)

// signInBrowserWith signs staff member email in through the sign-in pages with an authenticator already set up
// (secret), from whatever page the browser is on (the sign-in page with its return address), and waits for sel.
func signInBrowserWith(t *testing.T, ctx context.Context, w *staffWorld, email, secret, sel string) {
	t.Helper()
	w.clock.Add(30 * time.Second) // a fresh time step: a code is good once
	browser.Within(t, ctx, 30*time.Second, chromedp.WaitVisible(chromedp.ID("f-email")),
		chromedp.SendKeys(chromedp.ID("f-email"), email), chromedp.SendKeys(chromedp.ID("f-password"), staffPassword),
		chromedp.Submit(chromedp.ID("f-password")), chromedp.WaitVisible(chromedp.ID("f-code")),
		chromedp.SendKeys(chromedp.ID("f-code"), codeAt(t, secret, w.clock.Now())), chromedp.Submit(chromedp.ID("f-code")),
		chromedp.WaitVisible(chromedp.CSS(sel)))
}

// marksOf is what the database holds for a meeting: person → mark.
func marksOf(t *testing.T, w *staffWorld, session int64) map[int64]string {
	t.Helper()
	var rows []struct {
		Person int64  `db:"person_id"`
		Status string `db:"status"`
	}
	if err := w.srv.DB.Select(&rows, `SELECT person_id, status FROM attendance WHERE session_id = $1`, session); err != nil {
		t.Fatal(err)
	}
	out := map[int64]string{}
	for _, r := range rows {
		out[r.Person] = r.Status
	}
	return out
}

func tapMark(t *testing.T, ctx context.Context, person int64, mark string) {
	t.Helper()
	sel := fmt.Sprintf(`#p-%d .seg-%s span`, person, mark)
	browser.Eval[bool](t, ctx, `(document.querySelector("`+sel+`").scrollIntoView({block: "center"}), true)`)
	browser.Within(t, ctx, 10*time.Second, chromedp.Click(chromedp.CSS(sel)))
}

// waitEval polls a JavaScript condition until it holds, failing with what explain says after d.
func waitEval(t *testing.T, ctx context.Context, cond, explain string, d time.Duration) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !browser.Eval[bool](t, ctx, cond) {
		if time.Now().After(deadline) {
			t.Fatalf("waited %v for %s: %s", d, cond, browser.Eval[string](t, ctx, explain))
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// A facilitator's session ends in the middle of a roll call (30 minutes without a request): the taps made after
// it ended are not lost and not reported as a broken connection. The page says they were signed out, keeps the
// taps on the device (ids and marks, no names), and after signing in again the person is back on the roll call
// and the taps are saved.
func TestBrowserRollCallSurvivesAnExpiredSession(t *testing.T) {
	ctx := browser.New(t)
	w, session, people := rollCallWorld(t)
	secret := w.enrol(t, w.facEmail, w.fac)
	path := "/beheer/sessies/" + itoa(session) + "/aanwezigheid"
	browser.Within(t, ctx, 10*time.Second, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateTouch))
	browser.Within(t, ctx, 30*time.Second, chromedp.Navigate(w.srv.URL+"/beheer/login"))
	signInBrowserWith(t, ctx, w, w.facEmail, secret, ".agenda")
	browser.Within(t, ctx, 30*time.Second, chromedp.Navigate(w.srv.URL+path), chromedp.WaitVisible(chromedp.CSS(".mark-row")))

	tapMark(t, ctx, people[0], "present")
	waitEval(t, ctx, `document.querySelectorAll(".mark-row.saved").length === 1`, `document.querySelector(".sync-state").textContent`, 15*time.Second)

	// The session ends: more than app.StaffIdleTimeout without a request.
	w.clock.Add(app.StaffIdleTimeout + time.Minute)
	tapMark(t, ctx, people[1], "late")
	tapMark(t, ctx, people[2], "absent")
	waitEval(t, ctx, `document.querySelector(".sync-state a") !== null`, `document.querySelector(".sync-state").textContent`, 15*time.Second)
	state := browser.Eval[string](t, ctx, `document.querySelector(".sync-state").textContent`)
	if !strings.Contains(state, "uitgelogd") || strings.Contains(state, "Geen verbinding") {
		t.Errorf("after the session ended the roll call says %q, want that the person was signed out", state)
	}
	if got := marksOf(t, w, session); len(got) != 1 {
		t.Fatalf("marks saved while signed out: %v", got)
	}
	// Kept on the device: ids and marks only.
	raw := browser.Eval[string](t, ctx, `localStorage.getItem("vh-rollcall-`+itoa(session)+`") || ""`)
	var kept map[string]string
	if err := json.Unmarshal([]byte(raw), &kept); err != nil {
		t.Fatalf("kept on the device: %q: %v", raw, err)
	}
	want := map[string]string{itoa(people[1]): "late", itoa(people[2]): "absent"}
	if fmt.Sprint(kept) != fmt.Sprint(want) {
		t.Errorf("kept on the device %v, want %v", kept, want)
	}
	if strings.Contains(raw, "Deelnemer") {
		t.Errorf("a name was kept on the device: %s", raw)
	}

	// Signing in again through the link on the page leads back to the roll call, where the kept taps are sent.
	browser.Within(t, ctx, 30*time.Second, chromedp.Click(chromedp.CSS(".sync-state a")))
	signInBrowserWith(t, ctx, w, w.facEmail, secret, ".mark-row")
	browser.WaitLocation(t, ctx, w.srv.URL+path, 10*time.Second)
	waitEval(t, ctx, `localStorage.getItem("vh-rollcall-`+itoa(session)+`") === null`, `document.querySelector(".sync-state").textContent`, 15*time.Second)
	got := marksOf(t, w, session)
	wantDB := map[int64]string{people[0]: "present", people[1]: "late", people[2]: "absent"}
	if fmt.Sprint(got) != fmt.Sprint(wantDB) {
		t.Errorf("marks after signing in again: %v, want %v", got, wantDB)
	}
	if n := browser.Eval[int](t, ctx, `document.querySelectorAll(".mark-row input:checked").length`); n != 3 {
		t.Errorf("%d choices shown on the roll call, want 3", n)
	}
}

// Five minutes before the session would end, a dialog offers to stay signed in; pressing it renews the session on
// the server, so a page opened long after the warning still works. At the end the dialog says the person was
// signed out, with the way back to the page they were on.
func TestBrowserWarnsBeforeTheSessionEnds(t *testing.T) {
	ctx := browser.New(t)
	w, session, _ := rollCallWorld(t)
	secret := w.enrol(t, w.facEmail, w.fac)
	path := "/beheer/sessies/" + itoa(session) + "/aanwezigheid"
	browser.Within(t, ctx, 10*time.Second, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateTouch))
	browser.Within(t, ctx, 30*time.Second, chromedp.Navigate(w.srv.URL+"/beheer/login"))
	signInBrowserWith(t, ctx, w, w.facEmail, secret, ".agenda")
	browser.Within(t, ctx, 30*time.Second, chromedp.Navigate(w.srv.URL+path), chromedp.WaitVisible(chromedp.CSS(".mark-row")))
	if browser.Eval[bool](t, ctx, `document.getElementById("session-warning").open`) {
		t.Fatal("the warning is open on a fresh page")
	}

	// 26 minutes without a request, on the server's clock and on the page's.
	w.clock.Add(26 * time.Minute)
	browser.Eval[bool](t, ctx, `(localStorage.setItem("vh-staff-seen", String(Date.now() - 26*60*1000)), true)`)
	waitEval(t, ctx, `document.getElementById("session-warning").open && !document.querySelector(".session-warning-stay").hidden`,
		`document.getElementById("session-warning").outerHTML`, 10*time.Second)
	if !browser.Eval[bool](t, ctx, `document.activeElement.matches(".session-stay")`) {
		t.Errorf("the focus is not on the button to stay signed in: %s", browser.Eval[string](t, ctx, `document.activeElement.outerHTML`))
	}
	if at := browser.Eval[string](t, ctx, `document.querySelector(".session-at").textContent`); !strings.Contains(at, ":") {
		t.Errorf("the warning does not say when: %q", at)
	}
	browser.Axe(t, ctx, "session warning")
	shot(t, ctx, "staff-session-warning-phone")

	browser.Within(t, ctx, 10*time.Second, chromedp.Click(chromedp.CSS(".session-stay")))
	waitEval(t, ctx, `!document.getElementById("session-warning").open`, `document.getElementById("session-warning").outerHTML`, 10*time.Second)
	var lastSeen time.Time
	testenv.MustGet(t, w.srv.DB, &lastSeen, `SELECT max(last_seen_at) FROM staff_sessions WHERE staff_id = $1 AND mfa_done`, w.fac)
	if !lastSeen.Equal(w.clock.Now()) {
		t.Errorf("the session was last seen at %v, want renewed at %v", lastSeen, w.clock.Now())
	}
	// 26 + 20 minutes after the last tap, but 20 after staying: still signed in.
	w.clock.Add(20 * time.Minute)
	browser.Within(t, ctx, 30*time.Second, chromedp.Navigate(w.srv.URL+path), chromedp.WaitVisible(chromedp.CSS(".mark-row")))

	// The end passes without an answer: the dialog says so, and its link leads back here after signing in.
	browser.Eval[bool](t, ctx, `(localStorage.setItem("vh-staff-seen", String(Date.now() - 31*60*1000)), true)`)
	waitEval(t, ctx, `document.getElementById("session-warning").open && !document.querySelector(".session-warning-ended").hidden`,
		`document.getElementById("session-warning").outerHTML`, 10*time.Second)
	href := browser.Eval[string](t, ctx, `document.querySelector(".session-signin").getAttribute("href")`)
	if u, err := url.Parse(href); err != nil || u.Path != "/beheer/login" || u.Query().Get("terug") != path {
		t.Errorf("sign-in link %q (%v), want the sign-in page with the way back to %s", href, err, path)
	}
	browser.Axe(t, ctx, "session ended")
	shot(t, ctx, "staff-session-ended-phone")
}

// Without a script: a tap sent by a script to an ended session is told so (401, JSON), not sent to the sign-in
// page; the roll call's whole form brings the person back to the roll call after signing in; "Blijf aangemeld"
// renews the session and goes back to its page, and only to a staff page of this site.
func TestExpiredSessionAnswersScriptsAndFormsPlainly(t *testing.T) {
	w, session, people := rollCallWorld(t)
	c, token := w.client(t, w.fac)
	path := "/beheer/sessies/" + itoa(session) + "/aanwezigheid"

	r := do(t, c, http.MethodPost, w.srv.URL+"/beheer/aangemeld-blijven", url.Values{"_csrf": {token}}, "Accept", "application/json")
	if r.status != http.StatusNoContent {
		t.Errorf("stay signed in (script): %d, want 204", r.status)
	}
	r = w.post(t, c, "/beheer/aangemeld-blijven", url.Values{"_csrf": {token}, "terug": {path}})
	if r.status != http.StatusSeeOther || r.location != path {
		t.Errorf("stay signed in (form): %d → %q, want 303 → %s", r.status, r.location, path)
	}
	r = w.post(t, c, "/beheer/aangemeld-blijven", url.Values{"_csrf": {token}, "terug": {"https://elders.example/beheer"}})
	if r.status != http.StatusSeeOther || r.location != "/beheer" {
		t.Errorf("stay signed in with a foreign return address: %d → %q, want 303 → /beheer", r.status, r.location)
	}

	w.clock.Add(app.StaffIdleTimeout + time.Minute)
	r = do(t, c, http.MethodPost, w.srv.URL+path+"/markeer", url.Values{"_csrf": {token}, "person": {itoa(people[0])}, "mark": {"present"}},
		"Accept", "application/json", "X-CSRF-Token", token)
	if r.status != http.StatusUnauthorized || !strings.Contains(r.body, `"signedOut":true`) {
		t.Errorf("a tap after the session ended: %d %q, want 401 with signedOut", r.status, r.body)
	}
	r = w.post(t, c, path, url.Values{"_csrf": {token}, "terug": {path}, "mark-" + itoa(people[0]): {"present"}})
	if u, err := url.Parse(r.location); r.status != http.StatusSeeOther || err != nil || u.Path != "/beheer/login" || u.Query().Get("terug") != path {
		t.Errorf("the roll call's form after the session ended: %d → %q, want 303 → the sign-in page with the way back to %s",
			r.status, r.location, path)
	}
	if got := marksOf(t, w, session); len(got) != 0 {
		t.Errorf("marks saved without a session: %v", got)
	}
}
