package handlers_test

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"portal/app/locale"
	"portal/internal/browser"
)

// pdfPage finds the page objects of a PDF that Chromium wrote.
var pdfPage = regexp.MustCompile(`/Type\s*/Page[^s]`)

// printPDF prints the current page as the browser would on A4 (honouring the page's own @page size) and
// returns the PDF and its number of pages. With SCREENSHOT_DIR set, the PDF is saved there for looking at.
func printPDF(t *testing.T, ctx context.Context, name string) int {
	t.Helper()
	var pdf []byte
	yes := true
	browser.Within(t, ctx, 30*time.Second, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		res, err := cdp.Call(ctx, tg, page.PrintToPDF, page.PrintToPDFParams{PaperWidth: 8.27, PaperHeight: 11.69,
			PreferCSSPageSize: &yes, PrintBackground: &yes})
		pdf = res.Data
		return err
	}))
	if dir := os.Getenv("SCREENSHOT_DIR"); dir != "" {
		if err := os.WriteFile(filepath.Join(dir, name+".pdf"), pdf, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return len(pdfPage.FindAll(pdf, -1))
}

// media emulates a CSS media type ("print", or "" for the screen again).
func media(kind string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: kind})
		return err
	})
}

func TestBrowserFiguresListsAndCertificates(t *testing.T) {
	ctx := browser.New(t)
	w := newStaffWorld(t, at(1, 6, 9))
	y := enterFiguresYear(t, w)

	// A professional prints her certificate from her personal page, during the year.
	w.clock.set(at(6, 10, 9))
	browser.Within(t, ctx, 30*time.Second, chromedp.Navigate(w.srv.URL+"/mijn/"+y.anToken),
		chromedp.WaitVisible(chromedp.CSS("h1")),
		chromedp.Click(chromedp.CSS(`a[href$="/attest"]`)),
		chromedp.WaitVisible(chromedp.CSS("article.attest")))
	browser.Axe(t, ctx, "personal certificate")
	if !browser.Eval[bool](t, ctx, `!document.querySelector("[data-print]").hidden`) {
		t.Error("the print button stays hidden with script")
	}
	shot(t, ctx, "figures-attest-personal-phone")
	if n := printPDF(t, ctx, "figures-attest-personal"); n != 1 {
		t.Errorf("the certificate prints on %d pages, want 1", n)
	}

	// Staff, in January: sign in as an admin (setting up the authenticator on the way).
	w.clock.set(time.Date(2026, 1, 15, 9, 0, 0, 0, locale.Brussels))
	browser.Within(t, ctx, 30*time.Second, chromedp.Navigate(w.srv.URL+"/beheer/login"),
		chromedp.SendKeys(chromedp.ID("f-email"), w.adminEmail),
		chromedp.SendKeys(chromedp.ID("f-password"), staffPassword),
		chromedp.Submit(chromedp.ID("f-password")),
		chromedp.WaitVisible(chromedp.ID("secret")))
	secret := strings.ReplaceAll(browser.Eval[string](t, ctx, `document.querySelector("#secret code").innerText`), " ", "")
	browser.Within(t, ctx, 30*time.Second,
		chromedp.SendKeys(chromedp.ID("f-code"), codeAt(t, secret, w.clock.Now())),
		chromedp.Submit(chromedp.ID("f-code")),
		chromedp.WaitVisible(chromedp.CSS(".staff-nav")))

	g := itoa(y.intervision)
	pages := []struct{ name, path string }{
		{"figures", "/beheer/cijfers?jaar=2025"},
		{"sheet", "/beheer/groepen/" + g + "/aanwezigheidslijst?jaar=2025"},
		{"attests", "/beheer/groepen/" + g + "/attesten?jaar=2025"},
		{"attest", "/beheer/groepen/" + g + "/attest/" + itoa(y.an) + "?jaar=2025"},
		{"attest-waakvlam", "/beheer/groepen/" + itoa(y.waakvlam) + "/attest/" + itoa(y.chris)},
		{"group", "/beheer/groepen/" + g},
	}
	for _, size := range []struct {
		name          string
		width, height int64
	}{{"phone", browser.PhoneWidth, browser.PhoneHeight}, {"desktop", browser.DesktopWidth, browser.DesktopHeight}} {
		browser.Within(t, ctx, 10*time.Second, chromedp.EmulateViewport(size.width, size.height))
		for _, p := range pages {
			browser.Within(t, ctx, 30*time.Second, chromedp.Navigate(w.srv.URL+p.path), chromedp.WaitVisible(chromedp.CSS("h1")))
			browser.Axe(t, ctx, p.name+" on a "+size.name)
			if got := browser.Eval[int](t, ctx, `document.documentElement.scrollWidth`); got > int(size.width) {
				t.Errorf("%s is %d px wide on a %d px %s", p.path, got, size.width, size.name)
			}
			shot(t, ctx, "figures-"+p.name+"-"+size.name)
		}
	}

	// The charts draw: a bar per offering that ran, twelve per group, every one with its title and numbers.
	browser.Within(t, ctx, 30*time.Second, chromedp.Navigate(w.srv.URL+"/beheer/cijfers?jaar=2025"), chromedp.WaitVisible(chromedp.CSS("h1")))
	if n := browser.Eval[int](t, ctx, `document.querySelectorAll("#chart-offerings-t ~ rect.bar").length`); n != 3 {
		t.Errorf("the chart of offerings has %d bars, want 3 (intervision, Waakvlam, Blaffen of Schuilen)", n)
	}
	if w := browser.Eval[float64](t, ctx, `Math.max(...[...document.querySelectorAll("#chart-offerings-t ~ rect.bar")].map(r => r.getBoundingClientRect().width))`); w < 100 {
		t.Errorf("the longest bar is %.0f px wide", w)
	}
	if n := browser.Eval[int](t, ctx, `document.querySelectorAll(".month-charts svg[aria-hidden=true] rect.bar").length`); n != 3*12 {
		t.Errorf("%d monthly bars, want 36 (three groups)", n)
	}
	if fill := browser.Eval[string](t, ctx, `getComputedStyle(document.querySelector("rect.bar")).fill`); fill != "rgb(11, 91, 107)" {
		t.Errorf("bars are filled %s: figures.css does not apply", fill)
	}
	// On paper: no menu, no form, the charts and tables.
	browser.Within(t, ctx, 10*time.Second, media("print"))
	if browser.Eval[bool](t, ctx, `getComputedStyle(document.querySelector(".staff-header")).display !== "none" ||
		getComputedStyle(document.querySelector(".close-year")).display !== "none"`) {
		t.Error("the menu or the closing form would be printed")
	}
	shot(t, ctx, "figures-figures-print")
	browser.Within(t, ctx, 10*time.Second, media(""))
	if n := printPDF(t, ctx, "figures-figures"); n < 2 || n > 8 {
		t.Errorf("the figures print on %d pages", n)
	}

	// Closing without ticking the box: the error, next to the box and in the summary, is accessible too.
	browser.Within(t, ctx, 30*time.Second, chromedp.Click(chromedp.CSS(`.close-year button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.ID("fouten")))
	browser.Axe(t, ctx, "figures (closing refused)")
	shot(t, ctx, "figures-close-error-desktop")

	// The attendance sheet and the certificate on paper.
	browser.Within(t, ctx, 30*time.Second, chromedp.Navigate(w.srv.URL+pages[1].path), chromedp.WaitVisible(chromedp.CSS("h1")))
	if n := printPDF(t, ctx, "figures-sheet"); n != 1 {
		t.Errorf("the attendance sheet prints on %d pages, want 1", n)
	}
	browser.Within(t, ctx, 10*time.Second, media("print"))
	shot(t, ctx, "figures-sheet-print")
	browser.Within(t, ctx, 10*time.Second, media(""))
	browser.Within(t, ctx, 30*time.Second, chromedp.Navigate(w.srv.URL+pages[3].path), chromedp.WaitVisible(chromedp.CSS("h1")))
	if n := printPDF(t, ctx, "figures-attest"); n != 1 {
		t.Errorf("the certificate prints on %d pages, want 1", n)
	}
	browser.Within(t, ctx, 10*time.Second, media("print"))
	shot(t, ctx, "figures-attest-print")
}
