package views

import "strconv"

// Chart is a bar chart drawn on the server as inline SVG (the "chart" partial): shapes and text as attributes
// only, so the strict CSP (no inline style) holds; colours and fonts come from figures.css, so it prints. The
// SVG is hidden from assistive technology (aria-hidden): every page that draws a chart shows the same numbers
// in a table next to it, and a screen reader that met both read every number twice. The title stays as the
// tooltip a mouse user sees.
type Chart struct {
	// ID is unique in the page; the title takes it as its prefix.
	ID    string
	Title string
	// Width and Height are the viewBox; the SVG scales to the width of its column.
	Width, Height int
	Rects         []ChartRect
	Texts         []ChartText
	// Baseline is the axis the bars stand on.
	Baseline ChartLine
}

// ChartRect is one bar.
type ChartRect struct {
	X, Y, W, H float64
}

// ChartText is a label or a value.
type ChartText struct {
	X, Y float64
	// Anchor is "start", "middle" or "end".
	Anchor string
	// Class is "label" or "value".
	Class string
	Text  string
}

// ChartLine is a straight line.
type ChartLine struct {
	X1, Y1, X2, Y2 float64
}

// ChartItem is one bar's label and value.
type ChartItem struct {
	Label string
	Value int
}

// chartWidth suits a phone: on a wider screen the SVG grows (to the limit figures.css sets), and its text with it.
const chartWidth = 360

// HorizontalBars draws one bar per item, its label above it and its value at its end: room for long labels
// (the names of offerings) on a phone.
func HorizontalBars(id, title string, items []ChartItem) Chart {
	const row, bar, top = 44.0, 17.0, 4.0
	c := Chart{ID: id, Title: title, Width: chartWidth, Height: int(top + row*float64(len(items)) + 4)}
	most := 0
	for _, it := range items {
		most = max(most, it.Value)
	}
	room := float64(chartWidth) - 48 // keep space for the value after the longest bar
	for i, it := range items {
		y := top + row*float64(i)
		c.Texts = append(c.Texts, ChartText{X: 0, Y: y + 14, Anchor: "start", Class: "label", Text: it.Label})
		w := 0.0
		if most > 0 {
			w = room * float64(it.Value) / float64(most)
		}
		if it.Value > 0 {
			w = max(w, 2)
		}
		c.Rects = append(c.Rects, ChartRect{X: 0, Y: y + 20, W: w, H: bar})
		c.Texts = append(c.Texts, ChartText{X: w + 6, Y: y + 20 + bar - 3, Anchor: "start", Class: "value",
			Text: strconv.Itoa(it.Value)})
	}
	c.Baseline = ChartLine{X1: 0.5, Y1: top + 18, X2: 0.5, Y2: float64(c.Height) - 2}
	return c
}

// Columns draws a bar standing up per item (the months of a year), labels below, values on top.
func Columns(id, title string, items []ChartItem) Chart {
	const top, plot, below = 18.0, 70.0, 20.0
	c := Chart{ID: id, Title: title, Width: chartWidth, Height: int(top + plot + below)}
	most := 0
	for _, it := range items {
		most = max(most, it.Value)
	}
	slot := float64(chartWidth) / float64(max(len(items), 1))
	base := top + plot
	for i, it := range items {
		x := slot * float64(i)
		h := 0.0
		if most > 0 {
			h = plot * float64(it.Value) / float64(most)
		}
		if it.Value > 0 {
			h = max(h, 2)
		}
		c.Rects = append(c.Rects, ChartRect{X: x + slot*0.15, Y: base - h, W: slot * 0.7, H: h})
		if it.Value > 0 {
			c.Texts = append(c.Texts, ChartText{X: x + slot/2, Y: base - h - 4, Anchor: "middle", Class: "value",
				Text: strconv.Itoa(it.Value)})
		}
		c.Texts = append(c.Texts, ChartText{X: x + slot/2, Y: base + 16, Anchor: "middle", Class: "label", Text: it.Label})
	}
	c.Baseline = ChartLine{X1: 0, Y1: base + 0.5, X2: chartWidth, Y2: base + 0.5}
	return c
}
