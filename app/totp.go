package app

import (
	"bytes"
	"context"
	"encoding/base32"
	"encoding/base64"
	"fmt"
	"image/png"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/pquerna/otp"
	"github.com/pquerna/otp/hotp"
	"github.com/pquerna/otp/totp"
)

// totpIssuer is the name the authenticator app shows next to the account.
const totpIssuer = "Veilig Huis Rivierenland"

// totpPeriod is the length of one time step, in seconds (the authenticator apps' default).
const totpPeriod = 30

// TOTPSetup is what the enrolment page shows: the secret as text (to type in) and as a QR code (to scan).
type TOTPSetup struct {
	// Secret is the base32 secret, in groups of four for reading.
	Secret string
	// QR is a PNG of the otpauth:// address, as a data: URI for an <img>.
	QR string
}

// TOTPEnrolment returns the authenticator secret a staff member is about to set up, creating it on the first
// visit and keeping it on the next ones (a reload must not invalidate what was scanned). The secret is stored
// encrypted and only becomes active when a first code is accepted (SecondFactor). A staff member whose
// authenticator is already active gets ErrForbidden: only an admin can reset it.
func (a *App) TOTPEnrolment(ctx context.Context, staffID int64) (TOTPSetup, error) {
	st, err := staffByID(ctx, a.Store.DB, staffID)
	if err != nil {
		return TOTPSetup{}, err
	}
	if st.TOTPEnabled {
		return TOTPSetup{}, ErrForbidden
	}
	opts := totp.GenerateOpts{Issuer: totpIssuer, AccountName: st.Email, Period: totpPeriod}
	if secret, err := a.Keys.Decrypt(st.TOTPSecret); err == nil && secret != "" {
		raw, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(secret)
		if err != nil {
			return TOTPSetup{}, fmt.Errorf("totp: stored secret: %w", err)
		}
		opts.Secret = raw
	}
	key, err := totp.Generate(opts)
	if err != nil {
		return TOTPSetup{}, fmt.Errorf("totp: %w", err)
	}
	if opts.Secret == nil {
		if err := saveTOTPSecret(ctx, a.Store.DB, staffID, a.Keys.Encrypt(key.Secret())); err != nil {
			return TOTPSetup{}, err
		}
	}
	img, err := key.Image(240, 240)
	if err != nil {
		return TOTPSetup{}, fmt.Errorf("totp: qr: %w", err)
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return TOTPSetup{}, fmt.Errorf("totp: png: %w", err)
	}
	return TOTPSetup{Secret: groupsOf4(key.Secret()), QR: "data:image/png;base64," + base64.StdEncoding.EncodeToString(buf.Bytes())}, nil
}

// ResetTOTP clears a staff member's authenticator (a lost phone) and ends their sessions: at the next sign-in
// they set up a new one. Admins only (ErrForbidden).
func (a *App) ResetTOTP(ctx context.Context, actor Actor, staffID int64) error {
	if err := actor.Allow(AdminRoles); err != nil {
		return err
	}
	adminID := actor.ID()
	return a.Store.tx(ctx, func(tx *sqlx.Tx) error {
		if err := clearTOTP(ctx, tx, staffID); err != nil {
			return err
		}
		if err := deleteStaffSessions(ctx, tx, staffID); err != nil {
			return err
		}
		return a.Audit(ctx, tx, AuditEntry{StaffID: &adminID, Action: AuditTOTPReset, Detail: map[string]any{"staff": staffID}})
	})
}

// totpStep returns the time step whose code is code, looking one step back and ahead for clock drift.
func totpStep(secret, code string, now time.Time) (int64, bool) {
	code = strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' {
			return -1
		}
		return r
	}, code)
	if len(code) != 6 {
		return 0, false
	}
	step := now.Unix() / totpPeriod
	for _, s := range []int64{step, step - 1, step + 1} {
		ok, err := hotp.ValidateCustom(code, uint64(s), secret, hotp.ValidateOpts{Digits: otp.DigitsSix,
			Algorithm: otp.AlgorithmSHA1})
		if err == nil && ok {
			return s, true
		}
	}
	return 0, false
}

// groupsOf4 writes a secret as "ABCD EFGH ...", easier to type over.
func groupsOf4(s string) string {
	var b strings.Builder
	for i, r := range s {
		if i > 0 && i%4 == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
	}
	return b.String()
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
