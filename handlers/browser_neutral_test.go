package handlers_test

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"portal/app"
	"portal/internal/browser"
	"portal/internal/testserver"
)

// TestBrowserDiscreetLinkOnTheNeutralHost opens a discreet personal link on the neutral host in a real browser,
// as whoever reads her mailbox would: no word of the organisation in the title, the page or the icon, only
// "Afspraken" and dates. Her code opens the full page; five wrong codes lock the link and give staff a work item.
func TestBrowserDiscreetLinkOnTheNeutralHost(t *testing.T) {
	ctx := browser.New(t)
	srv := testserver.Start(t, testserver.Options{Seed: true, Neutral: true})
	ask := func(alias string) app.RequestResult {
		t.Helper()
		res, err := srv.App.Request(t.Context(), app.RequestInput{OfferingSlug: "lotgenotengroepen", Alias: alias,
			Contact: app.ContactInput{ByPhone: true, Phone: "0470 11 22 33"}, Consent: true,
			ConsentText: app.Consent{Version: "t", Text: "ok"}, Language: "nl", Code: "zonnebloem"})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	hers, guessed := ask("Lena"), ask("Mira")

	browser.Within(t, ctx, 30*time.Second, chromedp.Navigate(srv.NeutralURL+"/mijn/"+hers.Token),
		chromedp.WaitVisible(chromedp.ID("f-code")))
	title := browser.Eval[string](t, ctx, `document.title`)
	text := browser.Eval[string](t, ctx, `document.documentElement.innerText`)
	icon := browser.Eval[string](t, ctx, `document.querySelector('link[rel="icon"]').href`)
	for what, s := range map[string]string{"title": title, "page": text, "icon": icon} {
		if m := orgWords.FindString(s); m != "" {
			t.Errorf("the %s says %q", what, m)
		}
		if m := strings.Contains(strings.ToLower(s), "lotgenot"); m {
			t.Errorf("the %s names the offering", what)
		}
	}
	if !strings.Contains(title, "Afspraken") || !strings.HasPrefix(icon, srv.NeutralURL+"/static/afspraken.svg") {
		t.Errorf("title %q, icon %q: want the neutral ones", title, icon)
	}
	status, svg := get(t, testserver.Client(), icon)
	if status != 200 || !strings.Contains(svg, "<svg") || orgWords.MatchString(svg) {
		t.Errorf("the icon is not a neutral picture: %.80s", svg)
	}

	// Her code opens her full page.
	browser.Within(t, ctx, 30*time.Second,
		chromedp.SendKeys(chromedp.ID("f-code"), "Zonnebloem"),
		chromedp.Click(chromedp.CSS(`form[action$="/code"] button`)),
		chromedp.WaitVisible(chromedp.CSS(".success")))
	if text := browser.Eval[string](t, ctx, `document.body.innerText`); !strings.Contains(text, "Lotgenotengroepen") ||
		!strings.Contains(text, "Lena") {
		t.Errorf("the right code did not open her page:\n%s", text)
	}

	// Someone guesses another person's code: four wrong answers, then the page locks.
	for i := range app.CodeAttempts {
		wait := chromedp.WaitVisible(chromedp.CSS(".field-error"))
		if i == app.CodeAttempts-1 {
			wait = chromedp.WaitVisible(chromedp.CSS("p.notice"))
		}
		browser.Within(t, ctx, 30*time.Second, chromedp.Navigate(srv.NeutralURL+"/mijn/"+guessed.Token),
			chromedp.WaitVisible(chromedp.ID("f-code")),
			chromedp.SendKeys(chromedp.ID("f-code"), "raden"+strings.Repeat("x", i)),
			chromedp.Click(chromedp.CSS(`form[action$="/code"] button`)), wait)
	}
	text = browser.Eval[string](t, ctx, `document.body.innerText`)
	if !strings.Contains(text, "op slot") || browser.Eval[bool](t, ctx, `!!document.getElementById("f-code")`) {
		t.Errorf("after five wrong codes the page is not locked:\n%s", text)
	}
	var items int
	if err := srv.DB.Get(&items, `SELECT count(*) FROM work_items WHERE kind = 'code_locked' AND registration_id = $1`,
		guessed.RegistrationID); err != nil || items != 1 {
		t.Errorf("%d work items for staff (%v), want 1", items, err)
	}
	var mails int
	if err := srv.DB.Get(&mails, `SELECT count(*) FROM outbox WHERE registration_id = $1`, guessed.RegistrationID); err != nil || mails != 0 {
		t.Errorf("%d mails to her after the lock (%v), want none", mails, err)
	}
}
