package handlers_test

import (
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"portal/app"
	"portal/internal/browser"
	"portal/internal/testenv"
	"portal/internal/testserver"
)

// TestAccessibilityOfPublicPages runs axe-core (WCAG 2.2 AA) on every public page, at phone and desktop size,
// and on every form in its error state.
func TestAccessibilityOfPublicPages(t *testing.T) {
	ctx := browser.New(t)
	srv := testserver.Start(t, testserver.Options{Seed: true})
	pages := []string{"/", "/aanbod/intervisie", "/aanbod/waakvlam", "/aanbod/lotgenotengroepen", "/aanbod/rotonde",
		"/aanbod/blaffen-of-schuilen", "/aanbod/activiteiten", "/veilig-surfen", "/privacy", "/toegankelijkheid", "/mijn-link", "/bestaat-niet",
		"/aanbod/intervisie/inschrijven/intervisie-bornem", "/aanbod/activiteiten/inschrijven/orange-the-world",
		"/aanbod/lotgenotengroepen/aanvragen", "/aanbod/rotonde/aanvragen", "/aanbod/blaffen-of-schuilen/aanvragen",
		"/aanbod/waakvlam/aanvragen"}
	for _, size := range [][2]int64{{browser.PhoneWidth, browser.PhoneHeight}, {browser.DesktopWidth, browser.DesktopHeight}} {
		browser.Within(t, ctx, 10*time.Second, chromedp.EmulateViewport(size[0], size[1]))
		for _, p := range pages {
			browser.Within(t, ctx, 30*time.Second, chromedp.Navigate(srv.URL+p), chromedp.WaitVisible(chromedp.CSS("h1")))
			browser.Axe(t, ctx, p)
		}
	}
	// The smallest phones: nothing may stick out sideways at 320 px.
	browser.Within(t, ctx, 10*time.Second, chromedp.EmulateViewport(320, 640, chromedp.EmulateMobile))
	for _, p := range pages {
		browser.Within(t, ctx, 30*time.Second, chromedp.Navigate(srv.URL+p), chromedp.WaitVisible(chromedp.CSS("h1")))
		if w := browser.Eval[int](t, ctx, `document.documentElement.scrollWidth`); w > 320 {
			t.Errorf("%s is %d px wide on a 320 px phone", p, w)
		}
	}
	// Forms in their error state: submit them empty.
	for _, p := range pages[12:] {
		browser.Within(t, ctx, 30*time.Second, chromedp.Navigate(srv.URL+p), chromedp.WaitVisible(chromedp.CSS("form")),
			chromedp.Click(chromedp.CSS(`form button[type="submit"]`)), chromedp.WaitVisible(chromedp.ID("fouten")))
		browser.Axe(t, ctx, p+" (errors)")
	}
}

