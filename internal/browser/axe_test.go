package browser_test

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"portal/internal/browser"
)

// TestAxeFindsWhatIsWrong makes sure the accessibility check is not silently passing: a page with known faults
// must be reported.
func TestAxeFindsWhatIsWrong(t *testing.T) {
	ctx := browser.New(t)
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, err := w.Write([]byte(`<!doctype html><html><head><title>x</title></head><body><main><h1>Broken</h1>
			<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw="><input type="text" name="q">
			<p style="color:#ccc;background:#fff">grey on white</p></main></body></html>`)); err != nil {
			t.Error(err)
		}
	}))
	defer ts.Close()
	browser.Within(t, ctx, 20*time.Second, chromedp.Navigate(ts.URL), chromedp.WaitVisible(chromedp.CSS("h1")))
	found := map[string]bool{}
	for _, v := range browser.AxeViolations(t, ctx) {
		found[v.ID] = true
	}
	for _, want := range []string{"image-alt", "label", "color-contrast", "html-has-lang"} {
		if !found[want] {
			t.Errorf("axe did not report %s (found %v)", want, found)
		}
	}
}
