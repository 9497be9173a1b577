package views

import (
	"bytes"
	"strings"
	"testing"

	"portal/app/locale"
)

func TestChartPartialIsAnAccessibleImageWithoutInlineStyle(t *testing.T) {
	cat, err := locale.Load()
	if err != nil {
		t.Fatal(err)
	}
	r, err := New(cat)
	if err != nil {
		t.Fatal(err)
	}
	if !r.Has("staff_figures") || !r.Has("attest") || !r.Has("staff_attendance_sheet") || !r.Has("staff_attests") {
		t.Fatal("a page of the figures is missing")
	}
	chart := HorizontalBars("x", `Titel <script>`, []ChartItem{{Label: "<b>Lier</b>", Value: 3}})
	var buf bytes.Buffer
	page, err := r.page("nl", "staff_figures")
	if err != nil {
		t.Fatal(err)
	}
	if err := page.ExecuteTemplate(&buf, "chart", chart); err != nil {
		t.Fatal(err)
	}
	svg := buf.String()
	// The table next to the chart holds its numbers: the SVG is hidden from screen readers, so they read them once.
	for _, want := range []string{`aria-hidden="true"`, `<title id="x-t">Titel &lt;script&gt;</title>`,
		`&lt;b&gt;Lier&lt;/b&gt;`, `class="bar"`} {
		if !strings.Contains(svg, want) {
			t.Errorf("chart lacks %q:\n%s", want, svg)
		}
	}
	for _, never := range []string{`role="img"`, "<desc", "aria-label"} {
		if strings.Contains(svg, never) {
			t.Errorf("chart has %q: it would be read besides its table", never)
		}
	}
	if strings.Contains(svg, "style") {
		t.Error("the chart has a style attribute")
	}
}
