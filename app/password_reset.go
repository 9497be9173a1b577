package app

import (
	"context"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

// Password links: a reset link works for an hour; the link in a new account's welcome mail for three days
// (an account is often made the day before someone starts). Both are single use.
const (
	PasswordResetValidity  = time.Hour
	NewAccountLinkValidity = 72 * time.Hour
	resetAccountLimit      = 3
	resetAddressLimit      = 10
	resetWindow            = time.Hour
)

// RequestPasswordReset mails a reset link to the staff member with this address, if there is an active one.
// The answer is the same either way (nil), so the form tells nobody which addresses have accounts; only too
// many requests get ErrRateLimited, and an address that is not text at all a *ValidationError (nothing changes).
func (a *App) RequestPasswordReset(ctx context.Context, email, clientAddr string) error {
	f := newFields()
	if email = f.text("email", email, MaxEmail, false); f.err() != nil {
		return f.err()
	}
	okAccount, err := a.Allow(ctx, "reset:account:"+hex.EncodeToString(a.Keys.EmailHash(email)[:16]), resetAccountLimit, resetWindow)
	if err != nil {
		return err
	}
	okAddress, err := a.Allow(ctx, "reset:addr:"+clientAddr, resetAddressLimit, resetWindow)
	if err != nil {
		return err
	}
	if !okAccount || !okAddress {
		return ErrRateLimited
	}
	st, err := a.Store.staffByEmail(ctx, email)
	if errors.Is(err, ErrNotFound) || (err == nil && !st.Active) {
		return nil
	}
	if err != nil {
		return err
	}
	return a.Store.tx(ctx, func(tx *sqlx.Tx) error {
		return a.queuePasswordMail(ctx, tx, st.ID, nil, PasswordResetValidity)
	})
}

// SendPasswordMail lets an admin send someone a link to choose a (new) password. Admins only (ErrForbidden); an
// inactive account gets no mail (ErrForbidden too).
func (a *App) SendPasswordMail(ctx context.Context, actor Actor, staffID int64) error {
	if err := actor.Allow(AdminRoles); err != nil {
		return err
	}
	adminID := actor.ID()
	st, err := a.Store.StaffByID(ctx, staffID)
	if err != nil {
		return err
	}
	if !st.Active {
		return ErrForbidden
	}
	validity := PasswordResetValidity
	if st.PasswordHash == "" {
		validity = NewAccountLinkValidity
	}
	return a.Store.tx(ctx, func(tx *sqlx.Tx) error {
		return a.queuePasswordMail(ctx, tx, staffID, &adminID, validity)
	})
}

// queuePasswordMail stores a fresh single-use token and queues the mail carrying it, in tx.
func (a *App) queuePasswordMail(ctx context.Context, tx *sqlx.Tx, staffID int64, byStaff *int64, validity time.Duration) error {
	raw, hash := NewToken()
	if _, err := tx.ExecContext(ctx, `INSERT INTO staff_tokens (token_hash, staff_id, purpose, expires_at)
		VALUES ($1, $2, 'password_reset', $3)`, hash, staffID, a.Now().Add(validity)); err != nil {
		return fmt.Errorf("store: unable to save reset token: %w", err)
	}
	err := a.enqueue(ctx, tx, Mail{
		DedupeKey: fmt.Sprintf("password_reset:%d:%s", staffID, hex.EncodeToString(hash[:8])),
		Kind:      MailPasswordReset,
		StaffID:   &staffID,
		Params:    map[string]any{"valid_hours": int(validity / time.Hour), "new_account": validity == NewAccountLinkValidity},
		Secret:    raw,
	})
	if err != nil {
		return err
	}
	actor := byStaff
	if actor == nil {
		actor = &staffID
	}
	return a.Audit(ctx, tx, AuditEntry{StaffID: actor, Action: AuditPasswordMail, Detail: map[string]any{"staff": staffID}})
}

// CheckPasswordToken reports whether a reset link can still be used: nil, ErrNotFound or ErrExpired (also
// for a link used before).
func (a *App) CheckPasswordToken(ctx context.Context, token string) error {
	var t struct {
		ExpiresAt time.Time  `db:"expires_at"`
		UsedAt    *time.Time `db:"used_at"`
	}
	err := a.Store.DB.GetContext(ctx, &t, `SELECT t.expires_at, t.used_at FROM staff_tokens t
		JOIN staff_users u ON u.id = t.staff_id
		WHERE t.token_hash = $1 AND t.purpose = 'password_reset' AND u.active`, HashToken(token))
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	if err != nil {
		return fmt.Errorf("store: unable to fetch reset token: %w", err)
	}
	if t.UsedAt != nil || !a.Now().Before(t.ExpiresAt) {
		return ErrExpired
	}
	return nil
}

// ResetPassword sets a new password through a reset link, uses the link up, and ends every session of the
// account: whoever knew the old password is out.
func (a *App) ResetPassword(ctx context.Context, token, password string) error {
	v := &ValidationError{}
	checkPassword(v, "password", password)
	if err := v.OrNil(); err != nil {
		return err
	}
	hash, err := HashPassword(password)
	if err != nil {
		return err
	}
	return a.Store.tx(ctx, func(tx *sqlx.Tx) error {
		var staffID int64
		err := tx.GetContext(ctx, &staffID, `UPDATE staff_tokens t SET used_at = $2
			FROM staff_users u
			WHERE t.token_hash = $1 AND t.purpose = 'password_reset' AND t.used_at IS NULL AND t.expires_at > $2
			  AND u.id = t.staff_id AND u.active
			RETURNING t.staff_id`, HashToken(token), a.Now())
		if errors.Is(err, sql.ErrNoRows) {
			return ErrExpired
		}
		if err != nil {
			return fmt.Errorf("store: unable to use reset token: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE staff_users SET password_hash = $2, password_changed_at = $3 WHERE id = $1`,
			staffID, hash, a.Now()); err != nil {
			return fmt.Errorf("store: unable to save password: %w", err)
		}
		// Other links still out there die with this one.
		if _, err := tx.ExecContext(ctx, `UPDATE staff_tokens SET used_at = $2 WHERE staff_id = $1 AND used_at IS NULL`,
			staffID, a.Now()); err != nil {
			return fmt.Errorf("store: unable to retire reset tokens: %w", err)
		}
		if err := a.endStaffSessions(ctx, tx, staffID); err != nil {
			return err
		}
		return a.Audit(ctx, tx, AuditEntry{StaffID: &staffID, Action: AuditPasswordReset})
	})
}
