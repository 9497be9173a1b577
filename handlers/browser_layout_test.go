package handlers_test

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"portal/app"
	"portal/internal/browser"
	"portal/internal/fixtures"
	"portal/internal/testenv"
	"portal/internal/testserver"
)

// What axe cannot see: where the focus lands under the sticky quick exit (WCAG 2.4.11), what the quick exit
// covers when text is made larger (1.4.4, 1.4.10), and how choices, the menu and charts look in forced colours.

// publicForms are the public pages with a form, and whether they carry the quick exit.
var publicForms = []string{
	"/aanbod/intervisie/inschrijven/intervisie-mechelen",
	"/aanbod/activiteiten/inschrijven/samen-naar-herstel",
	"/aanbod/lotgenotengroepen/aanvragen",
	"/aanbod/rotonde/aanvragen",
	"/aanbod/blaffen-of-schuilen/aanvragen",
	"/aanbod/waakvlam/aanvragen",
	"/mijn-link",
}

// personalPage signs a participant up for an event and returns the address of her personal page.
func personalPage(t *testing.T, srv *testserver.Server) string {
	t.Helper()
	var event int64
	testenv.MustGet(t, srv.DB, &event, `SELECT id FROM groups WHERE slug = 'samen-naar-herstel'`)
	res, err := srv.App.SignUp(t.Context(), app.SignupInput{GroupID: event, Name: "Mira", ByPhone: true, Phone: "0470 12 34 56",
		Consent: true, ConsentText: app.Consent{Version: "t", Text: "ok"}})
	if err != nil {
		t.Fatal(err)
	}
	return "/mijn/" + res.Token
}

// excusePage signs a participant with a personal code up for an event and returns the address of the excuse page
// of her first session, as a reminder links to it (it asks for the code).
func excusePage(t *testing.T, srv *testserver.Server) string {
	t.Helper()
	var event int64
	testenv.MustGet(t, srv.DB, &event, `SELECT id FROM groups WHERE slug = 'samen-naar-herstel'`)
	res, err := srv.App.SignUp(t.Context(), app.SignupInput{GroupID: event, Name: "Noor", ByPhone: true, Phone: "0470 12 34 57",
		Code: "Regenboog", Consent: true, ConsentText: app.Consent{Version: "t", Text: "ok"}})
	if err != nil {
		t.Fatal(err)
	}
	view, err := srv.App.Personal(t.Context(), res.Token)
	if err != nil || len(view.Sessions) == 0 {
		t.Fatalf("personal view: %v", err)
	}
	link := srv.App.ExcuseLink(res.RegistrationID, view.Sessions[0].ID, view.Sessions[0].StartsAt)
	return link[strings.Index(link, "/afmelden/"):]
}

// offerPage makes a free seat in an event that is not discreet for a participant on its waiting list and returns
// the address of the page her offer mail links to.
func offerPage(t *testing.T, srv *testserver.Server) string {
	t.Helper()
	var event int64
	testenv.MustGet(t, srv.DB, &event, `SELECT id FROM groups WHERE slug = 'orange-the-world'`)
	srv.DB.MustExec(`UPDATE groups SET capacity = 1 WHERE id = $1`, event)
	var tokens []string
	for _, name := range []string{"Mira", "Els"} {
		res, err := srv.App.SignUp(t.Context(), app.SignupInput{GroupID: event, Name: name, ByPhone: true, Phone: "0470 12 34 59",
			Consent: true, ConsentText: app.Consent{Version: "t", Text: "ok"}})
		if err != nil {
			t.Fatal(err)
		}
		tokens = append(tokens, res.Token)
	}
	if err := srv.App.Cancel(t.Context(), tokens[0], ""); err != nil { // Els now gets an offer
		t.Fatal(err)
	}
	offered, err := srv.App.Personal(t.Context(), tokens[1])
	if err != nil || offered.OfferLink == "" {
		t.Fatalf("no offer: %v", err)
	}
	return offered.OfferLink[strings.Index(offered.OfferLink, "/plaats/"):]
}

