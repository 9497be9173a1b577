package app

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"github.com/jmoiron/sqlx"
)

// Group visibilities.
const (
	VisibilityPublic  = "public"
	VisibilityPrivate = "private"
)

// GroupStatuses lists the statuses a group can have.
var GroupStatuses = []string{GroupDraft, GroupOpen, GroupClosed, GroupCancelled}

// GroupForm is the group form as typed. Discreet is "" (as the offering), "yes" or "no".
type GroupForm struct {
	Name, Description                    Text
	Slug, Municipality, PlaceName        string
	Address                              string
	PlacePrivate                         bool
	Capacity, ChildCapacity, ClosedAfter string
	Status, Visibility, Discreet         string
	Facilitators                         []int64
	capacity, childCapacity              int
	closedAfter                          *int
	discreet                             *bool
}

// GroupFormOf fills the form from a group and its facilitators, for editing.
func GroupFormOf(g Group, facilitators []int64) GroupForm {
	f := GroupForm{Name: g.Name, Description: g.Description, Slug: g.Slug, Municipality: g.Municipality,
		PlaceName: g.PlaceName, Address: g.Address, PlacePrivate: g.PlacePrivate, Capacity: strconv.Itoa(g.Capacity),
		ChildCapacity: strconv.Itoa(g.ChildCapacity), Status: g.Status, Visibility: g.Visibility, Facilitators: facilitators}
	if g.ClosedAfterSession != nil {
		f.ClosedAfter = strconv.Itoa(*g.ClosedAfterSession)
	}
	if g.DiscreetOverride != nil {
		f.Discreet = map[bool]string{true: "yes", false: "no"}[*g.DiscreetOverride]
	}
	return f
}

func (f *GroupForm) check() error {
	v := &ValidationError{}
	checkText(v, "name", f.Name, 200, true)
	checkText(v, "description", f.Description, 2000, false)
	f.Slug = strings.TrimSpace(f.Slug)
	checkSlug(v, f.Slug)
	f.Municipality = strings.TrimSpace(f.Municipality)
	f.PlaceName = strings.TrimSpace(f.PlaceName)
	f.Address = strings.TrimSpace(f.Address)
	for field, s := range map[string]string{"municipality": f.Municipality, "place_name": f.PlaceName, "address": f.Address} {
		if len([]rune(s)) > 200 {
			v.Add(field, "form.toolong")
		}
	}
	f.capacity = checkInt(v, "capacity", f.Capacity, 0, 1000, true)
	f.childCapacity = checkInt(v, "child_capacity", f.ChildCapacity, 0, 1000, false)
	f.closedAfter = nil
	if n := checkInt(v, "closed_after", f.ClosedAfter, 1, 500, false); n > 0 {
		f.closedAfter = &n
	}
	if !slices.Contains(GroupStatuses, f.Status) {
		v.Add("status", "form.required")
	}
	if f.Visibility != VisibilityPublic && f.Visibility != VisibilityPrivate {
		v.Add("visibility", "form.required")
	}
	switch f.Discreet {
	case "":
		f.discreet = nil
	case "yes", "no":
		d := f.Discreet == "yes"
		f.discreet = &d
	default:
		v.Add("discreet", "form.required")
	}
	slices.Sort(f.Facilitators)
	f.Facilitators = slices.Compact(f.Facilitators)
	return v.OrNil()
}

// CreateGroup adds a group to an offering, for the office (ErrForbidden for anyone else).
func (a *App) CreateGroup(ctx context.Context, actor Actor, offeringID int64, f GroupForm) (int64, error) {
	if err := actor.Allow(OfficeRoles); err != nil {
		return 0, err
	}
	if err := f.check(); err != nil {
		return 0, err
	}
	var id int64
	err := a.Store.tx(ctx, func(tx *sqlx.Tx) error {
		var err error
		if id, err = insertGroup(ctx, tx, offeringID, f); err != nil {
			return err
		}
		if err := a.setFacilitators(ctx, tx, id, f.Facilitators); err != nil {
			return err
		}
		return a.Audit(ctx, tx, AuditEntry{StaffID: &actor.Staff.ID, Action: AuditGroupCreate, GroupID: &id,
			Detail: map[string]any{"offering": offeringID, "facilitators": f.Facilitators}})
	})
	return id, err
}

