package app

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/jmoiron/sqlx"

	"portal/app/locale"
)

// WaakvlamInput is an organisation's request for the Waakvlam training.
type WaakvlamInput struct {
	Organisation       string
	ServiceType        string
	Municipality       string
	ContactName        string
	ContactEmail       string
	ContactPhone       string
	ExpectedStaff      string
	PreferredPeriods   string
	Place              string
	Topics             string
	CombineIntervision bool
	Consent            bool
	ConsentText        Consent
	Language           string
	SubmissionKey      string
}

// WaakvlamRequest is a stored request.
type WaakvlamRequest struct {
	ID                 int64     `db:"id"`
	Reference          string    `db:"reference"`
	Organisation       string    `db:"organisation"`
	ServiceType        string    `db:"service_type"`
	Municipality       string    `db:"municipality"`
	ContactNameEnc     []byte    `db:"contact_name_enc"`
	ContactName        string    `db:"-"` // filled by WaakvlamForStaff
	ContactEmailEnc    []byte    `db:"contact_email_enc"`
	ContactPhoneEnc    []byte    `db:"contact_phone_enc"`
	ExpectedStaff      *int      `db:"expected_staff"`
	PreferredPeriods   string    `db:"preferred_periods"`
	Place              string    `db:"place"`
	Topics             string    `db:"topics"`
	CombineIntervision bool      `db:"combine_intervision"`
	Status             string    `db:"status"`
	GroupID            *int64    `db:"group_id"`
	CreatedAt          time.Time `db:"created_at"`
	UpdatedAt          time.Time `db:"updated_at"` // when the status last changed
}

// WaakvlamResult is what the organisation sees after sending its request.
type WaakvlamResult struct {
	Reference string `json:"reference"`
	Token     string `json:"-"`
	Repeat    bool   `json:"-"`
}

// RequestWaakvlam records an organisation's request and gives it a reference and a private status page.
func (a *App) RequestWaakvlam(ctx context.Context, in WaakvlamInput) (WaakvlamResult, error) {
	f := newFields()
	org := f.text("organisation", in.Organisation, MaxShort, true)
	service := f.choice("service_type", in.ServiceType, ServiceTypes, true)
	municipality := f.choice("municipality", in.Municipality, Municipalities, false)
	contact := f.text("contact_name", in.ContactName, MaxName, true)
	email := f.email("contact_email", in.ContactEmail, true)
	phone := f.phone("contact_phone", in.ContactPhone, false)
	staffText := f.text("expected_staff", in.ExpectedStaff, 4, true)
	var staff int
	if staffText != "" {
		n, err := strconv.Atoi(staffText)
		if err != nil || n < 1 || n > 1000 {
			f.v.Add("expected_staff", "form.number.invalid")
		}
		staff = n
	}
	periods := f.long("preferred_periods", in.PreferredPeriods, MaxMessage, true)
	place := f.text("place", in.Place, MaxShort, false)
	topics := f.long("topics", in.Topics, MaxMessage, false)
	f.consent("consent", in.Consent)
	if err := f.err(); err != nil {
		return WaakvlamResult{}, err
	}
	var res WaakvlamResult
	err := a.Store.tx(ctx, func(tx *sqlx.Tx) error {
		repeat, err := claimSubmission(ctx, tx, in.SubmissionKey, "waakvlam", &res)
		if err != nil || repeat {
			res.Repeat = repeat
			return err
		}
		// References count per year: WV-2026-0007. The advisory lock keeps two requests from taking one number.
		year := a.Now().In(locale.Brussels).Year()
		n, err := nextWaakvlamNumber(ctx, tx, year)
		if err != nil {
			return err
		}
		token, hash := NewToken()
		res.Reference, res.Token = fmt.Sprintf("WV-%d-%04d", year, n), token
		id, err := insertWaakvlamRequest(ctx, tx, waakvlamRow{Reference: res.Reference, Organisation: org,
			ServiceType: service, Municipality: municipality, ContactNameEnc: a.Keys.Encrypt(contact), ContactEmailEnc: a.Keys.Encrypt(email),
			ContactEmailHash: a.Keys.EmailHash(email), ContactPhoneEnc: a.Keys.Encrypt(phone), ExpectedStaff: staff,
			PreferredPeriods: periods, Place: place, Topics: topics, CombineIntervision: in.CombineIntervision, TokenHash: hash})
		if err != nil {
			return err
		}
		if err := insertWaakvlamConsent(ctx, tx, id, in.ConsentText); err != nil {
			return err
		}
		if err := a.enqueue(ctx, tx, Mail{DedupeKey: fmt.Sprintf("%s:%d", MailWaakvlamReceived, id),
			Kind: MailWaakvlamReceived, WaakvlamID: &id, Secret: token}); err != nil {
			return err
		}
		return storeSubmission(ctx, tx, in.SubmissionKey, res)
	})
	return res, err
}

