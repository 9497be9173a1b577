package app

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"portal/app/locale"
)

// FigureRow is one number of a year's figures: a metric, for a scope (an offering or a group), along a
// dimension (a month, a municipality, a sector...). Live figures and frozen figures are the same rows, so a
// year reads the same before and after its personal data is purged.
type FigureRow struct {
	Metric    string `db:"metric"`
	Scope     string `db:"scope"`
	Dimension string `db:"dimension"`
	Value     int64  `db:"value"`
}

// Figures are a year's numbers, assembled for the figures page, the sentences and the exports.
type Figures struct {
	Year   int
	Frozen bool
	// ClosedAt is when the year was closed (its figures frozen); nil while it is open.
	ClosedAt  *time.Time
	Offerings []OfferingFigures
	// Referrers counts the adult participants of the year's groups (a place in a group that met this year) by who
	// referred them ("unknown" when not said).
	Referrers []Count
	// Municipalities counts distinct participants by municipality.
	Municipalities []Count
	// Sectors counts intervision members by sector.
	Sectors []Count
	// WaakvlamOrganisations lists the organisations that received the Waakvlam training.
	WaakvlamOrganisations []string
	// Referrals counts onward referrals by destination.
	Referrals []Count
}

// OfferingFigures are one offering's numbers, with its groups.
type OfferingFigures struct {
	Slug, Kind   string
	Name         Text
	GroupsRun    int
	SessionsHeld int
	Participants int
	Attendances  int
	Marked       int
	Parents      int
	Children     int
	// ReferredToCAW counts participants referred onward to an individual trajectory at the CAW.
	ReferredToCAW int
	Groups        []GroupFigures
}

// Rate is the share of marks that were present or late.
func (o OfferingFigures) Rate() float64 { return rate(o.Attendances, o.Marked) }

// GroupFigures are one group's numbers.
type GroupFigures struct {
	Slug         string
	Name         Text
	Municipality string
	FirstSession time.Time
	SessionsHeld int
	Participants int
	Attendances  int
	Marked       int
	// Monthly holds the attendances per month, January first.
	Monthly [12]int
}

// Rate is the share of marks that were present or late.
func (g GroupFigures) Rate() float64 { return rate(g.Attendances, g.Marked) }

// Count is a number with its label code.
type Count struct {
	Key   string
	Value int
}

func rate(n, of int) float64 {
	if of == 0 {
		return 0
	}
	return float64(n) / float64(of)
}

// yearRange is the year in Brussels time, as [from, to).
func yearRange(year int) (time.Time, time.Time) {
	return time.Date(year, 1, 1, 0, 0, 0, 0, locale.Brussels), time.Date(year+1, 1, 1, 0, 0, 0, 0, locale.Brussels)
}

// FiguresOf returns a year's figures: the frozen ones when the year is closed, else computed from what was
// recorded. The figures are for the office (ErrForbidden for anyone else).
func (a *App) FiguresOf(ctx context.Context, actor Actor, year int) (Figures, error) {
	if err := actor.Allow(OfficeRoles); err != nil {
		return Figures{}, err
	}
	closedAt, err := yearClosedAt(ctx, a.Store.DB, year)
	if err != nil {
		return Figures{}, err
	}
	closed := closedAt != nil
	var rows []FigureRow
	if closed {
		rows, err = frozenFigures(ctx, a.Store.DB, year)
	} else {
		rows, err = a.liveFigures(ctx, a.Store.DB, year)
	}
	if err != nil {
		return Figures{}, err
	}
	f, err := a.assemble(ctx, year, rows)
	f.Frozen = closed
	f.ClosedAt = closedAt
	return f, err
}

// FigureYears lists the years that have figures, newest first: every year up to this one with a planned
// session, and every closed year. The sessions are probed a year at a time through their index on starts_at.
// For the office (ErrForbidden for anyone else).
func (a *App) FigureYears(ctx context.Context, actor Actor) ([]int, error) {
	if err := actor.Allow(OfficeRoles); err != nil {
		return nil, err
	}
	return figureYears(ctx, a.Store.DB, a.Now().In(locale.Brussels).Year())
}

