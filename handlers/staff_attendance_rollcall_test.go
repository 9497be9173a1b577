package handlers_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"portal/app"
	"portal/app/locale"
	"portal/internal/browser"
	"portal/internal/fixtures"
	"portal/internal/testenv"
)

// rollCallWorld is a staff world with twelve people admitted to the facilitator's group and a session today at
// 14.00; the clock stands at 14.05.
func rollCallWorld(t *testing.T) (*staffWorld, int64, []int64) {
	t.Helper()
	w := newStaffWorld(t, time.Date(2026, 6, 15, 9, 0, 0, 0, locale.Brussels))
	a := w.srv.App
	w.srv.DB.MustExec(`UPDATE groups SET capacity = 12 WHERE id = $1`, w.own)
	start := time.Date(2026, 6, 15, 14, 0, 0, 0, locale.Brussels)
	ids, err := a.AddSessions(t.Context(), fixtures.Actor(t, a, w.coord), w.own, []app.SessionTime{{Start: start, End: start.Add(2 * time.Hour)}})
	if err != nil {
		t.Fatal(err)
	}
	var people []int64
	for i := range 12 {
		res, err := a.Request(t.Context(), app.RequestInput{OfferingSlug: "rotonde", GroupID: w.own, Alias: fmt.Sprintf("Deelnemer %02d", i+1),
			Contact: app.ContactInput{ByPhone: true, Phone: "0470 00 00 00"}, Consent: true, ConsentText: app.Consent{Version: "t", Text: "ok"}})
		if err != nil {
			t.Fatal(err)
		}
		if err := a.Admit(t.Context(), fixtures.ActiveActor(t, a, w.coord), res.RegistrationID, app.AdmitOptions{}); err != nil {
			t.Fatal(err)
		}
		var p int64
		testenv.MustGet(t, w.srv.DB, &p, `SELECT person_id FROM registrations WHERE id = $1`, res.RegistrationID)
		people = append(people, p)
	}
	w.clock.t = start.Add(5 * time.Minute)
	return w, ids[0], people
}

func TestRollCallAsAPlainFormAndOneTapAtATime(t *testing.T) {
	w, session, people := rollCallWorld(t)
	c, token := w.client(t, w.fac)
	page := "/beheer/sessies/" + itoa(session) + "/aanwezigheid"
	r := w.get(t, c, page)
	if r.status != 200 || strings.Count(r.body, `class="mark-row"`) != 12 || !strings.Contains(r.body, "12 nog niet aangeduid") {
		t.Fatalf("roll call page: %d, %d rows", r.status, strings.Count(r.body, `class="mark-row"`))
	}
	// One tap, as the script sends it.
	r = w.post(t, c, page+"/markeer", url.Values{"_csrf": {token}, "person": {itoa(people[0])}, "mark": {"late"}})
	if r.status != 200 || !strings.Contains(r.body, `"Late":1`) || !strings.Contains(r.body, "1 te laat") {
		t.Fatalf("tap: %d %s", r.status, r.body)
	}
	// The plain form: one person absent, everyone else present with one button.
	r = w.post(t, c, page, url.Values{"_csrf": {token}, "mark-" + itoa(people[1]): {"absent"}, "all": {"present"}})
	if r.status != 303 {
		t.Fatalf("form: %d", r.status)
	}
	r = w.get(t, c, page+"?opgeslagen=1")
	for _, want := range []string{"10 aanwezig · 1 te laat · 0 afgemeld · 1 afwezig · 0 nog niet aangeduid", "De aanwezigheid is opgeslagen."} {
		if !strings.Contains(r.body, want) {
			t.Errorf("after saving, the page lacks %q", want)
		}
	}
	// A walk-in.
	r = w.post(t, c, page+"/nieuw", url.Values{"_csrf": {token}, "name": {"Jonas"}})
	if r.status != 303 {
		t.Fatalf("walk-in: %d", r.status)
	}
	r = w.get(t, c, page)
	if !strings.Contains(r.body, "Jonas") || !strings.Contains(r.body, "11 aanwezig") {
		t.Error("the walk-in is not on the roll call")
	}
	var audited int
	testenv.MustGet(t, w.srv.DB, &audited, `SELECT count(*) FROM audit_log WHERE action = 'attendance.update' AND staff_id = $1`, w.fac)
	if audited != 12 {
		t.Errorf("%d attendance changes audited, want 12", audited)
	}
}

