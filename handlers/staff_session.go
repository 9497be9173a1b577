package handlers

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"portal/app"
	"portal/app/locale"
)

// staffSessionData is the page of one session.
type staffSessionData struct {
	app.RollCall
	CanChange bool
	Done      string
}

// staffSessionPage shows a session: when and where, its counts, the roll call, and moving or cancelling it.
func (s *Server) staffSessionPage(c *fiber.Ctx) error {
	return s.sessionPage(c, nil)
}

func (s *Server) sessionPage(c *fiber.Ctx, formErr error) error {
	rc, err := s.sessionForStaff(c)
	if err != nil {
		return err
	}
	// Whoever may see the group may change its sessions: coordinators, admins, and the group's facilitators.
	d := staffSessionData{RollCall: rc, CanChange: rc.Session.Status == app.SessionPlanned}
	if done := c.Query("gedaan"); done != "" && s.Cat.Has("staff.session.done."+done) {
		d.Done = s.Cat.T(lang(c), "staff.session.done."+done)
	}
	p := s.staffPage(c, "staff.session.title", d)
	p.Form = map[string]string{
		"date": rc.Session.StartsAt.In(locale.Brussels).Format("2006-01-02"),
		"from": rc.Session.StartsAt.In(locale.Brussels).Format("15:04"),
		"to":   rc.Session.EndsAt.In(locale.Brussels).Format("15:04"),
	}
	if formErr != nil {
		p.Form = formValues(c)
		s.staffInvalid(c, &p, formErr, "date", "from", "to", app.PastConfirmField, "confirm")
	}
	return s.render(c, "staff_session", p)
}

// staffSessionMove gives a session a new date and time; reminders follow and members are told.
func (s *Server) staffSessionMove(c *fiber.Ctx) error {
	rc, err := s.sessionForStaff(c)
	if err != nil {
		return err
	}
	from, to, err := app.ParseSpan(c.FormValue("date"), c.FormValue("from"), c.FormValue("to"))
	if err != nil {
		return s.sessionPage(c, err)
	}
	if err := app.ConfirmPast("date", from, c.FormValue(app.PastConfirmField) == "ja", s.App.Now()); err != nil {
		return s.sessionPage(c, err)
	}
	if err := s.App.MoveSession(c.UserContext(), actor(c), rc.Session.ID, from, to); err != nil {
		if _, invalid := app.AsValidation(err); invalid {
			return s.sessionPage(c, err)
		}
		return err
	}
	done := "verplaatst"
	if !app.AnnouncesMove(from, s.App.Now()) {
		done = "verplaatst-verleden" // nobody is mailed of a moment already past: the page must not say they are
	}
	return c.Redirect("/beheer/sessies/"+strconv.FormatInt(rc.Session.ID, 10)+"?gedaan="+done, fiber.StatusSeeOther)
}

// staffSessionCancel cancels a session after an explicit confirmation; members are told, reminders stop.
func (s *Server) staffSessionCancel(c *fiber.Ctx) error {
	rc, err := s.sessionForStaff(c)
	if err != nil {
		return err
	}
	if c.FormValue("confirm") != "ja" {
		return s.sessionPage(c, &app.ValidationError{Fields: map[string]string{"confirm": "staff.session.cancel.confirm.required"}})
	}
	if err := s.App.CancelSession(c.UserContext(), actor(c), rc.Session.ID); err != nil {
		return err
	}
	return c.Redirect("/beheer/sessies/"+strconv.FormatInt(rc.Session.ID, 10)+"?gedaan=geannuleerd", fiber.StatusSeeOther)
}
