package app

import (
	"context"
	"time"
)

// GroupDetail is one group as staff see it: its offering, who leads it, and its sessions in time order.
type GroupDetail struct {
	Group        Group
	Offering     Offering
	Facilitators []Facilitator
	Sessions     []Session
}

// SessionsAhead counts the group's planned sessions that start after now: a group with none has ended.
func (d GroupDetail) SessionsAhead(now time.Time) int {
	n := 0
	for _, s := range d.Sessions {
		if s.Status == SessionPlanned && s.StartsAt.After(now) {
			n++
		}
	}
	return n
}

// GroupForStaff reads group groupID for an actor who may see it: ErrForbidden otherwise (also when there is no
// such group, for a facilitator), ErrNotFound when the office asks for a group that does not exist.
func (a *App) GroupForStaff(ctx context.Context, actor Actor, groupID int64) (GroupDetail, error) {
	var d GroupDetail
	if err := actor.AllowGroup(AllRoles, groupID); err != nil {
		return d, err
	}
	var err error
	if d.Group, err = groupByID(ctx, a.Store.DB, groupID); err != nil {
		return d, err
	}
	if d.Offering, err = offeringByID(ctx, a.Store.DB, d.Group.OfferingID); err != nil {
		return d, err
	}
	if d.Facilitators, err = groupFacilitators(ctx, a.Store.DB, groupID); err != nil {
		return d, err
	}
	if d.Sessions, err = groupSessions(ctx, a.Store.DB, groupID); err != nil {
		return d, err
	}
	return d, nil
}

// FacilitatorChoices lists the active staff members a group may be given as facilitators, by name, for the office
// (ErrForbidden for anyone else).
func (a *App) FacilitatorChoices(ctx context.Context, actor Actor) ([]Staff, error) {
	if err := actor.Allow(OfficeRoles); err != nil {
		return nil, err
	}
	return activeStaff(ctx, a.Store.DB)
}