// Three weeks after a session its facilitator sees the roll call read-only; a coordinator (the default setting)
// corrects it through the plain form, which asks why first, keeps the chosen marks on a refusal, and audits the
// reason. The page then saves only as a form (no tap-by-tap address for the script).
func TestLateRollCallCorrectionAsksWhy(t *testing.T) {
	w, session, people := rollCallWorld(t)
	w.clock.t = w.clock.t.AddDate(0, 0, 21)
	page := "/beheer/sessies/" + itoa(session) + "/aanwezigheid"
	fc, ftoken := w.client(t, w.fac)
	r := w.get(t, fc, page)
	if r.status != 200 || !strings.Contains(r.body, "Met jouw rol kun je de aanwezigheid niet meer aanpassen") ||
		!strings.Contains(r.body, " disabled") {
		t.Fatalf("the facilitator's late roll call: %d", r.status)
	}
	if r = w.post(t, fc, page, url.Values{"_csrf": {ftoken}, "mark-" + itoa(people[0]): {"present"}}); r.status != 403 {
		t.Errorf("the facilitator's late change: %d, want 403", r.status)
	}
	cc, ctoken := w.client(t, w.coord)
	r = w.get(t, cc, page)
	if r.status != 200 || !strings.Contains(r.body, "Waarom pas je dit na 14 dagen nog aan?") || strings.Contains(r.body, "data-mark-url") {
		t.Fatalf("the coordinator's late roll call: %d", r.status)
	}
	r = w.post(t, cc, page, url.Values{"_csrf": {ctoken}, "mark-" + itoa(people[0]): {"excused"}})
	if r.status != 422 || !strings.Contains(r.body, "Kies waarom je deze aanwezigheid na 14 dagen nog aanpast") ||
		!strings.Contains(r.body, `name="mark-`+itoa(people[0])+`" value="excused" checked`) {
		t.Fatalf("a late change without a reason: %d", r.status)
	}
	r = w.post(t, cc, page, url.Values{"_csrf": {ctoken}, "mark-" + itoa(people[0]): {"excused"}, "reason": {"paper_list"}})
	if r.status != 303 {
		t.Fatalf("a late change with a reason: %d", r.status)
	}
	r = w.post(t, cc, page+"/nieuw", url.Values{"_csrf": {ctoken}, "name": {"Jonas"}})
	if r.status != 422 || !strings.Contains(r.body, `value="Jonas"`) {
		t.Fatalf("a late walk-in without a reason: %d", r.status)
	}
	r = w.post(t, cc, page+"/nieuw", url.Values{"_csrf": {ctoken}, "name": {"Jonas"}, "walkin_reason": {"paper_list"}})
	if r.status != 303 {
		t.Fatalf("a late walk-in with a reason: %d", r.status)
	}
	var audited int
	testenv.MustGet(t, w.srv.DB, &audited, `SELECT count(*) FROM audit_log WHERE staff_id = $1 AND detail->>'reason' = 'paper_list'
		AND action IN ('attendance.late_edit', 'attendance.walk_in')`, w.coord)
	if audited != 2 {
		t.Errorf("%d late changes audited with their reason, want 2", audited)
	}
	// The audit log says the reason in words.
	ac, _ := w.client(t, w.admin)
	if r := w.get(t, ac, "/beheer/audit"); r.status != 200 || !strings.Contains(r.body, "Ik neem een papieren lijst over") ||
		strings.Contains(r.body, "paper_list") {
		t.Errorf("the audit log does not give the late change's reason in words (%d)", r.status)
	}
}