// At 390×844 (a phone), Shift+Tab from the bottom of every public form and the personal page to the top: no
// element that takes the focus lies more than half under the sticky quick exit or outside the window. Then an
// empty submit: following each link of the error summary brings its field into view, not under the bar.
func TestBrowserFocusNotObscuredOnAPhone(t *testing.T) {
	ctx := browser.New(t)
	srv := testserver.Start(t, testserver.Options{Seed: true})
	browser.Within(t, ctx, 10*time.Second, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateTouch))
	pages := append(append([]string{}, publicForms...), personalPage(t, srv), excusePage(t, srv), offerPage(t, srv))
	for _, path := range pages {
		browser.Within(t, ctx, 30*time.Second, chromedp.Navigate(srv.URL+path), chromedp.WaitVisible(chromedp.CSS("h1")))
		shiftTabToTheTop(t, ctx, path)
	}

	// The error summary's links: each brings its field into view below the bar.
	for _, path := range publicForms {
		browser.Within(t, ctx, 30*time.Second, chromedp.Navigate(srv.URL+path), chromedp.WaitVisible(chromedp.CSS("h1")))
		browser.Eval[bool](t, ctx, `(() => { const f = document.querySelector("main form:last-of-type") || document.querySelector("main form");
			f.noValidate = true; f.requestSubmit(); return true; })()`)
		// The page's scripts (the summary's own) run before "complete".
		browser.Within(t, ctx, 30*time.Second, chromedp.WaitVisible(chromedp.CSS(".error-summary")),
			chromedp.Poll[chromedp.Void](`document.readyState === "complete"`))
		targets := browser.Eval[[]string](t, ctx, `[...document.querySelectorAll(".error-summary a[href^='#']")].map(a => a.getAttribute("href").slice(1))`)
		if len(targets) == 0 {
			t.Errorf("%s: the error summary has no links", path)
		}
		for i, id := range targets {
			// From the top of the page, where the summary is, a tap on the link.
			browser.Eval[bool](t, ctx, `(() => { history.replaceState(null, "", location.pathname); window.scrollTo(0, 0); return true; })()`)
			browser.Within(t, ctx, 10*time.Second, chromedp.Click(chromedp.CSS(`.error-summary li:nth-child(`+itoa(int64(i+1))+`) a[href^='#']`)))
			time.Sleep(150 * time.Millisecond)
			if share := browser.ElementHidden(t, ctx, id); share > 0.5 {
				t.Errorf("%s: after the summary's link to #%s, %.0f%% of the field is hidden", path, id, share*100)
			}
			if share, what := browser.FocusHidden(t, ctx); share > 0.5 {
				t.Errorf("%s: after the summary's link to #%s, %.0f%% of the focused element is hidden: %s", path, id, share*100, what)
			}
			// What names the field and says what is wrong is in view too, not only the box: its label (the legend of
			// a group of choices) and its message.
			name := strings.TrimPrefix(id, "f-")
			for _, part := range []string{`label[for="` + id + `"], #g-` + name + ` > legend, #` + id + ` > legend`, "#e-" + name} {
				if share := browser.QueryHidden(t, ctx, part); share != 0 {
					t.Errorf("%s: after the summary's link to #%s, %s is hidden (share %.2f; -1: not found)", path, id, part, share)
				}
			}
			// The focus is in the field: its box, or an option of its group (never left on the page's body).
			if !browser.Eval[bool](t, ctx, `document.getElementById(`+strconv.Quote(id)+`).contains(document.activeElement)`) {
				t.Errorf("%s: after the summary's link to #%s, the focus is on %s", path, id, browser.Eval[string](t, ctx, `document.activeElement.outerHTML.slice(0, 80)`))
			}
		}
	}
}

