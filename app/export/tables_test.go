package export_test

import (
	"bytes"
	"testing"

	"github.com/xuri/excelize/v2"

	"portal/app/export"
)

func TestExportsKeepTextAsText(t *testing.T) {
	hostile := "=HYPERLINK(\"http://example.com\",\"klik\")"
	tables := []export.Table{{Name: "Waakvlam", Keys: 1, Columns: []string{"Organisatie", "Aantal", "Graad"},
		Rows: [][]any{{hostile, 3, export.Percent(0.875)}, {"+32 470", -1, export.Percent(0)}}}}

	var csv bytes.Buffer
	if err := export.WriteCSV(&csv, [4]string{"Onderwerp", "Onderdeel", "Kenmerk", "Waarde"}, tables); err != nil {
		t.Fatal(err)
	}
	want := "\ufeffOnderwerp;Onderdeel;Kenmerk;Waarde\n" +
		"Waakvlam;\"'=HYPERLINK(\"\"http://example.com\"\",\"\"klik\"\")\";Aantal;3\n" +
		"Waakvlam;\"'=HYPERLINK(\"\"http://example.com\"\",\"\"klik\"\")\";Graad;88\n" +
		"Waakvlam;'+32 470;Aantal;-1\n" +
		"Waakvlam;'+32 470;Graad;0\n"
	if csv.String() != want {
		t.Errorf("CSV:\n%s\nwant:\n%s", csv.String(), want)
	}

	var xlsx bytes.Buffer
	if err := export.WriteXLSX(&xlsx, tables); err != nil {
		t.Fatal(err)
	}
	x, err := excelize.OpenReader(&xlsx)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	if f, err := x.GetCellFormula("Waakvlam", "A2"); err != nil {
		t.Fatal(err)
	} else if f != "" {
		t.Errorf("a name became the formula %q", f)
	}
	if v, err := x.GetCellValue("Waakvlam", "A2"); err != nil {
		t.Fatal(err)
	} else if v != hostile {
		t.Errorf("A2 = %q", v)
	}
	if v, err := x.GetCellValue("Waakvlam", "C2"); err != nil {
		t.Fatal(err)
	} else if v != "88%" {
		t.Errorf("a percentage reads %q", v)
	}
	if v, err := x.GetCellValue("Waakvlam", "B2", excelize.Options{RawCellValue: true}); err != nil {
		t.Fatal(err)
	} else if v != "3" {
		t.Errorf("a number reads %q", v)
	}
	if typ, err := x.GetCellType("Waakvlam", "B2"); err != nil {
		t.Fatal(err)
	} else if typ == excelize.CellTypeSharedString || typ == excelize.CellTypeInlineString {
		t.Error("a number was written as text")
	}
	panes, err := x.GetPanes("Waakvlam")
	if err != nil || !panes.Freeze || panes.YSplit != 1 {
		t.Errorf("the header row does not stay in view: %+v %v", panes, err)
	}
}
