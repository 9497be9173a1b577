package app

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// Queries on waakvlam_requests: organisations' requests for the Waakvlam training.

const waakvlamColumns = `id, reference, organisation, service_type, municipality, contact_name_enc, contact_email_enc,
	contact_phone_enc, expected_staff, preferred_periods, place, topics, combine_intervision, status, group_id, created_at, updated_at`

// nextWaakvlamNumber returns the next request number of year, holding a transaction lock so that two requests
// cannot take the same number.
func nextWaakvlamNumber(ctx context.Context, tx *sqlx.Tx, year int) (int, error) {
	if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(7204312, $1)`, year); err != nil {
		return 0, fmt.Errorf("store: unable to lock references: %w", err)
	}
	var n int
	if err := tx.GetContext(ctx, &n, `SELECT count(*) + 1 FROM waakvlam_requests WHERE reference LIKE $1`,
		fmt.Sprintf("WV-%d-%%", year)); err != nil {
		return 0, fmt.Errorf("store: unable to number request: %w", err)
	}
	return n, nil
}

// waakvlamRow is a new request as stored: contact details already sealed, the status link as its hash.
type waakvlamRow struct {
	Reference, Organisation, ServiceType, Municipality                 string
	ContactNameEnc, ContactEmailEnc, ContactEmailHash, ContactPhoneEnc []byte
	ExpectedStaff                                                      int
	PreferredPeriods, Place, Topics                                    string
	CombineIntervision                                                 bool
	TokenHash                                                          []byte
}

// insertWaakvlamRequest stores a new request and returns its id.
func insertWaakvlamRequest(ctx context.Context, q sqlx.QueryerContext, r waakvlamRow) (int64, error) {
	var id int64
	err := sqlx.GetContext(ctx, q, &id, `INSERT INTO waakvlam_requests (reference, organisation, service_type, municipality,
			contact_name_enc, contact_email_enc, contact_email_hash, contact_phone_enc, expected_staff, preferred_periods,
			place, topics, combine_intervision, token_hash)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id`,
		r.Reference, r.Organisation, r.ServiceType, r.Municipality, r.ContactNameEnc, r.ContactEmailEnc, r.ContactEmailHash,
		r.ContactPhoneEnc, r.ExpectedStaff, r.PreferredPeriods, r.Place, r.Topics, r.CombineIntervision, r.TokenHash)
	if err != nil {
		return 0, fmt.Errorf("store: unable to save Waakvlam request: %w", err)
	}
	return id, nil
}

// insertWaakvlamConsent records the consent given with a request's form.
func insertWaakvlamConsent(ctx context.Context, e sqlx.ExecerContext, requestID int64, c Consent) error {
	if _, err := e.ExecContext(ctx, `INSERT INTO consents (waakvlam_request_id, text_version, text, via)
		VALUES ($1, $2, $3, 'form')`, requestID, c.Version, c.Text); err != nil {
		return fmt.Errorf("store: unable to record consent: %w", err)
	}
	return nil
}

// waakvlamByTokenHash returns the request behind a status link, or ErrNotFound.
func waakvlamByTokenHash(ctx context.Context, q sqlx.QueryerContext, hash []byte) (WaakvlamRequest, error) {
	var r WaakvlamRequest
	err := sqlx.GetContext(ctx, q, &r, `SELECT `+waakvlamColumns+` FROM waakvlam_requests WHERE token_hash = $1`, hash)
	if err != nil {
		return r, notFoundOr(err, "store: unable to read Waakvlam request")
	}
	return r, nil
}

// waakvlamRequestByID returns one request, or ErrNotFound.
func waakvlamRequestByID(ctx context.Context, q sqlx.QueryerContext, id int64) (WaakvlamRequest, error) {
	var r WaakvlamRequest
	err := sqlx.GetContext(ctx, q, &r, `SELECT `+waakvlamColumns+` FROM waakvlam_requests WHERE id = $1`, id)
	if err != nil {
		return r, notFoundOr(err, "store: unable to read Waakvlam request")
	}
	return r, nil
}

// lockWaakvlamRequest returns one request and locks it for the transaction, or ErrNotFound.
func lockWaakvlamRequest(ctx context.Context, tx *sqlx.Tx, id int64) (WaakvlamRequest, error) {
	var r WaakvlamRequest
	err := tx.GetContext(ctx, &r, `SELECT `+waakvlamColumns+` FROM waakvlam_requests WHERE id = $1 FOR UPDATE`, id)
	if err != nil {
		return r, notFoundOr(err, "store: unable to read Waakvlam request")
	}
	return r, nil
}

// waakvlamRequests lists the requests with this status ("" for all), open ones first, newest first.
func waakvlamRequests(ctx context.Context, q sqlx.QueryerContext, status string) ([]WaakvlamRequest, error) {
	var out []WaakvlamRequest
	err := sqlx.SelectContext(ctx, q, &out, `SELECT `+waakvlamColumns+` FROM waakvlam_requests
		WHERE $1 = '' OR status = $1 ORDER BY status = 'requested' DESC, created_at DESC`, status)
	if err != nil {
		return nil, fmt.Errorf("store: unable to list Waakvlam requests: %w", err)
	}
	return out, nil
}

// planWaakvlamRequest marks a request planned in group groupID.
func planWaakvlamRequest(ctx context.Context, e sqlx.ExecerContext, id, groupID int64, now time.Time) error {
	if _, err := e.ExecContext(ctx, `UPDATE waakvlam_requests SET status = 'planned', group_id = $2, updated_at = $3
		WHERE id = $1`, id, groupID, now); err != nil {
		return fmt.Errorf("store: unable to plan Waakvlam request: %w", err)
	}
	return nil
}

// setWaakvlamStatus moves a request to status when it is in one of from; it reports false when it was not.
func setWaakvlamStatus(ctx context.Context, e sqlx.ExecerContext, id int64, status string, from []string, now time.Time) (bool, error) {
	res, err := e.ExecContext(ctx, `UPDATE waakvlam_requests SET status = $2, updated_at = $3
		WHERE id = $1 AND status = ANY($4)`, id, status, now, pq.StringArray(from))
	if err != nil {
		return false, fmt.Errorf("store: unable to update Waakvlam request: %w", err)
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}

// purgeWaakvlamContacts wipes the contact person of every request due by the rule waakvlamContactDue (its
// training, or without one its last change, longer ago than the Waakvlam offering's retention period) and returns
// how many it wiped.
func purgeWaakvlamContacts(ctx context.Context, e sqlx.ExecerContext, now time.Time) (int, error) {
	res, err := e.ExecContext(ctx, `UPDATE waakvlam_requests w SET contact_name_enc = NULL, contact_email_enc = NULL,
			contact_email_hash = NULL, contact_phone_enc = NULL, token_hash = NULL
		FROM offerings o WHERE `+waakvlamContactDue, now)
	if err != nil {
		return 0, fmt.Errorf("store: unable to purge Waakvlam contacts: %w", err)
	}
	n, err := res.RowsAffected()
	return int(n), err
}
