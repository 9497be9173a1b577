package app

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

// The decisions staff take on requests and places. They are for the office (OfficeRoles) and share one shape,
// decide: the actor's rights first (ErrForbidden to anyone else, before anything is read or validated), then the
// typed input, then one transaction with the group locked that checks the state machine (the database checks it
// again), writes the audit row and the mail the person should get, keeps reminders in step and reconciles the
// seats of every group the decision touched.

// decide runs one decision about registration regID for actor. check validates the typed input (nil when there
// is none); may says from which states the decision can be taken (ErrTransition otherwise); change makes it, given
// the registration as locked. The registration's group is locked before the registration (group, then
// registrations, as everywhere), and the seats of that group and of the group the registration ends up in are
// reconciled (reconcileSeats) in the same transaction.
func (a *App) decide(ctx context.Context, actor Actor, regID int64, check func() error, may func(Registration) bool,
	change func(tx *sqlx.Tx, r Registration) error) error {
	if err := actor.Allow(OfficeRoles); err != nil {
		return err
	}
	if check != nil {
		if err := check(); err != nil {
			return err
		}
	}
	return a.Store.tx(ctx, func(tx *sqlx.Tx) error {
		r, err := registrationByID(ctx, tx, regID, false)
		if err != nil {
			return err
		}
		if r.GroupID != nil {
			if _, err := lockGroup(ctx, tx, *r.GroupID); err != nil {
				return err
			}
		}
		if r, err = registrationByID(ctx, tx, regID, true); err != nil {
			return err
		}
		if !may(r) {
			return ErrTransition
		}
		if err := change(tx, r); err != nil {
			return err
		}
		after, err := registrationByID(ctx, tx, regID, false)
		if err != nil {
			return err
		}
		var touched []int64
		if r.GroupID != nil {
			touched = append(touched, *r.GroupID)
		}
		if after.GroupID != nil && (r.GroupID == nil || *after.GroupID != *r.GroupID) {
			touched = append(touched, *after.GroupID)
		}
		for _, id := range touched {
			if err := a.reconcileSeats(ctx, tx, id); err != nil {
				return err
			}
		}
		return nil
	})
}

// Registration states a decision starts from.
func requestOpen(r Registration) bool {
	return r.Status == StatusRequested || r.Status == StatusIntakePlanned
}
func waiting(r Registration) bool   { return r.Status == StatusWaitlisted || r.Status == StatusOffered }
func notSeated(r Registration) bool { return r.Active() && r.Status != StatusAdmitted }
func active(r Registration) bool    { return r.Active() }

// PlanIntake records when the introductory talk is, and a short note (stored encrypted).
func (a *App) PlanIntake(ctx context.Context, actor Actor, regID int64, at time.Time, note string) error {
	staffID := actor.ID()
	check := func() error {
		f := newFields()
		note = f.long("note", note, MaxMessage, false)
		if at.IsZero() {
			f.v.Add("intake_at", "form.required")
		} else if !InWindow(at) {
			f.v.Add("intake_at", msgDateWindow) // the date rule again, for callers that bypass the form
		}
		return f.err()
	}
	return a.decide(ctx, actor, regID, check, requestOpen, func(tx *sqlx.Tx, r Registration) error {
		if err := setIntake(ctx, tx, r.ID, at, a.Keys.Encrypt(note), a.Now()); err != nil {
			return err
		}
		if err := a.setStatus(ctx, tx, r, StatusIntakePlanned, &staffID); err != nil {
			return err
		}
		if err := a.auditChange(ctx, tx, staffID, AuditRegistrationIntake, r, nil); err != nil {
			return err
		}
		return a.enqueue(ctx, tx, Mail{DedupeKey: fmt.Sprintf("%s:%d:%d", MailIntakePlanned, r.ID, at.Unix()),
			Kind: MailIntakePlanned, PersonID: &r.PersonID, RegistrationID: &r.ID,
			Params: map[string]any{"intake_at": at.Format(time.RFC3339)}})
	})
}

// AdmitOptions adjust an admission.
type AdmitOptions struct {
	// GroupID places the person in this group (required when the request has none).
	GroupID int64
	// OverCapacity admits even when the group is full: staff's deliberate choice.
	OverCapacity bool
}

