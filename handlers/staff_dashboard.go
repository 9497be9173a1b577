package handlers

import (
	"github.com/gofiber/fiber/v2"

	"portal/app"
	"portal/app/locale"
)

// staffDashboard is "Vandaag": a greeting and the sessions of today and tomorrow in the groups this person may
// see, each with the way to its roll call.
func (s *Server) staffDashboard(c *fiber.Ctx) error {
	items, err := s.App.Agenda(c.UserContext(), actor(c), 2)
	if err != nil {
		return err
	}
	now := s.App.Now().In(locale.Brussels)
	today := now.Format("2006-01-02")
	var d struct {
		Greeting        string
		Today, Tomorrow []app.AgendaItem
		// Work is what office staff must still do (work items), nil for facilitators.
		Work []app.WorkItem
	}
	if actor(c).SeesAllGroups() {
		if d.Work, err = s.App.OpenWorkItems(c.UserContext(), actor(c)); err != nil {
			return err
		}
	}
	switch h := now.Hour(); {
	case h < 12:
		d.Greeting = "staff.dashboard.morning"
	case h < 18:
		d.Greeting = "staff.dashboard.afternoon"
	default:
		d.Greeting = "staff.dashboard.evening"
	}
	for _, it := range items {
		if it.StartsAt.In(locale.Brussels).Format("2006-01-02") == today {
			d.Today = append(d.Today, it)
		} else {
			d.Tomorrow = append(d.Tomorrow, it)
		}
	}
	return s.render(c, "staff_dashboard", s.staffPage(c, "staff.dashboard.title", d))
}
