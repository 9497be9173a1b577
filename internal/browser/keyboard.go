package browser

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// Keyboard drives a page with the keyboard alone, as a person who cannot use a mouse would.
type Keyboard struct {
	t   testing.TB
	ctx context.Context
	// Tabs counts the Tab presses so far: a measure of how far things are.
	Tabs int
}

// NewKeyboard starts a keyboard session on the current page.
func NewKeyboard(t testing.TB, ctx context.Context) *Keyboard { return &Keyboard{t: t, ctx: ctx} }

// TabTo presses Tab until the element matching the CSS selector has the focus, failing after max presses.
// Every element it passes must show where the focus is (a visible focus style).
func (k *Keyboard) TabTo(selector string, max int) {
	k.t.Helper()
	for i := 0; i < max; i++ {
		Within(k.t, k.ctx, 5*time.Second, Tab())
		k.Tabs++
		if Eval[bool](k.t, k.ctx, `document.activeElement && document.activeElement.matches(`+quote(selector)+`)`) {
			k.checkFocusVisible()
			return
		}
	}
	k.t.Fatalf("keyboard: %s not reached in %d presses of Tab (focus on %s)", selector, max,
		Eval[string](k.t, k.ctx, `document.activeElement ? document.activeElement.outerHTML.slice(0, 120) : "nothing"`))
}

// checkFocusVisible fails when the focused element has neither an outline nor a box shadow.
func (k *Keyboard) checkFocusVisible() {
	k.t.Helper()
	style := Eval[string](k.t, k.ctx, `(() => { const e = document.activeElement;
		const target = (e.type === "radio" || e.type === "checkbox") && e.nextElementSibling && e.closest(".seg") ? e.nextElementSibling : e;
		const s = getComputedStyle(target); return s.outlineStyle + "|" + s.boxShadow; })()`)
	if strings.HasPrefix(style, "none|none") {
		k.t.Errorf("keyboard: the focus is not visible on %s", Eval[string](k.t, k.ctx, `document.activeElement.outerHTML.slice(0, 120)`))
	}
}

// Type types text into the focused element, key by key.
func (k *Keyboard) Type(text string) {
	k.t.Helper()
	Within(k.t, k.ctx, 10*time.Second, chromedp.KeyEvent(text))
}

// Press sends one named key: "Space", "Enter", "ArrowDown", "ArrowRight"...
func (k *Keyboard) Press(key string) {
	k.t.Helper()
	codes := map[string][2]any{
		"Space": {" ", int64(32)}, "Enter": {"\r", int64(13)}, "ArrowDown": {"ArrowDown", int64(40)},
		"ArrowUp": {"ArrowUp", int64(38)}, "ArrowRight": {"ArrowRight", int64(39)}, "ArrowLeft": {"ArrowLeft", int64(37)},
	}
	c, ok := codes[key]
	if !ok {
		k.t.Fatalf("keyboard: unknown key %s", key)
	}
	if key == "Space" || key == "Enter" {
		Within(k.t, k.ctx, 10*time.Second, chromedp.KeyEvent(c[0].(string)))
		return
	}
	Within(k.t, k.ctx, 10*time.Second, PressKey(key, key, c[1].(int64)))
}

// Fill tabs to a field and types into it.
func (k *Keyboard) Fill(selector, text string) {
	k.t.Helper()
	k.TabTo(selector, 60)
	k.Type(text)
}

func quote(s string) string { return "'" + strings.ReplaceAll(s, "'", `\'`) + "'" }
