package handlers

import (
	"errors"

	"github.com/gofiber/fiber/v2"

	"portal/app"
	"portal/views"
)

// signupData is what the signup form and its result page show.
type signupData struct {
	Offering     app.OfferingView
	Group        app.GroupView
	Professional bool
	// Code: the form offers a personal code (a discreet group, for participants).
	Code         bool
	Sectors      []views.Option
	Key          string
	Action       string
	Result       *app.SignupResult
	PersonalLink string
}

var signupOrder = []string{"name", "email", "contact", "phone", "organisation", "sector", "code", "consent", "form"}

// signupForm shows the open signup form of a group (intervision, events).
func (s *Server) signupForm(c *fiber.Ctx) error {
	view, g, err := s.signupGroup(c)
	if errors.Is(err, app.ErrClosed) {
		return s.closedPage(c, view)
	}
	if err != nil {
		return err
	}
	d := s.signupData(c, view, g)
	p := s.page(c, "signup.title", view.ForParticipants(), d)
	p.Form = map[string]string{"contact": "email"}
	return s.render(c, "signup", p)
}

func (s *Server) signupData(c *fiber.Ctx, view app.OfferingView, g app.GroupView) *signupData {
	professional := view.Audience == app.AudienceProfessionals
	return &signupData{Offering: view, Group: g, Professional: professional,
		Code: !professional && g.Discreet(view.Offering), Sectors: s.options(c, "sector.", app.Sectors), Key: newSubmissionKey(), Action: c.Path()}
}

// signup handles the open signup form: a seat, a waiting-list place, or the form again with its errors.
func (s *Server) signup(c *fiber.Ctx) error {
	view, g, err := s.signupGroup(c)
	if errors.Is(err, app.ErrClosed) {
		return s.closedPage(c, view)
	}
	if err != nil {
		return err
	}
	return s.handleSignup(c, view, g)
}

// handleSignup runs a signup for group g and shows its result or the form again.
func (s *Server) handleSignup(c *fiber.Ctx, view app.OfferingView, g app.GroupView) error {
	d := s.signupData(c, view, g)
	kind := "event"
	if d.Professional {
		kind = "professional"
	}
	var res app.SignupResult
	err := overLimit(c)
	if err == nil {
		res, err = s.App.SignUp(c.UserContext(), app.SignupInput{
			GroupID: g.ID, Name: c.FormValue("name"), Email: c.FormValue("email"), Phone: c.FormValue("phone"),
			ByPhone: !d.Professional && c.FormValue("contact") == "phone", Organisation: c.FormValue("organisation"),
			Sector: c.FormValue("sector"), Consent: c.FormValue("consent") == "ja", ConsentText: s.consent(c, kind),
			Language: lang(c), SubmissionKey: c.FormValue("_key"), Code: c.FormValue("code"),
		})
	}
	if errors.Is(err, app.ErrClosed) {
		return s.closedPage(c, view)
	}
	if err != nil {
		p := s.page(c, "signup.title", view.ForParticipants(), d)
		if !s.withErrors(c, &p, err, signupOrder) {
			return err
		}
		d.Key = c.FormValue("_key")
		c.Status(fiber.StatusUnprocessableEntity)
		return s.render(c, "signup", p)
	}
	noStore(c)
	d.Result = &res
	if res.Token != "" && !res.Mailed {
		d.PersonalLink = s.personalLinkOf(view.Offering, res.Token)
	}
	titleID := "signup.done.admitted"
	if res.Status == app.StatusWaitlisted {
		titleID = "signup.done.waitlisted"
	}
	return s.render(c, "signup_result", s.page(c, titleID, view.ForParticipants(), d))
}

// closedPage tells that a group takes no one new any more, with a way back to the offering.
func (s *Server) closedPage(c *fiber.Ctx, view app.OfferingView) error {
	c.Status(fiber.StatusConflict)
	return s.render(c, "closed", s.page(c, "closed.title", view.ForParticipants(), view))
}
