package app

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

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
	ContactName        string    `db:"contact_name"`
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
}

const waakvlamColumns = `id, reference, organisation, service_type, municipality, contact_name, contact_email_enc,
	contact_phone_enc, expected_staff, preferred_periods, place, topics, combine_intervision, status, group_id, created_at`

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
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(7204312, $1)`, year); err != nil {
			return fmt.Errorf("store: unable to lock references: %w", err)
		}
		var n int
		if err := tx.GetContext(ctx, &n, `SELECT count(*) + 1 FROM waakvlam_requests WHERE reference LIKE $1`,
			fmt.Sprintf("WV-%d-%%", year)); err != nil {
			return fmt.Errorf("store: unable to number request: %w", err)
		}
		token, hash := NewToken()
		res.Reference, res.Token = fmt.Sprintf("WV-%d-%04d", year, n), token
		var id int64
		err = tx.GetContext(ctx, &id, `INSERT INTO waakvlam_requests (reference, organisation, service_type, municipality,
				contact_name, contact_email_enc, contact_email_hash, contact_phone_enc, expected_staff, preferred_periods,
				place, topics, combine_intervision, token_hash)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id`,
			res.Reference, org, service, municipality, contact, a.Keys.Encrypt(email), a.Keys.EmailHash(email),
			a.Keys.Encrypt(phone), staff, periods, place, topics, in.CombineIntervision, hash)
		if err != nil {
			return fmt.Errorf("store: unable to save Waakvlam request: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO consents (waakvlam_request_id, text_version, text, via)
			VALUES ($1, $2, $3, 'form')`, id, in.ConsentText.Version, in.ConsentText.Text); err != nil {
			return fmt.Errorf("store: unable to record consent: %w", err)
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
}

