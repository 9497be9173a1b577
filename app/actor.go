package app

import (
	"context"
	"errors"
	"slices"
)

// The authorization contract. Every staff-facing App method takes an Actor as its second argument (after ctx)
// and checks, before it validates its input or changes anything, that the actor's role may do this (Allow) and,
// for anything about one group, its sessions or its people, that the actor may see that group (AllowGroup, after
// reading which group the thing belongs to). A caller without rights learns nothing, not even that its input was
// wrong. Route guards in
// handlers stay as a second line; the menu is built from the same role sets. A method that forgets its check is
// caught by the contract test, which calls every exported staff method as an actor without rights.

// Role sets: who may do what. Handlers guard routes and build the menu from these same sets.
var (
	// AdminRoles may manage staff accounts, read the audit log, and export or erase a person's data.
	AdminRoles = []string{RoleAdmin}
	// OfficeRoles run the offer: offerings, groups, requests and intake, Waakvlam, mail, and the yearly figures,
	// closing a year included (the coordinating staff report the figures).
	OfficeRoles = []string{RoleAdmin, RoleCoordinator}
	// AllRoles is every active staff member: their own account and agenda, and, with AllowGroup, the groups they
	// lead: the group's page, moving and cancelling its sessions (adding them is the office's), roll calls,
	// attendance lists and certificates, its registrations and onward referrals.
	AllRoles = []string{RoleAdmin, RoleCoordinator, RoleFacilitator}
)

// Actor is the staff member on whose behalf an App method runs: who, with which role, leading which groups.
// Build it with ActorOf at the start of a request; it is a snapshot, so a role changed mid-request counts from the
// next request on.
type Actor struct {
	Staff Staff
	// Leads holds the ids of the groups this staff member leads (group_facilitators), sorted.
	Leads []int64
}

// ID is the staff member's id, for audit rows.
func (ac Actor) ID() int64 { return ac.Staff.ID }

// SeesAllGroups reports whether the actor's role reaches every group (admins and coordinators).
func (ac Actor) SeesAllGroups() bool { return slices.Contains(OfficeRoles, ac.Staff.Role) }

// Allow returns nil when the actor is active and has one of roles, else ErrForbidden.
func (ac Actor) Allow(roles []string) error {
	if ac.Staff.ID == 0 || !ac.Staff.Active || !slices.Contains(roles, ac.Staff.Role) {
		return ErrForbidden
	}
	return nil
}

// AllowGroup returns nil when the actor has one of roles and may see group groupID (office roles see every
// group, a facilitator the groups they lead), else ErrForbidden. It does not check that the group exists: the
// caller's query answers ErrNotFound for that. So a facilitator asking for a group that does not exist gets
// ErrForbidden (403), the same answer as for a group someone else leads: they cannot learn which ids exist.
func (ac Actor) AllowGroup(roles []string, groupID int64) error {
	if err := ac.Allow(roles); err != nil {
		return err
	}
	if ac.SeesAllGroups() {
		return nil
	}
	if _, ok := slices.BinarySearch(ac.Leads, groupID); ok {
		return nil
	}
	return ErrForbidden
}

// ActorOf loads the actor for staff: the current account row (so a deactivated account or changed role counts at
// once) and the groups they lead. An unknown or inactive account gives an actor that Allow refuses.
func (a *App) ActorOf(ctx context.Context, staff Staff) (Actor, error) {
	var ac Actor
	var err error
	ac.Staff, err = staffByID(ctx, a.Store.DB, staff.ID)
	if errors.Is(err, ErrNotFound) {
		return Actor{}, nil
	}
	if err != nil {
		return Actor{}, err
	}
	if ac.Leads, err = groupsLedBy(ctx, a.Store.DB, staff.ID); err != nil {
		return Actor{}, err
	}
	return ac, nil
}
