package handlers

import (
	"errors"
	netmail "net/mail"

	"github.com/gofiber/fiber/v2"

	"portal/app"
	"portal/app/calendar"
)

// signupCalendar sends the calendar file of a group open to signup: the button on its confirmation page.
func (s *Server) signupCalendar(c *fiber.Ctx) error {
	view, g, err := s.signupGroup(c)
	if err != nil && !errors.Is(err, app.ErrClosed) { // a group that just filled up still has its sessions
		return err
	}
	return s.sendCalendar(c, view.Offering, g.Group)
}

// privateSignupCalendar sends the calendar file of the group behind a Waakvlam staff-signup link.
func (s *Server) privateSignupCalendar(c *fiber.Ctx) error {
	view, g, err := s.privateSignupGroup(c)
	if err != nil {
		return s.linkProblem(c, err)
	}
	return s.sendCalendar(c, view.Offering, g.Group)
}

// sendCalendar answers with the .ics file of group g's upcoming sessions (404 when it has none), under the same
// UIDs and SEQUENCE as the calendar files in mail. It can be fetched by anyone who can see the group, so it
// holds only what the offering page shows: no place when the group's place is private. A discreet group's file
// follows the rules of discreet mail: the neutral title, no place, no topic, CLASS:PRIVATE; the download is
// the person's own choice, the opt-in.
func (s *Server) sendCalendar(c *fiber.Ctx, o app.Offering, g app.Group) error {
	noStore(c)
	sessions, err := s.App.CalendarSessions(c.UserContext(), g)
	if err != nil {
		return err
	}
	if len(sessions) == 0 {
		return fiber.ErrNotFound
	}
	l := lang(c)
	discreet := g.Discreet(o)
	from := s.App.Config.MailFrom
	if discreet {
		from = s.App.Config.MailFromDiscreet
	}
	domain := calendar.DomainOf("")
	if a, err := netmail.ParseAddress(from); err == nil {
		domain = calendar.DomainOf(a.Address)
	}
	events := make([]calendar.Event, 0, len(sessions))
	for _, ss := range sessions {
		e := calendar.Event{UID: calendar.SessionUID(ss.ID, domain), Start: ss.Start, End: ss.End, Sequence: ss.Sequence}
		if discreet {
			e.Summary, e.Private = s.Cat.T(l, "mail.calendar.title.discreet"), true
		} else {
			e.Summary, e.Description = g.Name.In(l), ss.Topic.In(l)
			if e.Summary == "" {
				e.Summary = o.Name.In(l)
			}
			if !g.PlacePrivate {
				e.Location = ss.Place
			}
		}
		events = append(events, e)
	}
	c.Set(fiber.HeaderContentType, "text/calendar; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+s.Cat.T(l, "mail.calendar.file")+`"`)
	return c.Send(calendar.File(events, s.App.Now()))
}
