package main

import (
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"
)

// row is one line of the closing table: a figure, the ceiling it is compared with, and the target.
type row struct {
	Figure  string
	Value   string
	Ceiling string
	Ratio   string
	Target  string
	// Met is "yes", "NO" or "" (no target).
	Met string
}

// ratioRow compares a rate with its ceiling against a minimum ratio (0: no target).
func ratioRow(figure string, value, ceiling float64, unit, ceilingName string, atLeast float64) row {
	r := row{Figure: figure, Value: fmt.Sprintf("%s %s", count(value), unit),
		Ceiling: fmt.Sprintf("%s (%s)", count(ceiling), ceilingName)}
	if ceiling > 0 {
		ratio := value / ceiling
		r.Ratio = fmt.Sprintf("%.2f", ratio)
		if ratio < 0.1 {
			r.Ratio = fmt.Sprintf("%.3f", ratio)
		}
		if atLeast > 0 {
			r.Target = fmt.Sprintf("≥ %.2f", atLeast)
			r.Met = verdict(ratio >= atLeast)
		}
	}
	return r
}

// limitRow compares a figure with an upper limit (0: no target).
func limitRow(figure string, value, limit float64, show func(float64) string) row {
	r := row{Figure: figure, Value: show(value)}
	if limit > 0 {
		r.Ceiling = show(limit)
		r.Ratio = fmt.Sprintf("%.2f", value/limit)
		r.Target = "≤ " + show(limit)
		r.Met = verdict(value <= limit)
	}
	return r
}

func verdict(ok bool) string {
	if ok {
		return "yes"
	}
	return "NO"
}

// count writes a rate with thousands separated: 12,345.
func count(v float64) string {
	n := int64(v + 0.5)
	s := fmt.Sprint(n)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond)) }

func msf(v float64) string { return fmt.Sprintf("%.0f ms", v) }

func mb(v float64) string { return fmt.Sprintf("%.1f MB", v/1e6) }

func kb(v float64) string { return fmt.Sprintf("%.1f KB", v/1e3) }

// printTable writes the rows as a Markdown table, so it can go into the README as it is.
func printTable(w io.Writer, rows []row) {
	head := row{"figure", "measured", "compared with", "ratio", "target", "met"}
	cells := func(r row) []string { return []string{r.Figure, r.Value, r.Ceiling, r.Ratio, r.Target, r.Met} }
	widths := make([]int, 6)
	for _, r := range append([]row{head}, rows...) {
		for i, c := range cells(r) {
			widths[i] = max(widths[i], utf8.RuneCountInString(c))
		}
	}
	line := func(cs []string) {
		var b strings.Builder
		b.WriteString("|")
		for i, c := range cs {
			b.WriteString(" " + c + strings.Repeat(" ", widths[i]-utf8.RuneCountInString(c)) + " |")
		}
		fmt.Fprintln(w, b.String())
	}
	line(cells(head))
	sep := make([]string, 6)
	for i := range sep {
		sep[i] = strings.Repeat("-", widths[i])
	}
	line(sep)
	for _, r := range rows {
		line(cells(r))
	}
}
