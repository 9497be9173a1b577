package handlers

import (
	"bytes"
	"fmt"

	"github.com/gofiber/fiber/v2"

	"portal/app"
	"portal/app/export"
	"portal/app/locale"
)

// attendanceSheets loads a group's attendance sheets (of the year asked, else of def: 0 for the group's current
// year, app.AllYears for all), for whoever may see the group (the app checks), and records the export, with its
// format, in the audit trail.
func (s *Server) attendanceSheets(c *fiber.Ctx, def int, format string) ([]app.AttendanceSheet, error) {
	id, err := paramID(c, "id")
	if err != nil {
		return nil, err
	}
	year, ok := yearParam(c.Query("jaar"))
	if !ok {
		year = def
	}
	return s.App.ExportAttendance(c.UserContext(), actor(c), id, year, format)
}

// staffAttendanceXLSX sends a group's attendance as a workbook: every session × every person, a sheet per year
// (or only the year asked).
func (s *Server) staffAttendanceXLSX(c *fiber.Ctx) error {
	sheets, err := s.attendanceSheets(c, app.AllYears, app.FormatXLSX)
	if err != nil {
		return err
	}
	var tables []export.Table
	for _, sh := range sheets {
		tables = append(tables, app.AttendanceTable(s.Cat, lang(c), sh))
	}
	var buf bytes.Buffer
	if err := export.WriteXLSX(&buf, tables); err != nil {
		return err
	}
	name := "aanwezigheid-" + sheets[0].Group.Slug + ".xlsx"
	if _, one := yearParam(c.Query("jaar")); one {
		name = fmt.Sprintf("aanwezigheid-%s-%d.xlsx", sheets[0].Group.Slug, sheets[0].Year)
	}
	return download(c, xlsxType, name, buf.Bytes())
}

// staffAttendanceSheet shows a group's attendance list of a year, made to be printed: names, a column per
// session, the marks of sessions held and empty boxes for the ones to come.
func (s *Server) staffAttendanceSheet(c *fiber.Ctx) error {
	sheets, err := s.attendanceSheets(c, 0, app.FormatPrint)
	if err != nil {
		return err
	}
	sh := sheets[0]
	// Columns are headed "4 feb": the year is in the title, and a month's name in full would widen every column.
	months := app.MonthNames(s.Cat, lang(c))
	d := struct {
		app.AttendanceSheet
		Headers []string
	}{AttendanceSheet: sh}
	for _, sess := range sh.Sessions {
		day := sess.StartsAt.In(locale.Brussels)
		d.Headers = append(d.Headers, fmt.Sprintf("%d %s", day.Day(), months[day.Month()-1]))
	}
	p := s.staffPage(c, "", d)
	p.Title = s.Cat.T(lang(c), "figures.sheet.title", "Group", sh.Group.Name.In(p.Lang), "Year", sh.Year)
	return s.render(c, "staff_attendance_sheet", p)
}
