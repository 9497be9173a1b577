package app

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

// insertPerson stores a new person, sealing the name (contact details must already be encrypted), and indexes
// name, address and number for the staff search.
func (a *App) insertPerson(ctx context.Context, tx *sqlx.Tx, p Person) (int64, error) {
	var id int64
	err := tx.GetContext(ctx, &id, `INSERT INTO people (kind, household_id, display_name_enc, email_enc, email_hash,
			phone_enc, organisation, sector, municipality, age, contact_email, contact_phone, contact_sms,
			voicemail_ok, safe_times_enc, ics_opt_in, language)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17) RETURNING id`,
		p.Kind, p.HouseholdID, a.Keys.Encrypt(p.DisplayName), p.EmailEnc, p.EmailHash, p.PhoneEnc, p.Organisation, p.Sector,
		p.Municipality, p.Age, p.ContactEmail, p.ContactPhone, p.ContactSMS, p.VoicemailOK, p.SafeTimesEnc,
		p.ICSOptIn, p.Language)
	if err != nil {
		return 0, fmt.Errorf("store: unable to save person: %w", err)
	}
	if err := a.writeSearchGrams(ctx, tx, id, p.DisplayName, a.Keys.MustDecrypt(p.EmailEnc), a.Keys.MustDecrypt(p.PhoneEnc)); err != nil {
		return 0, err
	}
	return id, nil
}

// personByID reads one person, the name decrypted.
func (a *App) personByID(ctx context.Context, q sqlx.QueryerContext, id int64) (Person, error) {
	var p Person
	err := sqlx.GetContext(ctx, q, &p, `SELECT `+personColumns+` FROM people WHERE id = $1`, id)
	if errors.Is(err, sql.ErrNoRows) {
		return p, ErrNotFound
	}
	if err != nil {
		return p, fmt.Errorf("store: unable to read person: %w", err)
	}
	p.DisplayName = a.Keys.MustDecrypt(p.DisplayNameEnc)
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

// Queries on people, and on everything kept about one person (erasure, retention, export).

// personExists reports whether a person with this id exists.
func personExists(ctx context.Context, q sqlx.QueryerContext, id int64) (bool, error) {
	var exists bool
	if err := sqlx.GetContext(ctx, q, &exists, `SELECT EXISTS (SELECT 1 FROM people WHERE id = $1)`, id); err != nil {
		return false, fmt.Errorf("store: unable to find person: %w", err)
	}
	return exists, nil
}

// anonymise removes everything that identifies a person, in place: the row stays (as a number) so that
// attendance and other counts keep adding up, but no name, contact detail, free text, consent, separation or
// pending mail is left.
func anonymise(ctx context.Context, tx *sqlx.Tx, personID int64, now time.Time) error {
	if _, err := tx.ExecContext(ctx, `UPDATE people SET display_name_enc = NULL, email_enc = NULL, email_hash = NULL,
			phone_enc = NULL, organisation = '', municipality = '', age = NULL, safe_times_enc = NULL,
			contact_email = false, contact_phone = false, contact_sms = false, voicemail_ok = false, ics_opt_in = false,
			anonymised_at = COALESCE(anonymised_at, $2)
		WHERE id = $1`, personID, now); err != nil {
		return fmt.Errorf("store: unable to anonymise person: %w", err)
	}
	steps := []struct{ what, sql string }{
		{"search index", `DELETE FROM people_search WHERE person_id = $1`},
		{"registrations", `UPDATE registrations SET message_enc = NULL, intake_note_enc = NULL, decline_reason_enc = NULL,
			referrer_detail_enc = NULL, token_hash = NULL WHERE person_id = $1`},
		{"links", `DELETE FROM registration_tokens WHERE registration_id IN (SELECT id FROM registrations WHERE person_id = $1)`},
		{"consents", `DELETE FROM consents WHERE person_id = $1`},
		{"referral notes", `UPDATE onward_referrals SET note_enc = NULL WHERE person_id = $1`},
		{"separations", `DELETE FROM separations WHERE person_a = $1 OR person_b = $1`},
		{"mail", `DELETE FROM outbox WHERE person_id = $1`},
	}
	for _, s := range steps {
		if _, err := tx.ExecContext(ctx, s.sql, personID); err != nil {
			return fmt.Errorf("store: unable to anonymise %s: %w", s.what, err)
		}
	}
	// Nobody can contact an erased person: her open work items are done, and her own words in them go.
	if _, err := tx.ExecContext(ctx, `UPDATE work_items SET done_at = COALESCE(done_at, $2), detail_enc = NULL
		WHERE person_id = $1 OR registration_id IN (SELECT id FROM registrations WHERE person_id = $1)`,
		personID, now); err != nil {
		return fmt.Errorf("store: unable to anonymise work items: %w", err)
	}
	return nil
}

// lockPersonToPurge locks a person not anonymised yet for the transaction; it reports false when the person is
// anonymised or locked by another process (SKIP LOCKED).
func lockPersonToPurge(ctx context.Context, tx *sqlx.Tx, id int64) (bool, error) {
	var locked int64
	err := tx.GetContext(ctx, &locked, `SELECT id FROM people WHERE id = $1 AND anonymised_at IS NULL
		FOR UPDATE SKIP LOCKED`, id)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("store: unable to lock person: %w", err)
	}
	return true, nil
}

