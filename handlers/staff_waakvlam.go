package handlers

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"portal/app"
)

// staffWaakvlamList lists the organisations' requests for the training.
func (s *Server) staffWaakvlamList(c *fiber.Ctx) error {
	list, err := s.App.WaakvlamRequests(c.UserContext(), actor(c), c.Query("status"))
	if err != nil {
		return err
	}
	return s.render(c, "staff_waakvlam_list", s.staffPage(c, "staff.waakvlam.title", list))
}

// staffWaakvlam shows one request, with a form to plan it.
func (s *Server) staffWaakvlam(c *fiber.Ctx) error {
	return s.waakvlamPage(c, nil)
}

func (s *Server) waakvlamPage(c *fiber.Ctx, formErr error) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	v, err := s.App.WaakvlamForStaff(c.UserContext(), actor(c), id)
	if err != nil {
		return err
	}
	d := struct {
		app.WaakvlamView
		Done string
	}{v, ""}
	if done := c.Query("gedaan"); done != "" && s.Cat.Has("staff.waakvlam.done."+done) {
		d.Done = s.Cat.T(lang(c), "staff.waakvlam.done."+done)
	}
	p := s.staffPage(c, "staff.waakvlam.request", d)
	p.Title = v.Request.Reference + " – " + v.Request.Organisation
	p.Form = map[string]string{"place_name": v.Request.Place}
	if formErr != nil {
		p.Form = formValues(c)
		s.staffInvalid(c, &p, formErr, "date", "from", "to", "place_name", "address", app.PastConfirmField)
	}
	return s.render(c, "staff_waakvlam", p)
}

// staffWaakvlamPlan plans the training: a private group with one session, and the signup link mailed.
func (s *Server) staffWaakvlamPlan(c *fiber.Ctx) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	from, to, err := app.ParseSpan(c.FormValue("date"), c.FormValue("from"), c.FormValue("to"))
	if err == nil {
		err = app.ConfirmPast("date", from, c.FormValue(app.PastConfirmField) == "ja", s.App.Now())
	}
	if err != nil {
		return s.waakvlamPage(c, err)
	}
	_, err = s.App.PlanWaakvlam(c.UserContext(), actor(c), id, from, to, c.FormValue("place_name"), c.FormValue("address"))
	if _, invalid := app.AsValidation(err); invalid {
		return s.waakvlamPage(c, err)
	}
	if err != nil {
		return err
	}
	return c.Redirect("/beheer/waakvlam/"+strconv.FormatInt(id, 10)+"?gedaan=gepland", fiber.StatusSeeOther)
}

// staffWaakvlamStatus marks a request as given or cancelled.
func (s *Server) staffWaakvlamStatus(c *fiber.Ctx) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	status := c.FormValue("status")
	if status != "given" && status != "cancelled" {
		return s.waakvlamPage(c, &app.ValidationError{Fields: map[string]string{"status": "form.choice.invalid"}})
	}
	if err := s.App.SetWaakvlamStatus(c.UserContext(), actor(c), id, status); err != nil {
		return err
	}
	return c.Redirect("/beheer/waakvlam/"+strconv.FormatInt(id, 10)+"?gedaan="+status, fiber.StatusSeeOther)
}
