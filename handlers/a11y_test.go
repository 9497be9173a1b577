package handlers_test

import (
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"portal/internal/browser"
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
