package handlers

import (
	"github.com/gofiber/fiber/v2"

	"portal/app"
)

// privacy explains, for participants, what the portal keeps, why, for how long, and their rights.
func (s *Server) privacy(c *fiber.Ctx) error {
	offerings, err := s.App.ActiveOfferings(c.UserContext())
	if err != nil {
		return err
	}
	return s.render(c, "privacy", s.page(c, "privacy.title", true, struct{ Offerings []app.Offering }{offerings}))
}

// accessibility is the accessibility statement.
func (s *Server) accessibility(c *fiber.Ctx) error {
	return s.render(c, "accessibility", s.page(c, "a11y.title", true, nil))
}
