package browser

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

var (
	axeOnce   sync.Once
	axeSource string
	axeErr    error
)

// loadAxe reads axe-core from tools/axe (installed with npm ci, see README).
func loadAxe() (string, error) {
	axeOnce.Do(func() {
		dir, err := os.Getwd()
		if err != nil {
			axeErr = err
			return
		}
		for {
			p := filepath.Join(dir, "tools", "axe", "node_modules", "axe-core", "axe.min.js")
			if b, err := os.ReadFile(p); err == nil {
				axeSource = string(b)
				return
			}
			parent := filepath.Dir(dir)
			if parent == dir {
				axeErr = fmt.Errorf("axe-core not installed: run npm ci --prefix tools/axe")
				return
			}
			dir = parent
		}
	})
	return axeSource, axeErr
}

// Violation is one axe-core rule a page breaks.
type Violation struct {
	ID      string `json:"id"`
	Impact  string `json:"impact"`
	Help    string `json:"help"`
	HelpURL string `json:"helpUrl"`
	Nodes   []struct {
		Target []any  `json:"target"`
		HTML   string `json:"html"`
	} `json:"nodes"`
}

// Axe runs axe-core on the current page against WCAG 2.2 A and AA and fails the test for every violation.
// Without axe-core installed the check is skipped, unless REQUIRE_BROWSER=1.
func Axe(t testing.TB, ctx context.Context, name string) {
	t.Helper()
	for _, v := range AxeViolations(t, ctx) {
		var where []string
		for _, n := range v.Nodes {
			where = append(where, fmt.Sprint(n.Target)+" "+strings.TrimSpace(n.HTML))
		}
		t.Errorf("%s: accessibility (%s, %s): %s\n  %s", name, v.ID, v.Impact, v.Help, strings.Join(where, "\n  "))
	}
}

// AxeViolations runs axe-core on the current page and returns what it finds.
func AxeViolations(t testing.TB, ctx context.Context) []Violation {
	t.Helper()
	src, err := loadAxe()
	if err != nil {
		if os.Getenv("REQUIRE_BROWSER") == "1" {
			t.Fatalf("browser: %v", err)
		}
		t.Logf("browser: accessibility check skipped: %v", err)
		return nil
	}
	tctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	if _, err := chromedp.Run(tctx, chromedp.Evaluate[chromedp.Void](src)); err != nil {
		t.Fatalf("browser: loading axe-core: %v", err)
	}
	raw, err := chromedp.Run(tctx, chromedp.Evaluate[string](`axe.run(document, {
			runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]},
			resultTypes: ["violations"]
		}).then(r => JSON.stringify(r.violations))`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("browser: running axe-core: %v", err)
	}
	var violations []Violation
	if err := json.Unmarshal([]byte(raw), &violations); err != nil {
		t.Fatalf("browser: axe-core result: %v", err)
	}
	return violations
}