// WaakvlamStatus is what the status page of a request shows.
type WaakvlamStatus struct {
	Request  WaakvlamRequest
	Sessions []Session
	Group    *Group
	Signups  int
	// People names the organisation's colleagues who signed up, alphabetically (its contact person sees them).
	People []string
}

// Since is the day the request took its status: the training's day once planned or given, the day it was asked
// or cancelled otherwise.
func (st WaakvlamStatus) Since() time.Time {
	switch st.Request.Status {
	case "planned", "given":
		for _, s := range st.Sessions {
			if s.Status != SessionCancelled {
				return s.StartsAt
			}
		}
	case "cancelled":
		return st.Request.UpdatedAt
	}
	return st.Request.CreatedAt
}

// WaakvlamByToken reads a request from its status-page token.
func (a *App) WaakvlamByToken(ctx context.Context, token string) (WaakvlamStatus, error) {
	var st WaakvlamStatus
	var err error
	if st.Request, err = waakvlamByTokenHash(ctx, a.Store.DB, HashToken(token)); err != nil {
		return st, err
	}
	if st.Request.GroupID != nil {
		g, err := groupByID(ctx, a.Store.DB, *st.Request.GroupID)
		if err != nil {
			return st, err
		}
		st.Group = &g
		if st.Sessions, err = upcomingSessions(ctx, a.Store.DB, g.ID, time.Time{}); err != nil {
			return st, err
		}
		taken, _, err := seatState(ctx, a.Store.DB, g.ID, false)
		if err != nil {
			return st, err
		}
		st.Signups = taken
		if st.People, err = a.colleaguesSignedUp(ctx, a.Store.DB, g.ID); err != nil {
			return st, err
		}
	}
	return st, nil
}

// PlanWaakvlam plans a requested training: a private group of the Waakvlam offering with one session, and a
// private signup link for the organisation's staff, mailed to the contact person. It returns the group id.
// For the office (ErrForbidden); ErrNotFound for an unknown request, ErrTransition for one planned before.
func (a *App) PlanWaakvlam(ctx context.Context, actor Actor, requestID int64, start, end time.Time, placeName, address string) (int64, error) {
	if err := actor.Allow(OfficeRoles); err != nil {
		return 0, err
	}
	staffID := actor.ID()
	v := &ValidationError{}
	checkSpan(v, "date", "to", start, end)
	if err := v.OrNil(); err != nil {
		return 0, err
	}
	o, err := offeringBySlug(ctx, a.Store.DB, "waakvlam")
	if err != nil {
		return 0, err
	}
	var groupID int64
	err = a.Store.tx(ctx, func(tx *sqlx.Tx) error {
		r, err := lockWaakvlamRequest(ctx, tx, requestID)
		if err != nil {
			return err
		}
		if r.Status != "requested" {
			return ErrTransition
		}
		capacity := 25
		if r.ExpectedStaff != nil {
			capacity = *r.ExpectedStaff + *r.ExpectedStaff/5 + 2 // room for a few more than announced
		}
		token, hash := NewToken()
		name := Text{"nl": "Waakvlam – " + r.Organisation, "en": "Waakvlam – " + r.Organisation}
		groupID, err = insertPrivateGroup(ctx, tx, o.ID, "waakvlam-"+r.Reference, name, r.Municipality, placeName,
			address, capacity, hash)
		if err != nil {
			return err
		}
		sessionID, err := insertSession(ctx, tx, groupID, start, end, a.Now())
		if err != nil {
			return err
		}
		if err := planWaakvlamRequest(ctx, tx, r.ID, groupID, a.Now()); err != nil {
			return err
		}
		if err := a.enqueue(ctx, tx, Mail{DedupeKey: fmt.Sprintf("%s:%d", MailWaakvlamPlanned, r.ID), Kind: MailWaakvlamPlanned,
			WaakvlamID: &r.ID, SessionID: &sessionID, Secret: token}); err != nil {
			return err
		}
		return a.Audit(ctx, tx, AuditEntry{StaffID: &staffID, Action: AuditWaakvlamPlan, GroupID: &groupID,
			Detail: map[string]any{"request": r.ID}})
	})
	return groupID, err
}

// GroupBySignupToken finds the private group behind a Waakvlam staff-signup link.
func (a *App) GroupBySignupToken(ctx context.Context, token string) (Group, Offering, error) {
	g, err := groupBySignupTokenHash(ctx, a.Store.DB, HashToken(token))
	if err != nil {
		return g, Offering{}, err
	}
	o, err := offeringByID(ctx, a.Store.DB, g.OfferingID)
	return g, o, err
}

