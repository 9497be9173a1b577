package handlers_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"portal/internal/browser"
	"portal/internal/testserver"
)

// neutralSite stands in for the weather site the quick exit leaves for.
func neutralSite(t *testing.T) string {
	t.Helper()
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, err := w.Write([]byte("<!doctype html><title>Weer</title><p>Het weer van vandaag")); err != nil {
			t.Error(err)
		}
	}))
	t.Cleanup(ts.Close)
	return ts.URL + "/weer"
}

func TestBrowserSmokeHomeAndOfferingOnAPhone(t *testing.T) {
	ctx := browser.New(t)
	srv := testserver.Start(t, testserver.Options{Seed: true})

	browser.Within(t, ctx, 30*time.Second, chromedp.Navigate(srv.URL+"/"), chromedp.WaitVisible(chromedp.CSS("h1")))
	h1 := browser.Eval[string](t, ctx, `document.querySelector("h1").innerText`)
	if h1 != "Samen tegen geweld in het gezin" {
		t.Errorf("h1 = %q", h1)
	}
	exit := browser.Eval[string](t, ctx, `document.getElementById("snelweg").innerText`)
	if !strings.HasPrefix(exit, "Snel weg") {
		t.Errorf("quick exit reads %q", exit)
	}
	// Nothing sticks out sideways on a phone.
	if w := browser.Eval[int](t, ctx, `document.documentElement.scrollWidth`); w > browser.PhoneWidth {
		t.Errorf("page is %d px wide on a %d px phone", w, browser.PhoneWidth)
	}

	browser.Within(t, ctx, 30*time.Second, chromedp.Click(chromedp.CSS(`a[href="/aanbod/lotgenotengroepen"]`)),
		chromedp.WaitVisible(chromedp.CSS("#groups")))
	text := browser.Eval[string](t, ctx, `document.body.innerText`)
	for _, want := range []string{"Lotgenotengroepen", "Vrouwengroep Mechelen", "Moedige Moeders", "Een aanvraag doen",
		"De juiste plaats hoor je na het kennismakingsgesprek."} {
		if !strings.Contains(text, want) {
			t.Errorf("offering page lacks %q", want)
		}
	}
	// The first Tab lands on the quick exit.
	browser.Within(t, ctx, 10*time.Second, browser.Tab())
	if id := browser.Eval[string](t, ctx, `document.activeElement.id`); id != "snelweg" {
		t.Errorf("first Tab focuses %q, want the quick exit", id)
	}
}

func TestQuickExitByClickAndByShiftThreeTimes(t *testing.T) {
	ctx := browser.New(t)
	neutral := neutralSite(t)
	srv := testserver.Start(t, testserver.Options{Seed: true, QuickExitURL: neutral})

	browser.Within(t, ctx, 30*time.Second, chromedp.Navigate(srv.URL+"/aanbod/rotonde"), chromedp.WaitVisible(chromedp.ID("snelweg")))
	browser.Within(t, ctx, 30*time.Second, chromedp.Click(chromedp.ID("snelweg")), chromedp.WaitVisible(chromedp.CSS("p")))
	browser.WaitLocation(t, ctx, neutral, 10*time.Second)
	// location.replace leaves no entry behind: the page before the portal page is what "back" shows.
	if n := browser.Eval[int](t, ctx, `history.length`); n > 2 {
		t.Errorf("history holds %d entries after the quick exit", n)
	}

	browser.Within(t, ctx, 30*time.Second, chromedp.Navigate(srv.URL+"/aanbod/lotgenotengroepen"), chromedp.WaitVisible(chromedp.ID("snelweg")),
		browser.Shift(), browser.Shift(), browser.Shift())
	browser.WaitLocation(t, ctx, neutral, 10*time.Second)
}
