package app

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

// MoveGroup moves an admitted (or waiting) person, with their household, to another group of the same
// offering: capacity and separation are checked for the new group, reminders follow, and a seat freed in the
// old group goes to whoever waits there. Every admitted adult moved gets a group_moved mail (discreet where the
// offering is) with the new group's dates, whose calendar file takes the old group's sessions off; children
// hear it from their parent. For the office (OfficeRoles): ErrForbidden for anyone else.
func (a *App) MoveGroup(ctx context.Context, actor Actor, regID, groupID int64) error {
	if err := actor.Allow(OfficeRoles); err != nil {
		return err
	}
	staffID := actor.ID()
	if groupID <= 0 {
		return &ValidationError{Fields: map[string]string{"group": "form.required"}}
	}
	return a.Store.tx(ctx, func(tx *sqlx.Tx) error {
		r, err := registrationByID(ctx, tx, regID, false)
		if err != nil {
			return err
		}
		if r.GroupID == nil || *r.GroupID == groupID || (r.Status != StatusAdmitted && r.Status != StatusWaitlisted) {
			return ErrTransition
		}
		// Lock both groups, lowest id first, so two moves in opposite directions cannot deadlock.
		first, second := *r.GroupID, groupID
		if first > second {
			first, second = second, first
		}
		if _, err := lockGroup(ctx, tx, first); err != nil {
			return err
		}
		if _, err := lockGroup(ctx, tx, second); err != nil {
			return err
		}
		old, err := groupByID(ctx, a.Store.DB, *r.GroupID)
		if err != nil {
			return err
		}
		target, err := groupByID(ctx, a.Store.DB, groupID)
		if err != nil {
			return err
		}
		if target.OfferingID != r.OfferingID {
			return &ValidationError{Fields: map[string]string{"group": "form.group.invalid"}}
		}
		if err := a.joinable(ctx, tx, target); err != nil {
			return err
		}
		members, err := householdOf(ctx, tx, r)
		if err != nil {
			return err
		}
		for _, m := range members {
			if m.GroupID == nil || *m.GroupID != old.ID || (m.Status != StatusAdmitted && m.Status != StatusWaitlisted) {
				continue
			}
			if err := moveRegistration(ctx, tx, m.ID, target.ID, a.Now()); err != nil {
				return err
			}
			if err := a.dropReminders(ctx, tx, m.ID, nil); err != nil {
				return err
			}
			if m.Status == StatusAdmitted {
				if err := a.planReminders(ctx, tx, m.ID); err != nil {
					return err
				}
				if err := a.mailMoved(ctx, tx, m, old.ID, target.ID); err != nil {
					return err
				}
			}
		}
		if err := a.Audit(ctx, tx, AuditEntry{StaffID: &staffID, Action: AuditRegistrationMove, PersonID: &r.PersonID,
			RegistrationID: &r.ID, GroupID: &target.ID, Detail: map[string]any{"from_group": old.ID}}); err != nil {
			return err
		}
		// A seat freed in the old group goes to whoever waits there; someone waiting who moved in may be next.
		if err := a.reconcileSeats(ctx, tx, first); err != nil {
			return err
		}
		return a.reconcileSeats(ctx, tx, second)
	})
}

// mailMoved tells an admitted adult moved from group from to group to of their new dates (children hear it
// from their parent). The dedupe key holds the moment, so moving back and forth tells each move.
func (a *App) mailMoved(ctx context.Context, tx *sqlx.Tx, m Registration, from, to int64) error {
	if m.Role == RoleChild {
		return nil
	}
	now := a.Now()
	return a.enqueue(ctx, tx, Mail{DedupeKey: fmt.Sprintf("%s:%d:%d:%d", MailGroupMoved, m.ID, to, now.Unix()),
		Kind: MailGroupMoved, PersonID: &m.PersonID, RegistrationID: &m.ID,
		Params: map[string]any{"from_group": from, "moved_at": now.Format(time.RFC3339)}})
}
