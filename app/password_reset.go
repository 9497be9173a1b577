package app

import (
	"context"
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
	okAddress, err := a.Allow(ctx, "reset:addr:"+AddressKey(clientAddr), resetAddressLimit, resetWindow)
	if err != nil {
		return err
	}
	if !okAccount || !okAddress {
		return ErrRateLimited
	}
	st, err := staffByEmail(ctx, a.Store.DB, email)
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
	st, err := staffByID(ctx, a.Store.DB, staffID)
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
	if err := insertPasswordToken(ctx, tx, hash, staffID, a.Now().Add(validity)); err != nil {
		return err
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
	expires, used, err := passwordTokenState(ctx, a.Store.DB, HashToken(token))
	if err != nil {
		return err
	}
	if used != nil || !a.Now().Before(expires) {
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
		staffID, err := usePasswordToken(ctx, tx, HashToken(token), a.Now())
		if errors.Is(err, ErrNotFound) {
			return ErrExpired
		}
		if err != nil {
			return err
		}
		if err := setStaffPassword(ctx, tx, staffID, hash, a.Now()); err != nil {
			return err
		}
		// Other links still out there die with this one.
		if err := retirePasswordTokens(ctx, tx, staffID, a.Now()); err != nil {
			return err
		}
		if err := deleteStaffSessions(ctx, tx, staffID); err != nil {
			return err
		}
		return a.Audit(ctx, tx, AuditEntry{StaffID: &staffID, Action: AuditPasswordReset})
	})
}
