package app

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"
)

// insertConsent records the consent a person gave, with the exact text.
func insertConsent(ctx context.Context, tx *sqlx.Tx, personID, regID int64, c Consent, via string, staffID *int64) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO consents (person_id, registration_id, text_version, text, via, staff_id)
		VALUES ($1, $2, $3, $4, $5, $6)`, personID, regID, c.Version, c.Text, via, staffID)
	if err != nil {
		return fmt.Errorf("store: unable to record consent: %w", err)
	}
	return nil
}
