package app

import (
	"context"
	"errors"
	"slices"
	"sort"
	"time"

	"github.com/jmoiron/sqlx"

	"portal/app/locale"
)

// Retention in the open: the purge that anonymises people once their offering's retention period is over (daily,
// or started by an admin), the page that shows who is due when (counts only), and reopening a closed year. Who
// is due on which date is one query, retentionSchedule, read by the purge and by the page alike, so the page
// cannot promise what a run does not do.

// Purge is the daily run of the retention purge, by the system: it anonymises every person due now (see
// retentionSchedule: every registration ended longer ago than its offering's retention period, in years whose
// figures are frozen, so the yearly report survives) and wipes the Waakvlam contact persons due. The run is
// recorded and audited. It returns how many people it anonymised. Several processes may run it at once: each
// person is locked with SKIP LOCKED.
func (a *App) Purge(ctx context.Context) (int, error) {
	run, err := a.purge(ctx, nil)
	return run.People, err
}

// purgeMargin is how much time before its deadline a run stops taking the next person: one takes milliseconds,
// the record of the run a few more.
const purgeMargin = 2 * time.Second

// PurgeNow runs the retention purge at once for an admin (ErrForbidden for anyone else), as the daily run would,
// and returns the run as recorded (its id and counts). The run is audited with the admin as actor.
func (a *App) PurgeNow(ctx context.Context, actor Actor) (RetentionRun, error) {
	if err := actor.Allow(AdminRoles); err != nil {
		return RetentionRun{}, err
	}
	id := actor.ID()
	return a.purge(ctx, &id)
}

// purge anonymises who is due now and records the run, also when it stopped on an error midway: the people it
// anonymised by then are gone, and the record must say so.
func (a *App) purge(ctx context.Context, staffID *int64) (RetentionRun, error) {
	run := RetentionRun{StartedAt: a.Now(), StaffID: staffID}
	err := a.anonymiseDue(ctx, &run)
	if err == nil {
		run.Waakvlam, err = purgeWaakvlamContacts(ctx, a.Store.DB, a.Now())
	}
	run.FinishedAt = a.Now()
	// Recorded even when the request that started it has gone: what was anonymised must be on record.
	rctx := context.WithoutCancel(ctx)
	rerr := a.Store.tx(rctx, func(tx *sqlx.Tx) error {
		id, err := insertRetentionRun(rctx, tx, run)
		if err != nil {
			return err
		}
		run.ID = id
		return a.Audit(rctx, tx, AuditEntry{StaffID: staffID, Action: AuditRetentionPurge,
			Detail: map[string]any{"id": id, "people": run.People, "waakvlam_contacts": run.Waakvlam}})
	})
	return run, errors.Join(err, rerr)
}

