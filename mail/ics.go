package mail

import (
	"time"

	"portal/app"
	"portal/app/calendar"
)

// calendar returns the .ics file for a mail, or nil when it has none. Professional and other non-discreet mail
// carries the group's name and place. Discreet mail (only sent when the person opted in) carries a neutral
// title, no place, no description, and CLASS:PRIVATE, so a shared calendar shows nothing of what it is.
// Each session keeps one UID, and its SEQUENCE grows with every change, so a calendar updates the event it
// has instead of adding a second one. Withdrawn sessions (the group someone was moved out of) go out as
// CANCELLED under their own UID, so the calendar drops them.
func (c *Composer) calendar(d app.MailData, domain string, now time.Time) []byte {
	if !d.Calendar {
		return nil
	}
	sessions := append(append([]app.MailSession(nil), d.Sessions...), d.Withdrawn...)
	if d.Session != nil {
		sessions = []app.MailSession{*d.Session}
	}
	events := make([]calendar.Event, 0, len(sessions))
	for _, s := range sessions {
		e := calendar.Event{UID: calendar.SessionUID(s.ID, domain), Start: s.Start, End: s.End, Sequence: s.Sequence,
			Cancelled: s.Cancelled || d.Kind == app.MailSessionCancelled}
		if d.Discreet {
			e.Summary, e.Private = c.cat.T(d.Lang, "mail.calendar.title.discreet"), true
		} else {
			e.Summary, e.Location, e.Description = firstOf(d.Group, d.Offering), d.Place, d.Topic
			if d.Kind == app.MailWaakvlamPlanned && d.Organisation != "" {
				e.Summary = firstOf(d.Offering, d.Group) + " – " + d.Organisation
			}
		}
		events = append(events, e)
	}
	return calendar.File(events, now)
}

func firstOf(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}
