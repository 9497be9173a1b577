package app

import (
	"context"
	"fmt"
	"time"

	"portal/app/export"
	"portal/app/locale"
)

// AttendanceSheet is a group's attendance over a year: a column per planned session, a line per person (the
// members, and whoever was marked at one of those sessions), the marks where sessions were held and empty boxes
// for those to come. It holds names: only staff who may see the group get it, and every export is audited.
type AttendanceSheet struct {
	Group    Group
	Offering Offering
	Year     int
	// Years lists the years with sessions of the group, newest first.
	Years    []int
	Sessions []Session
	Rows     []AttendanceRow
	// Now is when the sheet was made: sessions that started before it were held.
	Now time.Time
	// Office is true when the sheet is for the office (admin, coordinator): its workbook then also says who
	// referred each person and when she asked, so that reading it into another portal keeps the yearly figures.
	// A facilitator's sheet leaves them out: they need the marks, not the referrals.
	Office bool
}

// AttendanceRow is one person on an attendance sheet.
type AttendanceRow struct {
	PersonID int64  `db:"id"`
	NameEnc  []byte `db:"display_name_enc"`
	Name     string `db:"-"`
	Role     string `db:"role"`
	// Anonymised is true once the person's data was purged or erased: the marks stay, the name is gone.
	Anonymised bool `db:"anonymised"`
	// Marks holds a mark per session of the sheet, "" where none was recorded.
	Marks []string
	// Attended counts the sessions at which the person was present or late.
	Attended int
	// Referrer (a code of Referrers, nil when not given) and RequestedOn are those of her registration in the
	// group; only an Office sheet shows them.
	Referrer    *string    `db:"referrer"`
	RequestedOn *time.Time `db:"requested_on"`
}

// Held reports whether session i of the sheet has started.
func (s AttendanceSheet) Held(i int) bool { return !s.Sessions[i].StartsAt.After(s.Now) }

// Attendance formats of the audit trail.
const (
	FormatXLSX  = "xlsx"
	FormatPrint = "print"
)

// AllYears asks ExportAttendance for every year of the group, a sheet each.
const AllYears = -1

// ExportAttendance returns a group's attendance sheets and records in the audit trail that the actor took them,
// in format: for year, for the group's current year when year is 0 (this year when the group meets in it, else
// the last year it met), or a sheet per year, newest first, for AllYears. The sheets hold names: ErrForbidden
// unless the actor may see the group.
func (a *App) ExportAttendance(ctx context.Context, actor Actor, groupID int64, year int, format string) ([]AttendanceSheet, error) {
	if err := actor.AllowGroup(AllRoles, groupID); err != nil {
		return nil, err
	}
	g, err := groupByID(ctx, a.Store.DB, groupID)
	if err != nil {
		return nil, err
	}
	o, err := offeringByID(ctx, a.Store.DB, g.OfferingID)
	if err != nil {
		return nil, err
	}
	years, err := groupYears(ctx, a.Store.DB, groupID)
	if err != nil {
		return nil, err
	}
	now := a.Now()
	want := []int{year}
	switch {
	case year == 0:
		want = []int{DefaultYear(years, now)}
	case year == AllYears && len(years) > 0:
		want = years
	case year == AllYears:
		want = []int{DefaultYear(years, now)}
	}
	var sheets []AttendanceSheet
	for _, y := range want {
		sh := AttendanceSheet{Group: g, Offering: o, Year: y, Years: years, Now: now, Office: actor.Allow(OfficeRoles) == nil}
		if err := a.fillSheet(ctx, &sh); err != nil {
			return nil, err
		}
		sheets = append(sheets, sh)
	}
	detail := map[string]any{"format": format, "year": year}
	if year == AllYears {
		detail["year"] = "all"
	}
	err = a.Audit(ctx, a.Store.DB, AuditEntry{StaffID: &actor.Staff.ID, Action: AuditAttendanceExport, GroupID: &groupID,
		Detail: detail})
	return sheets, err
}

