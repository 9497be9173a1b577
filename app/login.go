package app

import (
	"context"
	"encoding/hex"
	"errors"
	"time"

	"github.com/jmoiron/sqlx"
)

// Sign-in limits, counted in PostgreSQL so every portal process shares them. Only failed attempts count (a
// sign-in that succeeds takes its hit back). Failures lock quickly per account and client address (5 in 15
// minutes), per client address over all accounts (20 in 15 minutes), and only slowly per account (30 in an
// hour): one address can fail at most 20 times an hour on an account, so a stranger who knows a colleague's
// address cannot lock her out from elsewhere, while guessing from many addresses still stops. An unknown
// address counts like a known one, so the limit tells nothing about which accounts exist. IPv6 addresses count
// per /64 (AddressKey).
const (
	loginPairLimit     = 5
	loginPairWindow    = 15 * time.Minute
	loginAddressLimit  = 20
	loginAddressWindow = 15 * time.Minute
	loginAccountLimit  = 30
	loginAccountWindow = time.Hour
	codeAccountLimit   = 5
	codeAddressLimit   = 20
	codeWindow         = 10 * time.Minute
)

// ErrBadCredentials is the one answer for an unknown address, a wrong password and a deactivated account.
var ErrBadCredentials = errors.New("e-mail address or password is wrong")

// ErrBadCode means the authenticator code was wrong, too old, or already used.
var ErrBadCode = errors.New("code is wrong")

// LoginResult is what the password step gives: a session that still needs the second factor.
type LoginResult struct {
	// Token is the new (pending) session's cookie value.
	Token string
	// Enrol means the staff member has no authenticator yet and must set one up first.
	Enrol bool
}

// Login checks an address and password. It takes as long for an unknown address as for a wrong password (the
// password is checked against a dummy hash), answers both with ErrBadCredentials, and refuses with
// ErrRateLimited once failures reached a limit (see loginPairLimit). An address that is not text at all gets a
// *ValidationError (field "email") and changes nothing.
func (a *App) Login(ctx context.Context, email, password, clientAddr string) (LoginResult, error) {
	f := newFields()
	if email = f.text("email", email, MaxEmail, false); f.err() != nil {
		// Text no address can have (invalid UTF-8, a NUL): refused before it reaches the database.
		return LoginResult{}, f.err()
	}
	account := hex.EncodeToString(a.Keys.EmailHash(email)[:16])
	addr := AddressKey(clientAddr)
	// Each attempt counts first and takes its hits back when it succeeds, so concurrent guesses cannot slip past
	// together. The account's own counter only moves once the pair and the address allow the attempt: failures
	// a pair or an address is already refused for do not wear down the account.
	counted := []string{}
	allowed := true
	for _, l := range []struct {
		key    string
		limit  int
		window time.Duration
	}{
		{"login:pair:" + account + ":" + addr, loginPairLimit, loginPairWindow},
		{"login:addr:" + addr, loginAddressLimit, loginAddressWindow},
		{"login:account:" + account, loginAccountLimit, loginAccountWindow},
	} {
		ok, err := a.Allow(ctx, l.key, l.limit, l.window)
		if err != nil {
			return LoginResult{}, err
		}
		counted = append(counted, l.key)
		if !ok {
			allowed = false
			break
		}
	}
	st, err := staffByEmail(ctx, a.Store.DB, email)
	known := err == nil
	if err != nil && !errors.Is(err, ErrNotFound) {
		return LoginResult{}, err
	}
	var staffID *int64
	if known {
		staffID = &st.ID
	}
	if !allowed {
		return LoginResult{}, a.loginFailed(ctx, staffID, "limited")
	}
	hash := dummyHash
	if known && st.Active && st.PasswordHash != "" {
		hash = st.PasswordHash
	}
	if len(password) > 4*MaxPasswordLength {
		password = password[:4*MaxPasswordLength]
	}
	match := CheckPassword(hash, password)
	if !known || !st.Active || st.PasswordHash == "" || !match {
		reason := "password"
		if !known {
			reason = "unknown"
		} else if !st.Active {
			reason = "inactive"
		}
		return LoginResult{}, a.loginFailed(ctx, staffID, reason)
	}
	for _, key := range counted { // a sign-in that succeeds is no failure
		if err := a.refund(ctx, key); err != nil {
			return LoginResult{}, err
		}
	}
	token, err := a.StartStaffSession(ctx, st.ID, false)
	if err != nil {
		return LoginResult{}, err
	}
	return LoginResult{Token: token, Enrol: !st.TOTPEnabled}, nil
}

