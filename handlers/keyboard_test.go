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

// The journeys of the portal, with the keyboard alone: Tab, typing, Space, arrows and Enter. Each checks that
// the focus is visible on every element it stops at.

func TestKeyboardIntervisionSignup(t *testing.T) {
	ctx := browser.New(t)
	srv := testserver.Start(t, testserver.Options{Seed: true})
	browser.Within(t, ctx, 30*time.Second, chromedp.Navigate(srv.URL+"/aanbod/intervisie/inschrijven/intervisie-mechelen"),
		chromedp.WaitVisible(chromedp.ID("f-name")))
	k := browser.NewKeyboard(t, ctx)
	k.TabTo(".skip-link", 1) // the first stop on a page for professionals
	k.Fill("#f-name", "Sofie Claes")
	k.Fill("#f-email", "sofie@politie.example")
	k.Fill("#f-organisation", "PZ Mechelen")
	k.TabTo("#f-sector", 3)
	k.Press("ArrowDown") // the first sector: police
	k.TabTo("#f-consent", 2)
	k.Press("Space")
	k.TabTo("form button[type=submit]", 3)
	k.Press("Enter")
	browser.Within(t, ctx, 30*time.Second, chromedp.WaitVisible(chromedp.CSS(".success")))
	var n int
	testenv.MustGet(t, srv.DB, &n, `SELECT count(*) FROM people WHERE sector = 'police' AND id = ANY($1)`,
		pq.Array(fixtures.PeopleNamed(t, srv.App, "Sofie Claes")))
	if n != 1 {
		t.Errorf("signup by keyboard stored %d people", n)
	}
}

func TestKeyboardSurvivorRequestAndHousehold(t *testing.T) {
	ctx := browser.New(t)
	srv := testserver.Start(t, testserver.Options{Seed: true})
	browser.Within(t, ctx, 30*time.Second, chromedp.Navigate(srv.URL+"/aanbod/lotgenotengroepen/aanvragen"),
		chromedp.WaitVisible(chromedp.ID("f-alias")))
	k := browser.NewKeyboard(t, ctx)
	k.TabTo("#snelweg", 1) // the quick exit comes first on a participant page
	k.TabTo(".skip-link", 1)
	k.Fill("#f-alias", "Mira")
	k.TabTo(`input[name="channels"][value="email"]`, 5) // nothing is ticked for her: she chooses e-mail
	k.Press("Space")
	k.Fill("#f-email", "mira@example.be")
	k.Fill("#f-safe_times", "na 18 uur")
	k.TabTo("#f-consent", 20)
	k.Press("Space")
	k.TabTo("form button[type=submit]", 3)
	k.Press("Enter")
	browser.Within(t, ctx, 30*time.Second, chromedp.WaitVisible(chromedp.CSS(".success")))

	browser.Within(t, ctx, 30*time.Second, chromedp.Navigate(srv.URL+"/aanbod/blaffen-of-schuilen/aanvragen"),
		chromedp.WaitVisible(chromedp.ID("f-parent")))
	k = browser.NewKeyboard(t, ctx)
	k.Fill("#f-parent", "Sara")
	k.Fill("#f-child_name_1", "Lina")
	k.Fill("#f-child_age_1", "7")
	k.Fill("#f-child_name_2", "Adam")
	k.Fill("#f-child_age_2", "10")
	k.TabTo(`input[name="channels"][value="email"]`, 10)
	k.Press("Space")
	k.Fill("#f-email", "sara@example.be")
	k.TabTo("#f-consent", 25)
	k.Press("Space")
	k.TabTo("form button[type=submit]", 3)
	k.Press("Enter")
	browser.Within(t, ctx, 30*time.Second, chromedp.WaitVisible(chromedp.CSS(".success")))
	var children int
	testenv.MustGet(t, srv.DB, &children, `SELECT count(*) FROM registrations WHERE role = 'child'`)
	if children != 2 {
		t.Errorf("household by keyboard: %d children", children)
	}
}

