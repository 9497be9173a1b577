package handlers_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"portal/internal/browser"
)

// TestBrowserStaffMenuFitsAPhone: on a 375 px phone an admin's menu (every entry) is folded behind one link that
// names the current section; following it (no JavaScript involved: a link to the list) shows every entry as a
// target of at least 44 px, without sideways scrolling, and "Menu sluiten" folds it again. On a tablet the whole
// menu shows in at most two rows. Both languages. With SCREENSHOTS_DIR set it saves the phone's views as PNG.
func TestBrowserStaffMenuFitsAPhone(t *testing.T) {
	ctx := browser.New(t)
	w := newStaffWorld(t, monday)
	secret := w.enrol(t, w.adminEmail, w.admin)
	browser.Within(t, ctx, 60*time.Second, chromedp.Navigate(w.srv.URL+"/beheer/login"), chromedp.WaitVisible(chromedp.ID("f-email")),
		chromedp.SendKeys(chromedp.ID("f-email"), w.adminEmail), chromedp.SendKeys(chromedp.ID("f-password"), staffPassword),
		chromedp.Submit(chromedp.ID("f-password")), chromedp.WaitVisible(chromedp.ID("f-code")),
		chromedp.SendKeys(chromedp.ID("f-code"), codeAt(t, secret, w.clock.Now())), chromedp.Submit(chromedp.ID("f-code")),
		chromedp.WaitVisible(chromedp.CSS(".staff-nav")))
	registration := "/beheer/inschrijvingen/" + itoa(w.registrations[w.own])
	const shownEntries = `[...document.querySelectorAll(".staff-nav li:not(.menu-close) a")].filter(a => a.getClientRects().length > 0)`
	shot := func(name string) {
		dir := os.Getenv("SCREENSHOTS_DIR")
		if dir == "" {
			return
		}
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)) // quality 100: a PNG
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, lang := range []string{"nl", "en"} {
		browser.Within(t, ctx, 30*time.Second, chromedp.EmulateViewport(375, 812, chromedp.EmulateMobile, chromedp.EmulateTouch),
			chromedp.Navigate(w.srv.URL+"/taal/"+lang+"?terug="+registration), chromedp.WaitVisible(chromedp.CSS(".menu-link")))
		if n := browser.Eval[int](t, ctx, shownEntries+`.length`); n != 0 {
			t.Errorf("%s: %d menu entries unfolded on a phone before the menu link was followed", lang, n)
		}
		label := browser.Eval[string](t, ctx, `document.querySelector(".menu-link").textContent`)
		if want := map[string]string{"nl": "Menu · Aanvragen", "en": "Menu · Requests"}[lang]; strings.TrimSpace(label) != want {
			t.Errorf("%s: the menu link reads %q, want %q", lang, label, want)
		}
		shot("staff-menu-phone-folded-" + lang)
		browser.Within(t, ctx, 10*time.Second, chromedp.Click(chromedp.CSS(".menu-link")), chromedp.WaitVisible(chromedp.CSS(".menu-close a")))
		if n := browser.Eval[int](t, ctx, shownEntries+`.length`); n < 9 {
			t.Errorf("%s: %d menu entries shown after following the menu link, want all 9", lang, n)
		}
		if small := browser.Eval[int](t, ctx, shownEntries+`.filter(a => { const r = a.getBoundingClientRect(); return r.width < 44 || r.height < 44; }).length`); small > 0 {
			t.Errorf("%s: %d menu entries are smaller than 44 px", lang, small)
		}
		if wide := browser.Eval[bool](t, ctx, `document.documentElement.scrollWidth > window.innerWidth`); wide {
			t.Errorf("%s: the staff page scrolls sideways on a phone", lang)
		}
		if current := browser.Eval[string](t, ctx, `(document.querySelector(".staff-nav a[aria-current=page]") || {}).textContent || ""`); current == "" {
			t.Errorf("%s: no menu entry is marked current on a registration", lang)
		}
		shot("staff-menu-phone-open-" + lang)
		browser.Within(t, ctx, 10*time.Second, chromedp.Click(chromedp.CSS(".menu-close a")), chromedp.WaitNotVisible(chromedp.CSS(".menu-close a")))
		if n := browser.Eval[int](t, ctx, shownEntries+`.length`); n != 0 {
			t.Errorf("%s: the menu stays open after closing it", lang)
		}
		browser.Within(t, ctx, 30*time.Second, chromedp.EmulateViewport(768, 1024), chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS(".staff-nav li a")))
		rows := browser.Eval[int](t, ctx, `new Set(`+shownEntries+`.map(a => Math.round(a.getBoundingClientRect().top))).size`)
		if n := browser.Eval[int](t, ctx, shownEntries+`.length`); n < 9 || rows > 2 {
			t.Errorf("%s: on a tablet the menu shows %d entries in %d rows, want all in at most 2", lang, n, rows)
		}
		if browser.Eval[bool](t, ctx, `getComputedStyle(document.querySelector(".menu-bar")).display !== "none"`) {
			t.Errorf("%s: the menu link shows on a tablet", lang)
		}
	}
}
