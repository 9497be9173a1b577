package app

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/jmoiron/sqlx"
)

// insertPerson stores a new person; contact details must already be encrypted.
func insertPerson(ctx context.Context, tx *sqlx.Tx, p Person) (int64, error) {
	var id int64
	err := tx.GetContext(ctx, &id, `INSERT INTO people (kind, household_id, display_name, email_enc, email_hash,
			phone_enc, organisation, sector, municipality, age, contact_email, contact_phone, contact_sms,
			voicemail_ok, safe_times_enc, ics_opt_in, language)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17) RETURNING id`,
		p.Kind, p.HouseholdID, p.DisplayName, p.EmailEnc, p.EmailHash, p.PhoneEnc, p.Organisation, p.Sector,
		p.Municipality, p.Age, p.ContactEmail, p.ContactPhone, p.ContactSMS, p.VoicemailOK, p.SafeTimesEnc,
		p.ICSOptIn, p.Language)
	if err != nil {
		return 0, fmt.Errorf("store: unable to save person: %w", err)
	}
	return id, nil
}

// personByID reads one person.
func personByID(ctx context.Context, q sqlx.QueryerContext, id int64) (Person, error) {
	var p Person
	err := sqlx.GetContext(ctx, q, &p, `SELECT `+personColumns+` FROM people WHERE id = $1`, id)
	if errors.Is(err, sql.ErrNoRows) {
		return p, ErrNotFound
	}
	if err != nil {
		return p, fmt.Errorf("store: unable to read person: %w", err)
	}
	return p, nil
}

// professionalByEmail finds the professional (not anonymised) with one of emailHashes (an address's hashes under
// every key), the oldest first; ErrNotFound when there is none.
func professionalByEmail(ctx context.Context, q sqlx.QueryerContext, emailHashes [][]byte) (int64, error) {
	var id int64
	err := sqlx.GetContext(ctx, q, &id, `SELECT id FROM people WHERE kind = 'professional' AND email_hash = ANY($1)
		AND anonymised_at IS NULL ORDER BY id LIMIT 1`, byteaArray(emailHashes))
	if errors.Is(err, sql.ErrNoRows) {
		return 0, ErrNotFound
	}
	if err != nil {
		return 0, fmt.Errorf("store: unable to find professional: %w", err)
	}
	return id, nil
}