// Admit gives a place in a group: to one person, or to a whole household (parents on the adult track, children
// on the children's track). A full group (unless overridden), a draft or cancelled group and a separated person
// refuse; a group past its closing session or with all its sessions past does not (see recordable).
func (a *App) Admit(ctx context.Context, actor Actor, regID int64, opt AdmitOptions) error {
	staffID := actor.ID()
	return a.decide(ctx, actor, regID, nil, notSeated, func(tx *sqlx.Tx, r Registration) error {
		g, err := groupFor(ctx, tx, r, opt.GroupID)
		if err != nil {
			return err
		}
		if err := recordable(g); err != nil {
			return err
		}
		members, err := householdOf(ctx, tx, r)
		if err != nil {
			return err
		}
		if err := a.seat(ctx, tx, staffID, members, notSeated, g.ID, opt.OverCapacity); err != nil {
			return err
		}
		if err := a.auditChange(ctx, tx, staffID, AuditRegistrationAdmit, r, map[string]any{"group": g.ID,
			"over_capacity": opt.OverCapacity}); err != nil {
			return err
		}
		token, err := a.addToken(ctx, tx, r.ID)
		if err != nil {
			return err
		}
		return a.enqueue(ctx, tx, Mail{DedupeKey: fmt.Sprintf("%s:%d", MailAdmitted, r.ID), Kind: MailAdmitted,
			PersonID: &r.PersonID, RegistrationID: &r.ID, Secret: token})
	})
}

// seat admits the members that may take a place into group groupID, each with its reminders. Admit and Promote
// differ only in who may take a place; the seat itself (and the capacity trigger behind it) is one and the same.
func (a *App) seat(ctx context.Context, tx *sqlx.Tx, staffID int64, members []Registration, may func(Registration) bool,
	groupID int64, overCapacity bool) error {
	for _, m := range members {
		if !may(m) {
			continue
		}
		if err := placeRegistration(ctx, tx, m.ID, groupID, overCapacity); err != nil {
			return err
		}
		if err := a.setStatus(ctx, tx, m, StatusAdmitted, &staffID); err != nil {
			return err
		}
		if err := a.planReminders(ctx, tx, m.ID); err != nil {
			return err
		}
	}
	return nil
}

// Decline ends a request (for the whole household) with a reason for the file and, optionally, a message for
// the person.
func (a *App) Decline(ctx context.Context, actor Actor, regID int64, reason, message string) error {
	staffID := actor.ID()
	check := func() error {
		f := newFields()
		reason = f.text("reason", reason, 500, true)
		message = f.long("message", message, MaxMessage, false)
		return f.err()
	}
	return a.decide(ctx, actor, regID, check, active, func(tx *sqlx.Tx, r Registration) error {
		members, err := householdOf(ctx, tx, r)
		if err != nil {
			return err
		}
		for _, m := range members {
			if m.HoldsSeat() {
				return ErrTransition // a place once given is withdrawn, not declined
			}
			if !m.Active() {
				continue
			}
			if err := setDeclineReason(ctx, tx, m.ID, a.Keys.Encrypt(reason)); err != nil {
				return err
			}
			if err := a.setStatus(ctx, tx, m, StatusDeclined, &staffID); err != nil {
				return err
			}
		}
		if err := a.auditChange(ctx, tx, staffID, AuditRegistrationDecline, r, nil); err != nil {
			return err
		}
		return a.enqueue(ctx, tx, Mail{DedupeKey: fmt.Sprintf("%s:%d", MailDeclined, r.ID), Kind: MailDeclined,
			PersonID: &r.PersonID, RegistrationID: &r.ID, Secret: message}) // typed text: kept encrypted, wiped once sent
	})
}

// Waitlist puts a request (or household) on the waiting list of a group.
func (a *App) Waitlist(ctx context.Context, actor Actor, regID, groupID int64) error {
	staffID := actor.ID()
	return a.decide(ctx, actor, regID, nil, requestOpen, func(tx *sqlx.Tx, r Registration) error {
		g, err := groupFor(ctx, tx, r, groupID)
		if err != nil {
			return err
		}
		members, err := householdOf(ctx, tx, r)
		if err != nil {
			return err
		}
		for _, m := range members {
			if !requestOpen(m) {
				continue
			}
			if err := setWaitingGroup(ctx, tx, m.ID, g.ID); err != nil {
				return err
			}
			if err := a.setStatus(ctx, tx, m, StatusWaitlisted, &staffID); err != nil {
				return err
			}
		}
		if err := a.auditChange(ctx, tx, staffID, AuditRegistrationWaitlist, r, map[string]any{"group": g.ID}); err != nil {
			return err
		}
		return a.enqueue(ctx, tx, Mail{DedupeKey: fmt.Sprintf("%s:%d", MailWaitlisted, r.ID), Kind: MailWaitlisted,
			PersonID: &r.PersonID, RegistrationID: &r.ID})
	})
}

