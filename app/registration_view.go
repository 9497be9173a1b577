package app

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

// RegistrationEvent is one step in a registration's history.
type RegistrationEvent struct {
	From      *string   `db:"from_status"`
	To        string    `db:"to_status"`
	StaffName *string   `db:"staff_name"`
	At        time.Time `db:"at"`
}

// HouseholdMember is someone of the same household, as staff see them.
type HouseholdMember struct {
	PersonID       int64  `db:"person_id"`
	RegistrationID int64  `db:"registration_id"`
	Name           string `db:"display_name"`
	Role           string `db:"role"`
	Age            *int   `db:"age"`
	Status         string `db:"status"`
}

// SeparatedPerson is someone this person must never share a group with.
type SeparatedPerson struct {
	PersonID int64  `db:"person_id"`
	Name     string `db:"display_name"`
	// Shared counts the groups where both are active now: staff must act.
	Shared int `db:"shared"`
}

// PlaceOption is a group of the offering where the person could be placed, with what is left of it.
type PlaceOption struct {
	Group
	SeatsLeft      int  `db:"seats_left"`
	ChildSeatsLeft int  `db:"child_seats_left"`
	Closed         bool `db:"-"`
}

// CandidatePerson is someone staff may mark as never to meet this person: others in the same offering.
type CandidatePerson struct {
	PersonID int64  `db:"person_id"`
	Name     string `db:"display_name"`
	Group    *Text  `db:"group_name"`
	Status   string `db:"status"`
}

// ReferralRow is an onward referral as staff see it.
type ReferralRow struct {
	Destination string    `db:"destination"`
	ReferredOn  time.Time `db:"referred_on"`
	NoteEnc     []byte    `db:"note_enc"`
	Note        string    `db:"-"`
}

// RegistrationView is everything staff see about one registration. Contact wishes come before contact
// details, on purpose: staff read how they may reach someone before they see how.
type RegistrationView struct {
	Registration Registration
	Person       Person
	Contact      Contact
	Offering     Offering
	Group        *Group
	Message      string
	IntakeNote   string
	Household    []HouseholdMember
	History      []RegistrationEvent
	Separations  []SeparatedPerson
	Candidates   []CandidatePerson
	Referrals    []ReferralRow
	Places       []PlaceOption
	Attended     int
}

