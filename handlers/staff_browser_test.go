package handlers_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"portal/app"
	"portal/app/locale"
	"portal/internal/browser"
	"portal/internal/fixtures"
)

func TestBrowserFacilitatorSignsInOnAPhoneAndSeesTodaysSession(t *testing.T) {
	ctx := browser.New(t)
	w := newStaffWorld(t, time.Date(2026, 6, 15, 9, 0, 0, 0, locale.Brussels))
	a := w.srv.App
	// The facilitator set up the authenticator earlier.
	secret := w.enrol(t, w.facEmail, w.fac)
	today := func(h int) app.SessionTime {
		s := time.Date(2026, 6, 15, h, 0, 0, 0, locale.Brussels)
		return app.SessionTime{Start: s, End: s.Add(2 * time.Hour)}
	}
	mine, err := a.AddSessions(t.Context(), fixtures.Actor(t, a, w.coord), w.own, []app.SessionTime{today(14)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.AddSessions(t.Context(), fixtures.Actor(t, a, w.coord), w.foreign, []app.SessionTime{today(13)}); err != nil {
		t.Fatal(err)
	}
	w.clock.Add(time.Minute)

	browser.Within(t, ctx, 30*time.Second, chromedp.Navigate(w.srv.URL+"/beheer"), chromedp.WaitVisible(chromedp.ID("f-email")))
	shot(t, ctx, "staff-login-phone")
	browser.Within(t, ctx, 30*time.Second,
		chromedp.SendKeys(chromedp.ID("f-email"), w.facEmail),
		chromedp.SendKeys(chromedp.ID("f-password"), staffPassword),
		chromedp.Submit(chromedp.ID("f-password")),
		chromedp.WaitVisible(chromedp.ID("f-code")))
	shot(t, ctx, "staff-code-phone")
	browser.Within(t, ctx, 30*time.Second,
		chromedp.SendKeys(chromedp.ID("f-code"), codeAt(t, secret, w.clock.Now())),
		chromedp.Submit(chromedp.ID("f-code")),
		chromedp.WaitVisible(chromedp.CSS(".agenda")))
	shot(t, ctx, "staff-dashboard-phone")

	text := browser.Eval[string](t, ctx, `document.querySelector("main").innerText`)
	for _, want := range []string{"Goedemorgen, Naam facilitator", "Vandaag en morgen", "Rotonde – nieuwe groep", "14.00 tot 16.00 uur",
		"Aanwezigheid opnemen"} {
		if !strings.Contains(text, want) {
			t.Errorf("dashboard lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "Intervisiegroep Bornem") {
		t.Error("the dashboard shows a group the facilitator does not lead")
	}
	href := browser.Eval[string](t, ctx, `document.querySelector(".agenda .button").getAttribute("href")`)
	if href != "/beheer/sessies/"+itoa(mine[0])+"/aanwezigheid" {
		t.Errorf("roll call link %q", href)
	}
	if w := browser.Eval[int](t, ctx, `document.documentElement.scrollWidth`); w > browser.PhoneWidth {
		t.Errorf("dashboard is %d px wide on a %d px phone", w, browser.PhoneWidth)
	}
	// The roll call button is big enough for a thumb.
	if h := browser.Eval[float64](t, ctx, `document.querySelector(".agenda .button").getBoundingClientRect().height`); h < 44 {
		t.Errorf("roll call button is %.0f px high", h)
	}
	if n := browser.Eval[int](t, ctx, `document.querySelectorAll("#snelweg").length`); n != 0 {
		t.Error("a staff page carries the quick exit")
	}
}

// shot saves a PNG screenshot of the whole page when SCREENSHOT_DIR is set, for looking at the pages.
func shot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	dir := os.Getenv("SCREENSHOT_DIR")
	if dir == "" {
		return
	}
	tctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	png, err := chromedp.Run(tctx, chromedp.FullScreenshot(100)) // 100: PNG rather than JPEG
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestBrowserStaffPagesFitAPhone(t *testing.T) {
	ctx := browser.New(t)
	w := newStaffWorld(t, time.Date(2026, 6, 15, 9, 0, 0, 0, locale.Brussels))
	today := time.Date(2026, 6, 15, 19, 0, 0, 0, locale.Brussels)
	if _, err := w.srv.App.AddSessions(t.Context(), fixtures.Actor(t, w.srv.App, w.coord), w.own, []app.SessionTime{{Start: today, End: today.Add(2 * time.Hour)},
		{Start: today.AddDate(0, 0, 1), End: today.AddDate(0, 0, 1).Add(2 * time.Hour)}}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.srv.DB.Exec(`INSERT INTO group_facilitators (group_id, staff_id) VALUES ($1, $2)`, w.own, w.admin); err != nil {
		t.Fatal(err)
	}
	browser.Within(t, ctx, 30*time.Second, chromedp.Navigate(w.srv.URL+"/beheer/login"),
		chromedp.SendKeys(chromedp.ID("f-email"), w.adminEmail),
		chromedp.SendKeys(chromedp.ID("f-password"), staffPassword),
		chromedp.Submit(chromedp.ID("f-password")),
		chromedp.WaitVisible(chromedp.ID("secret")))
	shot(t, ctx, "staff-enrol-phone")
	if w := browser.Eval[int](t, ctx, `document.documentElement.scrollWidth`); w > browser.PhoneWidth {
		t.Errorf("enrolment page is %d px wide", w)
	}
	if ok := browser.Eval[bool](t, ctx, `document.querySelector(".qr img").naturalWidth > 100`); !ok {
		t.Error("the QR code does not load (CSP or data: URI)")
	}
	secret := strings.ReplaceAll(browser.Eval[string](t, ctx, `document.querySelector("#secret code").innerText`), " ", "")
	browser.Within(t, ctx, 30*time.Second,
		chromedp.SendKeys(chromedp.ID("f-code"), codeAt(t, secret, w.clock.Now())),
		chromedp.Submit(chromedp.ID("f-code")),
		chromedp.WaitVisible(chromedp.CSS(".agenda")))

	pages := []struct{ name, path string }{
		{"dashboard", "/beheer"},
		{"groups", "/beheer/groepen"},
		{"group", "/beheer/groepen/" + itoa(w.own)},
		{"group-form", "/beheer/groepen/" + itoa(w.own) + "/bewerken"},
		{"sessions-form", "/beheer/groepen/" + itoa(w.own) + "/sessies/nieuw"},
		{"offerings", "/beheer/aanbod"},
		{"offering-form", "/beheer/aanbod/" + itoa(w.offering)},
		{"accounts", "/beheer/medewerkers"},
		{"account", "/beheer/medewerkers/" + itoa(w.fac)},
		{"account-new", "/beheer/medewerkers/nieuw"},
		{"audit", "/beheer/audit"},
		{"me", "/beheer/account"},
		{"notfound", "/beheer/groepen/999999999"},
		{"queue", "/beheer/aanvragen"},
		{"registration", "/beheer/inschrijvingen/" + itoa(w.registrations[w.own])},
		{"registration-pro", "/beheer/inschrijvingen/" + itoa(w.registrations[w.foreign])},
		{"register-choose", "/beheer/aanvragen/nieuw"},
		{"register-household", "/beheer/aanvragen/nieuw?aanbod=blaffen-of-schuilen"},
		{"rollcall", "/beheer/sessies/" + itoa(w.sessions[w.own]) + "/aanwezigheid"},
		{"waakvlam-list", "/beheer/waakvlam"},
		{"session", "/beheer/sessies/" + itoa(w.sessions[w.own])},
		{"mail", "/beheer/mail"},
		{"mail-item", "/beheer/mail/" + itoa(w.mail)},
		{"caught", "/beheer/mail/opgevangen"},
		{"caught-message", "/beheer/mail/opgevangen/" + itoa(w.caught)},
		{"waakvlam", "/beheer/waakvlam/" + itoa(w.waakvlam)},
		{"retention", "/beheer/bewaartermijnen"},
		{"retention-run", "/beheer/bewaartermijnen/nu"},
	}
	for _, size := range []struct {
		name          string
		width, height int64
	}{{"phone", browser.PhoneWidth, browser.PhoneHeight}, {"desktop", browser.DesktopWidth, browser.DesktopHeight}} {
		browser.Within(t, ctx, 10*time.Second, chromedp.EmulateViewport(size.width, size.height))
		for _, p := range pages {
			browser.Within(t, ctx, 30*time.Second, chromedp.Navigate(w.srv.URL+p.path), chromedp.WaitVisible(chromedp.CSS("h1")))
			if got := browser.Eval[int](t, ctx, `document.documentElement.scrollWidth`); got > int(size.width) {
				t.Errorf("%s is %d px wide on a %d px %s", p.path, got, size.width, size.name)
			}
			if n := browser.Eval[int](t, ctx, `[...document.querySelectorAll("input:not([type=hidden]), select, textarea")].filter(e => !e.labels || e.labels.length === 0).length`); n != 0 {
				t.Errorf("%s has %d fields without a label", p.path, n)
			}
			browser.Axe(t, ctx, p.path+" ("+size.name+")")
			shot(t, ctx, "staff-"+p.name+"-"+size.name)
		}
	}
	// The series preview, as a coordinator would check it before saving.
	browser.Within(t, ctx, 30*time.Second, chromedp.Navigate(w.srv.URL+"/beheer/groepen/"+itoa(w.own)+"/sessies/nieuw"),
		chromedp.Click(chromedp.CSS(`input[name=mode][value=series]`)),
		chromedp.Click(chromedp.CSS(`button[value=preview]`)),
		chromedp.WaitVisible(chromedp.ID("voorbeeld")))
	if n := browser.Eval[int](t, ctx, `document.querySelectorAll("#voorbeeld li").length`); n != 10 {
		t.Errorf("the preview lists %d sessions, want the 10 the form proposes", n)
	}
	shot(t, ctx, "staff-sessions-preview-desktop")
}