// TestBrowserFacilitatorTakesARollCallOfTwelveOnAPhone: signed in on a phone, the facilitator opens today's roll
// call from the dashboard and taps a choice for each of twelve people; every tap is saved without pressing Save.
func TestBrowserFacilitatorTakesARollCallOfTwelveOnAPhone(t *testing.T) {
	ctx := browser.New(t)
	w, session, _ := rollCallWorld(t)
	a := w.srv.App
	secret := w.enrol(t, w.facEmail, w.fac)
	browser.Within(t, ctx, 30*time.Second, chromedp.Navigate(w.srv.URL+"/beheer/login"),
		chromedp.SendKeys(chromedp.ID("f-email"), w.facEmail),
		chromedp.SendKeys(chromedp.ID("f-password"), staffPassword),
		chromedp.Submit(chromedp.ID("f-password")),
		chromedp.WaitVisible(chromedp.ID("f-code")),
		chromedp.SendKeys(chromedp.ID("f-code"), codeAt(t, secret, w.clock.Now())),
		chromedp.Submit(chromedp.ID("f-code")),
		chromedp.WaitVisible(chromedp.CSS(".agenda .button")))
	started := time.Now()
	browser.Within(t, ctx, 30*time.Second, chromedp.Click(chromedp.CSS(".agenda .button")), chromedp.WaitVisible(chromedp.CSS(".mark-row")))
	if n := browser.Eval[int](t, ctx, `document.querySelectorAll(".mark-row").length`); n != 12 {
		t.Fatalf("%d people on the roll call, want 12", n)
	}
	// Every choice is a big target.
	if h := browser.Eval[float64](t, ctx, `document.querySelector(".seg span").getBoundingClientRect().height`); h < 44 {
		t.Errorf("a choice is %.0f px high, want at least 44", h)
	}
	if wd := browser.Eval[int](t, ctx, `document.documentElement.scrollWidth`); wd > browser.PhoneWidth {
		t.Errorf("roll call is %d px wide on a phone", wd)
	}
	marks := []string{"present", "present", "late", "present", "excused", "present", "present", "absent", "present", "present", "present", "present"}
	for i, m := range marks {
		sel := fmt.Sprintf(`.mark-row:nth-of-type(%d) .seg-%s span`, i+1, m)
		if !browser.Eval[bool](t, ctx, `!!document.querySelector("`+sel+`")`) {
			t.Fatalf("no %s", sel)
		}
		browser.Eval[bool](t, ctx, `(document.querySelector("`+sel+`").scrollIntoView({block: "center"}), true)`)
		browser.Within(t, ctx, 10*time.Second, chromedp.Click(chromedp.CSS(sel)))
	}
	// Wait for the script to have saved every tap (a check mark per row), without pressing Save.
	deadline := time.Now().Add(15 * time.Second)
	for browser.Eval[int](t, ctx, `document.querySelectorAll(".mark-row.saved").length`) < 12 {
		if time.Now().After(deadline) {
			t.Fatalf("only %d taps saved: %s / %s", browser.Eval[int](t, ctx, `document.querySelectorAll(".mark-row.saved").length`),
				browser.Eval[string](t, ctx, `[...document.querySelectorAll(".mark-row")].map(r => r.className + ":" + ((r.querySelector("input:checked") || {}).value)).join(", ")`),
				browser.Eval[string](t, ctx, `document.querySelector(".sync-state").textContent`))
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Logf("roll call of 12 taken in %s (page open, 12 taps, all saved)", time.Since(started).Round(10*time.Millisecond))
	if summary := browser.Eval[string](t, ctx, `document.getElementById("counts").innerText`); !strings.Contains(summary, "9 aanwezig · 1 te laat · 1 afgemeld · 1 afwezig · 0 nog niet aangeduid") {
		t.Errorf("counts on the page: %q", summary)
	}
	browser.Axe(t, ctx, "roll call")
	shot(t, ctx, "staff-rollcall-phone")
	rc, err := a.RollCallOf(t.Context(), fixtures.Actor(t, a, w.coord), session)
	if err != nil {
		t.Fatal(err)
	}
	if rc.Counts.Present != 9 || rc.Counts.Late != 1 || rc.Counts.Excused != 1 || rc.Counts.Absent != 1 {
		t.Errorf("stored counts %+v", rc.Counts)
	}
}