// 200% at 640, 800, 1,024 and 1,100 px wide (the page zoomed, and the text alone made larger), and the page zoomed
// to 400%: no link, button or field is covered, even in part, by the quick exit or any other element that stays
// put, wherever it is brought into view (the middle of the window, or where the top or bottom of the page lets it be).
func TestBrowserLargeTextCoversNoControl(t *testing.T) {
	ctx := browser.New(t)
	srv := testserver.Start(t, testserver.Options{Seed: true})
	pages := append([]string{"/", "/aanbod/lotgenotengroepen", "/toegankelijkheid", personalPage(t, srv), excusePage(t, srv),
		offerPage(t, srv)}, publicForms...)
	for _, size := range []struct {
		w, h, text int64
	}{
		// The page zoomed to 200% on screens 1,280 to 2,200 px wide: 640 to 1,100 CSS px at the normal text size.
		{640, 450, 16}, {800, 500, 16}, {1024, 600, 16}, {1100, 700, 16},
		// Only the text made 200% larger, in the browser's settings.
		{640, 800, 32}, {800, 800, 32}, {1024, 768, 32},
		// 400%: a 1,280 × 1,024 screen seen as 320 × 256.
		{320, 256, 16},
	} {
		browser.Within(t, ctx, 10*time.Second, chromedp.EmulateViewport(size.w, size.h), browser.TextSize(size.text))
		for _, path := range pages {
			browser.Within(t, ctx, 30*time.Second, chromedp.Navigate(srv.URL+path), chromedp.WaitVisible(chromedp.CSS("h1")))
			for _, c := range browser.CoveredControls(t, ctx) {
				t.Errorf("%d px wide, text %d px, %s: covered: %s", size.w, size.text, path, c)
			}
			if w := browser.Eval[int64](t, ctx, `document.documentElement.scrollWidth`); w > size.w {
				t.Errorf("%d px wide, text %d px, %s: the page is %d px wide", size.w, size.text, path, w)
			}
		}
	}
}

// At 390 px wide (a phone) with the text made 200% larger in the browser's settings, no public page is wider than
// the window (WCAG 1.4.10 reflow): nothing scrolls sideways. A failure names the elements that stick out.
func TestBrowserNoSidewaysScrollOnAPhoneWithLargeText(t *testing.T) {
	ctx := browser.New(t)
	srv := testserver.Start(t, testserver.Options{Seed: true})
	var offerings []string
	if err := srv.DB.Select(&offerings, `SELECT '/aanbod/' || slug FROM offerings ORDER BY slug`); err != nil {
		t.Fatal(err)
	}
	pages := append(append([]string{"/", "/toegankelijkheid", "/privacy", "/veilig-surfen", personalPage(t, srv),
		excusePage(t, srv), offerPage(t, srv)}, offerings...), publicForms...)
	if len(offerings) < 5 {
		t.Fatalf("only %d offerings", len(offerings))
	}
	browser.Within(t, ctx, 10*time.Second, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateTouch), browser.TextSize(32))
	for _, path := range pages {
		for _, errors := range []bool{false, true} {
			browser.Within(t, ctx, 30*time.Second, chromedp.Navigate(srv.URL+path), chromedp.WaitVisible(chromedp.CSS("h1")))
			if errors { // the form sent empty, so that its messages are there too
				if !browser.Eval[bool](t, ctx, `(() => { const f = document.querySelector("main form[method=post]:last-of-type");
					if (!f || !f.querySelector("input:not([type=hidden]), textarea, select")) { return false; }
					f.noValidate = true; f.requestSubmit(); return true; })()`) {
					continue
				}
				browser.Within(t, ctx, 30*time.Second, chromedp.WaitVisible(chromedp.CSS("h1")))
				time.Sleep(300 * time.Millisecond)
			}
			if w := browser.Eval[int64](t, ctx, `document.documentElement.scrollWidth`); w > 390 {
				wide := browser.Eval[[]string](t, ctx, `[...document.querySelectorAll("body *")].filter(e => e.getBoundingClientRect().right > 391 &&
					![...e.children].some(c => c.getBoundingClientRect().right > 391)).slice(0, 4).map(e => e.outerHTML.slice(0, 90))`)
				t.Errorf("%s (sent empty: %v): %d px wide in a 390 px window; sticking out: %s", path, errors, w, strings.Join(wide, " | "))
			}
		}
	}
}