// RegistrationForStaff reads registration regID for actor: coordinators and admins see all, a facilitator only
// registrations in a group they lead (ErrForbidden otherwise, also for a request without a group). The view is
// written to the audit log (person.view). ErrNotFound when the registration does not exist.
func (a *App) RegistrationForStaff(ctx context.Context, actor Actor, regID int64) (RegistrationView, error) {
	var v RegistrationView
	if err := actor.Allow(AllRoles); err != nil {
		return v, err
	}
	r, err := registrationByID(ctx, a.Store.DB, regID, false)
	if err != nil {
		return v, err
	}
	if !actor.SeesAllGroups() {
		if r.GroupID == nil {
			return v, ErrForbidden
		}
		if err := actor.AllowGroup(AllRoles, *r.GroupID); err != nil {
			return v, err
		}
	}
	v.Registration = r
	db := a.Store.DB
	if v.Person, err = personByID(ctx, db, r.PersonID); err != nil {
		return v, err
	}
	v.Contact = a.ContactOf(v.Person)
	v.Message = a.Keys.MustDecrypt(r.MessageEnc)
	v.IntakeNote = a.Keys.MustDecrypt(r.IntakeNoteEnc)
	if v.Offering, err = a.Store.OfferingByID(ctx, r.OfferingID); err != nil {
		return v, err
	}
	if r.GroupID != nil {
		g, err := a.Store.GroupByID(ctx, *r.GroupID)
		if err != nil {
			return v, err
		}
		v.Group = &g
	}
	queries := []struct {
		into any
		sql  string
		args []any
	}{
		{&v.Household, `SELECT p.id AS person_id, r.id AS registration_id, p.display_name, r.role, p.age, r.status
			FROM registrations r JOIN people p ON p.id = r.person_id
			WHERE r.household_id = $1 AND r.id <> $2 ORDER BY r.role DESC, r.id`, []any{r.HouseholdID, r.ID}},
		{&v.History, `SELECT e.from_status, e.to_status, u.name AS staff_name, e.at FROM registration_events e
			LEFT JOIN staff_users u ON u.id = e.staff_id WHERE e.registration_id = $1 ORDER BY e.at, e.id`, []any{r.ID}},
		{&v.Separations, `SELECT p.id AS person_id, p.display_name,
				(SELECT count(DISTINCT a.group_id) FROM registrations a JOIN registrations b ON a.group_id = b.group_id
				 WHERE a.person_id = $1 AND b.person_id = p.id
				   AND a.status IN ('requested', 'intake_planned', 'admitted', 'waitlisted', 'offered')
				   AND b.status IN ('requested', 'intake_planned', 'admitted', 'waitlisted', 'offered')) AS shared
			FROM separations s JOIN people p ON p.id = CASE WHEN s.person_a = $1 THEN s.person_b ELSE s.person_a END
			WHERE s.person_a = $1 OR s.person_b = $1 ORDER BY p.display_name`, []any{r.PersonID}},
		{&v.Candidates, `SELECT DISTINCT ON (p.id) p.id AS person_id, p.display_name, g.name AS group_name, o.status
			FROM registrations o JOIN people p ON p.id = o.person_id LEFT JOIN groups g ON g.id = o.group_id
			WHERE o.offering_id = $1 AND o.person_id <> $2 AND p.anonymised_at IS NULL
			  AND o.status IN ('requested', 'intake_planned', 'admitted', 'waitlisted', 'offered')
			  AND NOT EXISTS (SELECT 1 FROM separations s WHERE (s.person_a = $2 AND s.person_b = p.id) OR (s.person_b = $2 AND s.person_a = p.id))
			ORDER BY p.id, o.id DESC`, []any{r.OfferingID, r.PersonID}},
		{&v.Referrals, `SELECT destination, referred_on, note_enc FROM onward_referrals WHERE person_id = $1 ORDER BY referred_on`,
			[]any{r.PersonID}},
		{&v.Places, `SELECT ` + prefixed("g.", groupColumns) + `,
				g.capacity - (SELECT count(*) FROM registrations x WHERE x.group_id = g.id AND x.status IN ('admitted', 'offered')
				              AND NOT x.over_capacity AND x.role <> 'child') AS seats_left,
				g.child_capacity - (SELECT count(*) FROM registrations x WHERE x.group_id = g.id AND x.status IN ('admitted', 'offered')
				              AND NOT x.over_capacity AND x.role = 'child') AS child_seats_left
			FROM groups g WHERE g.offering_id = $1 AND g.status = 'open' ORDER BY g.name->>'nl', g.id`, []any{r.OfferingID}},
	}
	// A facilitator sees their participant within their own group only: not who the person is separated from,
	// not who else in the offering could be, not referrals recorded elsewhere.
	if !actor.SeesAllGroups() {
		queries = queries[:2]
	}
	for _, q := range queries {
		if err := sqlx.SelectContext(ctx, db, q.into, q.sql, q.args...); err != nil {
			return v, fmt.Errorf("store: unable to read registration details: %w", err)
		}
	}
	for i := range v.Referrals {
		v.Referrals[i].Note = a.Keys.MustDecrypt(v.Referrals[i].NoteEnc)
	}
	for i := range v.Places {
		v.Places[i].Closed = a.joinable(ctx, db, v.Places[i].Group) != nil
	}
	if err := db.GetContext(ctx, &v.Attended, `SELECT count(*) FROM attendance WHERE person_id = $1 AND status IN ('present', 'late')`,
		r.PersonID); err != nil {
		return v, fmt.Errorf("store: unable to count attendance: %w", err)
	}
	by := actor.ID()
	if err := a.Audit(ctx, db, AuditEntry{StaffID: &by, Action: AuditPersonView, PersonID: &r.PersonID,
		RegistrationID: &r.ID, GroupID: r.GroupID}); err != nil {
		return v, err
	}
	return v, nil
}

// MoveGroup moves an admitted (or waiting) person, with their household, to another group of the same
// offering: capacity and separation are checked for the new group, reminders follow, and a seat freed in the
// old group goes to whoever waits there. For the office (OfficeRoles): ErrForbidden for anyone else.
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
		old, err := a.Store.GroupByID(ctx, *r.GroupID)
		if err != nil {
			return err
		}
		target, err := a.Store.GroupByID(ctx, groupID)
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
		freed := map[bool]bool{}
		for _, m := range members {
			if m.GroupID == nil || *m.GroupID != old.ID || (m.Status != StatusAdmitted && m.Status != StatusWaitlisted) {
				continue
			}
			if m.HoldsSeat() {
				freed[m.Role == RoleChild] = true
			}
			if _, err := tx.ExecContext(ctx, `UPDATE registrations SET group_id = $2, over_capacity = false, updated_at = $3
				WHERE id = $1`, m.ID, target.ID, a.Now()); err != nil {
				return guardError(err, "store: unable to move registration")
			}
			if err := a.dropReminders(ctx, tx, m.ID, nil); err != nil {
				return err
			}
			if m.Status == StatusAdmitted {
				if err := a.planReminders(ctx, tx, m.ID); err != nil {
					return err
				}
			}
		}
		if err := a.Audit(ctx, tx, AuditEntry{StaffID: &staffID, Action: "registration.move", PersonID: &r.PersonID,
			RegistrationID: &r.ID, GroupID: &target.ID, Detail: map[string]any{"from_group": old.ID}}); err != nil {
			return err
		}
		for child := range freed {
			if err := a.offerFreedSeats(ctx, tx, old, child); err != nil {
				return err
			}
		}
		return nil
	})
}
