package app_test

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"portal/app"
	"portal/app/export"
	"portal/app/locale"
	"portal/internal/fixtures"
	"portal/internal/testenv"
)

// importNow is the clock of the import tests: the organisation starts with the portal in late 2026 and enters
// its 2025 lists.
var importNow = time.Date(2026, 11, 28, 10, 0, 0, 0, locale.Brussels)

// rotonde2025 creates the autumn 2025 Rotonde group with three sessions (4, 18 September and 2 October 2025, at
// 19.00) and returns it with its sessions.
func rotonde2025(t *testing.T, a *app.App) (int64, []int64) {
	t.Helper()
	y := &yearBuilder{t: t, a: a}
	return y.group("rotonde", "rotonde-najaar-2025", "Mechelen", 8, 0, time.Date(2025, 9, 4, 19, 0, 0, 0, locale.Brussels), 3, 2)
}

func coordinator(t *testing.T, a *app.App) app.Actor {
	t.Helper()
	return app.Actor{Staff: app.Staff{ID: staffMember(t, a), Role: app.RoleCoordinator, Active: true}}
}

// csvFile writes rows as a CSV file the way a Flemish spreadsheet saves it: a byte order mark, semicolons.
func csvFile(rows ...string) []byte {
	return []byte("\ufeff" + strings.Join(rows, "\r\n") + "\r\n")
}

