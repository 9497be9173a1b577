package handlers

import (
	"net/url"

	"github.com/gofiber/fiber/v2"

	"portal/app"
)

// waakvlamStatusData is the status page: the request and, after the link was asked again, the neutral answer.
type waakvlamStatusData struct {
	app.WaakvlamStatus
	Resent bool
	Token  string // the status link's token, for the form that sends the signup link again
}

// waakvlamStatus shows an organisation its request: reference, status, and once planned, the date and the
// private signup link for its staff.
func (s *Server) waakvlamStatus(c *fiber.Ctx) error {
	noStore(c)
	st, err := s.App.WaakvlamByToken(c.UserContext(), c.Params("token"))
	if err != nil {
		return s.linkProblem(c, err)
	}
	return s.render(c, "waakvlam_status", s.page(c, "waakvlam.status.title", false, waakvlamStatusData{WaakvlamStatus: st,
		Resent: c.Query("gedaan") == "link", Token: c.Params("token")}))
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
	org, err := s.App.PrivateSignupOrganisation(c.UserContext(), g.ID)
	if err != nil {
		return err
	}
	d := s.signupData(c, view, g)
	d.Organisation = &org
	return s.render(c, "signup", s.page(c, "signup.title", false, d))
}

// privateSignup handles the private signup form.
func (s *Server) privateSignup(c *fiber.Ctx) error {
	noStore(c)
	view, g, err := s.privateSignupGroup(c)
	if err != nil {
		return s.linkProblem(c, err)
	}
	org, err := s.App.PrivateSignupOrganisation(c.UserContext(), g.ID)
	if err != nil {
		return err
	}
	return s.handleSignup(c, view, g, &org)
}

// waakvlamResend sends the contact person the private signup link again, from the status page. The answer is
// the same whether or not a mail went out (an unknown link, a request not planned, the day's sends used up).
func (s *Server) waakvlamResend(c *fiber.Ctx) error {
	noStore(c)
	if err := s.App.ResendWaakvlamLink(c.UserContext(), c.Params("token")); err != nil {
		return err
	}
	return c.Redirect("/waakvlam/"+url.PathEscape(c.Params("token"))+"?gedaan=link", fiber.StatusSeeOther)
}
