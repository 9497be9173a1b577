package handlers

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"portal/app"
	"portal/views"
)

// retentionRoutes lists the routes of the retention page: the office sees who falls due when (counts only) and
// the last runs; an admin runs the purge now, after a page that repeats what it will do.
func (s *Server) retentionRoutes(f *fiber.App) {
	staff := s.requireStaff
	admin := s.requireRole(staffAdmins...)

	s.menuPage(f, "/beheer/bewaartermijnen", s.staffRetention)
	f.Get("/beheer/bewaartermijnen/nu", staff, admin, s.staffRetentionConfirm)
	f.Post("/beheer/bewaartermijnen/nu", staff, admin, s.staffRetentionRun)
}

// retentionData is the retention page, and the page that confirms a run.
type retentionData struct {
	app.RetentionOverview
	// CanRun is true for an admin: the page offers to run the purge now.
	CanRun bool
	// Ran is the run just done (from the redirect after it), or nil.
	Ran *app.RetentionRun
}

// retentionPage builds the retention page (or its confirmation) for this request.
func (s *Server) retentionPage(c *fiber.Ctx, titleID string) (views.Page, error) {
	ov, err := s.App.RetentionOverview(c.UserContext(), actor(c))
	if err != nil {
		return views.Page{}, err
	}
	d := &retentionData{RetentionOverview: ov, CanRun: slices.Contains(staffAdmins, actor(c).Staff.Role)}
	if id, err := strconv.ParseInt(c.Query("run"), 10, 64); err == nil {
		for i := range ov.Runs {
			if ov.Runs[i].ID == id {
				d.Ran = &ov.Runs[i]
			}
		}
	}
	return s.staffPage(c, titleID, d), nil
}

// staffRetention shows per offering how many people will be anonymised on which day, and the last runs.
func (s *Server) staffRetention(c *fiber.Ctx) error {
	p, err := s.retentionPage(c, "staff.retention.title")
	if err != nil {
		return err
	}
	return s.render(c, "staff_retention", p)
}

// staffRetentionConfirm asks an admin to confirm a run now, repeating what it will remove.
func (s *Server) staffRetentionConfirm(c *fiber.Ctx) error {
	p, err := s.retentionPage(c, "staff.retention.run.title")
	if err != nil {
		return err
	}
	return s.render(c, "staff_retention_run", p)
}

// staffRetentionRun runs the purge now once the box that confirms it was ticked, then shows the page with the run.
func (s *Server) staffRetentionRun(c *fiber.Ctx) error {
	if c.FormValue("bevestig") == "" {
		p, err := s.retentionPage(c, "staff.retention.run.title")
		if err != nil {
			return err
		}
		invalid := &app.ValidationError{Fields: map[string]string{"bevestig": "staff.retention.run.confirm.missing"}}
		s.staffInvalid(c, &p, invalid, "bevestig")
		return s.render(c, "staff_retention_run", p)
	}
	run, err := s.App.PurgeNow(c.UserContext(), actor(c))
	if err != nil {
		return err
	}
	return c.Redirect(fmt.Sprintf("/beheer/bewaartermijnen?run=%d", run.ID), fiber.StatusSeeOther)
}

// frozenNotice is the sentence that a change to a session's roll call or to a registration no longer moves the
// frozen figures of the closed years it counts in; empty when it counts in no closed year.
func (s *Server) frozenNotice(c *fiber.Ctx, sessionID, registrationID int64) (string, error) {
	years, err := s.App.ClosedYearsTouched(c.UserContext(), actor(c), sessionID, registrationID)
	if err != nil || len(years) == 0 {
		return "", err
	}
	names := make([]string, len(years))
	for i, y := range years {
		names[i] = strconv.Itoa(y)
	}
	return s.Cat.T(lang(c), "staff.frozen.notice", "Years", strings.Join(names, ", ")), nil
}
