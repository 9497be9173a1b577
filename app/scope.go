package app

import (
	"context"
	"fmt"
	"time"
)

// Who sees which group: admins and coordinators see every group; a facilitator sees only the groups they lead
// (group_facilitators). This file holds that rule, once, in Go and in SQL; every staff page that shows a group,
// its sessions or its people goes through it.

// GroupScopeSQL returns an SQL condition that holds when the active staff member whose id is the query
// parameter param (for example "$2") may see the group whose id is in column col (for example "g.id"). The role
// is read from the database, so a changed role counts at once. Both arguments are fixed strings in the code,
// never user input.
func GroupScopeSQL(col, param string) string {
	return `EXISTS (SELECT 1 FROM staff_users scope_u WHERE scope_u.id = ` + param + ` AND scope_u.active
		AND (scope_u.role IN ('admin', 'coordinator')
		     OR EXISTS (SELECT 1 FROM group_facilitators scope_gf
		                WHERE scope_gf.group_id = ` + col + ` AND scope_gf.staff_id = scope_u.id)))`
}

// CanSeeGroup reports whether staff may see group groupID; ErrNotFound when the group does not exist.
func (a *App) CanSeeGroup(ctx context.Context, staff Staff, groupID int64) (bool, error) {
	var r struct {
		Exists  bool `db:"group_exists"`
		Visible bool `db:"visible"`
	}
	err := a.Store.DB.GetContext(ctx, &r, `SELECT EXISTS (SELECT 1 FROM groups WHERE id = $1) AS group_exists,
		EXISTS (SELECT 1 FROM groups g WHERE g.id = $1 AND `+GroupScopeSQL("g.id", "$2")+`) AS visible`, groupID, staff.ID)
	if err != nil {
		return false, fmt.Errorf("store: unable to check group access: %w", err)
	}
	if !r.Exists {
		return false, ErrNotFound
	}
	return r.Visible, nil
}

// RequireGroup returns nil when staff may see group groupID, ErrForbidden when not, ErrNotFound when it does
// not exist: the one-line guard for handlers.
func (a *App) RequireGroup(ctx context.Context, staff Staff, groupID int64) error {
	ok, err := a.CanSeeGroup(ctx, staff, groupID)
	if err != nil {
		return err
	}
	if !ok {
		return ErrForbidden
	}
	return nil
}

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
	var out []StaffGroup
	err := a.Store.DB.SelectContext(ctx, &out, `SELECT g.id, g.offering_id, g.slug, g.name, g.municipality,
			g.place_name, g.address, g.place_private, g.capacity, g.child_capacity, g.closed_after_session,
			g.discreet, g.status, g.visibility, g.offer_hours, g.description, g.created_at,
			o.name AS offering_name, o.slug AS offering_slug,
			(SELECT min(starts_at) FROM sessions s WHERE s.group_id = g.id AND s.status = 'planned' AND s.starts_at > $3) AS next_session,
			(SELECT count(*) FROM sessions s WHERE s.group_id = g.id AND s.status = 'planned' AND s.starts_at > $3) AS upcoming
		FROM groups g JOIN offerings o ON o.id = g.offering_id
		WHERE `+GroupScopeSQL("g.id", "$1")+`
		  AND (NOT $2 OR (g.status <> 'cancelled' AND o.active
		       AND (NOT EXISTS (SELECT 1 FROM sessions s WHERE s.group_id = g.id)
		            OR EXISTS (SELECT 1 FROM sessions s WHERE s.group_id = g.id AND s.ends_at > $3 - interval '14 days'))))
		ORDER BY o.position, o.id, g.name->>'nl', g.id`, actor.ID(), active, a.Now())
	if err != nil {
		return nil, fmt.Errorf("store: unable to list groups: %w", err)
	}
	return out, nil
}
