package app

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

// lockGroup reads a group and locks its row for the rest of the transaction: every change to a group's seats
// goes through this lock, so concurrent signups queue up and none can overbook.
func lockGroup(ctx context.Context, tx *sqlx.Tx, id int64) (Group, error) {
	var g Group
	err := tx.GetContext(ctx, &g, `SELECT `+groupColumns+` FROM groups WHERE id = $1 FOR UPDATE`, id)
	if errors.Is(err, sql.ErrNoRows) {
		return g, ErrNotFound
	}
	if err != nil {
		return g, fmt.Errorf("store: unable to lock group: %w", err)
	}
	return g, nil
}

// seatState counts the seats taken on one track (adults or children) of a group and whether anyone waits.
func seatState(ctx context.Context, q sqlx.QueryerContext, groupID int64, child bool) (taken int, waiting int, err error) {
	row := q.QueryRowxContext(ctx, `SELECT
			count(*) FILTER (WHERE status IN ('admitted', 'offered') AND NOT over_capacity),
			count(*) FILTER (WHERE status = 'waitlisted')
		FROM registrations WHERE group_id = $1 AND (role = 'child') = $2`, groupID, child)
	if err := row.Scan(&taken, &waiting); err != nil {
		return 0, 0, fmt.Errorf("store: unable to count seats: %w", err)
	}
	return taken, waiting, nil
}

// sessionCounts returns how many planned sessions of a group have started by now and how many are ahead.
func sessionCounts(ctx context.Context, q sqlx.QueryerContext, groupID int64, now time.Time) (held, ahead int, err error) {
	row := q.QueryRowxContext(ctx, `SELECT count(*) FILTER (WHERE starts_at <= $2), count(*) FILTER (WHERE starts_at > $2)
		FROM sessions WHERE group_id = $1 AND status = 'planned'`, groupID, now)
	if err := row.Scan(&held, &ahead); err != nil {
		return 0, 0, fmt.Errorf("store: unable to count sessions: %w", err)
	}
	return held, ahead, nil
}

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

// insertRegistration stores a new registration. The database's guard refuses a seat beyond capacity or next
// to a separated person; those come back as ErrFull and ErrSeparated.
// Times come from the app's clock, so that figures and retention follow it (and tests can travel in time).
func (a *App) insertRegistration(ctx context.Context, tx *sqlx.Tx, r Registration) (int64, error) {
	var id int64
	now := a.Now()
	err := tx.GetContext(ctx, &id, `INSERT INTO registrations (person_id, offering_id, group_id, household_id, role,
			status, referrer, referrer_detail, message_enc, waitlisted_at, offer_expires_at, over_capacity, walk_in,
			registered_by, token_hash, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $16) RETURNING id`,
		r.PersonID, r.OfferingID, r.GroupID, r.HouseholdID, r.Role, r.Status, r.Referrer, r.ReferrerDetail,
		r.MessageEnc, r.WaitlistedAt, r.OfferExpiresAt, r.OverCapacity, r.WalkIn, r.RegisteredBy, r.TokenHash, now)
	if err != nil {
		return 0, guardError(err, "store: unable to save registration")
	}
	if err := a.recordTransition(ctx, tx, id, "", r.Status, r.RegisteredBy); err != nil {
		return 0, err
	}
	return id, nil
}

// guardError turns the database guard's refusals into domain errors.
func guardError(err error, what string) error {
	switch pgCode(err) {
	case "VH001":
		return ErrFull
	case "VH002":
		return ErrSeparated
	case "VH003":
		return ErrTransition
	case "23505":
		return fmt.Errorf("%s: %w", what, ErrDuplicate)
	}
	return fmt.Errorf("%s: %w", what, err)
}

// recordTransition keeps the history of a registration's status.
func (a *App) recordTransition(ctx context.Context, tx *sqlx.Tx, regID int64, from, to string, staffID *int64) error {
	var f *string
	if from != "" {
		f = &from
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO registration_events (registration_id, from_status, to_status, staff_id, at)
		VALUES ($1, $2, $3, $4, $5)`, regID, f, to, staffID, a.Now()); err != nil {
		return fmt.Errorf("store: unable to record status change: %w", err)
	}
	return nil
}

// insertConsent records the consent a person gave, with the exact text.
func insertConsent(ctx context.Context, tx *sqlx.Tx, personID, regID int64, c Consent, via string, staffID *int64) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO consents (person_id, registration_id, text_version, text, via, staff_id)
		VALUES ($1, $2, $3, $4, $5, $6)`, personID, regID, c.Version, c.Text, via, staffID)
	if err != nil {
		return fmt.Errorf("store: unable to record consent: %w", err)
	}
	return nil
}

// registrationByID reads one registration.
func registrationByID(ctx context.Context, q sqlx.QueryerContext, id int64, lock bool) (Registration, error) {
	var r Registration
	query := `SELECT ` + registrationColumns + ` FROM registrations WHERE id = $1`
	if lock {
		query += ` FOR UPDATE`
	}
	err := sqlx.GetContext(ctx, q, &r, query, id)
	if errors.Is(err, sql.ErrNoRows) {
		return r, ErrNotFound
	}
	if err != nil {
		return r, fmt.Errorf("store: unable to read registration: %w", err)
	}
	return r, nil
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

// setStatus moves a registration to a new status (the database checks the transition) and records it.
func (a *App) setStatus(ctx context.Context, tx *sqlx.Tx, r Registration, to string, staffID *int64) error {
	_, err := tx.ExecContext(ctx, `UPDATE registrations SET status = $2, updated_at = $3,
			waitlisted_at = CASE WHEN $2 = 'waitlisted' THEN $3 ELSE waitlisted_at END,
			offer_expires_at = CASE WHEN $2 = 'offered' THEN offer_expires_at ELSE NULL END
		WHERE id = $1`, r.ID, to, a.Now())
	if err != nil {
		return guardError(err, "store: unable to change registration")
	}
	return a.recordTransition(ctx, tx, r.ID, r.Status, to, staffID)
}

// addToken gives a registration one more personal-link token and returns it, for the mail (or page) that
// carries it. The links the person already has keep working.
func (a *App) addToken(ctx context.Context, tx *sqlx.Tx, regID int64) (string, error) {
	token, hash := NewToken()
	if _, err := tx.ExecContext(ctx, `INSERT INTO registration_tokens (token_hash, registration_id, created_at)
		VALUES ($1, $2, $3)`, hash, regID, a.Now()); err != nil {
		return "", fmt.Errorf("store: unable to add a link: %w", err)
	}
	return token, nil
}
