package app_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"portal/app"
	"portal/internal/testenv"
)

// resetToken reads the raw token of the newest password mail for staffID from the outbox.
func resetToken(t *testing.T, a *app.App, staffID int64) (token string, params string) {
	t.Helper()
	var row struct {
		Secret []byte `db:"secret_enc"`
		Params string `db:"params"`
		Key    string `db:"dedupe_key"`
	}
	if err := a.Store.DB.Get(&row, `SELECT secret_enc, params::text AS params, dedupe_key FROM outbox
		WHERE kind = $1 AND staff_id = $2 ORDER BY id DESC LIMIT 1`, app.MailPasswordReset, staffID); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(row.Key, "password_reset:") {
		t.Errorf("dedupe key %q", row.Key)
	}
	tok, err := a.Keys.Decrypt(row.Secret)
	if err != nil || tok == "" {
		t.Fatalf("secret: %v", err)
	}
	return tok, row.Params
}

func TestPasswordResetByMail(t *testing.T) {
	a, c := newStaffApp(t, t0)
	ctx := t.Context()
	id := addStaff(t, a, "an@example.org", app.RoleCoordinator)
	old, err := a.StartStaffSession(ctx, id, true)
	if err != nil {
		t.Fatal(err)
	}

	if err := a.RequestPasswordReset(ctx, "nobody@example.org", "192.0.2.1"); err != nil {
		t.Fatalf("unknown address: %v (must answer the same)", err)
	}
	var n int
	testenv.MustGet(t, a.Store.DB, &n, `SELECT count(*) FROM outbox`)
	if n != 0 {
		t.Fatalf("a mail was queued for an unknown address")
	}
	if err := a.RequestPasswordReset(ctx, "An@Example.org", "192.0.2.1"); err != nil {
		t.Fatal(err)
	}
	token, params := resetToken(t, a, id)
	if !strings.Contains(params, `"valid_hours": 1`) {
		t.Errorf("params %s", params)
	}
	var stored int
	testenv.MustGet(t, a.Store.DB, &stored, `SELECT count(*) FROM staff_tokens WHERE token_hash = $1 AND staff_id = $2`, app.HashToken(token), id)
	if stored != 1 {
		t.Fatal("the token is not stored as a hash")
	}
	if err := a.CheckPasswordToken(ctx, token); err != nil {
		t.Fatal(err)
	}
	err = a.ResetPassword(ctx, token, "too short")
	if v, ok := app.AsValidation(err); !ok || v.Fields["password"] != "form.password.short" {
		t.Fatalf("short password: %v", err)
	}
	if err := a.ResetPassword(ctx, token, "a brand new passphrase"); err != nil {
		t.Fatal(err)
	}
	if _, err := a.StaffSessionByToken(ctx, old); err == nil {
		t.Error("a session survived the password reset")
	}
	if err := a.ResetPassword(ctx, token, "yet another passphrase"); !errors.Is(err, app.ErrExpired) {
		t.Errorf("second use: %v, want ErrExpired", err)
	}
	if err := a.CheckPasswordToken(ctx, token); !errors.Is(err, app.ErrExpired) {
		t.Errorf("check after use: %v", err)
	}
	if _, err := a.Login(ctx, "an@example.org", testPassword, "192.0.2.2"); !errors.Is(err, app.ErrBadCredentials) {
		t.Errorf("old password: %v", err)
	}
	if _, err := a.Login(ctx, "an@example.org", "a brand new passphrase", "192.0.2.2"); err != nil {
		t.Errorf("new password: %v", err)
	}

	// A link is good for an hour.
	if err := a.RequestPasswordReset(ctx, "an@example.org", "192.0.2.1"); err != nil {
		t.Fatal(err)
	}
	token, _ = resetToken(t, a, id)
	c.Add(61 * time.Minute)
	if err := a.ResetPassword(ctx, token, "a brand new passphrase 2"); !errors.Is(err, app.ErrExpired) {
		t.Errorf("after an hour: %v, want ErrExpired", err)
	}
	if err := a.CheckPasswordToken(ctx, "made-up"); !errors.Is(err, app.ErrNotFound) {
		t.Errorf("unknown token: %v", err)
	}
	if auditCount(t, a, app.AuditPasswordMail) != 2 || auditCount(t, a, app.AuditPasswordReset) != 1 {
		t.Error("password mails or resets missing from the audit log")
	}
}

func TestPasswordResetRequestsAreLimited(t *testing.T) {
	a, _ := newStaffApp(t, t0)
	ctx := t.Context()
	addStaff(t, a, "an@example.org", app.RoleCoordinator)
	for i := range 3 {
		if err := a.RequestPasswordReset(ctx, "an@example.org", "192.0.2.1"); err != nil {
			t.Fatalf("request %d: %v", i, err)
		}
	}
	if err := a.RequestPasswordReset(ctx, "an@example.org", "192.0.2.9"); !errors.Is(err, app.ErrRateLimited) {
		t.Errorf("fourth request for one account: %v", err)
	}
	var n int
	testenv.MustGet(t, a.Store.DB, &n, `SELECT count(*) FROM outbox`)
	if n != 3 {
		t.Errorf("%d mails queued, want 3", n)
	}
}
