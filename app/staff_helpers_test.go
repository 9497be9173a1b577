package app_test

import (
	"sync"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"portal/app"
)

// clock is a movable clock for travelling in time, safe for concurrent use.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *clock) Add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// newStaffApp returns an App on a fresh database with a movable clock.
func newStaffApp(t *testing.T, now time.Time) (*app.App, *clock) {
	t.Helper()
	a := newApp(t, now)
	c := &clock{t: now}
	a.Now = c.Now
	return a, c
}

const testPassword = "correct horse battery staple"

// addStaff creates an account with testPassword.
func addStaff(t *testing.T, a *app.App, email, role string) int64 {
	t.Helper()
	id, err := a.AddStaff(t.Context(), app.NewStaff{Email: email, Name: "Test " + role, Role: role, Password: testPassword})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// enrol signs in with the password, sets up the authenticator and returns the secret and the full session.
func enrol(t *testing.T, a *app.App, c *clock, email string) (secret, token string) {
	t.Helper()
	ctx := t.Context()
	res, err := a.Login(ctx, email, testPassword, "192.0.2.1")
	if err != nil {
		t.Fatal(err)
	}
	if !res.Enrol {
		t.Fatal("a new account should have to enrol")
	}
	sess, err := a.StaffSessionByToken(ctx, res.Token)
	if err != nil {
		t.Fatal(err)
	}
	setup, err := a.TOTPEnrolment(ctx, sess.ID)
	if err != nil {
		t.Fatal(err)
	}
	secret = compact(setup.Secret)
	token, err = a.SecondFactor(ctx, res.Token, code(t, secret, c.Now()), "192.0.2.1")
	if err != nil {
		t.Fatal(err)
	}
	return secret, token
}

func compact(s string) string {
	out := []rune{}
	for _, r := range s {
		if r != ' ' {
			out = append(out, r)
		}
	}
	return string(out)
}

// code is the authenticator code at t.
func code(t *testing.T, secret string, at time.Time) string {
	t.Helper()
	c, err := totp.GenerateCode(secret, at)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// auditCount counts audit rows with action.
func auditCount(t *testing.T, a *app.App, action string) int {
	t.Helper()
	var n int
	if err := a.Store.DB.Get(&n, `SELECT count(*) FROM audit_log WHERE action = $1`, action); err != nil {
		t.Fatal(err)
	}
	return n
}