// WaakvlamByToken reads a request from its status-page token.
func (a *App) WaakvlamByToken(ctx context.Context, token string) (WaakvlamStatus, error) {
	var st WaakvlamStatus
	err := a.Store.DB.GetContext(ctx, &st.Request, `SELECT `+waakvlamColumns+` FROM waakvlam_requests WHERE token_hash = $1`,
		HashToken(token))
	if errors.Is(err, sql.ErrNoRows) {
		return st, ErrNotFound
	}
	if err != nil {
		return st, fmt.Errorf("store: unable to read Waakvlam request: %w", err)
	}
	if st.Request.GroupID != nil {
		g, err := a.Store.GroupByID(ctx, *st.Request.GroupID)
		if err != nil {
			return st, err
		}
		st.Group = &g
		if st.Sessions, err = a.Store.UpcomingSessions(ctx, g.ID, time.Time{}); err != nil {
			return st, err
		}
		taken, _, err := seatState(ctx, a.Store.DB, g.ID, false)
		if err != nil {
			return st, err
		}
		st.Signups = taken
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
	if !end.After(start) {
		return 0, &ValidationError{Fields: map[string]string{"end": "form.end.beforestart"}}
	}
	o, err := a.Store.OfferingBySlug(ctx, "waakvlam")
	if err != nil {
		return 0, err
	}
	var groupID int64
	err = a.Store.tx(ctx, func(tx *sqlx.Tx) error {
		var r WaakvlamRequest
		if err := tx.GetContext(ctx, &r, `SELECT `+waakvlamColumns+` FROM waakvlam_requests WHERE id = $1 FOR UPDATE`, requestID); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return ErrNotFound
			}
			return fmt.Errorf("store: unable to read Waakvlam request: %w", err)
		}
		if r.Status != "requested" {
			return ErrTransition
		}
		capacity := 25
		if r.ExpectedStaff != nil {
			capacity = *r.ExpectedStaff + *r.ExpectedStaff/5 + 2 // room for a few more than announced
		}
		token, hash := NewToken()
		slug := fmt.Sprintf("waakvlam-%s", r.Reference)
		err := tx.GetContext(ctx, &groupID, `INSERT INTO groups (offering_id, slug, name, municipality, place_name, address,
				capacity, visibility, signup_token_hash)
			VALUES ($1, lower($2), $3, $4, $5, $6, $7, 'private', $8) RETURNING id`,
			o.ID, slug, Text{"nl": "Waakvlam – " + r.Organisation, "en": "Waakvlam – " + r.Organisation},
			r.Municipality, placeName, address, capacity, hash)
		if err != nil {
			return fmt.Errorf("store: unable to create Waakvlam group: %w", err)
		}
		var sessionID int64
		if err := tx.GetContext(ctx, &sessionID, `INSERT INTO sessions (group_id, starts_at, ends_at) VALUES ($1, $2, $3) RETURNING id`,
			groupID, start, end); err != nil {
			return fmt.Errorf("store: unable to create Waakvlam session: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE waakvlam_requests SET status = 'planned', group_id = $2, updated_at = $3
			WHERE id = $1`, r.ID, groupID, a.Now()); err != nil {
			return fmt.Errorf("store: unable to plan Waakvlam request: %w", err)
		}
		if err := a.enqueue(ctx, tx, Mail{DedupeKey: fmt.Sprintf("%s:%d", MailWaakvlamPlanned, r.ID), Kind: MailWaakvlamPlanned,
			WaakvlamID: &r.ID, SessionID: &sessionID, Secret: token}); err != nil {
			return err
		}
		return a.Audit(ctx, tx, AuditEntry{StaffID: &staffID, Action: "waakvlam.plan", GroupID: &groupID,
			Detail: map[string]any{"request": r.ID}})
	})
	return groupID, err
}

// GroupBySignupToken finds the private group behind a Waakvlam staff-signup link.
func (a *App) GroupBySignupToken(ctx context.Context, token string) (Group, Offering, error) {
	var g Group
	err := a.Store.DB.GetContext(ctx, &g, `SELECT `+groupColumns+` FROM groups WHERE signup_token_hash = $1`, HashToken(token))
	if errors.Is(err, sql.ErrNoRows) {
		return g, Offering{}, ErrNotFound
	}
	if err != nil {
		return g, Offering{}, fmt.Errorf("store: unable to read group: %w", err)
	}
	o, err := a.Store.OfferingByID(ctx, g.OfferingID)
	return g, o, err
}

// WaakvlamRequests lists the requests, newest first; status "" means all. For the office (ErrForbidden).
func (a *App) WaakvlamRequests(ctx context.Context, actor Actor, status string) ([]WaakvlamRequest, error) {
	if err := actor.Allow(OfficeRoles); err != nil {
		return nil, err
	}
	var out []WaakvlamRequest
	err := a.Store.DB.SelectContext(ctx, &out, `SELECT `+waakvlamColumns+` FROM waakvlam_requests
		WHERE $1 = '' OR status = $1 ORDER BY status = 'requested' DESC, created_at DESC`, status)
	if err != nil {
		return nil, fmt.Errorf("store: unable to list Waakvlam requests: %w", err)
	}
	return out, nil
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
	err := a.Store.DB.GetContext(ctx, &v.Request, `SELECT `+waakvlamColumns+` FROM waakvlam_requests WHERE id = $1`, id)
	if errors.Is(err, sql.ErrNoRows) {
		return v, ErrNotFound
	}
	if err != nil {
		return v, fmt.Errorf("store: unable to read Waakvlam request: %w", err)
	}
	v.ContactEmail = a.Keys.MustDecrypt(v.Request.ContactEmailEnc)
	v.ContactPhone = a.Keys.MustDecrypt(v.Request.ContactPhoneEnc)
	if g := v.Request.GroupID; g != nil {
		if err := a.Store.DB.SelectContext(ctx, &v.Sessions, `SELECT id, group_id, starts_at, ends_at, status, topic, place_name,
			address FROM sessions WHERE group_id = $1 ORDER BY starts_at`, *g); err != nil {
			return v, fmt.Errorf("store: unable to read sessions: %w", err)
		}
		if v.Signups, _, err = seatState(ctx, a.Store.DB, *g, false); err != nil {
			return v, err
		}
	}
	return v, a.Audit(ctx, a.Store.DB, AuditEntry{StaffID: &staffID, Action: "waakvlam.view", Detail: map[string]any{"request": id}})
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
	if status == "cancelled" {
		// A planned training that is called off: its sessions are cancelled (whoever signed up is told, reminders
		// stop), its group closes and the private signup link stops working.
		var req struct {
			Status  string `db:"status"`
			GroupID *int64 `db:"group_id"`
		}
		if err := a.Store.DB.GetContext(ctx, &req, `SELECT status, group_id FROM waakvlam_requests WHERE id = $1`, id); err != nil {
			return notFoundOr(err, "store: unable to read Waakvlam request")
		}
		if !slices.Contains(from, req.Status) {
			return ErrTransition
		}
		if groupID := req.GroupID; groupID != nil {
			var sessions []int64
			if err := a.Store.DB.SelectContext(ctx, &sessions, `SELECT id FROM sessions WHERE group_id = $1 AND status = 'planned'
				AND starts_at > $2`, *groupID, a.Now()); err != nil {
				return fmt.Errorf("store: unable to read sessions: %w", err)
			}
			for _, s := range sessions {
				if err := a.cancelSession(ctx, staffID, s, nil); err != nil {
					return err
				}
			}
			if _, err := a.Store.DB.ExecContext(ctx, `UPDATE groups SET status = 'cancelled', signup_token_hash = NULL
				WHERE id = $1`, *groupID); err != nil {
				return fmt.Errorf("store: unable to close the Waakvlam group: %w", err)
			}
		}
	}
	return a.Store.tx(ctx, func(tx *sqlx.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE waakvlam_requests SET status = $2, updated_at = $3
			WHERE id = $1 AND status = ANY($4)`, id, status, a.Now(), pq.StringArray(from))
		if err != nil {
			return fmt.Errorf("store: unable to update Waakvlam request: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrTransition
		}
		return a.Audit(ctx, tx, AuditEntry{StaffID: &staffID, Action: "waakvlam." + status, Detail: map[string]any{"request": id}})
	})
}