func TestKeyboardWaakvlamRequestAndPersonalLink(t *testing.T) {
	ctx := browser.New(t)
	srv := testserver.Start(t, testserver.Options{Seed: true})
	browser.Within(t, ctx, 30*time.Second, chromedp.Navigate(srv.URL+"/aanbod/waakvlam/aanvragen"),
		chromedp.WaitVisible(chromedp.ID("f-organisation")))
	k := browser.NewKeyboard(t, ctx)
	k.Fill("#f-organisation", "Sociaal Huis Lier")
	k.TabTo("#f-service_type", 2)
	k.Press("ArrowDown")
	k.Fill("#f-contact_name", "Jo Peeters")
	k.Fill("#f-contact_email", "jo@lier.example")
	k.Fill("#f-expected_staff", "15")
	k.Fill("#f-preferred_periods", "maart of april")
	k.TabTo("#f-consent", 10)
	k.Press("Space")
	k.TabTo("form button[type=submit]", 3)
	k.Press("Enter")
	browser.Within(t, ctx, 30*time.Second, chromedp.WaitVisible(chromedp.CSS(".success")))
	if !strings.Contains(browser.Eval[string](t, ctx, `document.body.innerText`), "WV-") {
		t.Error("no reference after the Waakvlam request")
	}

	// An event by phone: the personal link is shown; follow it and excuse yourself, by keyboard.
	browser.Within(t, ctx, 30*time.Second, chromedp.Navigate(srv.URL+"/aanbod/activiteiten/inschrijven/samen-naar-herstel"),
		chromedp.WaitVisible(chromedp.ID("f-name")))
	k = browser.NewKeyboard(t, ctx)
	k.Fill("#f-name", "Mira")
	k.TabTo(`input[name=contact][value=email]`, 3) // the radio group: arrows choose within it
	k.Press("ArrowDown")
	k.Fill("#f-phone", "0470 12 34 56")
	k.TabTo("#f-consent", 3)
	k.Press("Space")
	k.TabTo("form button[type=submit]", 3)
	k.Press("Enter")
	browser.Within(t, ctx, 30*time.Second, chromedp.WaitVisible(chromedp.CSS(".personal-link a")))
	k.TabTo(".personal-link a", 15)
	k.Press("Enter")
	browser.Within(t, ctx, 30*time.Second, chromedp.WaitVisible(chromedp.CSS(".session-list")))
	k.TabTo(".session-list button", 15)
	k.Press("Enter")
	browser.Within(t, ctx, 30*time.Second, chromedp.WaitVisible(chromedp.CSS(`main [role=status]`)))
	var excused int
	testenv.MustGet(t, srv.DB, &excused, `SELECT count(*) FROM attendance WHERE status = 'excused' AND by_self`)
	if excused != 1 {
		t.Errorf("excuse by keyboard: %d", excused)
	}
}

func TestKeyboardStaffLoginAndRollCall(t *testing.T) {
	ctx := browser.New(t)
	w, _, _ := rollCallWorld(t)
	secret := w.enrol(t, w.facEmail, w.fac)
	browser.Within(t, ctx, 30*time.Second, chromedp.Navigate(w.srv.URL+"/beheer/login"), chromedp.WaitVisible(chromedp.ID("f-email")))
	k := browser.NewKeyboard(t, ctx)
	k.TabTo(".skip-link", 1)
	k.Fill("#f-email", w.facEmail)
	k.Fill("#f-password", staffPassword)
	k.Press("Enter")
	browser.Within(t, ctx, 30*time.Second, chromedp.WaitVisible(chromedp.ID("f-code")))
	k.Fill("#f-code", codeAt(t, secret, w.clock.Now()))
	k.Press("Enter")
	browser.Within(t, ctx, 30*time.Second, chromedp.WaitVisible(chromedp.CSS(".agenda .button")))
	k.TabTo(".agenda .button", 20)
	k.Press("Enter")
	browser.Within(t, ctx, 30*time.Second, chromedp.WaitVisible(chromedp.CSS(".mark-row")))
	// Tab into each person's choices (the focus lands on "present"), Space to choose it; one person is late.
	for i := 1; i <= 12; i++ {
		max := 3
		if i == 1 {
			max = 20 // past the menu and the "everyone present" button
		}
		k.TabTo(`.mark-row:nth-of-type(`+itoa(int64(i))+`) input`, max)
		if i == 3 {
			k.Press("ArrowRight") // moves to "late" and chooses it
		} else {
			k.Press("Space")
		}
	}
	deadline := time.Now().Add(15 * time.Second)
	for browser.Eval[int](t, ctx, `document.querySelectorAll(".mark-row.saved").length`) < 12 {
		if time.Now().After(deadline) {
			t.Fatalf("%d of 12 saved", browser.Eval[int](t, ctx, `document.querySelectorAll(".mark-row.saved").length`))
		}
		time.Sleep(100 * time.Millisecond)
	}
	if got := browser.Eval[string](t, ctx, `document.getElementById("counts").innerText`); !strings.Contains(got, "11 aanwezig · 1 te laat") {
		t.Errorf("counts after a keyboard roll call: %q", got)
	}
	t.Logf("roll call of 12 by keyboard: %d presses of Tab", k.Tabs)
}