// anonymiseDue anonymises, one transaction each, the people due now, counting them in run.People. Each is checked
// again inside their own transaction, under the shared retention lock: a year reopened since the schedule was
// read takes its people off the list. Close to ctx's deadline (an admin's request) it stops without an error:
// the people not reached stay due, and the page says how many are left for the next run.
func (a *App) anonymiseDue(ctx context.Context, run *RetentionRun) error {
	due, err := retentionSchedule(ctx, a.Store.DB, nil)
	if err != nil {
		return err
	}
	for _, d := range due {
		if !d.dueBy(run.StartedAt) {
			continue
		}
		if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) < purgeMargin {
			return nil
		}
		err := a.Store.tx(ctx, func(tx *sqlx.Tx) error {
			if err := lockRetention(ctx, tx, false); err != nil {
				return err
			}
			locked, err := lockPersonToPurge(ctx, tx, d.PersonID)
			if err != nil || !locked {
				return err // when not locked: done by another process meanwhile
			}
			again, err := retentionSchedule(ctx, tx, &d.PersonID)
			if err != nil || len(again) != 1 || !again[0].dueBy(run.StartedAt) {
				return err
			}
			run.People++
			return anonymise(ctx, tx, d.PersonID, a.Now())
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// RetentionDate is how many people of an offering fall due on one day.
type RetentionDate struct {
	// On is the day (Brussels midnight) of the first daily run that anonymises them: the day their retention
	// period ends, or the next one when it ends during the day. For people already due it is in the past.
	On time.Time
	// WaitsFor is the year that must be closed first (0: none): until then they are kept, even past On.
	WaitsFor int
	People   int
}

// RetentionOffering is one offering on the retention page: its retention period and who falls due when.
type RetentionOffering struct {
	Offering Offering
	Dates    []RetentionDate
	// People is the sum of Dates.
	People int
}

// RetentionOverview is the retention page: per offering who falls due when (counts, no names), how many the
// next run takes, and the last runs.
type RetentionOverview struct {
	Now       time.Time
	Offerings []RetentionOffering
	// DueNow is how many people a run now anonymises; WaakvlamDueNow how many contact persons it wipes.
	DueNow, WaakvlamDueNow int
	Runs                   []RetentionRun
}

// retentionRunsShown is how many of the last runs the page lists.
const retentionRunsShown = 10

// RetentionOverview gathers the retention page, for the office (ErrForbidden for anyone else). Its counts come
// from retentionSchedule, the query the purge runs, so they are exactly what runs on those days remove (as long
// as nothing is recorded meanwhile).
func (a *App) RetentionOverview(ctx context.Context, actor Actor) (RetentionOverview, error) {
	if err := actor.Allow(OfficeRoles); err != nil {
		return RetentionOverview{}, err
	}
	now := a.Now()
	ov := RetentionOverview{Now: now}
	offerings, err := everyOffering(ctx, a.Store.DB)
	if err != nil {
		return ov, err
	}
	due, err := retentionSchedule(ctx, a.Store.DB, nil)
	if err != nil {
		return ov, err
	}
	type key struct {
		offering int64
		on       time.Time
		waits    int
	}
	counts := map[key]int{}
	for _, d := range due {
		k := key{offering: d.OfferingID, on: PurgeDay(d.DueAt)}
		if d.WaitsFor != nil {
			k.waits = *d.WaitsFor
		}
		counts[k]++
		if d.dueBy(now) {
			ov.DueNow++
		}
	}
	for _, o := range offerings {
		ro := RetentionOffering{Offering: o}
		for k, n := range counts {
			if k.offering == o.ID {
				ro.Dates = append(ro.Dates, RetentionDate{On: k.on, WaitsFor: k.waits, People: n})
				ro.People += n
			}
		}
		sort.Slice(ro.Dates, func(i, j int) bool {
			if !ro.Dates[i].On.Equal(ro.Dates[j].On) {
				return ro.Dates[i].On.Before(ro.Dates[j].On)
			}
			return ro.Dates[i].WaitsFor < ro.Dates[j].WaitsFor
		})
		ov.Offerings = append(ov.Offerings, ro)
	}
	if ov.WaakvlamDueNow, err = waakvlamContactsDue(ctx, a.Store.DB, now); err != nil {
		return ov, err
	}
	ov.Runs, err = lastRetentionRuns(ctx, a.Store.DB, retentionRunsShown)
	return ov, err
}

// PurgeDay is the day (Brussels midnight) of the first daily run at or after due: the daily job runs once a
// day from just after midnight, so a period that ends during a day is run out the next day.
func PurgeDay(due time.Time) time.Time {
	d := due.In(locale.Brussels)
	day := time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, locale.Brussels)
	if d.After(day) {
		day = day.AddDate(0, 0, 1)
	}
	return day
}

// ReopenYear reopens a closed year for an admin (ErrForbidden for anyone else): its frozen figures are dropped,
// the live figures show again, and the next close freezes them anew. It is refused (a ValidationError on
// "bevestig") when the year is not closed, when a later year is closed (years close in order, and the purge
// relies on it), or when people of that year have been anonymised since it was closed: their data no longer
// stands behind the figures, so the frozen ones must stay. The reopening is audited.
func (a *App) ReopenYear(ctx context.Context, actor Actor, year int) error {
	if err := actor.Allow(AdminRoles); err != nil {
		return err
	}
	return a.Store.tx(ctx, func(tx *sqlx.Tx) error {
		// Exclusive: no person of the year is being anonymised while we look, and none after we reopened.
		if err := lockRetention(ctx, tx, true); err != nil {
			return err
		}
		refusal, err := reopenRefusal(ctx, tx, year)
		if err != nil {
			return err
		}
		if refusal != "" {
			return &ValidationError{Fields: map[string]string{"bevestig": refusal}}
		}
		if err := deleteYearClosed(ctx, tx, year); err != nil {
			return err
		}
		staffID := actor.ID()
		return a.Audit(ctx, tx, AuditEntry{StaffID: &staffID, Action: AuditYearReopen,
			Detail: map[string]any{"year": year}})
	})
}

// ReopenRefusal says why an admin could not reopen year now: the message id ReopenYear would refuse with, or ""
// when it may be reopened. The figures page asks it so as to offer the form only when it can work. For the office
// (ErrForbidden otherwise).
func (a *App) ReopenRefusal(ctx context.Context, actor Actor, year int) (string, error) {
	if err := actor.Allow(OfficeRoles); err != nil {
		return "", err
	}
	return reopenRefusal(ctx, a.Store.DB, year)
}

// reopenRefusal is the rule of ReopenYear: the message id of why year cannot be reopened, or "".
func reopenRefusal(ctx context.Context, q sqlx.QueryerContext, year int) (string, error) {
	closedAt, err := yearClosedAt(ctx, q, year)
	if err != nil {
		return "", err
	}
	if closedAt == nil {
		return "form.year.notclosed", nil
	}
	later, err := laterClosedYear(ctx, q, year)
	if err != nil {
		return "", err
	}
	if later != 0 {
		return "form.year.laterclosed", nil
	}
	gone, err := anonymisedSinceClosing(ctx, q, year, *closedAt)
	if err != nil {
		return "", err
	}
	if gone > 0 {
		return "form.year.purged", nil
	}
	return "", nil
}

// ClosedYearsTouched lists, oldest first, the closed years that a change to a session's roll call (sessionID) or
// to a registration (registrationID: its admission, group, request date, referral) counts for; zero ids are left
// out. Their frozen figures no longer change, and the pages say so. For whoever may see the group
// (ErrForbidden otherwise; a registration without a group is the office's); ErrNotFound for an unknown id.
func (a *App) ClosedYearsTouched(ctx context.Context, actor Actor, sessionID, registrationID int64) ([]int, error) {
	if err := actor.Allow(AllRoles); err != nil {
		return nil, err
	}
	var years []int
	if sessionID != 0 {
		group, closed, err := closedYearsOfSession(ctx, a.Store.DB, sessionID)
		if err != nil && !errors.Is(err, ErrNotFound) {
			return nil, err
		}
		if err := actor.AllowGroup(AllRoles, group); err != nil {
			return nil, err
		}
		if err != nil {
			return nil, ErrNotFound
		}
		years = append(years, closed...)
	}
	if registrationID != 0 {
		group, closed, err := closedYearsOfRegistration(ctx, a.Store.DB, registrationID)
		if err != nil && !errors.Is(err, ErrNotFound) {
			return nil, err
		}
		if group == nil {
			if aerr := actor.Allow(OfficeRoles); aerr != nil {
				return nil, aerr
			}
		} else if aerr := actor.AllowGroup(AllRoles, *group); aerr != nil {
			return nil, aerr
		}
		if err != nil {
			return nil, err
		}
		years = append(years, closed...)
	}
	sort.Ints(years)
	return slices.Compact(years), nil
}