// xlsxFile writes rows as a workbook; a time.Time becomes a date cell.
func xlsxFile(t *testing.T, rows ...[]any) []byte {
	t.Helper()
	x := excelize.NewFile()
	defer func() {
		if err := x.Close(); err != nil {
			t.Error(err)
		}
	}()
	date, err := x.NewStyle(&excelize.Style{NumFmt: 14})
	if err != nil {
		t.Fatal(err)
	}
	for r, row := range rows {
		for c, v := range row {
			cell, err := excelize.CoordinatesToCellName(c+1, r+1)
			if err != nil {
				t.Fatal(err)
			}
			if err := x.SetCellValue("Sheet1", cell, v); err != nil {
				t.Fatal(err)
			}
			if _, isDate := v.(time.Time); isDate {
				if err := x.SetCellStyle("Sheet1", cell, cell, date); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	var buf bytes.Buffer
	if _, err := x.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// tableCounts counts the rows of every table of the schema, to show that a refused import changed nothing.
func tableCounts(t *testing.T, a *app.App) map[string]int {
	t.Helper()
	var tables []string
	testenv.MustSelect(t, a.Store.DB, &tables, `SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`)
	out := map[string]int{}
	for _, tb := range tables {
		var n int
		testenv.MustGet(t, a.Store.DB, &n, fmt.Sprintf(`SELECT count(*) FROM %q`, tb))
		out[tb] = n
	}
	return out
}

// A member list and attendance in one sheet, as staff type it: new people are registered on their request date
// and admitted, the marks recorded, nobody is mailed (every mail kept as cancelled with the reason), one audit
// row; importing the same list again adds nobody.
func TestImportRecordsAPastGroupWithoutMail(t *testing.T) {
	a := seeded(t)
	a.Now = func() time.Time { return importNow }
	staff := coordinator(t, a)
	g, sessions := rotonde2025(t, a)
	file := csvFile(
		"Naam;Rol;E-mail;Telefoon;Verwijzer;Aanvraagdatum;4 september 2025;18/09/2025;2025-10-02;Aanwezig (aantal keer)",
		"Tom;deelnemer;tom@example.be;;politie;20/08/2025;aanwezig;te laat;afwezig;2",
		"Ali;;;0470 12 34 56;Parket (openbaar ministerie);21-08-2025;verontschuldigd;aanwezig;;1",
		"  jef  ;;;;;;;afwezig;afwezig;0",
	)
	plan, err := a.PreviewImport(t.Context(), staff, g, file)
	if err != nil {
		t.Fatal(err)
	}
	if len(plan.Problems) > 0 {
		t.Fatalf("problems in a good list: %+v", plan.Problems)
	}
	if len(plan.Rows) != 3 || plan.New() != 3 || plan.MarkCount() != 7 || len(plan.Sessions) != 3 {
		t.Fatalf("preview: %d rows, %d new, %d marks, %d sessions; want 3, 3, 7, 3", len(plan.Rows), plan.New(), plan.MarkCount(), len(plan.Sessions))
	}
	before := tableCounts(t, a)
	_, res, err := a.Import(t.Context(), staff, g, file)
	if err != nil {
		t.Fatal(err)
	}
	if res != (app.ImportResult{People: 3, Added: 3, Marks: 7, Sessions: 3}) {
		t.Errorf("import did %+v", res)
	}
	var admitted int
	testenv.MustGet(t, a.Store.DB, &admitted, `SELECT count(*) FROM registrations WHERE group_id = $1 AND status = 'admitted' AND NOT walk_in`, g)
	if admitted != 3 {
		t.Errorf("%d admitted, want 3", admitted)
	}
	var marks []string
	testenv.MustSelect(t, a.Store.DB, &marks, `SELECT status FROM attendance WHERE session_id = $1 ORDER BY status`, sessions[1])
	if want := []string{"absent", "late", "present"}; !reflect.DeepEqual(marks, want) {
		t.Errorf("marks of 18 September: %v, want %v", marks, want)
	}
	var requested string
	testenv.MustGet(t, a.Store.DB, &requested, `SELECT r.requested_on::text FROM registrations r WHERE r.group_id = $1 AND r.referrer = 'parket'`, g)
	if requested != "2025-08-21" {
		t.Errorf("Ali's request date is %s, want 2025-08-21", requested)
	}
	var sendable, held int
	testenv.MustGet(t, a.Store.DB, &sendable, `SELECT count(*) FROM outbox WHERE status <> 'cancelled'`)
	testenv.MustGet(t, a.Store.DB, &held, `SELECT count(*) FROM outbox WHERE status = 'cancelled' AND last_error = $1`, app.ImportMailReason)
	if sendable != 0 {
		t.Errorf("%d mails would leave after an import; want none", sendable)
	}
	if held == 0 {
		t.Error("the mails the workflows cause are not kept as cancelled with the reason")
	}
	if n := auditCount(t, a, app.AuditGroupImport); n != 1 {
		t.Errorf("%d import audit rows, want 1", n)
	}
	if after := tableCounts(t, a); after["people"] != before["people"]+3 {
		t.Errorf("people: %d before, %d after; want 3 more", before["people"], after["people"])
	}

	// The same list again: everyone is known, the marks are unchanged, nobody is added.
	plan, _, err = a.Import(t.Context(), staff, g, file)
	if err != nil {
		t.Fatal(err)
	}
	if plan.New() != 0 {
		t.Errorf("a second import adds %d people again", plan.New())
	}
	testenv.MustGet(t, a.Store.DB, &admitted, `SELECT count(*) FROM registrations WHERE group_id = $1`, g)
	if admitted != 3 {
		t.Errorf("%d registrations after importing twice, want 3", admitted)
	}
	if n := plan.ChangeCount(); n != 0 {
		t.Errorf("the same list again changes %d marks, want none", n)
	}

	// A list that says otherwise for a mark already recorded says which mark changes, before anything is done.
	plan, err = a.PreviewImport(t.Context(), staff, g, csvFile("Naam;18/09/2025;2025-10-02", "Tom;aanwezig;afwezig", "Ali;aanwezig;"))
	if err != nil {
		t.Fatal(err)
	}
	if plan.ChangeCount() != 1 || !plan.Rows[0].Changed(0) || plan.Rows[0].Was[0] != app.MarkLate || plan.Rows[0].Changed(1) {
		t.Errorf("Tom was late on 18 September and the list says present: %d changes, rows %+v; want that one", plan.ChangeCount(), plan.Rows)
	}
}

// The attendance export of a group, read into an empty portal with the same group and sessions, gives the same
// figures for the group's year; the template, filled in, imports too.
func TestImportRoundTripsTheAttendanceExport(t *testing.T) {
	cat, err := locale.Load()
	if err != nil {
		t.Fatal(err)
	}
	// Recorded live in 2025.
	live := seeded(t)
	y := &yearBuilder{t: t, a: live, staff: coordinator(t, live)}
	g, sessions := rotonde2025(t, live)
	y.at(time.Date(2025, 8, 25, 10, 0, 0, 0, locale.Brussels))
	var people []int64
	referrers := map[string]string{"Tom": "police", "Ali": "caw", "Jef": "self", "Mo": ""}
	for _, name := range []string{"Tom", "Ali", "Jef", "Mo"} {
		res, err := live.RequestOnBehalf(t.Context(), y.staff, app.RequestInput{OfferingSlug: "rotonde", Alias: name,
			Referrer: referrers[name], Contact: app.ContactInput{ByPhone: true, Phone: "0470123456"}, Consent: true,
			ConsentText: consentText})
		if err != nil {
			t.Fatal(err)
		}
		y.admit2(res.RegistrationID, g)
		people = append(people, y.person(res.RegistrationID))
	}
	marks := [][]string{
		{app.MarkPresent, app.MarkPresent, app.MarkLate, app.MarkAbsent},
		{app.MarkExcused, app.MarkPresent, app.MarkAbsent, ""},
		{app.MarkPresent, app.MarkPresent, app.MarkPresent, app.MarkPresent},
	}
	for i, s := range sessions {
		m := map[int64]string{}
		for p, mark := range marks[i] {
			if mark != "" {
				m[people[p]] = mark
			}
		}
		y.mark(s, m)
	}
	y.at(importNow)
	sheets, err := live.ExportAttendance(t.Context(), y.staff, g, 2025, app.FormatXLSX)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := export.WriteXLSX(&buf, []export.Table{app.AttendanceTable(cat, "nl", sheets[0])}); err != nil {
		t.Fatal(err)
	}
	want, err := live.FiguresOf(t.Context(), y.staff, 2025)
	if err != nil {
		t.Fatal(err)
	}

	// An empty portal with the group and its sessions, the export read in.
	empty := seeded(t)
	empty.Now = func() time.Time { return importNow }
	staff := coordinator(t, empty)
	g2, _ := rotonde2025(t, empty)
	if _, _, err := empty.Import(t.Context(), staff, g2, buf.Bytes()); err != nil {
		t.Fatalf("importing the export: %v", err)
	}
	got, err := empty.FiguresOf(t.Context(), staff, 2025)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got.Offerings, want.Offerings) {
		t.Errorf("figures after the round trip differ:\n got %+v\nwant %+v", got.Offerings, want.Offerings)
	}
	// Who referred them, and when they asked, come along: "Wie verwees door" of the year is the same.
	if len(want.Referrers) < 3 || !reflect.DeepEqual(got.Referrers, want.Referrers) {
		t.Errorf("referrers after the round trip differ:\n got %+v\nwant %+v", got.Referrers, want.Referrers)
	}
	// A facilitator of the group gets the marks without who referred whom.
	fac := addStaff(t, live, "fac-export@example.org", app.RoleFacilitator)
	lead(t, live, g, fac)
	facSheets, err := live.ExportAttendance(t.Context(), fixtures.Actor(t, live, fac), g, 2025, app.FormatXLSX)
	if err != nil {
		t.Fatal(err)
	}
	if cols := app.AttendanceTable(cat, "nl", facSheets[0]).Columns; slices.Contains(cols, "Verwezen door") ||
		slices.Contains(cols, "Aanvraagdatum") || !slices.Contains(cols, "Naam") {
		t.Errorf("a facilitator's export has the columns %v", cols)
	}
	var days []string
	testenv.MustSelect(t, empty.Store.DB, &days, `SELECT DISTINCT requested_on::text FROM registrations WHERE group_id = $1`, g2)
	if len(days) != 1 || days[0] != "2025-08-25" {
		t.Errorf("request dates after the round trip: %v, want 2025-08-25", days)
	}

	// The template of a third portal's group, filled in with date cells as Excel stores them.
	third := seeded(t)
	third.Now = func() time.Time { return importNow }
	staff3 := coordinator(t, third)
	g3, _ := rotonde2025(t, third)
	_, tables, err := third.ImportTemplate(t.Context(), staff3, cat, "nl", g3)
	if err != nil {
		t.Fatal(err)
	}
	header := make([]any, len(tables[0].Columns))
	for i, c := range tables[0].Columns {
		header[i] = c
	}
	header[6] = time.Date(2025, 9, 4, 0, 0, 0, 0, time.UTC) // a date cell instead of the written date
	file := xlsxFile(t, header,
		[]any{"Tom", "deelnemer", "", "", "Politie", time.Date(2025, 8, 20, 0, 0, 0, 0, time.UTC), "aanwezig", "aanwezig", "te laat"},
		[]any{"Ali", "", "", "", "", "", "afwezig", "", "aanwezig"})
	plan, res, err := third.Import(t.Context(), staff3, g3, file)
	if err != nil {
		t.Fatalf("importing the filled-in template: %v (%+v)", err, plan.Problems)
	}
	if res.Added != 2 || res.Marks != 5 {
		t.Errorf("the template imported %+v, want 2 people and 5 marks", res)
	}
}

// admit2 admits a request into a group.
func (y *yearBuilder) admit2(regID, groupID int64) {
	y.t.Helper()
	if err := y.a.Admit(y.t.Context(), y.staff, regID, app.AdmitOptions{GroupID: groupID}); err != nil {
		y.t.Fatal(err)
	}
}

// zipBomb is a workbook-shaped zip whose one sheet unpacks to size bytes of XML.
func zipBomb(t *testing.T, size int) []byte {
	t.Helper()
	var buf bytes.Buffer
	z := zip.NewWriter(&buf)
	for _, name := range []string{"[Content_Types].xml", "xl/workbook.xml"} {
		w, err := z.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(`<?xml version="1.0"?><x/>`)); err != nil {
			t.Fatal(err)
		}
	}
	w, err := z.Create("xl/worksheets/sheet1.xml")
	if err != nil {
		t.Fatal(err)
	}
	chunk := bytes.Repeat([]byte(" "), 1<<20)
	for written := 0; written < size; written += len(chunk) {
		if _, err := w.Write(chunk); err != nil {
			t.Fatal(err)
		}
	}
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// lyingZip is a zip whose directory says a member unpacks to more than it holds.
func lyingZip(t *testing.T) []byte {
	t.Helper()
	var buf bytes.Buffer
	z := zip.NewWriter(&buf)
	body := []byte(`<?xml version="1.0"?><x/>`)
	w, err := z.CreateRaw(&zip.FileHeader{Name: "[Content_Types].xml", Method: zip.Store,
		CompressedSize64: uint64(len(body)), UncompressedSize64: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write(body); err != nil {
		t.Fatal(err)
	}
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// Every bad file gets its message, names the row and column where it can, and changes nothing at all.
func TestImportRefusesBadFilesAndChangesNothing(t *testing.T) {
	a := seeded(t)
	a.Now = func() time.Time { return importNow }
	staff := coordinator(t, a)
	g, _ := rotonde2025(t, a)
	bomb := zipBomb(t, 200<<20)
	if len(bomb) > app.MaxImportBytes {
		t.Fatalf("the zip bomb is %d bytes: it should pass the size limit and be caught by the unzip limit", len(bomb))
	}
	cases := []struct {
		name string
		file []byte
		want app.ImportProblem
	}{
		{"empty file", nil, app.ImportProblem{Key: "import.file.empty"}},
		{"header only", csvFile("Naam;Rol"), app.ImportProblem{Key: "import.file.empty"}},
		{"not a spreadsheet", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00"), app.ImportProblem{Key: "import.file.notsheet"}},
		{"a broken workbook", []byte("PK\x03\x04 not really a zip"), app.ImportProblem{Key: "import.file.notsheet"}},
		{"too large", bytes.Repeat([]byte("a;b\n"), app.MaxImportBytes/4+1), app.ImportProblem{Key: "import.file.large"}},
		{"a zip bomb", bomb, app.ImportProblem{Key: "import.file.unzipped"}},
		{"a zip that lies about its sizes", lyingZip(t), app.ImportProblem{Key: "import.file.damaged"}},
		{"a text file", []byte("Dit is gewoon een tekstbestand.\nMet een tweede regel.\n"), app.ImportProblem{Key: "import.file.notsheet"}},
		{"a cell of 100 000 characters", xlsxFile(t, []any{"Naam"}, []any{strings.Repeat("x", 100000)}),
			app.ImportProblem{Key: "import.file.longcell"}},
		{"a long bad mark, repeated cut", csvFile("Naam;18 september 2025", "Tom;"+strings.Repeat("y", 500)),
			app.ImportProblem{Row: 2, Column: "18 september 2025", Value: strings.Repeat("y", app.MaxImportShown) + "…", Key: "import.cell.mark"}},
		{"a date that does not exist", csvFile("Naam;Aanvraagdatum", "Tom;30/02/2025"),
			app.ImportProblem{Row: 2, Column: "Aanvraagdatum", Value: "30/02/2025", Key: "import.cell.nodate"}},
		{"too many people", csvFile(append([]string{"Naam"}, strings.Split(strings.Repeat("Iemand\n", 61), "\n")[:61]...)...),
			app.ImportProblem{Key: "import.file.toomany"}},
		{"no name column", csvFile("Wie;Rol", "Tom;deelnemer"), app.ImportProblem{Row: 1, Column: "Wie", Key: "import.column.unknown"}},
		{"unknown column", csvFile("Naam;Adres", "Tom;Kerkstraat 1"), app.ImportProblem{Row: 1, Column: "Adres", Key: "import.column.unknown"}},
		{"unknown session date", csvFile("Naam;14 oktober 2025", "Tom;aanwezig"),
			app.ImportProblem{Row: 1, Column: "14 oktober 2025", Key: "import.column.nosession"}},
		{"a person twice", csvFile("Naam;4 september 2025", "Tom;aanwezig", "Ali;afwezig", "tom ;aanwezig"),
			app.ImportProblem{Row: 4, Column: "Naam", Value: "tom", Key: "import.cell.twice"}},
		{"a bad mark", csvFile("Naam;18 september 2025", "Tom;aanwezig", "Ali;X"),
			app.ImportProblem{Row: 3, Column: "18 september 2025", Value: "X", Key: "import.cell.mark"}},
		{"a bad role", csvFile("Naam;Rol", "Tom;kind"), app.ImportProblem{Row: 2, Column: "Rol", Value: "kind", Key: "import.cell.role"}},
		{"a bad e-mail", csvFile("Naam;E-mail", "Tom;tom-at-example"),
			app.ImportProblem{Row: 2, Column: "E-mail", Value: "tom-at-example", Key: "form.email.invalid"}},
		{"a request date ahead", csvFile("Naam;Aanvraagdatum", "Tom;1/1/2027"),
			app.ImportProblem{Row: 2, Column: "Aanvraagdatum", Value: "1/1/2027", Key: "import.cell.requested"}},
		{"a name missing", csvFile("Naam;4 september 2025", ";aanwezig"), app.ImportProblem{Row: 2, Column: "Naam", Key: "import.cell.noname"}},
	}
	before := tableCounts(t, a)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			plan, _, err := a.Import(t.Context(), staff, g, c.file)
			if !errors.Is(err, app.ErrImportProblems) {
				t.Fatalf("import of %s: error %v, want ErrImportProblems", c.name, err)
			}
			found := false
			for _, p := range plan.Problems {
				found = found || p == c.want
			}
			if !found {
				t.Errorf("problems %+v, want among them %+v", plan.Problems, c.want)
			}
			if after := tableCounts(t, a); !reflect.DeepEqual(after, before) {
				t.Errorf("a refused import changed the database:\nbefore %v\nafter  %v", before, after)
			}
		})
	}
}

// Only the office imports; a facilitator may not even preview.
func TestImportIsForTheOffice(t *testing.T) {
	a := seeded(t)
	g, _ := rotonde2025(t, a)
	facilitator := app.Actor{Staff: app.Staff{ID: staffMember(t, a), Role: app.RoleFacilitator, Active: true}, Leads: []int64{g}}
	if _, err := a.PreviewImport(t.Context(), facilitator, g, csvFile("Naam", "Tom")); !errors.Is(err, app.ErrForbidden) {
		t.Errorf("a facilitator's preview: %v, want ErrForbidden", err)
	}
	if _, _, err := a.Import(t.Context(), facilitator, g, csvFile("Naam", "Tom")); !errors.Is(err, app.ErrForbidden) {
		t.Errorf("a facilitator's import: %v, want ErrForbidden", err)
	}
}

// The attendance export's words (both languages) read back as the marks they stand for.
func TestImportReadsTheExportsMarks(t *testing.T) {
	cat, err := locale.Load()
	if err != nil {
		t.Fatal(err)
	}
	a := seeded(t)
	a.Now = func() time.Time { return importNow }
	staff := coordinator(t, a)
	g, _ := rotonde2025(t, a)
	for _, lang := range []string{"nl", "en"} {
		// The export's own headers, and its name for an erased person.
		header := strings.Join([]string{cat.T(lang, "figures.sheet.name"), cat.T(lang, "figures.sheet.role"),
			cat.T(lang, "figures.sheet.attended")}, ";")
		plan, err := a.PreviewImport(t.Context(), staff, g, csvFile(header, "Tom;;0", cat.T(lang, "figures.sheet.anonymous")+";;1"))
		if err != nil {
			t.Fatal(err)
		}
		if len(plan.Problems) != 1 || plan.Problems[0].Key != "import.cell.erased" || len(plan.Rows) != 1 {
			t.Errorf("%s export headers: problems %+v, rows %d; want only the erased person refused", lang, plan.Problems, len(plan.Rows))
		}
		for i, m := range app.Marks {
			header := "Naam;" + locale.ShortDate(lang, time.Date(2025, 9, 4, 19, 0, 0, 0, locale.Brussels))
			// Every word the portal shows for a mark: the export's, its short signs, the roll call's (afgemeld).
			for _, id := range []string{"figures.mark." + m, "figures.mark." + m + ".short", "staff.mark." + m} {
				word := cat.T(lang, id)
				plan, err := a.PreviewImport(t.Context(), staff, g, csvFile(header, fmt.Sprintf("P%d;%s", i, word)))
				if err != nil {
					t.Fatal(err)
				}
				if len(plan.Problems) > 0 || len(plan.Rows) != 1 || plan.Rows[0].Marks[0] != m {
					t.Errorf("%s %q: problems %+v, rows %+v; want the mark %s", lang, word, plan.Problems, plan.Rows, m)
				}
			}
		}
	}
}

// A family group's list: parents and children each take a place on their own track and are counted apart.
func TestImportFamilyListCountsParentsAndChildrenApart(t *testing.T) {
	a := seeded(t)
	a.Now = func() time.Time { return importNow }
	staff := coordinator(t, a)
	y := &yearBuilder{t: t, a: a}
	g, _ := y.group("blaffen-of-schuilen", "blaffen-2025", "Lier", 8, 8, time.Date(2025, 10, 7, 18, 0, 0, 0, locale.Brussels), 2, 1)
	file := csvFile("Naam;Rol;7 oktober 2025;14 oktober 2025",
		"Sara;ouder;aanwezig;aanwezig", "Lina;kind;aanwezig;te laat", "Els;;afwezig;aanwezig", "Noor;deelnemer;;aanwezig")
	if plan, _, err := a.Import(t.Context(), staff, g, file); err != nil {
		t.Fatalf("import: %v (%+v)", err, plan.Problems)
	}
	var roles []string
	testenv.MustSelect(t, a.Store.DB, &roles, `SELECT role FROM registrations WHERE group_id = $1 AND status = 'admitted' ORDER BY role`, g)
	if want := []string{"child", "parent", "parent", "parent"}; !reflect.DeepEqual(roles, want) {
		t.Errorf("roles %v, want %v", roles, want)
	}
	f, err := a.FiguresOf(t.Context(), staff, 2025)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range f.Offerings {
		if o.Kind == app.KindFamily && (o.Parents != 3 || o.Children != 1) {
			t.Errorf("family figures: %d parents, %d children; want 3 and 1", o.Parents, o.Children)
		}
	}
}

// The preview counts the sessions that get a mark, not the date columns; an admission is over capacity only
// when the group is full, and the audit says so only then.
func TestImportCountsMarkedSessionsAndSeatsOverCapacityOnlyWhenFull(t *testing.T) {
	a := seeded(t)
	a.Now = func() time.Time { return importNow }
	staff := coordinator(t, a)
	y := &yearBuilder{t: t, a: a}
	g, _ := y.group("rotonde", "rotonde-klein-2025", "Lier", 2, 0, time.Date(2025, 9, 4, 19, 0, 0, 0, locale.Brussels), 3, 2)
	file := csvFile("Naam;4 september 2025;18 september 2025;2 oktober 2025",
		"Tom;aanwezig;;", "Ali;afgemeld;;", "Jef;;;aanwezig")
	plan, err := a.PreviewImport(t.Context(), staff, g, file)
	if err != nil {
		t.Fatal(err)
	}
	if len(plan.Problems) > 0 {
		t.Fatalf("problems: %+v", plan.Problems)
	}
	if n := plan.SessionCount(); n != 2 || len(plan.Sessions) != 3 {
		t.Errorf("%d sessions with marks of %d columns; want 2 of 3", n, len(plan.Sessions))
	}
	_, res, err := a.Import(t.Context(), staff, g, file)
	if err != nil {
		t.Fatal(err)
	}
	if res.Sessions != 2 {
		t.Errorf("the import counts %d sessions, want 2 (the preview said %d)", res.Sessions, plan.SessionCount())
	}
	var over []bool
	testenv.MustSelect(t, a.Store.DB, &over, `SELECT (detail->>'over_capacity')::bool FROM audit_log
		WHERE action = $1 AND (detail->>'group')::bigint = $2 ORDER BY id`, app.AuditRegistrationAdmit, g)
	if want := []bool{false, false, true}; !reflect.DeepEqual(over, want) {
		t.Errorf("over capacity in the admissions' audit: %v, want %v (2 seats, 3 people)", over, want)
	}
	var seated int
	testenv.MustGet(t, a.Store.DB, &seated, `SELECT count(*) FROM registrations WHERE group_id = $1 AND over_capacity`, g)
	if seated != 1 {
		t.Errorf("%d registrations over capacity, want 1", seated)
	}
}
