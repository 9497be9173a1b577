// Package export writes tables as a workbook (XLSX) or a CSV file: the staff exports of the yearly figures and
// the attendance lists. It knows nothing of the portal's data: the app lays out the tables, this package only
// writes them, safely (text stays text, never a formula).
package export

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// Table is one table of an export: a sheet of a workbook, a part of a CSV file.
type Table struct {
	// Name names the sheet (at most 31 characters, none of []:*?/\).
	Name string
	// Columns are the headers, in the reader's language.
	Columns []string
	// Keys is how many leading columns name a row; the others hold its numbers.
	Keys int
	// Rows hold strings, ints and Percents.
	Rows [][]any
}

// Percent is a ratio written as a percentage: 0.87 is 87 %.
type Percent float64

// WriteXLSX writes tables as a workbook, one sheet per table: a bold header row that stays in view, numbers as
// numbers (percentages formatted as such) and text always as text, never as a formula.
func WriteXLSX(w io.Writer, tables []Table) error {
	x := excelize.NewFile()
	defer x.Close()
	bold, err := x.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return fmt.Errorf("xlsx: %w", err)
	}
	percent, err := x.NewStyle(&excelize.Style{NumFmt: 9}) // 0%
	if err != nil {
		return fmt.Errorf("xlsx: %w", err)
	}
	for i, t := range tables {
		name := t.Name
		if i == 0 {
			if err := x.SetSheetName("Sheet1", name); err != nil {
				return fmt.Errorf("xlsx: %w", err)
			}
		} else if _, err := x.NewSheet(name); err != nil {
			return fmt.Errorf("xlsx: %w", err)
		}
		sw, err := x.NewStreamWriter(name)
		if err != nil {
			return fmt.Errorf("xlsx: %w", err)
		}
		widths := make([]int, len(t.Columns))
		header := make([]any, len(t.Columns))
		for c, h := range t.Columns {
			header[c] = excelize.Cell{StyleID: bold, Value: h}
			widths[c] = len([]rune(h))
		}
		for _, row := range t.Rows {
			for c, v := range row {
				if c < len(widths) {
					widths[c] = max(widths[c], len([]rune(fmt.Sprint(v))))
				}
			}
		}
		for c, wd := range widths {
			if err := sw.SetColWidth(c+1, c+1, float64(min(max(wd+2, 8), 60))); err != nil {
				return fmt.Errorf("xlsx: %w", err)
			}
		}
		if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
			return fmt.Errorf("xlsx: %w", err)
		}
		if err := sw.SetRow("A1", header); err != nil {
			return fmt.Errorf("xlsx: %w", err)
		}
		for r, row := range t.Rows {
			cells := make([]any, len(row))
			for c, v := range row {
				switch v := v.(type) {
				case Percent:
					cells[c] = excelize.Cell{StyleID: percent, Value: float64(v)}
				default:
					cells[c] = v
				}
			}
			cell, _ := excelize.CoordinatesToCellName(1, r+2)
			if err := sw.SetRow(cell, cells); err != nil {
				return fmt.Errorf("xlsx: %w", err)
			}
		}
		if err := sw.Flush(); err != nil {
			return fmt.Errorf("xlsx: %w", err)
		}
	}
	x.SetActiveSheet(0)
	if _, err := x.WriteTo(w); err != nil {
		return fmt.Errorf("xlsx: %w", err)
	}
	return nil
}

// WriteCSV writes tables as one long CSV file, one number per line: the table, what the row is about (its key
// columns joined), the column, the value; header names the four columns. Separated by semicolons and preceded
// by a byte order mark, as spreadsheets in Belgium expect. Percentages are written as whole numbers. Text that
// a spreadsheet would take for a formula (an organisation's name typed as "=..." in a public form) is
// prefixed with an apostrophe.
func WriteCSV(w io.Writer, header [4]string, tables []Table) error {
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.Comma = ';'
	if err := cw.Write(header[:]); err != nil {
		return err
	}
	for _, t := range tables {
		for _, row := range t.Rows {
			var keys []string
			for c := 0; c < t.Keys && c < len(row); c++ {
				if s := cellText(row[c]); s != "" {
					keys = append(keys, s)
				}
			}
			about := safeCSV(strings.Join(keys, " – "))
			if t.Keys >= len(row) {
				if err := cw.Write([]string{t.Name, about, "", ""}); err != nil {
					return err
				}
				continue
			}
			for c := t.Keys; c < len(row); c++ {
				value := cellText(row[c])
				if _, text := row[c].(string); text {
					value = safeCSV(value)
				}
				if err := cw.Write([]string{t.Name, about, t.Columns[c], value}); err != nil {
					return err
				}
			}
		}
	}
	cw.Flush()
	return cw.Error()
}

// cellText writes one value as the CSV shows it.
func cellText(v any) string {
	switch v := v.(type) {
	case Percent:
		return strconv.Itoa(int(float64(v)*100 + 0.5))
	case string:
		return v
	default:
		return fmt.Sprint(v)
	}
}

// safeCSV keeps a spreadsheet from running a cell as a formula.
func safeCSV(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
