package browser

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/chromedp/cdproto/accessibility"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/chromedp"
)

// AXNode is one node of the page's accessibility tree as Chromium gives it to a screen reader: its role, its
// accessible name and description, and its states ("invalid", "required", "checked", ...) as text.
type AXNode struct {
	Role, Name, Description string
	States                  map[string]string
}

// Accessibility returns the accessibility tree of the current page, in document order, without ignored nodes.
// It sees what axe cannot: the name and description a screen reader announces, and the states Chromium
// computes itself (a required radio group with nothing chosen, for example, is "invalid" from the start).
func Accessibility(t testing.TB, ctx context.Context) []AXNode {
	t.Helper()
	tctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	var out []AXNode
	err := chromedp.Do(tctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		r, err := cdp.Call(ctx, tg, accessibility.GetFullAXTree, accessibility.GetFullAXTreeParams{})
		if err != nil {
			return err
		}
		for _, n := range r.Nodes {
			if n.Ignored {
				continue
			}
			node := AXNode{Role: axText(n.Role), Name: axText(n.Name), Description: axText(n.Description), States: map[string]string{}}
			for _, p := range n.Properties {
				node.States[string(p.Name)] = axText(p.Value)
			}
			out = append(out, node)
		}
		return nil
	}))
	if err != nil {
		t.Fatalf("browser: reading the accessibility tree: %v", err)
	}
	return out
}

// axText reads an accessibility value as text: strings without their JSON quotes, other values as JSON.
func axText(v *accessibility.Value) string {
	if v == nil {
		return ""
	}
	var s string
	if json.Unmarshal(v.Value, &s) == nil {
		return s
	}
	return string(v.Value)
}
