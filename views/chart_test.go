package views_test

import (
	"strings"
	"testing"

	"portal/views"
)

func TestChartsScaleToTheLargestValueAndKeepEveryNumber(t *testing.T) {
	items := []views.ChartItem{{Label: "Begeleide intervisie", Value: 40}, {Label: "Rotonde", Value: 10}, {Label: "Leeg", Value: 0}}
	h := views.HorizontalBars("h", "Deelnemers", items)
	if len(h.Rects) != 3 {
		t.Fatalf("%d bars", len(h.Rects))
	}
	if h.Rects[0].W <= 0 || h.Rects[0].W+40 > float64(h.Width) {
		t.Errorf("the longest bar is %.0f wide in a chart of %d: no room for its number", h.Rects[0].W, h.Width)
	}
	if got := h.Rects[1].W / h.Rects[0].W; got < 0.24 || got > 0.26 {
		t.Errorf("bars are not to scale: %.2f", got)
	}
	if h.Rects[2].W != 0 {
		t.Errorf("a zero has a bar of %.1f", h.Rects[2].W)
	}
	var values []string
	for _, tx := range h.Texts {
		if tx.Class == "value" {
			values = append(values, tx.Text)
		}
	}
	if strings.Join(values, " ") != "40 10 0" {
		t.Errorf("values %v", values)
	}
	if last := h.Rects[2]; last.Y+last.H > float64(h.Height) {
		t.Error("the last bar falls outside the chart")
	}

	months := make([]views.ChartItem, 12)
	for i := range months {
		months[i] = views.ChartItem{Label: "m", Value: i}
	}
	c := views.Columns("c", "Per maand", months)
	if len(c.Rects) != 12 || c.Rects[0].H != 0 || c.Rects[11].H <= c.Rects[10].H {
		t.Errorf("columns %+v", c.Rects)
	}
	for _, r := range c.Rects {
		if r.X < 0 || r.X+r.W > float64(c.Width) || r.Y < 0 {
			t.Errorf("a column outside the chart: %+v", r)
		}
	}
	empty := views.Columns("e", "Niets", make([]views.ChartItem, 12))
	for _, r := range empty.Rects {
		if r.H != 0 {
			t.Error("a year without attendance has bars")
		}
	}
}