// CanClose reports whether a year may be closed now: it is over and not closed yet.
func (f Figures) CanClose(now time.Time) bool {
	return !f.Frozen && f.Year < now.In(locale.Brussels).Year()
}

// CloseYear freezes a year's figures in their own table, so that the retention purge may then remove the
// personal data behind them. Closing a closed year changes nothing. The closing is audited. For the office
// (ErrForbidden for anyone else).
func (a *App) CloseYear(ctx context.Context, actor Actor, year int) error {
	if err := actor.Allow(OfficeRoles); err != nil {
		return err
	}
	if year >= a.Now().In(locale.Brussels).Year() {
		return &ValidationError{Fields: map[string]string{"bevestig": "form.year.notover"}}
	}
	return a.Store.tx(ctx, func(tx *sqlx.Tx) error {
		// Years close in order: the purge waits for the year a group ended, so an earlier year still open could
		// otherwise lose the personal data its figures are computed from.
		from, _ := yearRange(year)
		open, err := openYearsBefore(ctx, tx, from)
		if err != nil {
			return err
		}
		if len(open) > 0 {
			return &ValidationError{Fields: map[string]string{"bevestig": "form.year.earlier"}}
		}
		closed, err := insertYearClosed(ctx, tx, year, actor.ID(), a.Now())
		if err != nil {
			return err
		}
		if !closed {
			return nil
		}
		if err := a.Audit(ctx, tx, AuditEntry{StaffID: &actor.Staff.ID, Action: AuditYearClose,
			Detail: map[string]any{"year": year}}); err != nil {
			return err
		}
		rows, err := a.liveFigures(ctx, tx, year)
		if err != nil {
			return err
		}
		return freezeFigures(ctx, tx, year, rows)
	})
}

// liveFigures computes a year's rows from sessions, the attendance tallies, registrations and referrals.
// Attendance is read through its tallies (schema.sql, version 3), which triggers keep in step with every mark:
// per session for the counts of marks, per year, group and person for the distinct participants. So the
// figures cost a few thousand index reads, however many marks the year holds. Every query is bounded by the
// year's sessions (index on sessions.starts_at), the year of the person tally (its key) or the year's dates.
// Sessions held are the planned ones that began; a person marked present or late at a planned session of the
// year counts as a participant whatever the session's date (someone marked present came).
func (a *App) liveFigures(ctx context.Context, q sqlx.QueryerContext, year int) ([]FigureRow, error) {
	from, to := yearRange(year)
	now := a.Now()
	var rows []FigureRow
	add := func(metric, scope, dimension string, value int64) {
		rows = append(rows, FigureRow{Metric: metric, Scope: scope, Dimension: dimension, Value: value})
	}

	// Per group and month: sessions held (planned, begun), attendances (present or late) and marks.
	months, err := figureMonths(ctx, q, from, to, now)
	if err != nil {
		return nil, err
	}
	type totals struct{ sessions, attended, marked int64 }
	perGroup := map[string]*totals{}
	var groupOrder []string
	groupsRun := map[string]int64{}
	var offeringOrder []string
	for _, m := range months {
		t := perGroup[m.Group]
		if t == nil {
			t = &totals{}
			perGroup[m.Group] = t
			groupOrder = append(groupOrder, m.Group)
			if groupsRun[m.Offering] == 0 {
				offeringOrder = append(offeringOrder, m.Offering)
			}
			groupsRun[m.Offering]++
		}
		t.sessions += m.Sessions
		t.attended += m.Attended
		t.marked += m.Marked
		if m.Attended > 0 {
			add("attendances_month", "group:"+m.Group, m.Month, m.Attended)
		}
	}
	for _, g := range groupOrder {
		t := perGroup[g]
		add("sessions_held", "group:"+g, "", t.sessions)
		add("attendances", "group:"+g, "", t.attended)
		add("marked", "group:"+g, "", t.marked)
	}
	for _, o := range offeringOrder {
		add("groups_run", "offering:"+o, "", groupsRun[o])
	}

	more, err := figureCounts(ctx, q, year, from, to, now)
	if err != nil {
		return nil, err
	}
	return append(rows, more...), nil
}

