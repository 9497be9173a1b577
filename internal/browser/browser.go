// Package browser drives Debian's headless Chromium for tests (chromedp). Tests skip when Chromium is not
// installed, unless REQUIRE_BROWSER=1 (set by CI), where its absence fails them.
package browser

import (
	"context"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
)

// Phone and Desktop are the window sizes the tests use.
const (
	PhoneWidth, PhoneHeight     = 375, 740
	DesktopWidth, DesktopHeight = 1280, 900
)

func findChromium() string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// New starts a headless Chromium for the test and returns a tab context, sized as a phone. The browser stops
// when the test ends.
func New(t testing.TB) context.Context {
	t.Helper()
	path := findChromium()
	if path == "" {
		if os.Getenv("REQUIRE_BROWSER") == "1" {
			t.Fatal("browser: Chromium is required (REQUIRE_BROWSER=1) but not installed: apt-get install chromium")
		}
		t.Skip("browser: Chromium is not installed (apt-get install chromium)")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(allocCtx)
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(PhoneWidth, PhoneHeight, chromedp.EmulateMobile)); err != nil {
		cancel()
		cancelAlloc()
		t.Fatalf("browser: unable to start Chromium: %v", err)
	}
	t.Cleanup(func() { cancel(); cancelAlloc() })
	return ctx
}

// Within runs steps with a time limit, failing the test on error.
func Within(t testing.TB, ctx context.Context, d time.Duration, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	tctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	if err := chromedp.Do(tctx, steps...); err != nil {
		t.Fatalf("browser: %v", err)
	}
}

// Eval evaluates a JavaScript expression in the page and returns its value.
func Eval[T any](t testing.TB, ctx context.Context, expr string) T {
	t.Helper()
	tctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	v, err := chromedp.Run(tctx, chromedp.Evaluate[T](expr))
	if err != nil {
		t.Fatalf("browser: evaluating %s: %v", expr, err)
	}
	return v
}

// WaitLocation waits up to d for the page's address to become want. Reading the address while the page is
// navigating away can fail ("target navigated or closed"); that is the very moment being waited for, so such
// reads are tried again rather than failing the test. It fails the test when d passes first.
func WaitLocation(t testing.TB, ctx context.Context, want string, d time.Duration) {
	t.Helper()
	deadline := time.Now().Add(d)
	var last string
	var lastErr error
	for time.Now().Before(deadline) {
		tctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		last, lastErr = chromedp.Run(tctx, chromedp.Evaluate[string](`location.href`))
		cancel()
		if lastErr == nil && last == want {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("browser: the page is at %q (last error: %v), want %q", last, lastErr, want)
}

// PressKey sends one key (for example "Tab", "Shift" or "Enter") down and up, as a person would.
func PressKey(key, code string, keyCode int64) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		for _, typ := range []input.DispatchKeyEventType{input.DispatchKeyEventTypeRawKeyDown, input.DispatchKeyEventTypeKeyUp} {
			if _, err := cdp.Call(ctx, t, input.DispatchKeyEvent, input.DispatchKeyEventParams{
				Type: typ, Key: key, Code: code, WindowsVirtualKeyCode: keyCode, NativeVirtualKeyCode: keyCode,
			}); err != nil {
				return err
			}
		}
		return nil
	})
}

// Tab moves the keyboard focus one step forward.
func Tab() chromedp.Action[chromedp.Void] { return PressKey("Tab", "Tab", 9) }

// Shift presses and releases the Shift key alone.
func Shift() chromedp.Action[chromedp.Void] { return PressKey("Shift", "ShiftLeft", 16) }

// Screenshot saves a full-page PNG of the current page to path.
func Screenshot(t testing.TB, ctx context.Context, path string) {
	t.Helper()
	tctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	png, err := chromedp.Run(tctx, chromedp.FullScreenshot(90))
	if err != nil {
		t.Fatalf("browser: screenshot: %v", err)
	}
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
}
