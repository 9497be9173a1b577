package app

import (
	"context"
	"time"
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
	NameEnc        []byte `db:"display_name_enc"`
	Name           string `db:"-"`
	Role           string `db:"role"`
	Age            *int   `db:"age"`
	Status         string `db:"status"`
}

// SeparatedPerson is someone this person must never share a group with.
type SeparatedPerson struct {
	PersonID int64  `db:"person_id"`
	NameEnc  []byte `db:"display_name_enc"`
	Name     string `db:"-"`
	// Shared counts the groups where both are active now: staff must act.
	Shared int `db:"shared"`
}

// PlaceOption is a group of the offering where the person could be placed, with what is left of it.
type PlaceOption struct {
	Group
	SeatsLeft      int  `db:"seats_left"`
	ChildSeatsLeft int  `db:"child_seats_left"`
	Closed         bool `db:"-"`
	// Recordable means staff may still admit someone to the group although it is Closed: they record who was in
	// it (a past year). Moving and the waiting list follow Closed.
	Recordable bool `db:"-"`
}

// CandidatePerson is someone staff may mark as never to meet this person: others in the same offering.
type CandidatePerson struct {
	PersonID int64  `db:"person_id"`
	NameEnc  []byte `db:"display_name_enc"`
	Name     string `db:"-"`
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
	v.Registration.ReferrerDetail = a.Keys.MustDecrypt(r.ReferrerDetailEnc)
	v.Registration.DeclineReason = a.Keys.MustDecrypt(r.DeclineReasonEnc)
	db := a.Store.DB
	if v.Person, err = a.personByID(ctx, db, r.PersonID); err != nil {
		return v, err
	}
	v.Contact = a.contactOf(v.Person)
	v.Message = a.Keys.MustDecrypt(r.MessageEnc)
	v.IntakeNote = a.Keys.MustDecrypt(r.IntakeNoteEnc)
	if v.Offering, err = offeringByID(ctx, a.Store.DB, r.OfferingID); err != nil {
		return v, err
	}
	if r.GroupID != nil {
		g, err := groupByID(ctx, a.Store.DB, *r.GroupID)
		if err != nil {
			return v, err
		}
		v.Group = &g
	}
	if v.Household, err = householdMembers(ctx, db, a.Keys, r); err != nil {
		return v, err
	}
	if v.History, err = registrationHistory(ctx, db, r.ID); err != nil {
		return v, err
	}
	// A facilitator sees their participant within their own group only: not who the person is separated from,
	// not who else in the offering could be, not referrals recorded elsewhere, not where else they could go.
	if actor.SeesAllGroups() {
		if v.Separations, err = separationsOf(ctx, db, a.Keys, r.PersonID); err != nil {
			return v, err
		}
		if v.Candidates, err = separationCandidates(ctx, db, a.Keys, r.OfferingID, r.PersonID); err != nil {
			return v, err
		}
		if v.Referrals, err = referralsOf(ctx, db, r.PersonID); err != nil {
			return v, err
		}
		if v.Places, err = placeOptions(ctx, db, r.OfferingID); err != nil {
			return v, err
		}
	}
	for i := range v.Referrals {
		v.Referrals[i].Note = a.Keys.MustDecrypt(v.Referrals[i].NoteEnc)
	}
	for i := range v.Places {
		v.Places[i].Closed = a.joinable(ctx, db, v.Places[i].Group) != nil
		v.Places[i].Recordable = recordable(v.Places[i].Group) == nil
	}
	if v.Attended, err = attendedCount(ctx, db, r.PersonID); err != nil {
		return v, err
	}
	by := actor.ID()
	if err := a.Audit(ctx, db, AuditEntry{StaffID: &by, Action: AuditPersonView, PersonID: &r.PersonID,
		RegistrationID: &r.ID, GroupID: r.GroupID}); err != nil {
		return v, err
	}
	return v, nil
}
