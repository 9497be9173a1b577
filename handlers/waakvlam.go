package handlers

import (
	"github.com/gofiber/fiber/v2"

	"portal/app"
)

// waakvlamStatus shows an organisation its request: reference, status, and once planned, the date and the
// private signup link for its staff.
func (s *Server) waakvlamStatus(c *fiber.Ctx) error {
	noStore(c)
	st, err := s.App.WaakvlamByToken(c.UserContext(), c.Params("token"))
	if err != nil {
		return s.linkProblem(c, err)
	}
	return s.render(c, "waakvlam_status", s.page(c, "waakvlam.status.title", false, st))
}

// privateSignup loads the private group behind a Waakvlam staff-signup link.
func (s *Server) privateSignupGroup(c *fiber.Ctx) (app.OfferingView, app.GroupView, error) {
	return s.App.PrivateSignupGroup(c.UserContext(), c.Params("token"))
}

// privateSignupForm is the signup form behind a Waakvlam staff-signup link; it is listed nowhere.
func (s *Server) privateSignupForm(c *fiber.Ctx) error {
	noStore(c)
	view, g, err := s.privateSignupGroup(c)
	if err != nil {
		return s.linkProblem(c, err)
	}
	if len(g.Upcoming) == 0 {
		return s.closedPage(c, view)
	}
	return s.render(c, "signup", s.page(c, "signup.title", false, s.signupData(c, view, g)))
}

// privateSignup handles the private signup form.
func (s *Server) privateSignup(c *fiber.Ctx) error {
	noStore(c)
	view, g, err := s.privateSignupGroup(c)
	if err != nil {
		return s.linkProblem(c, err)
	}
	return s.handleSignup(c, view, g)
}
