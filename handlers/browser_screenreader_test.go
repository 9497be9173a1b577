package handlers_test

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"portal/app/locale"
	"portal/internal/browser"
	"portal/internal/testserver"
)

// TestBrowserScreenReaderHearsHintsAndNoFalseErrors reads the accessibility tree Chromium hands a screen reader,
// which axe does not judge: on the survivor request form the calendar checkbox carries its safety hint as its
// description, and before anything was sent no field of the form is announced as invalid.
func TestBrowserScreenReaderHearsHintsAndNoFalseErrors(t *testing.T) {
	ctx := browser.New(t)
	srv := testserver.Start(t, testserver.Options{Seed: true})
	browser.Within(t, ctx, 30*time.Second,
		chromedp.Navigate(srv.URL+"/aanbod/lotgenotengroepen/aanvragen"),
		chromedp.WaitVisible(chromedp.ID("f-alias")))
	var calendar *browser.AXNode
	for _, n := range browser.Accessibility(t, ctx) {
		if n.States["invalid"] == "true" {
			t.Errorf("%s %q is announced as invalid before anything was sent", n.Role, n.Name)
		}
		if n.Role == "checkbox" && n.Name == "Stuur me afspraken als agenda-item" {
			calendar = &n
		}
	}
	if calendar == nil {
		t.Fatal("no calendar checkbox in the accessibility tree")
	}
	if !strings.Contains(calendar.Description, "Met een neutrale titel, zonder adres.") {
		t.Errorf("the calendar checkbox is described as %q: its safety hint is not tied to it", calendar.Description)
	}
}

// TestBrowserScreenReaderWalkInSection: on the roll call of a family group, the walk-in section is named by its
// heading alone (not by all its text), and its adult-or-child radios are not invalid before a submit.
func TestBrowserScreenReaderWalkInSection(t *testing.T) {
	ctx := browser.New(t)
	w, session, _ := rollCallWorld(t)
	w.srv.DB.MustExec(`UPDATE groups SET child_capacity = 4 WHERE id = $1`, w.own)
	signInInBrowser(t, ctx, w, w.facEmail, w.fac)
	browser.Within(t, ctx, 30*time.Second,
		chromedp.Navigate(w.srv.URL+"/beheer/sessies/"+itoa(session)+"/aanwezigheid"),
		chromedp.WaitVisible(chromedp.ID("f-role")))
	var region, radios int
	for _, n := range browser.Accessibility(t, ctx) {
		if n.Role == "region" && strings.Contains(n.Name, "Iemand zonder inschrijving") {
			region++
			if n.Name != "Iemand zonder inschrijving" {
				t.Errorf("the walk-in section is named %q, want its heading alone", n.Name)
			}
		}
		if n.Role == "radio" && (n.Name == "Volwassene" || n.Name == "Kind") {
			radios++
			if n.States["invalid"] == "true" {
				t.Errorf("walk-in radio %q is announced as invalid before anything was sent", n.Name)
			}
		}
		if n.Role == "radiogroup" && n.Name == "Volwassene of kind?" && n.States["required"] != "true" {
			t.Errorf("the walk-in role group is not announced as required: %v", n.States)
		}
	}
	if region != 1 || radios != 2 {
		t.Errorf("%d walk-in regions and %d role radios in the accessibility tree, want 1 and 2", region, radios)
	}
}

// TestBrowserScreenReaderHearsTheHintsOfFieldGroups: on the family form the groups "Hoe mogen we je contacteren?"
// and "Kinderen" carry the hint under their legend as their description.
func TestBrowserScreenReaderHearsTheHintsOfFieldGroups(t *testing.T) {
	ctx := browser.New(t)
	srv := testserver.Start(t, testserver.Options{Seed: true})
	cat, err := locale.Load()
	if err != nil {
		t.Fatal(err)
	}
	browser.Within(t, ctx, 30*time.Second,
		chromedp.Navigate(srv.URL+"/aanbod/blaffen-of-schuilen/aanvragen"),
		chromedp.WaitVisible(chromedp.ID("f-parent")))
	want := map[string]string{cat.T("nl", "contact.legend"): cat.T("nl", "contact.intro"),
		cat.T("nl", "household.children"): cat.T("nl", "household.children.hint")}
	for _, n := range browser.Accessibility(t, ctx) {
		hint, ok := want[n.Name]
		if !ok || n.Role != "group" {
			continue
		}
		delete(want, n.Name)
		if !strings.Contains(n.Description, hint) {
			t.Errorf("the group %q is described as %q: its hint is not tied to it", n.Name, n.Description)
		}
	}
	for name := range want {
		t.Errorf("no group %q in the accessibility tree", name)
	}
}
