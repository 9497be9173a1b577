package handlers

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"portal/app"
	"portal/app/locale"
	"portal/views"
)

// staffSessionFormData is the session form's frame: the group, the choices, and the dates a series gives.
type staffSessionFormData struct {
	Group   app.Group
	Units   []views.Option
	Modes   []views.Option
	Ends    []views.Option
	Preview []app.SessionTime
}

// sessionFormFields lists the session form's fields in page order, for the error summary.
var sessionFormFields = []string{"mode", "date", "from", "to", "every", "unit", "end", "count", "until", app.PastConfirmField}

func (s *Server) sessionFormData(c *fiber.Ctx, g app.Group) staffSessionFormData {
	return staffSessionFormData{Group: g,
		Units: s.staffOptions(c, "staff.sessions.unit.", []string{app.UnitWeeks, app.UnitMonths, app.UnitMonthWeekday}),
		Modes: s.staffOptions(c, "staff.sessions.mode.", []string{"one", "series"}),
		Ends:  s.staffOptions(c, "staff.sessions.end.", []string{"count", "until"})}
}

// staffSessionForm shows the form to add one session or a series to a group.
func (s *Server) staffSessionForm(c *fiber.Ctx) error {
	gd, err := s.groupParam(c)
	if err != nil {
		return err
	}
	g := gd.Group
	p := s.staffPage(c, "staff.sessions.new", s.sessionFormData(c, g))
	p.Form = map[string]string{"mode": "one", "from": "19:00", "to": "21:00", "every": "1", "unit": app.UnitWeeks,
		"end": "count", "count": "10",
		"date": s.App.Now().In(locale.Brussels).AddDate(0, 0, 7).Format("2006-01-02")}
	return s.render(c, "staff_session_form", p)
}

// staffSessionCreate shows the dates of the form ("Bekijk de data") or adds the sessions ("Opslaan"). Both go
// through the same planning, so what is previewed is what is saved.
func (s *Server) staffSessionCreate(c *fiber.Ctx) error {
	gd, err := s.groupParam(c)
	if err != nil {
		return err
	}
	g := gd.Group
	plan := app.SessionPlan{Mode: c.FormValue("mode"), Date: c.FormValue("date"), From: c.FormValue("from"),
		To: c.FormValue("to"), Every: c.FormValue("every"), Unit: c.FormValue("unit"), End: c.FormValue("end"),
		Count: c.FormValue("count"), Until: c.FormValue("until")}
	times, err := app.PlanSessions(plan)
	if err == nil && c.FormValue("action") != "preview" && len(times) > 0 {
		// Sessions in the past are recorded, never announced: staff confirm that first (the earliest counts).
		err = app.ConfirmPast("date", times[0].Start, c.FormValue(app.PastConfirmField) == "ja", s.App.Now())
	}
	if err == nil && c.FormValue("action") != "preview" {
		if _, err = s.App.AddSessions(c.UserContext(), actor(c), g.ID, times); err == nil {
			return c.Redirect("/beheer/groepen/"+strconv.FormatInt(g.ID, 10)+"?toegevoegd="+strconv.Itoa(len(times)),
				fiber.StatusSeeOther)
		}
	}
	d := s.sessionFormData(c, g)
	p := s.staffPage(c, "staff.sessions.new", d)
	p.Form = formValues(c)
	if err == nil {
		d.Preview = times
		p.D = d
		return s.render(c, "staff_session_form", p)
	}
	if s.staffInvalid(c, &p, err, sessionFormFields...) {
		return s.render(c, "staff_session_form", p)
	}
	return err
}
