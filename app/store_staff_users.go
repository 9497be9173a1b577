package app

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// Queries about staff accounts (staff_users).

// coordinatorIDs lists the active coordinators; when there is none, the active admins, who then stand in.
func coordinatorIDs(ctx context.Context, q sqlx.QueryerContext) ([]int64, error) {
	var out []int64
	if err := sqlx.SelectContext(ctx, q, &out, `SELECT id FROM staff_users WHERE active AND role = 'coordinator'
		UNION SELECT id FROM staff_users WHERE active AND role = 'admin'
		      AND NOT EXISTS (SELECT 1 FROM staff_users WHERE active AND role = 'coordinator')`); err != nil {
		return nil, fmt.Errorf("store: unable to find coordinators: %w", err)
	}
	return out, nil
}

// countActiveStaff counts how many of ids are active staff accounts.
func countActiveStaff(ctx context.Context, q sqlx.QueryerContext, ids []int64) (int, error) {
	var n int
	if err := sqlx.GetContext(ctx, q, &n, `SELECT count(*) FROM staff_users WHERE id = ANY($1) AND active`,
		pq.Int64Array(ids)); err != nil {
		return 0, fmt.Errorf("store: unable to check facilitators: %w", err)
	}
	return n, nil
}

const staffColumns = `id, email, name, role, password_hash, totp_secret_enc, totp_enabled, totp_last_step, active,

	language, created_at, password_changed_at`

// StaffByID returns a staff account, or ErrNotFound.
func (s *Store) StaffByID(ctx context.Context, id int64) (Staff, error) {
	return staffByID(ctx, s.DB, id)
}

// staffByID returns a staff account, or ErrNotFound.
func staffByID(ctx context.Context, q sqlx.QueryerContext, id int64) (Staff, error) {
	var st Staff
	err := sqlx.GetContext(ctx, q, &st, `SELECT `+staffColumns+` FROM staff_users WHERE id = $1`, id)
	if err != nil {
		return st, notFoundOr(err, "store: unable to fetch staff member")
	}
	return st, nil
}

// HasStaff reports whether any staff account exists (active or not).
func (s *Store) HasStaff(ctx context.Context) (bool, error) {
	var any bool
	if err := s.DB.GetContext(ctx, &any, `SELECT EXISTS (SELECT 1 FROM staff_users)`); err != nil {
		return false, fmt.Errorf("store: unable to look for staff accounts: %w", err)
	}
	return any, nil
}

// staffByEmail returns the account with this address (any case), or ErrNotFound.
func staffByEmail(ctx context.Context, q sqlx.QueryerContext, email string) (Staff, error) {
	var st Staff
	err := sqlx.GetContext(ctx, q, &st, `SELECT `+staffColumns+` FROM staff_users WHERE lower(email) = lower($1)`,
		strings.TrimSpace(email))
	if err != nil {
		return st, notFoundOr(err, "store: unable to fetch staff member")
	}
	return st, nil
}

// listStaff returns every staff account, active ones first, by name.
func listStaff(ctx context.Context, q sqlx.QueryerContext) ([]Staff, error) {
	var out []Staff
	err := sqlx.SelectContext(ctx, q, &out, `SELECT `+staffColumns+` FROM staff_users
		ORDER BY active DESC, lower(name), lower(email)`)
	if err != nil {
		return nil, fmt.Errorf("store: unable to list staff: %w", err)
	}
	return out, nil
}

// activeStaff lists the active staff members, for choosing a group's facilitators.
func activeStaff(ctx context.Context, q sqlx.QueryerContext) ([]Staff, error) {
	var out []Staff
	err := sqlx.SelectContext(ctx, q, &out, `SELECT `+staffColumns+` FROM staff_users WHERE active
		ORDER BY lower(name), lower(email)`)
	if err != nil {
		return nil, fmt.Errorf("store: unable to list staff: %w", err)
	}
	return out, nil
}

// upsertStaff creates an account, or for an existing address (any case) sets its name (when given), role and
// password and makes it active again. It returns the account's id.
func upsertStaff(ctx context.Context, q sqlx.QueryerContext, email, name, role, hash string, now time.Time) (int64, error) {
	var id int64
	err := sqlx.GetContext(ctx, q, &id, `INSERT INTO staff_users (email, name, role, password_hash, password_changed_at)
			VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (lower(email)) DO UPDATE SET name = COALESCE(NULLIF(EXCLUDED.name, ''), staff_users.name),
				role = EXCLUDED.role, password_hash = EXCLUDED.password_hash, password_changed_at = EXCLUDED.password_changed_at,
				active = true
			RETURNING id`, email, name, role, hash, now)
	if err != nil {
		return 0, fmt.Errorf("store: unable to save staff member: %w", err)
	}
	return id, nil
}

