package handlers

import (
	"bytes"
	"fmt"

	"github.com/gofiber/fiber/v2"

	"portal/app"
	"portal/app/locale"
)

// attendanceSheet loads a group's attendance sheet for the year asked, for whoever may see the group, and
// records the export (with its format) in the audit trail.
func (s *Server) attendanceSheet(c *fiber.Ctx, format string) (app.AttendanceSheet, error) {
	id, err := paramID(c, "id")
	if err != nil {
		return app.AttendanceSheet{}, err
	}
	staff := currentStaff(c)
	if err := s.App.RequireGroup(c.UserContext(), staff, id); err != nil {
		return app.AttendanceSheet{}, err
	}
	year, _ := yearParam(c.Query("jaar")) // 0: the group's current year
	return s.App.ExportAttendance(c.UserContext(), staff.ID, id, year, format)
}

// staffAttendanceXLSX sends a group's attendance of a year as a workbook: every session × every person.
func (s *Server) staffAttendanceXLSX(c *fiber.Ctx) error {
	sh, err := s.attendanceSheet(c, app.FormatXLSX)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := app.WriteXLSX(&buf, []app.Table{app.AttendanceTable(s.Cat, lang(c), sh)}); err != nil {
		return err
	}
	return download(c, xlsxType, fmt.Sprintf("aanwezigheid-%s-%d.xlsx", sh.Group.Slug, sh.Year), buf.Bytes())
}

// staffAttendanceSheet shows a group's attendance list of a year, made to be printed: names, a column per
// session, the marks of sessions held and empty boxes for the ones to come.
func (s *Server) staffAttendanceSheet(c *fiber.Ctx) error {
	sh, err := s.attendanceSheet(c, app.FormatPrint)
	if err != nil {
		return err
	}
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
