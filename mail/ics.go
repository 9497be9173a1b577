package mail

import (
	"strconv"
	"time"

	ics "github.com/arran4/golang-ical"

	"portal/app"
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
	if len(sessions) == 0 {
		return nil
	}
	cal := ics.NewCalendarFor("portal")
	cal.SetProductId("-//portal//afspraken//NL")
	cal.SetMethod(ics.MethodPublish)
	for _, s := range sessions {
		e := cal.AddEvent("session-" + strconv.FormatInt(s.ID, 10) + "@" + domain)
		e.SetDtStampTime(now)
		e.SetStartAt(s.Start)
		e.SetEndAt(s.End)
		e.SetSequence(s.Sequence)
		cancelled := s.Cancelled || d.Kind == app.MailSessionCancelled
		if cancelled {
			e.SetStatus(ics.ObjectStatusCancelled)
		} else {
			e.SetStatus(ics.ObjectStatusConfirmed)
		}
		if d.Discreet {
			e.SetSummary(c.cat.T(d.Lang, "mail.calendar.title.discreet"))
			e.SetClass(ics.ClassificationPrivate)
			continue
		}
		title := firstOf(d.Group, d.Offering)
		if d.Kind == app.MailWaakvlamPlanned && d.Organisation != "" {
			title = firstOf(d.Offering, d.Group) + " – " + d.Organisation
		}
		e.SetSummary(title)
		if d.Place != "" {
			e.SetLocation(d.Place)
		}
		if d.Topic != "" {
			e.SetDescription(d.Topic)
		}
	}
	return []byte(cal.Serialize(ics.WithNewLineWindows)) // RFC 5545 lines end in CRLF
}

func firstOf(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}
