package handlers

import (
	"errors"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"portal/app"
	"portal/app/locale"
)

// queueLine is one item of the work queue as the dashboard shows it: the item and the page where its work is done.
type queueLine struct {
	app.WorkQueueItem
	Link string
	// CanClose: the item is stored and this staff member may close it from the dashboard ("Gedaan").
	CanClose bool
}

// staffDashboard is "Vandaag": a greeting, the work queue (what this person must do, oldest first) and the
// sessions of today and tomorrow in the groups this person may see, each with the way to its roll call.
func (s *Server) staffDashboard(c *fiber.Ctx) error {
	me := actor(c)
	items, err := s.App.Agenda(c.UserContext(), me, 2)
	if err != nil {
		return err
	}
	queue, err := s.App.WorkQueue(c.UserContext(), me)
	if err != nil {
		return err
	}
	now := s.App.Now().In(locale.Brussels)
	today := now.Format("2006-01-02")
	var d struct {
		Greeting        string
		Today, Tomorrow []app.AgendaItem
		// Work is the work queue, oldest first.
		Work []queueLine
	}
	for _, it := range queue {
		d.Work = append(d.Work, queueLine{WorkQueueItem: it, Link: queueLink(it, me),
			CanClose: it.Stored() && me.SeesAllGroups()})
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

// queueLink is the page where the work of item it is done, for actor me: the registration for anything about
// one person (a facilitator, who does not open registrations from here, gets the group), the roll call, the
// Waakvlam request or the failed mail.
func queueLink(it app.WorkQueueItem, me app.Actor) string {
	id := func(p *int64) string { return strconv.FormatInt(*p, 10) }
	switch {
	case it.SessionID != nil && it.Kind == app.QueueRollCallMissing:
		return "/beheer/sessies/" + id(it.SessionID) + "/aanwezigheid"
	case it.WaakvlamID != nil:
		return "/beheer/waakvlam/" + id(it.WaakvlamID)
	case it.OutboxID != nil:
		return "/beheer/mail/" + id(it.OutboxID)
	case it.RegistrationID != nil && me.SeesAllGroups():
		return "/beheer/inschrijvingen/" + id(it.RegistrationID)
	case it.GroupID != nil:
		return "/beheer/groepen/" + id(it.GroupID)
	}
	return "/beheer"
}

// staffWorkDone closes a stored work item from the dashboard and goes back to it.
func (s *Server) staffWorkDone(c *fiber.Ctx) error {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil {
		return fiber.ErrNotFound
	}
	err = s.App.CloseWorkItem(c.UserContext(), actor(c), id)
	if err != nil && !errors.Is(err, app.ErrNotFound) { // not found: a colleague closed it at the same moment
		return err
	}
	return c.Redirect("/beheer#werk", fiber.StatusSeeOther)
}
