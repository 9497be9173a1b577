package handlers_test

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/lib/pq"

	"portal/internal/browser"
	"portal/internal/fixtures"
	"portal/internal/testenv"
	"portal/internal/testserver"
)

// TestBrowserSurvivorRequestOnAPhone: a person finds the peer groups, fills in a request with only an alias and
// a safe way to be called, makes a mistake, corrects it, and sends it.
func TestBrowserSurvivorRequestOnAPhone(t *testing.T) {
	ctx := browser.New(t)
	srv := testserver.Start(t, testserver.Options{Seed: true})
	browser.Within(t, ctx, 30*time.Second,
		chromedp.Navigate(srv.URL+"/aanbod/lotgenotengroepen"),
		chromedp.Click(chromedp.CSS(`a[href="/aanbod/lotgenotengroepen/aanvragen"]`)),
		chromedp.WaitVisible(chromedp.ID("f-alias")),
		chromedp.SendKeys(chromedp.ID("f-alias"), "Mira"),
		// She chooses phone (nothing is ticked for her), but forgets her number.
		chromedp.Click(chromedp.CSS(`input[name="channels"][value="phone"]`)),
		chromedp.SendKeys(chromedp.ID("f-safe_times"), "op weekdagen na 18 uur"),
		chromedp.Click(chromedp.ID("f-consent")),
		chromedp.Click(chromedp.CSS(`form button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.ID("fouten")),
	)
	summary := browser.Eval[string](t, ctx, `document.getElementById("fouten").innerText`)
	if !strings.Contains(summary, "Telefoonnummer: we hebben je telefoonnummer nodig") {
		t.Errorf("error summary: %q", summary)
	}
	if v := browser.Eval[string](t, ctx, `document.getElementById("f-safe_times").value`); v != "op weekdagen na 18 uur" {
		t.Errorf("safe times lost: %q", v)
	}
	browser.Within(t, ctx, 30*time.Second,
		chromedp.SendKeys(chromedp.ID("f-phone"), "0470 12 34 56"),
		chromedp.Click(chromedp.CSS(`form button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(".success")),
	)
	text := browser.Eval[string](t, ctx, `document.body.innerText`)
	for _, want := range []string{"Aanvraag ontvangen", "kennismakingsgesprek", "Je persoonlijke link"} {
		if !strings.Contains(text, want) {
			t.Errorf("result page lacks %q", want)
		}
	}
	if w := browser.Eval[int](t, ctx, `document.documentElement.scrollWidth`); w > browser.PhoneWidth {
		t.Errorf("result page is %d px wide on a phone", w)
	}
	var n int
	testenv.MustGet(t, srv.DB, &n, `SELECT count(*) FROM registrations r JOIN people p ON p.id = r.person_id
		WHERE p.id = ANY($1) AND p.contact_phone AND NOT p.contact_email AND r.status = 'requested'`,
		pq.Array(fixtures.PeopleNamed(t, srv.App, "Mira")))
	if n != 1 {
		t.Errorf("%d matching requests stored", n)
	}
}

// TestBrowserIntervisionSignupOnAPhone: a police officer signs up for the intervision group of her region.
func TestBrowserIntervisionSignupOnAPhone(t *testing.T) {
	ctx := browser.New(t)
	srv := testserver.Start(t, testserver.Options{Seed: true})
	browser.Within(t, ctx, 30*time.Second,
		chromedp.Navigate(srv.URL+"/aanbod/intervisie"),
		chromedp.Click(chromedp.CSS(`a[href="/aanbod/intervisie/inschrijven/intervisie-heist-op-den-berg"]`)),
		chromedp.WaitVisible(chromedp.ID("f-name")),
		chromedp.SendKeys(chromedp.ID("f-name"), "Sofie Claes"),
		chromedp.SendKeys(chromedp.ID("f-email"), "sofie@politie.example"),
		chromedp.SendKeys(chromedp.ID("f-organisation"), "PZ Heist"),
		chromedp.SetValue(chromedp.ID("f-sector"), "police"),
		chromedp.Click(chromedp.ID("f-consent")),
		chromedp.Click(chromedp.CSS(`form button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(".success")),
	)
	if h := browser.Eval[string](t, ctx, `document.querySelector("h1").innerText`); h != "Je bent ingeschreven" {
		t.Errorf("result heading %q", h)
	}
	var n int
	testenv.MustGet(t, srv.DB, &n, `SELECT count(*) FROM registrations r JOIN groups g ON g.id = r.group_id
		WHERE g.slug = 'intervisie-heist-op-den-berg' AND r.status = 'admitted'`)
	if n != 1 {
		t.Errorf("%d admitted signups", n)
	}
}
