package app

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// Limits of an uploaded list. A group's member list or attendance grid is a few kilobytes; the limits are far
// above that and far below what could tie up the server.
const (
	// MaxImportBytes is the largest file the import takes, in bytes (the route's body limit follows it).
	MaxImportBytes = 2 << 20
	// maxImportRows and maxImportColumns bound a sheet: no group has that many people or sessions. The rows
	// also keep an import within a request's time: BenchmarkImport takes about 5 s for 60 people with 12
	// marks each on this machine, and a request may take 12 s (handlers.DefaultRequestTimeout).
	maxImportRows    = 60
	maxImportColumns = 200
	// A workbook is a zip of XML files: excelize refuses to unpack more than this, so a small file that expands
	// hugely (a zip bomb) is refused before it fills the memory.
	importUnzipLimit    = 16 << 20
	importUnzipXMLLimit = 8 << 20
	// maxImportCell is the longest cell taken, in bytes: a name, a date or a mark is a few words. A longer cell
	// is no list of people, and refusing it while reading keeps megabytes of text out of the plan and the page.
	maxImportCell = 1000
)

// Problems reading a file as a whole; the preview shows them in words (catalogue id "import.file.<code>").
var (
	ErrImportEmpty    = errors.New("import: the file holds no rows")
	ErrImportTooLarge = errors.New("import: the file is too large")
	ErrImportNotSheet = errors.New("import: the file is no workbook or CSV file")
	ErrImportTooMany  = errors.New("import: the sheet has too many rows or columns")
	// ErrImportUnzipped means a workbook unpacks to more than importUnzipLimit (a zip bomb, most likely).
	ErrImportUnzipped = errors.New("import: the workbook unpacks to too much")
	// ErrImportDamaged means a workbook is a zip whose contents cannot be read as its directory says.
	ErrImportDamaged = errors.New("import: the workbook is damaged")
	// ErrImportLongCell means a cell is longer than maxImportCell.
	ErrImportLongCell = errors.New("import: a cell is too long")
)

// ImportFileProblem is the catalogue id that explains a file-level error of ReadSheet, or "" for another error.
func ImportFileProblem(err error) string {
	switch {
	case errors.Is(err, ErrImportEmpty):
		return "import.file.empty"
	case errors.Is(err, ErrImportTooLarge):
		return "import.file.large"
	case errors.Is(err, ErrImportNotSheet):
		return "import.file.notsheet"
	case errors.Is(err, ErrImportTooMany):
		return "import.file.toomany"
	case errors.Is(err, ErrImportUnzipped):
		return "import.file.unzipped"
	case errors.Is(err, ErrImportDamaged):
		return "import.file.damaged"
	case errors.Is(err, ErrImportLongCell):
		return "import.file.longcell"
	}
	return ""
}

// readSheet reads the first sheet of a workbook (XLSX) or a CSV file as rows of cells, trailing empty rows
// dropped. A workbook is recognised by its content (a zip), not its name. CSV is UTF-8, a byte order mark
// allowed, separated by semicolons as spreadsheets in Belgium write it (commas when the header holds no
// semicolon). Date cells of a workbook come as Excel serial numbers ("45944"): readImportDate reads them.
// A CSV file whose first row names no column the portal knows is no list (a text file, most likely).
// Errors: ErrImportTooLarge, ErrImportNotSheet, ErrImportUnzipped, ErrImportDamaged, ErrImportTooMany,
// ErrImportLongCell, ErrImportEmpty.
func readSheet(data []byte) ([][]string, error) {
	if len(data) > MaxImportBytes {
		return nil, ErrImportTooLarge
	}
	var rows [][]string
	var err error
	if bytes.HasPrefix(data, []byte("PK\x03\x04")) {
		rows, err = readXLSX(data)
	} else {
		rows, err = readCSV(data)
	}
	if err != nil {
		return nil, err
	}
	for len(rows) > 0 && blankRow(rows[len(rows)-1]) {
		rows = rows[:len(rows)-1]
	}
	if len(rows) == 0 {
		return nil, ErrImportEmpty
	}
	if len(rows) > maxImportRows+1 {
		return nil, ErrImportTooMany
	}
	for _, r := range rows {
		if len(r) > maxImportColumns {
			return nil, ErrImportTooMany
		}
		for _, c := range r {
			if len(c) > maxImportCell {
				return nil, ErrImportLongCell
			}
		}
	}
	return rows, nil
}

// checkZip unpacks every member of a workbook into nothing before excelize opens it, counting the bytes. Its
// limits trust the sizes the zip's directory states; archive/zip checks each member's real size and checksum
// while reading, so a zip that unpacks to more than importUnzipLimit or lies about its sizes is told apart
// from a file that is no zip at all.
func checkZip(data []byte) error {
	z, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return ErrImportNotSheet
	}
	left := int64(importUnzipLimit)
	for _, f := range z.File {
		r, err := f.Open()
		if err != nil {
			return ErrImportDamaged
		}
		n, err := io.Copy(io.Discard, io.LimitReader(r, left+1))
		r.Close()
		left -= n
		if left < 0 {
			return ErrImportUnzipped
		}
		if err != nil {
			return ErrImportDamaged
		}
	}
	return nil
}

func readXLSX(data []byte) ([][]string, error) {
	if err := checkZip(data); err != nil {
		return nil, err
	}
	x, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{
		UnzipSizeLimit: importUnzipLimit, UnzipXMLSizeLimit: importUnzipXMLLimit})
	if err != nil {
		if strings.Contains(err.Error(), "unzip size exceeds") { // excelize has no error value for it
			return nil, ErrImportUnzipped
		}
		return nil, ErrImportNotSheet
	}
	defer x.Close()
	sheets := x.GetSheetList()
	if len(sheets) == 0 {
		return nil, ErrImportEmpty
	}
	// The raw value of a date cell is its serial number: the formatted one depends on the cell's number format.
	rows, err := x.Rows(sheets[0])
	if err != nil {
		return nil, ErrImportNotSheet
	}
	defer rows.Close()
	var out [][]string
	for rows.Next() {
		if len(out) > maxImportRows+1 {
			return nil, ErrImportTooMany
		}
		cols, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, ErrImportNotSheet
		}
		if len(cols) > maxImportColumns {
			return nil, ErrImportTooMany
		}
		out = append(out, cols)
	}
	if rows.Error() != nil {
		return nil, ErrImportNotSheet
	}
	return out, nil
}

func readCSV(data []byte) ([][]string, error) {
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	if !utf8.Valid(data) || bytes.IndexByte(data, 0) >= 0 {
		return nil, ErrImportNotSheet
	}
	first, _, _ := strings.Cut(string(data), "\n")
	r := csv.NewReader(bytes.NewReader(data))
	r.Comma = ';'
	if !strings.Contains(first, ";") && strings.Contains(first, ",") {
		r.Comma = ','
	}
	r.FieldsPerRecord = -1
	var out [][]string
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, ErrImportNotSheet
		}
		if len(out) > maxImportRows+1 {
			return nil, ErrImportTooMany
		}
		if len(out) == 0 && !knownHeader(rec) {
			return nil, ErrImportNotSheet
		}
		out = append(out, rec)
	}
	return out, nil
}

// knownHeader reports whether a first row names at least one column the portal knows.
func knownHeader(cells []string) bool {
	for _, h := range cells {
		if importColumn(h) != "" {
			return true
		}
		if _, ok := readImportDate(h); ok {
			return true
		}
	}
	return false
}

func blankRow(r []string) bool {
	for _, c := range r {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}
