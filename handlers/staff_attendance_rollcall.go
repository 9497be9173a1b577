package handlers

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"portal/app"
	"portal/views"
)

// rollCallData is the roll call page.
type rollCallData struct {
	app.RollCall
	Marks    []views.Option
	Editable bool
	Saved    bool
	Added    bool
	Roles    []views.Option
	// Reasons are the choices of why a roll call is changed after the edit window (shown when NeedsReason).
	Reasons []views.Option
	// Frozen says, when the session's year is closed, that changes no longer move its frozen figures.
	Frozen string
}

// rollCallPage builds the roll call page's data for rc.
func (s *Server) rollCallPage(c *fiber.Ctx, rc app.RollCall) rollCallData {
	return rollCallData{RollCall: rc, Marks: s.staffOptions(c, "staff.mark.", app.Marks), Editable: rc.MayChange,
		Roles:   s.staffOptions(c, "staff.walkin.role.", []string{app.RoleParticipant, app.RoleChild}),
		Reasons: s.staffOptions(c, "staff.rollcall.reason.", app.LateReasons)}
}

// sessionForStaff loads the roll call of the route's session, when this staff member may see its group (the app
// checks).
func (s *Server) sessionForStaff(c *fiber.Ctx) (app.RollCall, error) {
	id, err := paramID(c, "id")
	if err != nil {
		return app.RollCall{}, err
	}
	return s.App.RollCallOf(c.UserContext(), actor(c), id)
}

// staffRollCall shows a session's roll call: one tap per person, adults and children apart, counts on top. The
// view is audited.
func (s *Server) staffRollCall(c *fiber.Ctx) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	rc, err := s.App.ViewRollCall(c.UserContext(), actor(c), id)
	if err != nil {
		return err
	}
	d := s.rollCallPage(c, rc)
	d.Saved, d.Added = c.Query("opgeslagen") != "", c.Query("toegevoegd") != ""
	// Said before a change too: a tap is saved at once, without a page after it.
	if d.Frozen, err = s.frozenNotice(c, rc.Session.ID, 0); err != nil {
		return err
	}
	return s.render(c, "staff_rollcall", s.staffPage(c, "staff.rollcall.title", d))
}

// staffRollCallSave records the roll call sent as one plain form: every "mark-PERSON" field, or with
// all=present, everyone not yet marked as present; after the edit window with the chosen reason. A refused form
// comes back with the marks as they were chosen.
func (s *Server) staffRollCallSave(c *fiber.Ctx) error {
	rc, err := s.sessionForStaff(c)
	if err != nil {
		return err
	}
	marks := map[int64]string{}
	c.Request().PostArgs().VisitAll(func(k, v []byte) {
		if id, ok := strings.CutPrefix(string(k), "mark-"); ok {
			if n, err := strconv.ParseInt(id, 10, 64); err == nil {
				marks[n] = string(v)
			}
		}
	})
	if c.FormValue("all") == app.MarkPresent {
		for _, p := range append(rc.Adults, rc.Children...) {
			if p.Mark == nil {
				if _, chosen := marks[p.PersonID]; !chosen {
					marks[p.PersonID] = app.MarkPresent
				}
			}
		}
	}
	if err := s.App.MarkManyWithReason(c.UserContext(), actor(c), rc.Session.ID, marks, c.FormValue("reason")); err != nil {
		if _, invalid := app.AsValidation(err); !invalid {
			return err
		}
		for _, people := range [][]app.Expected{rc.Adults, rc.Children} {
			for i := range people {
				if m, ok := marks[people[i].PersonID]; ok {
					people[i].Mark = &m
				}
			}
		}
		p := s.staffPage(c, "staff.rollcall.title", s.rollCallPage(c, rc))
		p.Form = formValues(c)
		s.staffInvalid(c, &p, err, "reason")
		return s.render(c, "staff_rollcall", p)
	}
	return c.Redirect("/beheer/sessies/"+strconv.FormatInt(rc.Session.ID, 10)+"/aanwezigheid?opgeslagen=1", fiber.StatusSeeOther)
}

// staffRollCallMark records one tap sent by the page's script, and answers with the new counts.
func (s *Server) staffRollCallMark(c *fiber.Ctx) error {
	rc, err := s.sessionForStaff(c)
	if err != nil {
		return err
	}
	person, err := strconv.ParseInt(c.FormValue("person"), 10, 64)
	if err != nil {
		return c.Status(fiber.StatusUnprocessableEntity).JSON(fiber.Map{"error": "person"})
	}
	if err := s.App.Mark(c.UserContext(), actor(c), rc.Session.ID, person, c.FormValue("mark")); err != nil {
		if _, invalid := app.AsValidation(err); invalid {
			return c.Status(fiber.StatusUnprocessableEntity).JSON(fiber.Map{"error": "mark"})
		}
		return err
	}
	after, err := s.App.RollCallOf(c.UserContext(), actor(c), rc.Session.ID)
	if err != nil {
		return err
	}
	l := lang(c)
	return c.JSON(fiber.Map{"counts": after.Counts, "summary": s.Cat.T(l, "staff.rollcall.summary",
		"Present", after.Counts.Present, "Late", after.Counts.Late, "Excused", after.Counts.Excused,
		"Absent", after.Counts.Absent, "Unmarked", after.Counts.Unmarked)})
}

// staffWalkIn adds someone who came without registering, marked present; after the edit window with the reason
// chosen in the walk-in form (its field walkin_reason: the roll call form on the same page has its own).
func (s *Server) staffWalkIn(c *fiber.Ctx) error {
	rc, err := s.sessionForStaff(c)
	if err != nil {
		return err
	}
	if _, err := s.App.AddWalkInWithReason(c.UserContext(), actor(c), rc.Session.ID, c.FormValue("name"), c.FormValue("role"),
		c.FormValue("walkin_reason")); err != nil {
		if v, invalid := app.AsValidation(err); invalid {
			if msg, ok := v.Fields["reason"]; ok {
				delete(v.Fields, "reason")
				v.Fields["walkin_reason"] = msg
			}
			p := s.staffPage(c, "staff.rollcall.title", s.rollCallPage(c, rc))
			p.Form = formValues(c)
			s.staffInvalid(c, &p, err, "name", "walkin_reason")
			return s.render(c, "staff_rollcall", p)
		}
		return err
	}
	return c.Redirect("/beheer/sessies/"+strconv.FormatInt(rc.Session.ID, 10)+"/aanwezigheid?toegevoegd=1#walkin", fiber.StatusSeeOther)
}
