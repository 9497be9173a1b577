package app

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"
)

// Queries about onward referrals: a person sent on to other help after a group.

// insertReferral records an onward referral on day (YYYY-MM-DD) by staff member staffID; noteEnc is the note,
// already encrypted. ErrNotFound when the person or registration does not exist.
func insertReferral(ctx context.Context, tx *sqlx.Tx, personID int64, registrationID *int64, destination string,
	noteEnc []byte, day string, staffID int64) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO onward_referrals (person_id, registration_id, destination, note_enc,
		referred_on, staff_id) VALUES ($1, $2, $3, $4, $5, $6)`, personID, registrationID, destination, noteEnc, day, staffID)
	if pgCode(err) == "23503" {
		return ErrNotFound
	}
	if err != nil {
		return fmt.Errorf("store: unable to record referral: %w", err)
	}
	return nil
}

// referralsOf lists the onward referrals of person personID, oldest first; notes stay encrypted (NoteEnc).
func referralsOf(ctx context.Context, q sqlx.QueryerContext, personID int64) ([]ReferralRow, error) {
	var out []ReferralRow
	if err := sqlx.SelectContext(ctx, q, &out, `SELECT destination, referred_on, note_enc FROM onward_referrals
		WHERE person_id = $1 ORDER BY referred_on`, personID); err != nil {
		return nil, fmt.Errorf("store: unable to read referrals: %w", err)
	}
	return out, nil
}