// A message about a child's age spans the child's row on a computer screen: in the age's narrow column it broke
// mid-word. Child 6 sits in "Meer kinderen", which opens for its error.
func TestBrowserChildMessageSpansItsRow(t *testing.T) {
	ctx := browser.New(t)
	srv := testserver.Start(t, testserver.Options{Seed: true})
	browser.Within(t, ctx, 30*time.Second, chromedp.EmulateViewport(1024, 768), chromedp.Navigate(srv.URL+"/aanbod/blaffen-of-schuilen/aanvragen"),
		chromedp.WaitVisible(chromedp.ID("f-parent")))
	browser.Eval[bool](t, ctx, `(() => { document.querySelector("details.more-children").open = true;
		document.getElementById("f-child_name_6").value = "Lina";
		const f = document.querySelector("main form[method=post]"); f.noValidate = true; f.requestSubmit(); return true; })()`)
	browser.Within(t, ctx, 30*time.Second, chromedp.WaitVisible(chromedp.ID("e-child_age_6")))
	message := browser.Eval[float64](t, ctx, `document.getElementById("e-child_age_6").getBoundingClientRect().width`)
	row := browser.Eval[float64](t, ctx, `document.getElementById("e-child_age_6").closest(".child-row").getBoundingClientRect().width`)
	if message < row*0.9 {
		t.Errorf("the message about child 6's age is %.0f px wide in a row of %.0f px", message, row)
	}
}

// The quick exit's hint about the Shift key is for keyboards: a phone (no hover, a coarse pointer) does not show
// it, and the quick exit stays a plain link with its label.
func TestBrowserQuickExitHintOnlyWithAKeyboard(t *testing.T) {
	ctx := browser.New(t)
	srv := testserver.Start(t, testserver.Options{Seed: true})
	for _, tc := range []struct {
		name   string
		device chromedp.Action[chromedp.Void]
		shown  bool
	}{
		{"phone", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateTouch), false},
		{"computer", chromedp.EmulateViewport(1280, 900), true},
	} {
		browser.Within(t, ctx, 30*time.Second, tc.device, chromedp.Navigate(srv.URL+"/aanbod/lotgenotengroepen"),
			chromedp.WaitVisible(chromedp.ID("snelweg")))
		if tc.shown == browser.Eval[bool](t, ctx, `matchMedia("(hover: none) and (pointer: coarse)").matches`) {
			t.Fatalf("%s: the touch screen is not emulated as meant", tc.name)
		}
		text := browser.Eval[string](t, ctx, `document.getElementById("snelweg").innerText`)
		if !strings.HasPrefix(text, "Snel weg") {
			t.Errorf("%s: the quick exit reads %q", tc.name, text)
		}
		if got := strings.Contains(text, "Shift"); got != tc.shown {
			t.Errorf("%s: the Shift hint shown = %v, want %v (%q)", tc.name, got, tc.shown, text)
		}
		if href := browser.Eval[string](t, ctx, `document.getElementById("snelweg").getAttribute("href")`); href == "" {
			t.Errorf("%s: the quick exit has no address", tc.name)
		}
	}
}

