package handlers_test

import (
	"context"
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

// summaryProblems is a script that answers what is wrong with the error summary of the page just shown: it
// must hold the focus (so a keyboard or screen-reader user starts there), and every link must name its field as
// "Label: message", the label being the words of the field's own <label> or <legend> (a consent box, whose
// label is a whole sentence, may use a shorter name). An empty list means all is well.
const summaryProblems = `(() => {
  const out = [];
  const s = document.getElementById("fouten");
  if (!s) { return ["no error summary"]; }
  const a = document.activeElement;
  if (!s.contains(a)) { out.push("focus is on " + (a ? a.tagName + "#" + a.id : "nothing")); }
  if (document.querySelector("h1") && /^(Fout|Error):/.test(document.querySelector("h1").innerText)) {
    out.push("the heading reads " + document.querySelector("h1").innerText);
  }
  if (!/^(Fout|Error):/.test(document.title)) { out.push("the title lacks the error prefix: " + document.title); }
  const r = s.getBoundingClientRect();
  if (r.top < 0 || r.top > innerHeight) { out.push("the summary is out of view, at " + Math.round(r.top) + " px"); }
  const visible = (el) => { const c = el.cloneNode(true); c.querySelectorAll(".optional, .visually-hidden").forEach(x => x.remove()); return c.innerText.trim(); };
  for (const link of s.querySelectorAll("a")) {
    const text = link.innerText.trim();
    const id = decodeURIComponent(link.hash.slice(1));
    const field = document.getElementById(id);
    if (!field) { out.push(text + ": leads to no field #" + id); continue; }
    // a group of choices is named by its legend (the link leads to its first option), other fields by their label
    const group = field.matches("input[type=radio], input[type=checkbox]") ? field.closest("fieldset.field") : null;
    const own = group ? group.querySelector("legend") : field.labels && field.labels.length ? field.labels[0] : field.querySelector("legend");
    // a label that ends in "?", ":" or "." loses it before the summary's own ": "
    const label = own ? visible(own).replace(/[?:.]$/, "") : "";
    const colon = text.indexOf(": ");
    const named = colon > 0 ? text.slice(0, colon) : "";
    if (!named) { out.push("link names no field: " + text); continue; }
    if (named !== label && !(field.type === "checkbox" && label.length > 60)) {
      out.push("link names " + JSON.stringify(named) + " but the field's label is " + JSON.stringify(label));
    }
    if (field.closest("details") && !field.closest("details").open) { out.push(id + " is hidden in a closed <details>"); }
  }
  return out;
})()`

// clearAndSend empties every text field of the form that selector finds (a form that comes filled in, such as
// an edit form, is sent empty too) and sends it with its first submit button.
func clearAndSend(selector string) chromedp.Action[chromedp.Void] {
	return chromedp.Evaluate[chromedp.Void](`(() => {
  const f = document.querySelector(` + "`" + selector + "`" + `);
  f.querySelectorAll("input[type=text], input[type=email], input[type=tel], input[type=number], input[type=date], input[type=time], input[type=password], input:not([type]), textarea").forEach(e => { e.value = ""; });
  (f.querySelector("button[type=submit], button:not([type])") || f).click();
})()`)
}

// summaryFocused waits up to 15 seconds for a page whose error summary holds the focus. Reading while the answer
// is on its way can fail ("navigated"): that is the moment waited for, so it is tried again. autofocus acts at the
// first rendering after the page is read, a moment after "complete".
func summaryFocused(ctx context.Context) bool {
	for end := time.Now().Add(15 * time.Second); time.Now().Before(end); time.Sleep(100 * time.Millisecond) {
		tctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		ok, err := chromedp.Run(tctx, chromedp.Evaluate[bool](`document.readyState === "complete" && !!document.getElementById("fouten") &&
			document.getElementById("fouten").contains(document.activeElement)`))
		if err != nil {
			ok = false // the page may still be loading or navigating: try again until the deadline
		}
		cancel()
		if ok {
			return true
		}
	}
	return false
}

// checkSummary sends the form at path empty and reports what is wrong with the summary that comes back.
func checkSummary(t *testing.T, ctx context.Context, base, path, form string) {
	t.Helper()
	tctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	err := chromedp.Do(tctx, chromedp.Navigate(base+path), chromedp.WaitReady(chromedp.CSS(form)), clearAndSend(form))
	cancel()
	if err != nil {
		t.Errorf("%s: no form %s to send: %v", path, form, err)
		return
	}
	if !summaryFocused(ctx) && !browser.Eval[bool](t, ctx, `!!document.getElementById("fouten")`) {
		t.Errorf("%s (%s): no error summary after an empty submit; now at %s", path, form, browser.Eval[string](t, ctx, `location.href`))
		return
	}
	for _, p := range browser.Eval[[]string](t, ctx, summaryProblems) {
		t.Errorf("%s (%s): %s", path, form, p)
	}
}

// TestBrowserEmptySubmitFocusesANamingSummary: an empty submit of every public form, in both languages, puts the
// focus in the error summary, whose every link names its field with the field's label; the visible heading
// never takes the "Fout:" of the page title.
func TestBrowserEmptySubmitFocusesANamingSummary(t *testing.T) {
	ctx := browser.New(t)
	w := newStaffWorld(t, time.Date(2026, 6, 15, 9, 0, 0, 0, locale.Brussels))
	public := []string{"/aanbod/lotgenotengroepen/aanvragen", "/aanbod/rotonde/aanvragen",
		"/aanbod/blaffen-of-schuilen/aanvragen", "/aanbod/waakvlam/aanvragen",
		"/aanbod/intervisie/inschrijven/intervisie-bornem", "/aanbod/activiteiten/inschrijven/orange-the-world",
		"/mijn-link"}
	for _, lang := range []string{"en", "nl"} {
		browser.Within(t, ctx, 30*time.Second, chromedp.Navigate(w.srv.URL+"/taal/"+lang+"?terug=/"))
		for _, path := range public {
			checkSummary(t, ctx, w.srv.URL, path, `main form[method=post]`)
		}
	}
	// Screenshots of a form with errors, to look at (SCREENSHOT_DIR), at phone and desktop width.
	for _, size := range []struct {
		name          string
		width, height int64
	}{{"desktop", browser.DesktopWidth, browser.DesktopHeight}, {"phone", browser.PhoneWidth, browser.PhoneHeight}} {
		browser.Within(t, ctx, 10*time.Second, chromedp.EmulateViewport(size.width, size.height))
		checkSummary(t, ctx, w.srv.URL, "/aanbod/lotgenotengroepen/aanvragen", `main form[method=post]`)
		shot(t, ctx, "errors-request-"+size.name)
	}

	// The contact form on the personal page, far down the page: its summary stands next to it and takes focus.
	// (An event that is not discreet: a discreet one's page shows the form only after her code.)
	var group int64
	testenv.MustGet(t, w.srv.DB, &group, `SELECT id FROM groups WHERE slug = 'orange-the-world'`)
	su, err := w.srv.App.SignUp(t.Context(), app.SignupInput{GroupID: group, Name: "Noor", ByPhone: true, Phone: "0470 11 22 33",
		Consent: true, ConsentText: app.Consent{Version: "t", Text: "ok"}})
	if err != nil {
		t.Fatal(err)
	}
	checkSummary(t, ctx, w.srv.URL, "/mijn/"+su.Token, `form[action$="/contact"]`)
	if !browser.Eval[bool](t, ctx, `document.querySelector('form[action$="/contact"]').parentElement.contains(document.getElementById("fouten"))`) {
		t.Error("the contact form's summary does not stand next to the form")
	}
	shot(t, ctx, "errors-personal-contact-phone")

	// Child 6 with an age but no name: "More children" opens to show the field and its message.
	browser.Within(t, ctx, 30*time.Second, chromedp.Navigate(w.srv.URL+"/aanbod/blaffen-of-schuilen/aanvragen"),
		chromedp.WaitVisible(chromedp.ID("f-parent")),
		chromedp.SetValue(chromedp.ID("f-child_age_6"), "7"),
		chromedp.Click(chromedp.CSS(`form button[type=submit]`)),
		chromedp.WaitVisible(chromedp.ID("fouten")))
	summaryFocused(ctx) // summaryProblems below says what is wrong if not
	if !browser.Eval[bool](t, ctx, `document.querySelector("details.more-children").open && !!document.getElementById("e-child_name_6")`) {
		t.Error("an error of child 6 stays hidden in a closed \"More children\"")
	}
	for _, p := range browser.Eval[[]string](t, ctx, summaryProblems) {
		t.Errorf("child 6: %s", p)
	}
	shot(t, ctx, "errors-household-child6-phone")

	// Staff forms, signed in as an admin (who sees every form), with a session begun today to take the roll of.
	today := time.Date(2026, 6, 15, 8, 30, 0, 0, locale.Brussels)
	if _, err := w.srv.App.AddSessions(t.Context(), fixtures.Actor(t, w.srv.App, w.coord), w.own,
		[]app.SessionTime{{Start: today, End: today.Add(2 * time.Hour)}}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.srv.DB.Exec(`INSERT INTO group_facilitators (group_id, staff_id) VALUES ($1, $2)`, w.own, w.admin); err != nil {
		t.Fatal(err)
	}
	var session int64
	testenv.MustGet(t, w.srv.DB, &session, `SELECT id FROM sessions WHERE group_id = $1 AND starts_at = $2`, w.own, today)
	browser.Within(t, ctx, 30*time.Second, chromedp.Navigate(w.srv.URL+"/beheer/login"),
		chromedp.WaitVisible(chromedp.ID("f-email")), clearAndSend(`main form`),
		chromedp.WaitVisible(chromedp.ID("fouten")))
	if !summaryFocused(ctx) {
		t.Error("/beheer/login: the refusal does not take the focus")
	}
	browser.Within(t, ctx, 30*time.Second, chromedp.Navigate(w.srv.URL+"/beheer/login"),
		chromedp.SendKeys(chromedp.ID("f-email"), w.adminEmail),
		chromedp.SendKeys(chromedp.ID("f-password"), staffPassword),
		chromedp.Submit(chromedp.ID("f-password")),
		chromedp.WaitVisible(chromedp.ID("secret")))
	secret := strings.ReplaceAll(browser.Eval[string](t, ctx, `document.querySelector("#secret code").innerText`), " ", "")
	browser.Within(t, ctx, 30*time.Second,
		chromedp.SendKeys(chromedp.ID("f-code"), codeAt(t, secret, w.clock.Now())),
		chromedp.Submit(chromedp.ID("f-code")))
	browser.WaitLocation(t, ctx, w.srv.URL+"/beheer", 30*time.Second)
	staff := []struct{ path, form string }{
		{"/beheer/groepen/" + itoa(w.own) + "/bewerken", `main form[method=post]`},
		{"/beheer/groepen/" + itoa(w.own) + "/sessies/nieuw", `main form[method=post]`},
		{"/beheer/aanbod/" + itoa(w.offering), `main form[method=post]`},
		{"/beheer/medewerkers/nieuw", `main form[method=post]`},
		{"/beheer/aanvragen/nieuw?aanbod=blaffen-of-schuilen", `main form[method=post]`},
		{"/beheer/aanvragen/nieuw?aanbod=rotonde", `main form[method=post]`},
		{"/beheer/sessies/" + itoa(session) + "/aanwezigheid", `form[action$="/aanwezigheid/nieuw"]`},
		{"/beheer/sessies/" + itoa(w.sessions[w.own]), `form[action$="/verplaatsen"]`},
		{"/beheer/inschrijvingen/" + itoa(w.registrations[w.own]), `form[action$="/weigeren"]`},
		{"/beheer/inschrijvingen/" + itoa(w.registrations[w.own]), `form[action$="/doorverwijzen"]`},
		{"/beheer/waakvlam/" + itoa(w.waakvlam), `form[action$="/plannen"]`},
	}
	for _, f := range staff {
		checkSummary(t, ctx, w.srv.URL, f.path, f.form)
	}
}
