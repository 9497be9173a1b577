package handlers

import (
	"github.com/gofiber/fiber/v2"

	"portal/app"
)

// home shows every offering, grouped by audience.
func (s *Server) home(c *fiber.Ctx) error {
	sections, err := s.App.Catalogue(c.UserContext())
	if err != nil {
		return err
	}
	return s.render(c, "home", s.page(c, "home.title", true, struct{ Sections []app.AudienceSection }{sections}))
}

// offering shows one offering: what it is, for whom, how to join, its groups and upcoming sessions.
func (s *Server) offering(c *fiber.Ctx) error {
	view, err := s.offeringView(c, c.Params("slug"))
	if err != nil {
		return err
	}
	p := s.page(c, "", view.ForParticipants(), view)
	p.Title = view.Name.In(p.Lang)
	return s.render(c, "offering", p)
}

// safeBrowsing explains what the quick exit can and cannot do.
func (s *Server) safeBrowsing(c *fiber.Ctx) error {
	return s.render(c, "safe_browsing", s.page(c, "safe.title", true, nil))
}
