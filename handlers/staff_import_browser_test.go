package handlers_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"portal/app/locale"
	"portal/internal/browser"
)

// The import page, a preview with problems and a preview to confirm, at phone and desktop width: no page wider
// than the screen, every field labelled, no axe violation; pictures with SCREENSHOT_DIR.
func TestBrowserImportPages(t *testing.T) {
	ctx := browser.New(t)
	w := newStaffWorld(t, time.Date(2026, 6, 15, 9, 0, 0, 0, locale.Brussels))
	secret := w.enrol(t, "coord@example.org", w.coord)
	page := w.srv.URL + "/beheer/groepen/" + itoa(w.own) + "/inlezen"
	browser.Within(t, ctx, 30*time.Second, chromedp.Navigate(page)) // the sign-in page, back here after it
	signInBrowserWith(t, ctx, w, "coord@example.org", secret, "#f-file")

	dir := t.TempDir()
	bad := filepath.Join(dir, "lijst-fouten.csv")
	good := filepath.Join(dir, "lijst.csv")
	if err := os.WriteFile(bad, []byte("\ufeffNaam;Rol;E-mail;Adres\nAnna;deelnemer;anna-at-home;\nBen;kind;;\nAnna;;;\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(good, []byte("\ufeffNaam;Rol;Verwezen door;Aanvraagdatum\nAnna;deelnemer;Politie;02/06/2026\nBen;;Huisarts;\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, size := range []struct {
		name          string
		width, height int64
	}{{"phone", browser.PhoneWidth, browser.PhoneHeight}, {"desktop", browser.DesktopWidth, browser.DesktopHeight}} {
		browser.Within(t, ctx, 10*time.Second, chromedp.EmulateViewport(size.width, size.height))
		for _, step := range []struct {
			name, file, wait string
		}{{"import", "", "h1"}, {"import-problems", bad, "#problemen"}, {"import-preview", good, "#voorbeeld"}} {
			browser.Within(t, ctx, 30*time.Second, chromedp.Navigate(page), chromedp.WaitVisible(chromedp.ID("f-file")))
			if step.file != "" {
				browser.Within(t, ctx, 30*time.Second, chromedp.SetUploadFiles(chromedp.ID("f-file"), []string{step.file}),
					chromedp.Submit(chromedp.ID("f-file")), chromedp.WaitVisible(chromedp.CSS(step.wait)))
			}
			if got := browser.Eval[int](t, ctx, `document.documentElement.scrollWidth`); got > int(size.width) {
				t.Errorf("%s is %d px wide on a %d px %s", step.name, got, size.width, size.name)
			}
			if n := browser.Eval[int](t, ctx, `[...document.querySelectorAll("input:not([type=hidden]), select, textarea")].filter(e => !e.labels || e.labels.length === 0).length`); n != 0 {
				t.Errorf("%s has %d fields without a label", step.name, n)
			}
			browser.Axe(t, ctx, step.name+" ("+size.name+")")
			shot(t, ctx, "staff-"+step.name+"-"+size.name)
		}
	}
}