// UpdateGroup saves an edited group and its facilitators, for the office (ErrForbidden for anyone else), and
// reconciles its seats (reconcileSeats) in the same transaction. Seats below those already taken are refused (a
// ValidationError on capacity or child_capacity).
func (a *App) UpdateGroup(ctx context.Context, actor Actor, groupID int64, f GroupForm) error {
	if err := actor.AllowGroup(OfficeRoles, groupID); err != nil {
		return err
	}
	if err := f.check(); err != nil {
		return err
	}
	return a.Store.tx(ctx, func(tx *sqlx.Tx) error {
		old, err := lockGroup(ctx, tx, groupID)
		if err != nil {
			return err
		}
		if err := seatsFit(ctx, tx, groupID, f.capacity, f.childCapacity); err != nil {
			return err
		}
		oldFac, err := facilitatorIDs(ctx, tx, groupID)
		if err != nil {
			return err
		}
		if err := updateGroup(ctx, tx, groupID, f); err != nil {
			return err
		}
		if err := a.setFacilitators(ctx, tx, groupID, f.Facilitators); err != nil {
			return err
		}
		changed := changedFields(map[string]bool{
			"slug":                 old.Slug != f.Slug,
			"name":                 !textEqual(old.Name, f.Name),
			"description":          !textEqual(old.Description, f.Description),
			"municipality":         old.Municipality != f.Municipality,
			"place_name":           old.PlaceName != f.PlaceName,
			"address":              old.Address != f.Address,
			"place_private":        old.PlacePrivate != f.PlacePrivate,
			"capacity":             old.Capacity != f.capacity,
			"child_capacity":       old.ChildCapacity != f.childCapacity,
			"closed_after_session": !equalPtr(old.ClosedAfterSession, f.closedAfter),
			"discreet":             !equalPtr(old.DiscreetOverride, f.discreet),
			"status":               old.Status != f.Status,
			"visibility":           old.Visibility != f.Visibility,
			"facilitators":         !slices.Equal(oldFac, f.Facilitators),
		})
		if err := a.Audit(ctx, tx, AuditEntry{StaffID: &actor.Staff.ID, Action: AuditGroupUpdate, GroupID: &groupID,
			Detail: map[string]any{"fields": changed, "facilitators": f.Facilitators}}); err != nil {
			return err
		}
		// More seats, a group reopened or closing later: whoever waits gets the seat now, not at the next cancel.
		return a.reconcileSeats(ctx, tx, groupID)
	})
}

// seatsFit refuses seats below the number already taken (admitted, or held by an offer) on either track: nobody
// loses a seat because a number was lowered, and a group never counts more people than seats.
func seatsFit(ctx context.Context, q sqlx.QueryerContext, groupID int64, capacity, childCapacity int) error {
	v := &ValidationError{}
	for field, track := range map[string]struct {
		child bool
		seats int
	}{"capacity": {false, capacity}, "child_capacity": {true, childCapacity}} {
		taken, _, err := seatState(ctx, q, groupID, track.child)
		if err != nil {
			return err
		}
		if track.seats < taken {
			v.Add(field, "staff.groups.capacity.below")
		}
	}
	return v.OrNil()
}

// setFacilitators makes ids the facilitators of a group; ids of unknown or inactive staff are refused.
func (a *App) setFacilitators(ctx context.Context, tx *sqlx.Tx, groupID int64, ids []int64) error {
	if ids == nil {
		ids = []int64{}
	}
	known, err := countActiveStaff(ctx, tx, ids)
	if err != nil {
		return err
	}
	if known != len(ids) {
		return &ValidationError{Fields: map[string]string{"facilitators": "staff.groups.facilitators.invalid"}}
	}
	return replaceFacilitators(ctx, tx, groupID, ids)
}

func equalPtr[T comparable](a, b *T) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}