// fillSheet reads the sessions, people and marks of a sheet's group and year.
func (a *App) fillSheet(ctx context.Context, sh *AttendanceSheet) error {
	groupID := sh.Group.ID
	from, to := yearRange(sh.Year)
	var err error
	if sh.Sessions, err = plannedSessionsBetween(ctx, a.Store.DB, groupID, from, to); err != nil {
		return err
	}
	ids := make([]int64, len(sh.Sessions))
	column := map[int64]int{}
	for i, s := range sh.Sessions {
		ids[i] = s.ID
		column[s.ID] = i
	}
	if sh.Rows, err = sheetPeople(ctx, a.Store.DB, a.Keys, groupID, ids); err != nil {
		return err
	}
	row := map[int64]int{}
	for i := range sh.Rows {
		sh.Rows[i].Marks = make([]string, len(sh.Sessions))
		row[sh.Rows[i].PersonID] = i
	}
	marks, err := marksOfSessions(ctx, a.Store.DB, ids)
	if err != nil {
		return err
	}
	for _, m := range marks {
		r := &sh.Rows[row[m.Person]]
		r.Marks[column[m.Session]] = m.Status
		if m.Status == MarkPresent || m.Status == MarkLate {
			r.Attended++
		}
	}
	return nil
}

// GroupYears lists the years in which a group has planned sessions, newest first, for an actor who may see the
// group.
func (a *App) GroupYears(ctx context.Context, actor Actor, groupID int64) ([]int, error) {
	if err := actor.AllowGroup(AllRoles, groupID); err != nil {
		return nil, err
	}
	return groupYears(ctx, a.Store.DB, groupID)
}

// DefaultYear picks the year to show of a group, from its years (newest first): this year when it meets in it,
// else the last year it met before now, else the first year ahead.
func DefaultYear(years []int, now time.Time) int {
	this := now.In(locale.Brussels).Year()
	for _, y := range years { // newest first
		if y <= this {
			return y
		}
	}
	if len(years) > 0 {
		return years[len(years)-1]
	}
	return this
}

// AttendanceTable lays out a sheet for the workbook, named after its year: name, role, for the office who
// referred her and her request date, a column per session with the marks in words, and the number of sessions
// attended. Names of people whose data was purged read anonymous. The import reads it back.
func AttendanceTable(cat *locale.Catalogue, lang string, sh AttendanceSheet) export.Table {
	t := export.Table{Name: fmt.Sprint(sh.Year), Keys: 2,
		Columns: []string{cat.T(lang, "figures.sheet.name"), cat.T(lang, "figures.sheet.role")}}
	if sh.Office {
		t.Columns = append(t.Columns, cat.T(lang, "figures.col.referrer"), importHeader(lang, colRequested))
	}
	for _, s := range sh.Sessions {
		t.Columns = append(t.Columns, locale.ShortDate(lang, s.StartsAt))
	}
	t.Columns = append(t.Columns, cat.T(lang, "figures.sheet.attended"))
	for _, r := range sh.Rows {
		name := r.Name
		if r.Anonymised || name == "" {
			name = cat.T(lang, "figures.sheet.anonymous")
		}
		row := []any{name, cat.T(lang, "role."+r.Role)}
		if sh.Office {
			referrer, requested := "", ""
			if r.Referrer != nil && !r.Anonymised {
				referrer = cat.T(lang, "figures.referrer."+*r.Referrer)
			}
			if r.RequestedOn != nil {
				requested = locale.ShortDate(lang, *r.RequestedOn)
			}
			row = append(row, referrer, requested)
		}
		for _, m := range r.Marks {
			if m == "" {
				row = append(row, "")
			} else {
				row = append(row, cat.T(lang, "figures.mark."+m))
			}
		}
		t.Rows = append(t.Rows, append(row, r.Attended))
	}
	return t
}