// Forced colours (Windows high contrast), dark and light: the chosen roll-call option, the current menu item and
// the charts' text stay visible. The computed styles are checked here; with SCREENSHOT_DIR set, PNG screenshots
// of the roll call, the staff menu and the figures page are saved there to look at.
func TestBrowserForcedColours(t *testing.T) {
	ctx := browser.New(t)
	w, session, _ := rollCallWorld(t)
	// Marks for half the group, so that the figures page has charts.
	rc, err := w.srv.App.RollCallOf(t.Context(), fixtures.Actor(t, w.srv.App, w.coord), session)
	if err != nil {
		t.Fatal(err)
	}
	marks := map[int64]string{}
	for i, p := range rc.Adults[:6] {
		marks[p.PersonID] = []string{"present", "late", "excused"}[i%3]
	}
	if err := w.srv.App.MarkMany(t.Context(), fixtures.ActiveActor(t, w.srv.App, w.coord), session, marks); err != nil {
		t.Fatal(err)
	}
	signInAsCoordinator(t, ctx, w)
	dir := os.Getenv("SCREENSHOT_DIR")
	for _, scheme := range []string{"dark", "light"} {
		browser.Within(t, ctx, 10*time.Second, browser.Media(map[string]string{"forced-colors": "active", "prefers-color-scheme": scheme}))

		browser.Within(t, ctx, 30*time.Second, chromedp.Navigate(w.srv.URL+"/beheer/sessies/"+itoa(session)+"/aanwezigheid"),
			chromedp.WaitVisible(chromedp.CSS(".mark-row")))
		if !browser.Eval[bool](t, ctx, `matchMedia("(forced-colors: active)").matches`) {
			t.Fatal("forced colours are not emulated")
		}
		// The chosen box must differ from the others in its background, not only in a small check mark.
		chosen := browser.Eval[string](t, ctx, `getComputedStyle(document.querySelector(".seg-present input:checked + span")).backgroundColor`)
		other := browser.Eval[string](t, ctx, `getComputedStyle(document.querySelector(".seg-present input:not(:checked) + span")).backgroundColor`)
		if chosen == other {
			t.Errorf("%s: in forced colours the chosen roll-call option has the background of the others (%s)", scheme, chosen)
		}
		if dir != "" {
			browser.ScreenshotPNG(t, ctx, filepath.Join(dir, "forced-"+scheme+"-rollcall.png"))
		}
		current := browser.Eval[string](t, ctx, `(() => { const s = getComputedStyle(document.querySelector(".staff-nav a[aria-current=page]")); return s.backgroundColor + s.textDecorationLine; })()`)
		plain := browser.Eval[string](t, ctx, `(() => { const s = getComputedStyle(document.querySelector(".staff-nav a:not([aria-current])")); return s.backgroundColor + s.textDecorationLine; })()`)
		if current == plain {
			t.Errorf("%s: in forced colours the current menu item looks like the others (%s)", scheme, current)
		}

		browser.Within(t, ctx, 30*time.Second, chromedp.Navigate(w.srv.URL+"/beheer/cijfers"),
			chromedp.WaitVisible(chromedp.CSS(".chart")))
		// Chart text is painted in the text colour of the forced palette, whatever it is (light on dark, dark on light).
		fills := browser.Eval[[]string](t, ctx, `[...new Set([...document.querySelectorAll(".chart text")].map(e => getComputedStyle(e).fill))]`)
		text := browser.Eval[string](t, ctx, `getComputedStyle(document.body).color`)
		for _, f := range fills {
			if f != text {
				t.Errorf("%s: chart text is painted %s, the page's text is %s", scheme, f, text)
			}
		}
		if len(fills) == 0 {
			t.Errorf("%s: no chart text on the figures page", scheme)
		}
		if dir != "" {
			browser.ScreenshotPNG(t, ctx, filepath.Join(dir, "forced-"+scheme+"-figures.png"))
		}
	}
	browser.Within(t, ctx, 10*time.Second, browser.Media(nil))
}

// TestBrowserLayoutScreenshots saves PNG screenshots of pages whose layout changed (the quick exit bar at phone
// and desktop width, 200% text at 800 px), to SCREENSHOT_DIR for looking at. Without it, it does nothing.
func TestBrowserLayoutScreenshots(t *testing.T) {
	dir := os.Getenv("SCREENSHOT_DIR")
	if dir == "" {
		t.Skip("set SCREENSHOT_DIR")
	}
	ctx := browser.New(t)
	srv := testserver.Start(t, testserver.Options{Seed: true})
	for _, v := range []struct {
		name       string
		w, h, text int64
	}{{"phone", 390, 844, 16}, {"desktop", 1280, 900, 16}, {"text200-800", 800, 800, 32}, {"zoom200-800", 800, 450, 16}} {
		browser.Within(t, ctx, 10*time.Second, chromedp.EmulateViewport(v.w, v.h), browser.TextSize(v.text))
		for _, p := range []struct{ name, path string }{{"home", "/"}, {"request", "/aanbod/lotgenotengroepen/aanvragen"}} {
			browser.Within(t, ctx, 30*time.Second, chromedp.Navigate(srv.URL+p.path), chromedp.WaitVisible(chromedp.CSS("h1")))
			browser.ScreenshotPNG(t, ctx, filepath.Join(dir, "layout-"+p.name+"-"+v.name+".png"))
		}
	}
}