// errStaffEmailTaken means another account has this address already.
var errStaffEmailTaken = errors.New("store: staff address taken")

// insertStaff creates an account; hash may be empty (no password yet, passwordAt nil). An address that has an
// account already gives errStaffEmailTaken.
func insertStaff(ctx context.Context, q sqlx.QueryerContext, email, name, role, hash string, passwordAt *time.Time, now time.Time) (int64, error) {
	var id int64
	err := sqlx.GetContext(ctx, q, &id, `INSERT INTO staff_users (email, name, role, password_hash, password_changed_at, created_at)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, email, name, role, hash, passwordAt, now)
	if pgCode(err) == "23505" {
		return 0, errStaffEmailTaken
	}
	if err != nil {
		return 0, fmt.Errorf("store: unable to create staff member: %w", err)
	}
	return id, nil
}

// lockStaffRole returns a staff member's role and locks the row for the transaction, or ErrNotFound.
func lockStaffRole(ctx context.Context, tx *sqlx.Tx, id int64) (string, error) {
	var role string
	if err := tx.GetContext(ctx, &role, `SELECT role FROM staff_users WHERE id = $1 FOR UPDATE`, id); err != nil {
		return "", notFoundOr(err, "store: unable to fetch staff member")
	}
	return role, nil
}

// setStaffRole gives an account another role.
func setStaffRole(ctx context.Context, e sqlx.ExecerContext, id int64, role string) error {
	if _, err := e.ExecContext(ctx, `UPDATE staff_users SET role = $2 WHERE id = $1`, id, role); err != nil {
		return fmt.Errorf("store: unable to change role: %w", err)
	}
	return nil
}

// setStaffActive (de)activates an account; ErrNotFound when there is none.
func setStaffActive(ctx context.Context, e sqlx.ExecerContext, id int64, active bool) error {
	res, err := e.ExecContext(ctx, `UPDATE staff_users SET active = $2 WHERE id = $1`, id, active)
	if err != nil {
		return fmt.Errorf("store: unable to change account: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}

// setStaffPassword stores a new password hash.
func setStaffPassword(ctx context.Context, e sqlx.ExecerContext, id int64, hash string, now time.Time) error {
	if _, err := e.ExecContext(ctx, `UPDATE staff_users SET password_hash = $2, password_changed_at = $3 WHERE id = $1`,
		id, hash, now); err != nil {
		return fmt.Errorf("store: unable to save password: %w", err)
	}
	return nil
}

// saveTOTPSecret stores an encrypted authenticator secret that is not active yet (an active one is left alone).
func saveTOTPSecret(ctx context.Context, e sqlx.ExecerContext, id int64, sealed []byte) error {
	if _, err := e.ExecContext(ctx, `UPDATE staff_users SET totp_secret_enc = $2 WHERE id = $1 AND NOT totp_enabled`,
		id, sealed); err != nil {
		return fmt.Errorf("store: unable to save authenticator secret: %w", err)
	}
	return nil
}

// clearTOTP removes an account's authenticator; ErrNotFound when there is no such account.
func clearTOTP(ctx context.Context, e sqlx.ExecerContext, id int64) error {
	res, err := e.ExecContext(ctx, `UPDATE staff_users SET totp_secret_enc = NULL, totp_enabled = false, totp_last_step = 0
		WHERE id = $1`, id)
	if err != nil {
		return fmt.Errorf("store: unable to reset authenticator: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}

// useTOTPStep records that the code of time step step was used with secret sealed, enabling the authenticator.
// It reports false when the account is inactive, the secret changed meanwhile, or that step (or a later one) was
// used already: a code seen over someone's shoulder is worth nothing.
func useTOTPStep(ctx context.Context, e sqlx.ExecerContext, id, step int64, sealed []byte) (bool, error) {
	res, err := e.ExecContext(ctx, `UPDATE staff_users SET totp_last_step = $2, totp_enabled = true
		WHERE id = $1 AND active AND totp_last_step < $2 AND totp_secret_enc = $3`, id, step, sealed)
	if err != nil {
		return false, fmt.Errorf("store: unable to record code: %w", err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}