// TestAccessibilityOfPersonalPages runs axe-core on the pages behind links: the result pages, the personal page
// (also with an error in its contact form), the excuse and offer pages, the Waakvlam status page, and an
// unknown link.
func TestAccessibilityOfPersonalPages(t *testing.T) {
	ctx := browser.New(t)
	srv := testserver.Start(t, testserver.Options{Seed: true})
	a := srv.App
	consent := app.Consent{Version: "t", Text: "ok"}
	var group int64
	// An event that is not discreet, so its pages show everything without a code (the discreet code page is below).
	testenv.MustGet(t, srv.DB, &group, `SELECT id FROM groups WHERE slug = 'orange-the-world'`)
	srv.DB.MustExec(`UPDATE groups SET capacity = 1 WHERE id = $1`, group)
	first, err := a.SignUp(t.Context(), app.SignupInput{GroupID: group, Name: "Mira", ByPhone: true, Phone: "0470 12 34 56",
		Consent: true, ConsentText: consent})
	if err != nil {
		t.Fatal(err)
	}
	second, err := a.SignUp(t.Context(), app.SignupInput{GroupID: group, Name: "Els", ByPhone: true, Phone: "0470 12 34 57",
		Consent: true, ConsentText: consent})
	if err != nil {
		t.Fatal(err)
	}
	var session int64
	testenv.MustGet(t, srv.DB, &session, `SELECT id FROM sessions WHERE group_id = $1`, group)
	view, err := a.Personal(t.Context(), first.Token)
	if err != nil {
		t.Fatal(err)
	}
	excuse := a.ExcuseLink(first.RegistrationID, session, view.Sessions[0].StartsAt)
	if err := a.Cancel(t.Context(), first.Token, ""); err != nil { // Els now gets an offer
		t.Fatal(err)
	}
	offered, err := a.Personal(t.Context(), second.Token)
	if err != nil || offered.OfferLink == "" {
		t.Fatalf("no offer: %v", err)
	}
	wv, err := a.RequestWaakvlam(t.Context(), app.WaakvlamInput{Organisation: "CKG", ServiceType: "ckg", ContactName: "Jo",
		ContactEmail: "jo@ckg.example", ExpectedStaff: "8", PreferredPeriods: "mei", Consent: true, ConsentText: consent})
	if err != nil {
		t.Fatal(err)
	}
	discreet, err := a.Request(t.Context(), app.RequestInput{OfferingSlug: "lotgenotengroepen", Alias: "Lena",
		Contact: app.ContactInput{ByPhone: true, Phone: "0470 12 34 58"}, Code: "zonnebloem", Consent: true,
		ConsentText: consent})
	if err != nil {
		t.Fatal(err)
	}
	pages := map[string]string{
		"personal page":         "/mijn/" + second.Token,
		"code page (discreet)":  "/mijn/" + discreet.Token,
		"offer":                 offered.OfferLink[len(srv.URL):],
		"offer, choice made":    offered.OfferLink[len(srv.URL):] + "?keuze=ja",
		"excuse link":           excuse[len(srv.URL):],
		"Waakvlam status":       "/waakvlam/" + wv.Token,
		"unknown personal link": "/mijn/bestaat-niet-bestaat-niet-bestaat-niet",
	}
	for _, size := range [][2]int64{{browser.PhoneWidth, browser.PhoneHeight}, {browser.DesktopWidth, browser.DesktopHeight}} {
		browser.Within(t, ctx, 10*time.Second, chromedp.EmulateViewport(size[0], size[1]))
		for name, p := range pages {
			browser.Within(t, ctx, 30*time.Second, chromedp.Navigate(srv.URL+p), chromedp.WaitVisible(chromedp.CSS("h1")))
			browser.Axe(t, ctx, name)
		}
	}
	// The contact form of the personal page in its error state, and the result pages of the forms.
	browser.Within(t, ctx, 30*time.Second, chromedp.Navigate(srv.URL+"/mijn/"+second.Token),
		chromedp.Click(chromedp.CSS(`input[name=channels][value=phone]`)),
		chromedp.Click(chromedp.CSS(`form[action$="/contact"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.ID("fouten")))
	browser.Axe(t, ctx, "personal page with errors")
	// The code page with a wrong code, and the confirmation asked before something that cannot be undone.
	browser.Within(t, ctx, 30*time.Second, chromedp.Navigate(srv.URL+"/mijn/"+discreet.Token),
		chromedp.SendKeys(chromedp.ID("f-code"), "verkeerd"),
		chromedp.Click(chromedp.CSS(`form[action$="/code"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.ID("fouten")))
	browser.Axe(t, ctx, "code page with a wrong code")
	browser.Within(t, ctx, 30*time.Second, chromedp.Navigate(srv.URL+"/mijn/"+second.Token),
		chromedp.Click(chromedp.CSS(`form[action$="/nieuwe-link"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`form.inline-actions button.danger`)))
	browser.Axe(t, ctx, "confirm page")
	browser.Within(t, ctx, 30*time.Second, chromedp.Navigate(srv.URL+"/aanbod/rotonde/aanvragen"),
		chromedp.SendKeys(chromedp.ID("f-alias"), "Tom"), chromedp.Click(chromedp.CSS(`input[name=channels][value=email]`)),
		chromedp.SendKeys(chromedp.ID("f-email"), "tom@example.be"),
		chromedp.Click(chromedp.ID("f-consent")), chromedp.Click(chromedp.CSS(`form button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(".success")))
	browser.Axe(t, ctx, "request result")
	browser.Within(t, ctx, 30*time.Second, chromedp.Navigate(srv.URL+"/aanbod/intervisie/inschrijven/intervisie-lier"),
		chromedp.SendKeys(chromedp.ID("f-name"), "An"), chromedp.SendKeys(chromedp.ID("f-email"), "an@example.be"),
		chromedp.SendKeys(chromedp.ID("f-organisation"), "CAW"), chromedp.SetValue(chromedp.ID("f-sector"), "caw"),
		chromedp.Click(chromedp.ID("f-consent")), chromedp.Click(chromedp.CSS(`form button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(".success")))
	browser.Axe(t, ctx, "signup result")
}
