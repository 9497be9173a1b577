package app

import (
	"context"
	"time"
)

// Who sees which group: admins and coordinators see every group; a facilitator sees only the groups they lead
// (group_facilitators). Actor.AllowGroup is that rule for one group, checked by every app method about a group,
// its sessions or its people; groupScopeSQL (store_group_facilitators.go) is the same rule in SQL, for lists.

// StaffGroup is a group in a staff member's list: with its offering and what is coming.
type StaffGroup struct {
	Group
	OfferingName Text       `db:"offering_name"`
	OfferingSlug string     `db:"offering_slug"`
	NextSession  *time.Time `db:"next_session"`
	Upcoming     int        `db:"upcoming"`
}

// VisibleGroups lists the groups the actor may see, by offering and name; with active=true only the running
// ones: not cancelled, of an active offering, and with no sessions yet or a session in the last two weeks or
// ahead. Open to every active staff member: the list is scoped to the actor.
func (a *App) VisibleGroups(ctx context.Context, actor Actor, active bool) ([]StaffGroup, error) {
	if err := actor.Allow(AllRoles); err != nil {
		return nil, err
	}
	return visibleGroups(ctx, a.Store.DB, actor.ID(), active, a.Now())
}
