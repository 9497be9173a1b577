package app

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"
)

// referralsOf lists the onward referrals of person personID, oldest first; notes stay encrypted (NoteEnc).
func referralsOf(ctx context.Context, q sqlx.QueryerContext, personID int64) ([]ReferralRow, error) {
	var out []ReferralRow
	if err := sqlx.SelectContext(ctx, q, &out, `SELECT destination, referred_on, note_enc FROM onward_referrals
		WHERE person_id = $1 ORDER BY referred_on`, personID); err != nil {
		return nil, fmt.Errorf("store: unable to read referrals: %w", err)
	}
	return out, nil
}