// PrivateSignupGroup returns the offering and group behind a Waakvlam staff-signup link, with the group's
// upcoming sessions, or ErrNotFound. The link is the right to see it.
func (a *App) PrivateSignupGroup(ctx context.Context, token string) (OfferingView, GroupView, error) {
	g, o, err := a.GroupBySignupToken(ctx, token)
	if err != nil {
		return OfferingView{}, GroupView{}, err
	}
	sessions, err := upcomingSessions(ctx, a.Store.DB, g.ID, a.Now())
	if err != nil {
		return OfferingView{}, GroupView{}, err
	}
	return OfferingView{Offering: o}, GroupView{Group: g, Upcoming: sessions, SeatsLeft: 1}, nil
}

// WaakvlamRequests lists the requests, newest first; status "" means all. For the office (ErrForbidden).
func (a *App) WaakvlamRequests(ctx context.Context, actor Actor, status string) ([]WaakvlamRequest, error) {
	if err := actor.Allow(OfficeRoles); err != nil {
		return nil, err
	}
	return waakvlamRequests(ctx, a.Store.DB, status)
}

// WaakvlamView is a request as staff see it: with the contact person's details and the planned session.
type WaakvlamView struct {
	Request      WaakvlamRequest
	ContactEmail string
	ContactPhone string
	Sessions     []Session
	Signups      int
}

// WaakvlamForStaff reads one request for the office (ErrForbidden for anyone else, ErrNotFound for an unknown
// id); looking at the contact details is audited.
func (a *App) WaakvlamForStaff(ctx context.Context, actor Actor, id int64) (WaakvlamView, error) {
	var v WaakvlamView
	if err := actor.Allow(OfficeRoles); err != nil {
		return v, err
	}
	staffID := actor.ID()
	var err error
	if v.Request, err = waakvlamRequestByID(ctx, a.Store.DB, id); err != nil {
		return v, err
	}
	v.Request.ContactName = a.Keys.MustDecrypt(v.Request.ContactNameEnc)
	v.ContactEmail = a.Keys.MustDecrypt(v.Request.ContactEmailEnc)
	v.ContactPhone = a.Keys.MustDecrypt(v.Request.ContactPhoneEnc)
	if g := v.Request.GroupID; g != nil {
		if v.Sessions, err = groupSessions(ctx, a.Store.DB, *g); err != nil {
			return v, err
		}
		if v.Signups, _, err = seatState(ctx, a.Store.DB, *g, false); err != nil {
			return v, err
		}
	}
	return v, a.Audit(ctx, a.Store.DB, AuditEntry{StaffID: &staffID, Action: AuditWaakvlamView, Detail: map[string]any{"request": id}})
}

// SetWaakvlamStatus records that a planned training was given, or that a request is cancelled. For the office
// (ErrForbidden); ErrTransition for a status the request cannot move to.
func (a *App) SetWaakvlamStatus(ctx context.Context, actor Actor, id int64, status string) error {
	if err := actor.Allow(OfficeRoles); err != nil {
		return err
	}
	staffID := actor.ID()
	allowed := map[string][]string{"given": {"planned"}, "cancelled": {"requested", "planned"}}
	from, ok := allowed[status]
	if !ok {
		return ErrTransition
	}
	action := map[string]string{"given": AuditWaakvlamGive, "cancelled": AuditWaakvlamCancel}[status]
	// One transaction: the request row is locked first (as PlanWaakvlam does), so a cancellation and a planning
	// of the same request cannot cross, and the sessions, the group, the status and the audit rows change together.
	return a.Store.tx(ctx, func(tx *sqlx.Tx) error {
		if status == "cancelled" {
			// A planned training that is called off: its sessions are cancelled (whoever signed up is told,
			// reminders stop), its group closes and the private signup link stops working.
			req, err := lockWaakvlamRequest(ctx, tx, id)
			if err != nil {
				return err
			}
			if !slices.Contains(from, req.Status) {
				return ErrTransition
			}
			if groupID := req.GroupID; groupID != nil {
				sessions, err := plannedSessionIDsAfter(ctx, tx, *groupID, a.Now())
				if err != nil {
					return err
				}
				for _, s := range sessions {
					if err := a.cancelSessionIn(ctx, tx, staffID, s, nil); err != nil {
						return err
					}
				}
				if err := cancelPrivateGroup(ctx, tx, *groupID); err != nil {
					return err
				}
			}
		}
		moved, err := setWaakvlamStatus(ctx, tx, id, status, from, a.Now())
		if err != nil {
			return err
		}
		if !moved {
			return ErrTransition
		}
		return a.Audit(ctx, tx, AuditEntry{StaffID: &staffID, Action: action, Detail: map[string]any{"request": id}})
	})
}
