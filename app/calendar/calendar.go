// Package calendar writes the portal's calendar files (.ics, RFC 5545): the ones mail carries and the ones a
// confirmation page offers for download. Both name a session by the same UID, so a calendar that has the event
// from one updates it from the other instead of holding it twice.
package calendar

import (
	"strconv"
	"strings"
	"time"

	ics "github.com/arran4/golang-ical"
)

// Event is one session in a calendar file.
type Event struct {
	// UID names the session for every calendar file it ever appears in: SessionUID.
	UID        string
	Start, End time.Time
	// Sequence grows with every change to the session, so a calendar replaces the event it already has.
	Sequence  int
	Cancelled bool
	// Summary is the title. For a discreet group it must be the neutral title, and Location and Description
	// must be empty; Private then marks the event CLASS:PRIVATE, so a shared calendar shows nothing of it.
	Summary     string
	Location    string
	Description string
	Private     bool
}

// SessionUID is the UID of session id; domain is the right part of the sender's address (DomainOf).
func SessionUID(id int64, domain string) string {
	return "session-" + strconv.FormatInt(id, 10) + "@" + domain
}

// DomainOf is the part of an e-mail address after the @ ("localhost" when there is none): the right part of
// the portal's Message-IDs and calendar UIDs.
func DomainOf(address string) string {
	if i := strings.LastIndexByte(address, '@'); i >= 0 && i < len(address)-1 {
		return address[i+1:]
	}
	return "localhost"
}

// File is the calendar file of events, stamped now, with CRLF line ends; nil when there are no events.
func File(events []Event, now time.Time) []byte {
	if len(events) == 0 {
		return nil
	}
	cal := ics.NewCalendarFor("portal")
	cal.SetProductId("-//portal//afspraken//NL")
	cal.SetMethod(ics.MethodPublish)
	for _, ev := range events {
		e := cal.AddEvent(ev.UID)
		e.SetDtStampTime(now)
		e.SetStartAt(ev.Start)
		e.SetEndAt(ev.End)
		e.SetSequence(ev.Sequence)
		if ev.Cancelled {
			e.SetStatus(ics.ObjectStatusCancelled)
		} else {
			e.SetStatus(ics.ObjectStatusConfirmed)
		}
		e.SetSummary(ev.Summary)
		if ev.Private {
			e.SetClass(ics.ClassificationPrivate)
		}
		if ev.Location != "" {
			e.SetLocation(ev.Location)
		}
		if ev.Description != "" {
			e.SetDescription(ev.Description)
		}
	}
	return []byte(cal.Serialize(ics.WithNewLineWindows)) // RFC 5545 lines end in CRLF
}
