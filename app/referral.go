package app

import (
	"context"
	"time"

	"github.com/jmoiron/sqlx"

	"portal/app/locale"
)

// Onward referrals: after a group, staff record where a person was sent on to (an individual trajectory at the
// CAW, mental health care, ...). The yearly figures count them.

// ReferralDestinations lists where staff refer someone onward after a group.
var ReferralDestinations = []string{"caw_individual", "ggz", "justice_welfare", "youth_care", "other"}

// RecordReferral records that a person was referred onward (e.g. to an individual trajectory at the CAW).
// Office roles only, like every other decision on a registration's page (the route has the same guard): a
// facilitator who learns of a referral tells the office. Errors: ErrForbidden, or a validation error for the
// destination and note.
func (a *App) RecordReferral(ctx context.Context, actor Actor, personID int64, registrationID *int64, destination string,
	on time.Time, note string) error {
	if err := actor.Allow(OfficeRoles); err != nil {
		return err
	}
	return a.Store.tx(ctx, func(tx *sqlx.Tx) error {
		f := newFields()
		f.choice("destination", destination, ReferralDestinations, true)
		note = f.long("note", note, MaxMessage, false)
		if err := f.err(); err != nil {
			return err
		}
		if on.IsZero() {
			on = a.Now()
		} else if !InWindow(on) {
			f.v.Add("referred_on", msgDateWindow)
			return f.err()
		}
		day := on.In(locale.Brussels).Format("2006-01-02") // a calendar day in Brussels, whatever the server's zone
		if err := insertReferral(ctx, tx, personID, registrationID, destination, a.Keys.Encrypt(note), day, actor.ID()); err != nil {
			return err
		}
		return a.Audit(ctx, tx, AuditEntry{StaffID: &actor.Staff.ID, Action: AuditReferralCreate, PersonID: &personID,
			RegistrationID: registrationID, Detail: map[string]any{"destination": destination}})
	})
}
