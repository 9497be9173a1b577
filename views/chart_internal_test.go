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
	chart := HorizontalBars("x", `Titel <script>`, `Uitleg & "meer"`, []ChartItem{{Label: "<b>Lier</b>", Value: 3}})
	var buf bytes.Buffer
	page, err := r.page("nl", "staff_figures")
	if err != nil {
		t.Fatal(err)
	}
	if err := page.ExecuteTemplate(&buf, "chart", chart); err != nil {
		t.Fatal(err)
	}
	svg := buf.String()
	for _, want := range []string{`role="img"`, `aria-labelledby="x-t x-d"`, `<title id="x-t">Titel &lt;script&gt;</title>`,
		`<desc id="x-d">Uitleg &amp; &#34;meer&#34;</desc>`, `&lt;b&gt;Lier&lt;/b&gt;`, `class="bar"`} {
		if !strings.Contains(svg, want) {
			t.Errorf("chart lacks %q:\n%s", want, svg)
		}
	}
	if strings.Contains(svg, "style") {
		t.Error("the chart has a style attribute")
	}
}