// personRecordsToExport returns, as rows of column → value, a person's attendance, consents, onward
// referrals, the audit log's lines about them (with the acting staff member's role, not name) and their mail.
func personRecordsToExport(ctx context.Context, q sqlx.QueryerContext, personID int64) (attendance, consents, referrals, access, mail []map[string]any, err error) {
	queries := []struct {
		into *[]map[string]any
		sql  string
	}{
		{&attendance, `SELECT s.starts_at, a.status, a.by_self, a.recorded_at FROM attendance a JOIN sessions s ON s.id = a.session_id
			WHERE a.person_id = $1 ORDER BY s.starts_at`},
		{&consents, `SELECT text_version, text, via, given_at FROM consents WHERE person_id = $1 ORDER BY given_at`},
		{&referrals, `SELECT destination, referred_on FROM onward_referrals WHERE person_id = $1 ORDER BY referred_on`},
		{&access, `SELECT l.at, l.action, su.role AS staff_role FROM audit_log l LEFT JOIN staff_users su ON su.id = l.staff_id
			WHERE l.person_id = $1 ORDER BY l.at`},
		{&mail, `SELECT kind, status, created_at, sent_at FROM outbox WHERE person_id = $1 ORDER BY id`},
	}
	for _, qq := range queries {
		rows, err := q.QueryxContext(ctx, qq.sql, personID)
		if err != nil {
			return nil, nil, nil, nil, nil, fmt.Errorf("store: unable to export: %w", err)
		}
		for rows.Next() {
			m := map[string]any{}
			if err := rows.MapScan(m); err != nil {
				rows.Close()
				return nil, nil, nil, nil, nil, fmt.Errorf("store: unable to export: %w", err)
			}
			for k, v := range m {
				if b, ok := v.([]byte); ok {
					m[k] = string(b)
				}
			}
			*qq.into = append(*qq.into, m)
		}
		rows.Close()
	}
	return attendance, consents, referrals, access, mail, nil
}

// storedContact is how a person may be contacted, as stored: e-mail, phone and safe times already encrypted,
// the e-mail's lookup hash beside it.
type storedContact struct {
	EmailEnc, EmailHash, PhoneEnc, SafeTimesEnc  []byte
	ByEmail, ByPhone, BySMS, VoicemailOK, ICSOpt bool
	Language                                     string
}

// setContactChangedOnline stores a contact change made on the personal page at changedAt; previousEnc (the
// encrypted details before it) is kept only when no earlier online change waits for staff, so staff see what
// was there before the first unconfirmed change.
func setContactChangedOnline(ctx context.Context, tx sqlx.ExecerContext, personID int64, c storedContact, changedAt time.Time, previousEnc []byte) error {
	if _, err := tx.ExecContext(ctx, `UPDATE people SET email_enc = $2, email_hash = $3, phone_enc = $4,
			contact_email = $5, contact_phone = $6, contact_sms = $7, voicemail_ok = $8, safe_times_enc = $9,
			ics_opt_in = $10, language = $11,
			contact_changed_at = $12, contact_previous_enc = COALESCE(contact_previous_enc, $13)
		WHERE id = $1`, personID, c.EmailEnc, c.EmailHash, c.PhoneEnc, c.ByEmail, c.ByPhone, c.BySMS, c.VoicemailOK,
		c.SafeTimesEnc, c.ICSOpt, c.Language, changedAt, previousEnc); err != nil {
		return fmt.Errorf("store: unable to update contact: %w", err)
	}
	return nil
}

// setCalendarAndLanguage stores whether person personID wants calendar invitations, and their language.
func setCalendarAndLanguage(ctx context.Context, tx sqlx.ExecerContext, personID int64, ics bool, lang string) error {
	if _, err := tx.ExecContext(ctx, `UPDATE people SET ics_opt_in = $2, language = $3 WHERE id = $1`,
		personID, ics, lang); err != nil {
		return fmt.Errorf("store: unable to update contact: %w", err)
	}
	return nil
}
