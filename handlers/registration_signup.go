package handlers

import (
	"errors"
	"strings"

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
	Code    bool
	Sectors []views.Option
	// Organisation is set behind a private Waakvlam link: the organisation and its sector are known, shown
	// read-only and never taken from the form.
	Organisation *app.WaakvlamOrganisation
	Key          string
	Action       string
	Result       *app.SignupResult
	PersonalLink string
	// Confirmed is what the confirmation of a seat shows: its sessions, place and calendar file.
	Confirmed *confirmedSeat
}

// confirmedSeat is when and where someone who got a seat is expected, and the calendar file of those sessions.
type confirmedSeat struct {
	Sessions []app.CalendarSession
	// Place is where the sessions are (the first session's place; a session elsewhere names its own).
	Place       string
	CalendarURL string
	// Discreet: the calendar file holds only the neutral title (the page says so).
	Discreet bool
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
	// Nothing is chosen for her: the e-mail hint advises the phone when someone else may read her mail.
	p.Form = map[string]string{}
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
	return s.handleSignup(c, view, g, nil)
}

// handleSignup runs a signup for group g and shows its result or the form again. org is the organisation behind
// a private Waakvlam link (nil for an open group): its name and sector replace whatever the form posted.
func (s *Server) handleSignup(c *fiber.Ctx, view app.OfferingView, g app.GroupView, org *app.WaakvlamOrganisation) error {
	d := s.signupData(c, view, g)
	d.Organisation = org
	organisation, sector := c.FormValue("organisation"), c.FormValue("sector")
	if org != nil {
		organisation, sector = org.Name, org.Sector
	}
	kind := "event"
	if d.Professional {
		kind = "professional"
	}
	var res app.SignupResult
	err := overLimit(c)
	if err == nil {
		res, err = s.App.SignUp(c.UserContext(), app.SignupInput{
			GroupID: g.ID, Name: c.FormValue("name"), Email: c.FormValue("email"), Phone: c.FormValue("phone"),
			ByPhone: !d.Professional && c.FormValue("contact") == "phone", Organisation: organisation,
			ContactUnanswered: !d.Professional && c.FormValue("contact") != "phone" && c.FormValue("contact") != "email",
			Sector:            sector, Consent: c.FormValue("consent") == "ja", ConsentText: s.consent(c, kind),
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
	if res.Status == app.StatusAdmitted {
		if d.Confirmed, err = s.confirmedSeat(c, view.Offering, g.Group); err != nil {
			return err
		}
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

// confirmedSeat reads the sessions of group g for the confirmation of a seat in it. The person is admitted, so
// the page names the place even when the group keeps it private; the calendar file (sendCalendar) lies next to
// the form's own address.
func (s *Server) confirmedSeat(c *fiber.Ctx, o app.Offering, g app.Group) (*confirmedSeat, error) {
	sessions, err := s.App.CalendarSessions(c.UserContext(), g)
	if err != nil || len(sessions) == 0 {
		return nil, err
	}
	seat := &confirmedSeat{Sessions: sessions, Place: sessions[0].Place, Discreet: g.Discreet(o),
		CalendarURL: strings.TrimSuffix(c.Path(), "/") + "/agenda.ics"}
	return seat, nil
}