// loginFailed records a refused attempt and returns the error to show: the same for every reason but a limit.
func (a *App) loginFailed(ctx context.Context, staffID *int64, reason string) error {
	e := AuditEntry{StaffID: staffID, Action: AuditLoginFailed, Detail: map[string]any{"reason": reason}}
	if staffID != nil {
		// The attempt was not made by the staff member; the row names the account it was made on.
		e.Actor = ActorSystem
	}
	if err := a.Audit(ctx, a.Store.DB, e); err != nil {
		return err
	}
	if reason == "limited" {
		return ErrRateLimited
	}
	return ErrBadCredentials
}

// SecondFactor completes a sign-in: it checks the authenticator code for the pending session behind token
// (enabling the authenticator when this is its first code), refuses a code whose time step was already used,
// and replaces the session with a fresh one that has the second factor. It returns the new cookie value.
func (a *App) SecondFactor(ctx context.Context, token, code, clientAddr string) (string, error) {
	sess, err := a.StaffSessionByToken(ctx, token)
	if err != nil {
		return "", err
	}
	if sess.MFADone {
		return token, nil
	}
	okAccount, err := a.Allow(ctx, "code:account:"+itoa(sess.ID), codeAccountLimit, codeWindow)
	if err != nil {
		return "", err
	}
	okAddress, err := a.Allow(ctx, "code:addr:"+AddressKey(clientAddr), codeAddressLimit, codeWindow)
	if err != nil {
		return "", err
	}
	fail := func(reason string) error {
		if err := a.Audit(ctx, a.Store.DB, AuditEntry{StaffID: &sess.ID, Actor: ActorSystem, Action: AuditLoginFailed,
			Detail: map[string]any{"reason": reason}}); err != nil {
			return err
		}
		if reason == "limited" {
			return ErrRateLimited
		}
		return ErrBadCode
	}
	if !okAccount || !okAddress {
		return "", fail("limited")
	}
	secret, err := a.Keys.Decrypt(sess.TOTPSecret)
	if err != nil || secret == "" {
		return "", fail("code")
	}
	step, ok := totpStep(secret, code, a.Now())
	if !ok {
		return "", fail("code")
	}
	var fresh string
	err = a.Store.tx(ctx, func(tx *sqlx.Tx) error {
		// The step must be newer than the last one used: a code seen over someone's shoulder is worth nothing.
		used, err := useTOTPStep(ctx, tx, sess.ID, step, sess.TOTPSecret)
		if err != nil {
			return err
		}
		if !used {
			return ErrBadCode
		}
		if _, err := deleteStaffSession(ctx, tx, HashToken(token)); err != nil && !errors.Is(err, ErrNotFound) {
			return err
		}
		if fresh, err = a.startStaffSession(ctx, tx, sess.ID, true); err != nil {
			return err
		}
		if !sess.TOTPEnabled {
			if err := a.Audit(ctx, tx, AuditEntry{StaffID: &sess.ID, Action: AuditTOTPEnrolled}); err != nil {
				return err
			}
		}
		return a.Audit(ctx, tx, AuditEntry{StaffID: &sess.ID, Action: AuditLogin})
	})
	if errors.Is(err, ErrBadCode) {
		return "", fail("replay")
	}
	return fresh, err
}
