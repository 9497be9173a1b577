package app

import (
	"context"
	"time"

	"github.com/jmoiron/sqlx"

	"portal/app/locale"
)

// SessionTime is when one session takes place.
type SessionTime struct {
	Start, End time.Time
}

// Series units: every N weeks, every N months on the same date (the 14th), or every N months on the same
// weekday of the month (the second Tuesday) — how intervision groups usually plan.
const (
	UnitWeeks        = "weeks"
	UnitMonths       = "months"
	UnitMonthWeekday = "month_weekday"
)

// MaxSeriesLength bounds one series, so a typo ("until 2062") cannot plan a thousand sessions.
const MaxSeriesLength = 100

// SessionPlan is the session form as typed: one session (Mode "one") on Date from From to To, or a series
// (Mode "series") starting on Date, every Every Unit, ending after Count sessions (End "count") or on or
// before Until (End "until"). Dates are yyyy-mm-dd, times hh:mm, in Brussels time.
type SessionPlan struct {
	Mode, Date, From, To string
	Every, Unit          string
	End, Count, Until    string
}

// PlanSessions turns a session form into session times, by the date rule of app/dates.go. Each session keeps
// its wall-clock time in Brussels, across the change to and from summer time; a series with a session on a
// day that skips its clock time (the change to summer time) is refused, never shifted.
func PlanSessions(p SessionPlan) ([]SessionTime, error) {
	v := &ValidationError{}
	first, okDate := readDay(v, "date", p.Date)
	from, okFrom := readClock(v, "from", p.From)
	to, okTo := readClock(v, "to", p.To)
	if okFrom && okTo && to <= from {
		v.Add("to", msgEndBefore)
	}
	var days []time.Time
	switch p.Mode {
	case "one":
		days = []time.Time{first}
	case "series":
		every := checkInt(v, "every", p.Every, 1, 52, true)
		if p.Unit != UnitWeeks && p.Unit != UnitMonths && p.Unit != UnitMonthWeekday {
			v.Add("unit", "form.required")
		}
		count, until := 0, time.Time{}
		switch p.End {
		case "count":
			count = checkInt(v, "count", p.Count, 1, MaxSeriesLength, true)
		case "until":
			var ok bool
			if until, ok = readDay(v, "until", p.Until); ok && okDate && until.Before(first) {
				v.Add("until", "staff.sessions.until.before")
			}
		default:
			v.Add("end", "form.required")
		}
		if err := v.OrNil(); err != nil {
			return nil, err
		}
		for k := 0; ; k++ {
			d := seriesDay(first, p.Unit, every*k)
			if (count > 0 && k >= count) || (count == 0 && d.After(until)) {
				break
			}
			if len(days) == MaxSeriesLength {
				v.Add("until", "staff.sessions.series.long")
				break
			}
			if d.Year() > LastYear {
				v.Add("count", msgDateWindow)
				break
			}
			days = append(days, d)
		}
	default:
		v.Add("mode", "form.required")
	}
	if err := v.OrNil(); err != nil {
		return nil, err
	}
	out := make([]SessionTime, len(days))
	for i, d := range days {
		start, okStart := at(v, "from", d, from)
		end, okEnd := at(v, "to", d, to)
		if !okStart || !okEnd {
			return nil, v
		}
		out[i] = SessionTime{Start: start, End: end}
	}
	return out, nil
}

// seriesDay is the day n units after first.
func seriesDay(first time.Time, unit string, n int) time.Time {
	switch unit {
	case UnitWeeks:
		return first.AddDate(0, 0, 7*n)
	case UnitMonths:
		// The same date, or the month's last day when it is shorter (31 January → 28 February).
		y, m := first.Year(), first.Month()+time.Month(n)
		last := time.Date(y, m+1, 0, 0, 0, 0, 0, locale.Brussels).Day()
		return time.Date(y, m, min(first.Day(), last), 0, 0, 0, 0, locale.Brussels)
	default: // UnitMonthWeekday
		// The same weekday and week of the month (the second Tuesday); a fifth one becomes the month's last.
		week := (first.Day()-1)/7 + 1
		month := time.Date(first.Year(), first.Month()+time.Month(n), 1, 0, 0, 0, 0, locale.Brussels)
		d := month
		for d.Weekday() != first.Weekday() {
			d = d.AddDate(0, 0, 1)
		}
		d = d.AddDate(0, 0, 7*(week-1))
		for d.Month() != month.Month() {
			d = d.AddDate(0, 0, -7)
		}
		return d
	}
}

// AddSessions adds sessions to a group and returns their ids. Every session the portal creates goes through
// here, so what must happen for a new session (reminders, notices) happens in one place, in the same
// transaction. Planning a group's sessions is the office's work, like the group itself (its route and the group
// page's button are the office's too): ErrForbidden for a facilitator, even of this group, who may move or
// cancel its sessions but not add them.
func (a *App) AddSessions(ctx context.Context, actor Actor, groupID int64, times []SessionTime) ([]int64, error) {
	if err := actor.Allow(OfficeRoles); err != nil {
		return nil, err
	}
	if len(times) == 0 || len(times) > MaxSeriesLength {
		return nil, &ValidationError{Fields: map[string]string{"date": "staff.sessions.series.long"}}
	}
	v := &ValidationError{}
	for _, t := range times {
		checkSpan(v, "date", "to", t.Start, t.End)
	}
	if err := v.OrNil(); err != nil {
		return nil, err
	}
	var ids []int64
	err := a.Store.tx(ctx, func(tx *sqlx.Tx) error {
		if _, err := lockGroup(ctx, tx, groupID); err != nil {
			return err
		}
		for _, t := range times {
			id, err := insertSession(ctx, tx, groupID, t.Start, t.End, a.Now())
			if err != nil {
				return err
			}
			ids = append(ids, id)
			// Everyone already admitted gets this session's reminders, like the sessions they signed up for.
			if err := a.planSessionReminders(ctx, tx, id); err != nil {
				return err
			}
		}
		if err := a.Audit(ctx, tx, AuditEntry{StaffID: &actor.Staff.ID, Action: AuditSessionCreate, GroupID: &groupID,
			Detail: map[string]any{"sessions": ids}}); err != nil {
			return err
		}
		// A group that had ended takes people again when a session is added ahead: whoever waits is offered a seat.
		return a.reconcileSeats(ctx, tx, groupID)
	})
	if err != nil {
		return nil, err
	}
	return ids, nil
}
