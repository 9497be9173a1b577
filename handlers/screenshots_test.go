package handlers_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"portal/app"
	"portal/internal/browser"
	"portal/internal/fixtures"
	"portal/internal/testenv"
)

// TestScreenshots saves a picture of every page, at phone and desktop size, to SCREENSHOTS_DIR (make screenshots
// writes docs/screenshots), with an index. Without SCREENSHOTS_DIR it does nothing.
func TestScreenshots(t *testing.T) {
	dir := os.Getenv("SCREENSHOTS_DIR")
	if dir == "" {
		t.Skip("set SCREENSHOTS_DIR (make screenshots)")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	ctx := browser.New(t)
	w, session, _ := rollCallWorld(t)
	a := w.srv.App
	consent := app.Consent{Version: "t", Text: "ok"}
	// A participant with a place, for the personal page; a family request; marks on the roll call.
	var event int64
	testenv.MustGet(t, w.srv.DB, &event, `SELECT id FROM groups WHERE slug = 'samen-naar-herstel'`)
	guest, err := a.SignUp(t.Context(), app.SignupInput{GroupID: event, Name: "Mira", ByPhone: true, Phone: "0470 12 34 56",
		Consent: true, ConsentText: consent})
	if err != nil {
		t.Fatal(err)
	}
	// A participant who chose a personal code, for the excuse link of a reminder (it asks for the code).
	coded, err := a.SignUp(t.Context(), app.SignupInput{GroupID: event, Name: "Noor", ByPhone: true, Phone: "0470 12 34 57",
		Code: "Regenboog", Consent: true, ConsentText: consent})
	if err != nil {
		t.Fatal(err)
	}
	codedView, err := a.Personal(t.Context(), coded.Token)
	if err != nil || len(codedView.Sessions) == 0 {
		t.Fatalf("personal view: %v", err)
	}
	excuse := a.ExcuseLink(coded.RegistrationID, codedView.Sessions[0].ID, codedView.Sessions[0].StartsAt)
	if _, err := a.RequestHousehold(t.Context(), app.HouseholdInput{Parent: "Sara", Children: []app.ChildInput{{FirstName: "Lina", Age: "7"}},
		Contact: app.ContactInput{ByPhone: true, Phone: "0470 00 00 09", SafeTimes: "na 20 uur"}, Consent: true, ConsentText: consent}); err != nil {
		t.Fatal(err)
	}
	rc, err := a.RollCallOf(t.Context(), fixtures.Actor(t, a, w.coord), session)
	if err != nil {
		t.Fatal(err)
	}
	marks := map[int64]string{}
	for i, p := range rc.Adults {
		marks[p.PersonID] = []string{"present", "present", "late", "present", "excused"}[i%5]
	}
	if err := a.MarkMany(t.Context(), app.Actor{Staff: app.Staff{ID: w.coord, Role: app.RoleCoordinator, Active: true}}, session, marks); err != nil {
		t.Fatal(err)
	}

	public := []struct{ name, path string }{
		{"home", "/"}, {"intervisie", "/aanbod/intervisie"}, {"waakvlam", "/aanbod/waakvlam"},
		{"lotgenotengroepen", "/aanbod/lotgenotengroepen"}, {"rotonde", "/aanbod/rotonde"},
		{"blaffen-of-schuilen", "/aanbod/blaffen-of-schuilen"}, {"activiteiten", "/aanbod/activiteiten"},
		{"signup", "/aanbod/intervisie/inschrijven/intervisie-mechelen"}, {"request", "/aanbod/lotgenotengroepen/aanvragen"},
		{"household", "/aanbod/blaffen-of-schuilen/aanvragen"}, {"waakvlam-request", "/aanbod/waakvlam/aanvragen"},
		{"personal", "/mijn/" + guest.Token}, {"excuse-with-code", excuse[strings.Index(excuse, "/afmelden/"):]},
		{"link-request", "/mijn-link"}, {"safe-browsing", "/veilig-surfen"},
		{"privacy", "/privacy"}, {"accessibility", "/toegankelijkheid"}, {"not-found", "/bestaat-niet"},
	}
	var index []string
	take := func(name string) {
		for _, size := range []struct {
			name string
			w, h int64
		}{{"phone", browser.PhoneWidth, browser.PhoneHeight}, {"desktop", browser.DesktopWidth, browser.DesktopHeight}} {
			browser.Within(t, ctx, 10*time.Second, chromedp.EmulateViewport(size.w, size.h))
			browser.Within(t, ctx, 30*time.Second, chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS("h1")))
			tctx, cancel := context.WithTimeout(ctx, 30*time.Second)
			img, err := chromedp.Run(tctx, chromedp.FullScreenshot(70))
			cancel()
			if err != nil {
				t.Fatalf("screenshot %s: %v", name, err)
			}
			file := name + "-" + size.name + ".jpg"
			if err := os.WriteFile(filepath.Join(dir, file), img, 0o644); err != nil {
				t.Fatal(err)
			}
			index = append(index, file)
		}
	}
	for _, p := range public {
		browser.Within(t, ctx, 30*time.Second, chromedp.Navigate(w.srv.URL+p.path), chromedp.WaitVisible(chromedp.CSS("h1")))
		take("public-" + p.name)
	}
	// A form with its errors.
	browser.Within(t, ctx, 30*time.Second, chromedp.Navigate(w.srv.URL+"/aanbod/lotgenotengroepen/aanvragen"),
		chromedp.Click(chromedp.CSS(`form button[type=submit]`)), chromedp.WaitVisible(chromedp.ID("fouten")))
	take("public-request-errors")

	// Staff pages, signed in as a coordinator with an authenticator.
	secret := w.enrol(t, "coord@example.org", w.coord)
	browser.Within(t, ctx, 30*time.Second, chromedp.Navigate(w.srv.URL+"/beheer/login"), chromedp.WaitVisible(chromedp.ID("f-email")))
	take("staff-login")
	browser.Within(t, ctx, 30*time.Second,
		chromedp.SendKeys(chromedp.ID("f-email"), "coord@example.org"), chromedp.SendKeys(chromedp.ID("f-password"), staffPassword),
		chromedp.Submit(chromedp.ID("f-password")), chromedp.WaitVisible(chromedp.ID("f-code")),
		chromedp.SendKeys(chromedp.ID("f-code"), codeAt(t, secret, w.clock.Now())), chromedp.Submit(chromedp.ID("f-code")),
		chromedp.WaitVisible(chromedp.CSS(".agenda")))
	staff := []struct{ name, path string }{
		{"dashboard", "/beheer"}, {"requests", "/beheer/aanvragen"},
		{"registration", "/beheer/inschrijvingen/" + itoa(w.registrations[w.own])},
		{"register", "/beheer/aanvragen/nieuw?aanbod=lotgenotengroepen"},
		{"groups", "/beheer/groepen"}, {"group", "/beheer/groepen/" + itoa(w.own)},
		{"session", "/beheer/sessies/" + itoa(session)}, {"rollcall", "/beheer/sessies/" + itoa(session) + "/aanwezigheid"},
		{"sessions-new", "/beheer/groepen/" + itoa(w.own) + "/sessies/nieuw"},
		{"offer", "/beheer/aanbod"}, {"offering", "/beheer/aanbod/" + itoa(w.offering)},
		{"waakvlam", "/beheer/waakvlam/" + itoa(w.waakvlam)}, {"mail", "/beheer/mail"}, {"account", "/beheer/account"},
		{"figures", "/beheer/cijfers"}, {"retention", "/beheer/bewaartermijnen"}, {"search", "/beheer/zoeken"}, {"attendance-sheet", "/beheer/groepen/" + itoa(w.own) + "/aanwezigheidslijst"},
	}
	for _, p := range staff {
		browser.Within(t, ctx, 30*time.Second, chromedp.Navigate(w.srv.URL+p.path), chromedp.WaitVisible(chromedp.CSS("h1")))
		take("staff-" + p.name)
	}
	// A form with a date in the past: the notice that nobody will be mailed, and the box to tick.
	browser.Within(t, ctx, 30*time.Second, chromedp.Navigate(w.srv.URL+"/beheer/groepen/"+itoa(w.own)+"/sessies/nieuw"),
		chromedp.WaitVisible(chromedp.ID("f-date")), chromedp.SetValue(chromedp.ID("f-date"), "2025-09-08"),
		chromedp.Click(chromedp.CSS(`button[value=save]`)), chromedp.WaitVisible(chromedp.ID("f-verleden")))
	take("staff-past-date")
	sort.Strings(index)
	var md strings.Builder
	md.WriteString("# Screenshots\n\nEvery page of the portal at phone (375 px) and desktop (1280 px) width, made by `make screenshots`.\n\n")
	for i := 0; i+1 < len(index); i += 2 {
		name := strings.TrimSuffix(index[i], "-desktop.jpg")
		fmt.Fprintf(&md, "## %s\n\n<img src=\"%s\" width=\"260\" alt=\"%s on a phone\"> <img src=\"%s\" width=\"560\" alt=\"%s on a desktop\">\n\n",
			name, index[i+1], name, index[i], name)
	}
	if err := os.WriteFile(filepath.Join(dir, "README.md"), []byte(md.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}
