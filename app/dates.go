package app

import (
	"strconv"
	"strings"
	"time"

	"portal/app/locale"
)

// Staff dates and times: every date and time staff type (a session, a series, an intake appointment, a
// referral, a Waakvlam training) is read here, so one rule holds everywhere:
//   - a real calendar day (30 February is refused, never replaced by another day),
//   - in the years FirstYear to LastYear (a typo such as 0026 would break every yearly list),
//   - a clock time that exists in Brussels on that day (02.30 on the last Sunday of March does not: the clock
//     jumps from 02.00 to 03.00) — refused, never moved to 03.30,
//   - an end after its start, compared as the clock on the wall shows them.
// Problems are message ids next to the field they concern; nothing is substituted silently.

// The years in which staff may plan or record anything.
const (
	FirstYear = 2000
	LastYear  = 2100
)

// Message ids of the date rule (app/locale/staff.*.toml).
const (
	msgDateInvalid = "date.invalid"
	msgDateWindow  = "date.window"
	msgTimeInvalid = "date.time.invalid"
	msgTimeGap     = "date.time.gap"
	msgEndBefore   = "date.end.before"
)

// windowStart and windowEnd bound every stored staff time: [1 January FirstYear, 1 January LastYear+1) in Brussels.
var (
	windowStart = time.Date(FirstYear, 1, 1, 0, 0, 0, 0, locale.Brussels)
	windowEnd   = time.Date(LastYear+1, 1, 1, 0, 0, 0, 0, locale.Brussels)
)

// InWindow reports whether t falls in the years FirstYear to LastYear (Brussels).
func InWindow(t time.Time) bool {
	return !t.Before(windowStart) && t.Before(windowEnd)
}

// readDay reads a day as typed (2027-03-29) and returns its midnight in Brussels; a problem goes into v under
// field and ok is false.
func readDay(v *ValidationError, field, s string) (day time.Time, ok bool) {
	d, err := time.Parse("2006-01-02", strings.TrimSpace(s))
	if err != nil {
		v.Add(field, msgDateInvalid)
		return time.Time{}, false
	}
	if d.Year() < FirstYear || d.Year() > LastYear {
		v.Add(field, msgDateWindow)
		return time.Time{}, false
	}
	return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, locale.Brussels), true
}

// clock is a wall-clock time of day, in minutes after midnight.
type clock int

// readClock reads "19:00" (or "19.00" or "19.00 uur", as people write it here).
func readClock(v *ValidationError, field, s string) (c clock, ok bool) {
	s = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "uur"))
	hs, ms, found := strings.Cut(strings.ReplaceAll(s, ".", ":"), ":")
	h, err1 := strconv.Atoi(strings.TrimSpace(hs))
	m, err2 := strconv.Atoi(strings.TrimSpace(ms))
	if !found || err1 != nil || err2 != nil || h < 0 || h > 23 || m < 0 || m > 59 {
		v.Add(field, msgTimeInvalid)
		return 0, false
	}
	return clock(h*60 + m), true
}

// at returns the moment day shows c on the wall in Brussels; a clock time the day skips (the change to summer
// time) goes into v under field and ok is false. In the hour the change back repeats, the second one (winter
// time) is taken, as the time package does; the test pins it.
func at(v *ValidationError, field string, day time.Time, c clock) (t time.Time, ok bool) {
	h, m := int(c)/60, int(c)%60
	t = time.Date(day.Year(), day.Month(), day.Day(), h, m, 0, 0, locale.Brussels)
	if t.Hour() != h || t.Minute() != m {
		v.Add(field, msgTimeGap)
		return time.Time{}, false
	}
	return t, true
}

// ParseDay reads a calendar day typed by staff (yyyy-mm-dd) and returns its midnight in Brussels. An empty
// value is an error too: the caller decides what an empty field means before calling. Errors: a
// *ValidationError with a message for field.
func ParseDay(field, s string) (time.Time, error) {
	v := &ValidationError{}
	d, _ := readDay(v, field, s)
	return d, v.OrNil()
}

// ParseMoment reads a day (yyyy-mm-dd) and a clock time (hh:mm) typed by staff as one moment in Brussels.
// Errors: a *ValidationError with a message for dateField and/or clockField (not a day, outside the years
// FirstYear–LastYear, not a time, a time that day skips).
func ParseMoment(dateField, date, clockField, clockText string) (time.Time, error) {
	v := &ValidationError{}
	day, okDay := readDay(v, dateField, date)
	c, okClock := readClock(v, clockField, clockText)
	if !okDay || !okClock {
		return time.Time{}, v
	}
	t, _ := at(v, clockField, day, c)
	return t, v.OrNil()
}

// ParseSpan reads one day and a start and end time on it (fields "date", "from", "to", as the session,
// Waakvlam and session-move forms name them) as two moments in Brussels. The end must come after the start
// on the wall clock. Errors: a *ValidationError naming each wrong field.
func ParseSpan(date, from, to string) (start, end time.Time, err error) {
	v := &ValidationError{}
	day, _ := readDay(v, "date", date)
	cFrom, okFrom := readClock(v, "from", from)
	cTo, okTo := readClock(v, "to", to)
	if okFrom && okTo && cTo <= cFrom {
		v.Add("to", msgEndBefore)
	}
	if err := v.OrNil(); err != nil {
		return time.Time{}, time.Time{}, err
	}
	start, _ = at(v, "from", day, cFrom)
	end, _ = at(v, "to", day, cTo)
	if err := v.OrNil(); err != nil {
		return time.Time{}, time.Time{}, err
	}
	return start, end, nil
}

// checkSpan is the date rule for a start and end that reached app as times: both in the window, the end after
// the start. Problems go into v under dateField and toField.
func checkSpan(v *ValidationError, dateField, toField string, start, end time.Time) {
	if !InWindow(start) || !InWindow(end) {
		v.Add(dateField, msgDateWindow)
	}
	if !end.After(start) {
		v.Add(toField, msgEndBefore)
	}
}

// PastConfirmField is the form field (a checkbox, value "ja") with which staff confirm that a date they typed
// lies in the past.
const PastConfirmField = "verleden"

// ConfirmPast asks staff to confirm a moment already past before it is saved, so they know beforehand that
// nobody will be mailed about it (the rule of app/mail_past.go). Without confirmed, a moment at or before now
// gives a validation error with the notice on field (the date typed) and the request to tick on
// PastConfirmField; the form comes back with what was typed. nil when at is ahead, zero or confirmed.
func ConfirmPast(field string, at time.Time, confirmed bool, now time.Time) error {
	if confirmed || at.IsZero() || at.After(now) {
		return nil
	}
	return &ValidationError{Fields: map[string]string{field: "staff.past.notice", PastConfirmField: "staff.past.confirm"}}
}