// Promote gives a waiting person a place straight away (staff override of the queue); with overCapacity the
// group may go above its capacity. A promotion from the waiting list respects the group's closing (ErrClosed),
// as the automatic offers do: to record someone in a closed group staff admit them (see recordable).
func (a *App) Promote(ctx context.Context, actor Actor, regID int64, overCapacity bool) error {
	staffID := actor.ID()
	may := func(r Registration) bool { return r.GroupID != nil && waiting(r) }
	return a.decide(ctx, actor, regID, nil, may, func(tx *sqlx.Tx, r Registration) error {
		g, err := lockGroup(ctx, tx, *r.GroupID)
		if err != nil {
			return err
		}
		if err := a.joinable(ctx, tx, g); err != nil {
			return err
		}
		members, err := householdOf(ctx, tx, r)
		if err != nil {
			return err
		}
		if err := a.seat(ctx, tx, staffID, members, waiting, g.ID, overCapacity); err != nil {
			return err
		}
		token, err := a.addToken(ctx, tx, r.ID)
		if err != nil {
			return err
		}
		if err := a.auditChange(ctx, tx, staffID, AuditRegistrationPromote, r, map[string]any{"over_capacity": overCapacity}); err != nil {
			return err
		}
		return a.enqueue(ctx, tx, Mail{DedupeKey: fmt.Sprintf("%s:%d", MailPromoted, r.ID), Kind: MailPromoted,
			PersonID: &r.PersonID, RegistrationID: &r.ID, Secret: token})
	})
}

// Withdraw ends a place or request on the person's behalf (they called to stop); a freed seat is passed on.
func (a *App) Withdraw(ctx context.Context, actor Actor, regID int64) error {
	staffID := actor.ID()
	return a.decide(ctx, actor, regID, nil, active, func(tx *sqlx.Tx, r Registration) error {
		if err := a.setStatus(ctx, tx, r, StatusWithdrawn, &staffID); err != nil {
			return err
		}
		if err := a.auditChange(ctx, tx, staffID, AuditRegistrationWithdraw, r, nil); err != nil {
			return err
		}
		if err := a.dropReminders(ctx, tx, r.ID, nil); err != nil {
			return err
		}
		// Staff ended it: the mail must not say "we noted your cancellation", which she never gave.
		return a.enqueue(ctx, tx, Mail{DedupeKey: fmt.Sprintf("%s:%d", MailEnded, r.ID), Kind: MailEnded,
			PersonID: &r.PersonID, RegistrationID: &r.ID})
	})
}

// CompleteGroup marks every admitted member of a group as having completed it, when the group has ended.
func (a *App) CompleteGroup(ctx context.Context, actor Actor, groupID int64) (int, error) {
	if err := actor.Allow(OfficeRoles); err != nil {
		return 0, err
	}
	staffID := actor.ID()
	n := 0
	err := a.Store.tx(ctx, func(tx *sqlx.Tx) error {
		if _, err := lockGroup(ctx, tx, groupID); err != nil {
			return err
		}
		regs, err := admittedOfGroup(ctx, tx, groupID)
		if err != nil {
			return err
		}
		for _, r := range regs {
			if err := a.setStatus(ctx, tx, r, StatusCompleted, &staffID); err != nil {
				return err
			}
			n++
		}
		if err := a.Audit(ctx, tx, AuditEntry{StaffID: &staffID, Action: AuditGroupComplete, GroupID: &groupID,
			Detail: map[string]any{"completed": n}}); err != nil {
			return err
		}
		return a.reconcileSeats(ctx, tx, groupID)
	})
	return n, err
}

// groupFor locks the group a decision places a request in: the one staff chose, else the one it asked for. A
// group of another offering is refused, so a form cannot move someone into a group they never applied to.
func groupFor(ctx context.Context, tx *sqlx.Tx, r Registration, groupID int64) (Group, error) {
	if groupID == 0 && r.GroupID != nil {
		groupID = *r.GroupID
	}
	if groupID == 0 {
		return Group{}, &ValidationError{Fields: map[string]string{"group": "form.group.required"}}
	}
	g, err := lockGroup(ctx, tx, groupID)
	if err != nil {
		return Group{}, err
	}
	if g.OfferingID != r.OfferingID {
		return Group{}, &ValidationError{Fields: map[string]string{"group": "form.group.invalid"}}
	}
	return g, nil
}