// assemble turns rows into Figures, naming offerings and groups from the catalogue.
func (a *App) assemble(ctx context.Context, year int, rows []FigureRow) (Figures, error) {
	f := Figures{Year: year}
	// Every offering, active or not, and groups by id: a closed year reads the same after an offering is switched
	// off or a group gets another slug.
	offerings, err := everyOffering(ctx, a.Store.DB)
	if err != nil {
		return f, err
	}
	groups, err := groupsWithFirstSession(ctx, a.Store.DB, year)
	if err != nil {
		return f, err
	}
	byScope := map[string]map[string]int64{}
	counts := map[string]map[string]int{}
	for _, r := range rows {
		if byScope[r.Scope] == nil {
			byScope[r.Scope] = map[string]int64{}
		}
		switch r.Metric {
		case "attendances_month":
			byScope[r.Scope][r.Metric+":"+r.Dimension] += r.Value
		case "referrer", "municipality", "sector", "referral":
			if counts[r.Metric] == nil {
				counts[r.Metric] = map[string]int{}
			}
			counts[r.Metric][r.Dimension] += int(r.Value)
			if r.Metric == "referral" {
				byScope[r.Scope]["referral:"+r.Dimension] += r.Value
			}
		case "waakvlam_org":
			f.WaakvlamOrganisations = append(f.WaakvlamOrganisations, r.Dimension)
		default:
			byScope[r.Scope][r.Metric] += r.Value
		}
	}
	for _, o := range offerings {
		m := byScope["offering:"+strconv.FormatInt(o.ID, 10)]
		if !o.Active && len(m) == 0 {
			continue // an offering switched off, with nothing this year
		}
		of := OfferingFigures{Slug: o.Slug, Kind: o.Kind, Name: o.Name, GroupsRun: int(m["groups_run"]),
			Participants: int(m["participants"]), Parents: int(m["parents"]), Children: int(m["children"]),
			ReferredToCAW: int(m["referral:caw_individual"])}
		for _, g := range groups {
			gm := byScope["group:"+strconv.FormatInt(g.ID, 10)]
			if g.OfferingID != o.ID || gm["sessions_held"] == 0 {
				continue
			}
			gf := GroupFigures{Slug: g.Slug, Name: g.Name, Municipality: g.Municipality, SessionsHeld: int(gm["sessions_held"]),
				Participants: int(gm["participants"]), Attendances: int(gm["attendances"]), Marked: int(gm["marked"])}
			if g.First != nil {
				gf.FirstSession = *g.First
			}
			for i := range 12 {
				gf.Monthly[i] = int(gm[fmt.Sprintf("attendances_month:%02d", i+1)])
			}
			of.SessionsHeld += gf.SessionsHeld
			of.Attendances += gf.Attendances
			of.Marked += gf.Marked
			of.Groups = append(of.Groups, gf)
		}
		f.Offerings = append(f.Offerings, of)
	}
	f.Referrers = sortedCounts(counts["referrer"])
	f.Municipalities = sortedCounts(counts["municipality"])
	f.Sectors = sortedCounts(counts["sector"])
	f.Referrals = sortedCounts(counts["referral"])
	sort.Strings(f.WaakvlamOrganisations)
	return f, nil
}

func sortedCounts(m map[string]int) []Count {
	out := make([]Count, 0, len(m))
	for k, v := range m {
		out = append(out, Count{Key: k, Value: v})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Value != out[j].Value {
			return out[i].Value > out[j].Value
		}
		return out[i].Key < out[j].Key
	})
	return out
}

// Offering returns the figures of one offering by slug (zero figures when it did not run).
func (f Figures) Offering(slug string) OfferingFigures {
	for _, o := range f.Offerings {
		if o.Slug == slug {
			return o
		}
	}
	return OfferingFigures{Slug: slug}
}

// joinList writes "a, b en c" (nl) or "a, b and c" (en).
func joinList(lang string, items []string) string {
	and := " en "
	if lang == "en" {
		and = " and "
	}
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + and + items[len(items)-1]
}