// signInAsCoordinator signs the staff world's coordinator in, in the browser, with an authenticator.
func signInAsCoordinator(t *testing.T, ctx context.Context, w *staffWorld) {
	t.Helper()
	signInInBrowser(t, ctx, w, "coord@example.org", w.coord)
}

// signInInBrowser gives staff member id (address email) an authenticator and signs them in, in the browser,
// up to their dashboard.
func signInInBrowser(t *testing.T, ctx context.Context, w *staffWorld, email string, id int64) {
	t.Helper()
	secret := w.enrol(t, email, id)
	browser.Within(t, ctx, 30*time.Second, chromedp.Navigate(w.srv.URL+"/beheer/login"), chromedp.WaitVisible(chromedp.ID("f-email")),
		chromedp.SendKeys(chromedp.ID("f-email"), email), chromedp.SendKeys(chromedp.ID("f-password"), staffPassword),
		chromedp.Submit(chromedp.ID("f-password")), chromedp.WaitVisible(chromedp.ID("f-code")),
		chromedp.SendKeys(chromedp.ID("f-code"), codeAt(t, secret, w.clock.Now())), chromedp.Submit(chromedp.ID("f-code")),
		chromedp.WaitVisible(chromedp.CSS(".agenda")))
}

// shiftTabToTheTop goes from the last focusable element of the current page back to the first with Shift+Tab, and
// fails the test for every stop where more than half of the focused element is hidden (outside the window or under
// a fixed or sticky element).
func shiftTabToTheTop(t *testing.T, ctx context.Context, path string) {
	t.Helper()
	// Start after the last element of the page, as a person who scrolled down and goes back up.
	browser.Eval[bool](t, ctx, `(() => { const all = [...document.querySelectorAll("a[href], button, input:not([type=hidden]), select, textarea, summary")];
		window.scrollTo(0, document.documentElement.scrollHeight); all[all.length - 1].focus({preventScroll: true}); return true; })()`)
	stops, worst, worstWhat := 0, 0.0, ""
	for i := 0; i < 150; i++ {
		browser.Within(t, ctx, 5*time.Second, browser.ShiftTab())
		if browser.Eval[bool](t, ctx, `document.activeElement === document.body`) {
			break
		}
		stops++
		share, what := browser.FocusHidden(t, ctx)
		if share > worst {
			worst, worstWhat = share, what
		}
		if share > 0.5 {
			t.Errorf("%s: Shift+Tab leaves %.0f%% of the focused element hidden: %s", path, share*100, what)
		}
		if browser.Eval[bool](t, ctx, `document.activeElement.id === "snelweg" || document.activeElement.matches(".skip-link")`) {
			break
		}
	}
	t.Logf("%s: %d stops by Shift+Tab, at worst %.0f%% hidden (%s)", path, stops, worst*100, worstWhat)
	if stops < 3 {
		t.Errorf("%s: only %d stops by Shift+Tab", path, stops)
	}
}

// The roll call has sticky bars of its own (the counts on top, the save button below): on a phone, Shift+Tab
// through it keeps every choice in view, and zoomed to 400% no control stays covered.
func TestBrowserRollCallFocusAndZoom(t *testing.T) {
	ctx := browser.New(t)
	w, session, _ := rollCallWorld(t)
	signInAsCoordinator(t, ctx, w)
	path := "/beheer/sessies/" + itoa(session) + "/aanwezigheid"
	browser.Within(t, ctx, 10*time.Second, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateTouch))
	browser.Within(t, ctx, 30*time.Second, chromedp.Navigate(w.srv.URL+path), chromedp.WaitVisible(chromedp.CSS(".mark-row")))
	shiftTabToTheTop(t, ctx, path)
	browser.Within(t, ctx, 10*time.Second, chromedp.EmulateViewport(320, 256))
	browser.Within(t, ctx, 30*time.Second, chromedp.Navigate(w.srv.URL+path), chromedp.WaitVisible(chromedp.CSS(".mark-row")))
	for _, c := range browser.CoveredControls(t, ctx) {
		t.Errorf("roll call at 400%%: covered: %s", c)
	}
}
