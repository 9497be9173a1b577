package app

import (
	"context"
	"time"

	"github.com/jmoiron/sqlx"
)

// SetRequestDate sets the day a request came in (Registration.RequestedOn), for the whole household when it is
// one: a request taken on paper or by phone and typed in later, or entered for a past year, keeps its own day.
// day is a calendar day (ParseDay); it may not lie after today (Brussels) nor outside the years
// FirstYear–LastYear (a validation error on field "requested_on"). For the office (OfficeRoles), else
// ErrForbidden; ErrNotFound for an unknown registration. The change is audited with the old and new day.
func (a *App) SetRequestDate(ctx context.Context, actor Actor, regID int64, day time.Time) error {
	if err := actor.Allow(OfficeRoles); err != nil {
		return err
	}
	return a.Store.tx(ctx, func(tx *sqlx.Tx) error {
		r, err := registrationByID(ctx, tx, regID, true)
		if err != nil {
			return err
		}
		f := newFields()
		switch {
		case day.IsZero():
			f.v.Add("requested_on", "form.required")
		case !InWindow(day):
			f.v.Add("requested_on", msgDateWindow)
		case brusselsDay(day) > brusselsDay(a.Now()):
			f.v.Add("requested_on", "form.requestdate.future")
		}
		if err := f.err(); err != nil {
			return err
		}
		from, to := r.RequestedOn.Format("2006-01-02"), brusselsDay(day)
		if from == to {
			return nil
		}
		if err := setRequestedOn(ctx, tx, r.ID, r.HouseholdID, to, a.Now()); err != nil {
			return err
		}
		return a.auditChange(ctx, tx, actor.ID(), AuditRegistrationDate, r, map[string]any{"from": from, "to": to})
	})
}
