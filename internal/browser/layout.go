package browser

import (
	"context"
	"encoding/json"
	"os"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// ShiftTab moves the keyboard focus one step back. Only the Tab key is sent, with the Shift modifier held: a
// Shift key press of its own would count towards the quick exit's three presses.
func ShiftTab() chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		for _, typ := range []input.DispatchKeyEventType{input.DispatchKeyEventTypeRawKeyDown, input.DispatchKeyEventTypeKeyUp} {
			if _, err := cdp.Call(ctx, t, input.DispatchKeyEvent, input.DispatchKeyEventParams{
				Type: typ, Key: "Tab", Code: "Tab", WindowsVirtualKeyCode: 9, NativeVirtualKeyCode: 9, Modifiers: 8,
			}); err != nil {
				return err
			}
		}
		return nil
	})
}

// TextSize sets the browser's default font size in CSS pixels (16 is the normal size, 32 is "200% text"), as a
// person does in the browser's settings: it scales rem and em, media queries written in rem included.
func TextSize(px int64) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, page.SetFontSizes, page.SetFontSizesParams{FontSizes: &page.FontSizes{Standard: px, Fixed: px * 13 / 16}})
		return err
	})
}

// Media emulates CSS media features, for example {"forced-colors": "active", "prefers-color-scheme": "dark"};
// an empty map ends the emulation.
func Media(features map[string]string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		var list []*emulation.MediaFeature
		for name, value := range features {
			list = append(list, &emulation.MediaFeature{Name: name, Value: value})
		}
		_, err := cdp.Call(ctx, t, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Features: list})
		return err
	})
}

// hiddenShare is a JavaScript function (element) → share of the element's box, 0 to 1, that a person cannot see:
// outside the window, or under an element that stays put while the page scrolls (position fixed or sticky) and is
// neither the element, nor inside it, nor around it. It samples a 7×7 grid of points of the box. For a
// roll-call choice (a hidden radio) the visible box next to it is measured.
const hiddenShare = `(e) => {
	if (e.matches(".seg input") && e.nextElementSibling) { e = e.nextElementSibling; }
	const r = e.getBoundingClientRect();
	if (r.width === 0 || r.height === 0) { return 0; }
	const bars = [...document.querySelectorAll("body *")].filter(b => {
		const p = getComputedStyle(b).position;
		return (p === "fixed" || p === "sticky") && b !== e && !b.contains(e) && !e.contains(b) && b.getClientRects().length > 0;
	}).map(b => b.getBoundingClientRect());
	let hidden = 0, all = 0;
	for (let i = 0; i < 7; i++) {
		for (let j = 0; j < 7; j++) {
			const x = r.left + (i + 0.5) * r.width / 7, y = r.top + (j + 0.5) * r.height / 7;
			all++;
			if (x < 0 || y < 0 || x > innerWidth || y > innerHeight || bars.some(b => x >= b.left && x <= b.right && y >= b.top && y <= b.bottom)) {
				hidden++;
			}
		}
	}
	return hidden / all;
}`

// FocusHidden returns the share (0 to 1) of the focused element that lies outside the window or under a fixed or
// sticky element, and the start of the element's HTML to name it. It returns 0 when nothing has the focus.
func FocusHidden(t testing.TB, ctx context.Context) (float64, string) {
	t.Helper()
	var v struct {
		Share float64
		What  string
	}
	js := Eval[string](t, ctx, `(() => { const e = document.activeElement;
		if (!e || e === document.body) { return JSON.stringify({Share: 0, What: ""}); }
		return JSON.stringify({Share: (`+hiddenShare+`)(e), What: e.outerHTML.slice(0, 100)}); })()`)
	if err := json.Unmarshal([]byte(js), &v); err != nil {
		t.Fatal(err)
	}
	return v.Share, v.What
}

// ElementHidden is FocusHidden for the element with the given id, without moving the focus.
func ElementHidden(t testing.TB, ctx context.Context, id string) float64 {
	t.Helper()
	return Eval[float64](t, ctx, `(() => { const e = document.getElementById(`+quote(id)+`); return e ? (`+hiddenShare+`)(e) : 1; })()`)
}

// QueryHidden is ElementHidden for the first element the CSS selector finds; it returns -1 when none is found.
func QueryHidden(t testing.TB, ctx context.Context, selector string) float64 {
	t.Helper()
	return Eval[float64](t, ctx, `(() => { const e = document.querySelector(`+quote(selector)+`); return e ? (`+hiddenShare+`)(e) : -1; })()`)
}

// CoveredControls scrolls every visible control of the page (links, buttons, fields, summaries) to the middle of
// the window, one after the other, and returns those a fixed or sticky element still covers, even in part. A
// control the window cannot bring to its middle (near the top or bottom of the page) is measured where the page
// lets it be.
func CoveredControls(t testing.TB, ctx context.Context) []string {
	t.Helper()
	js := Eval[string](t, ctx, `(() => { const out = [];
		const share = `+hiddenShare+`;
		for (const e of document.querySelectorAll("a[href], button, input, select, textarea, summary")) {
			const target = e.matches(".seg input") ? e.nextElementSibling : e;
			if (!target || !target.checkVisibility({visibilityProperty: true})) { continue; } // in a closed <details>, or hidden
			if (e.matches(".skip-link")) { continue; } // off screen until it has the focus
			if (e.type === "hidden") { continue; }
			target.scrollIntoView({block: "center", inline: "nearest"});
			const r = target.getBoundingClientRect();
			if (r.width < 2 || r.height < 2) { continue; }
			const s = share(e);
			if (s > 0) { out.push(Math.round(s * 100) + "% " + e.outerHTML.slice(0, 90)); }
		}
		window.scrollTo(0, 0);
		return JSON.stringify(out); })()`)
	var out []string
	if err := json.Unmarshal([]byte(js), &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// ScreenshotPNG saves a full-page PNG of the current page to path (lossless, for looking at colours).
func ScreenshotPNG(t testing.TB, ctx context.Context, path string) {
	t.Helper()
	tctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	png, err := chromedp.Run(tctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("browser: screenshot: %v", err)
	}
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
}
