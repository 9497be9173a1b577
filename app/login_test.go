package app_test

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"portal/app"
	"portal/internal/fixtures"
	"portal/internal/testenv"
)

var t0 = time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)

func TestLoginGivesOneAnswerForUnknownWrongAndInactive(t *testing.T) {
	a, _ := newStaffApp(t, t0)
	ctx := t.Context()
	admin := addStaff(t, a, "an@example.org", app.RoleAdmin)
	gone := addStaff(t, a, "gone@example.org", app.RoleFacilitator)
	if err := a.SetStaffActive(ctx, fixtures.Actor(t, a, admin), gone, false); err != nil {
		t.Fatal(err)
	}
	cases := []struct{ name, email, password, reason string }{
		{"unknown", "nobody@example.org", testPassword, "unknown"},
		{"wrong password", "an@example.org", "wrong horse battery staple", "password"},
		{"deactivated", "gone@example.org", testPassword, "inactive"},
		{"empty password", "an@example.org", "", "password"},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := a.Login(ctx, tc.email, tc.password, fmt.Sprintf("192.0.2.%d", i))
			if !errors.Is(err, app.ErrBadCredentials) {
				t.Fatalf("err = %v, want ErrBadCredentials", err)
			}
			var reason string
			if err := a.Store.DB.Get(&reason, `SELECT detail->>'reason' FROM audit_log WHERE action = 'login.failed'
				ORDER BY id DESC LIMIT 1`); err != nil {
				t.Fatal(err)
			}
			if reason != tc.reason {
				t.Errorf("audit reason %q, want %q", reason, tc.reason)
			}
		})
	}
	// The trail names no address: nothing typed into the form is kept.
	var leaked int
	testenv.MustGet(t, a.Store.DB, &leaked, `SELECT count(*) FROM audit_log WHERE detail::text LIKE '%example.org%'`)
	if leaked != 0 {
		t.Errorf("%d audit rows hold an e-mail address", leaked)
	}
	res, err := a.Login(ctx, "AN@Example.org ", testPassword, "192.0.2.99")
	if err != nil || res.Token == "" || !res.Enrol {
		t.Fatalf("right password: %+v, %v", res, err)
	}
}

func TestLoginIsThrottledPerAccountAndAddressButNobodyIsLockedOutFromElsewhere(t *testing.T) {
	a, c := newStaffApp(t, t0)
	ctx := t.Context()
	addStaff(t, a, "an@example.org", app.RoleAdmin)
	addStaff(t, a, "bo@example.org", app.RoleAdmin)
	// Five wrong passwords from one address lock that address out of the account quickly...
	for i := range 5 {
		if _, err := a.Login(ctx, "an@example.org", "wrong password!", "198.51.100.66"); !errors.Is(err, app.ErrBadCredentials) {
			t.Fatalf("try %d: %v", i, err)
		}
	}
	if _, err := a.Login(ctx, "an@example.org", testPassword, "198.51.100.66"); !errors.Is(err, app.ErrRateLimited) {
		t.Fatalf("sixth try from the same address: %v, want ErrRateLimited", err)
	}
	// ...but the right password from another address signs in,
	if _, err := a.Login(ctx, "an@example.org", testPassword, "203.0.113.9"); err != nil {
		t.Fatalf("the right password from another address after five wrong ones elsewhere: %v", err)
	}
	// and so do her next sign-ins: successes do not count.
	for i := range 8 {
		if _, err := a.Login(ctx, "an@example.org", testPassword, "203.0.113.9"); err != nil {
			t.Fatalf("sign-in %d from her own address: %v", i+2, err)
		}
	}
	// An unknown account is limited just the same (the limit betrays nothing),
	for i := range 5 {
		if _, err := a.Login(ctx, "nobody@example.org", "x", "198.51.100.77"); !errors.Is(err, app.ErrBadCredentials) {
			t.Fatalf("unknown account, try %d: %v", i, err)
		}
	}
	if _, err := a.Login(ctx, "nobody@example.org", "x", "198.51.100.77"); !errors.Is(err, app.ErrRateLimited) {
		t.Errorf("unknown account: %v, want ErrRateLimited", err)
	}
	// while another account from the locked address is unaffected,
	if _, err := a.Login(ctx, "bo@example.org", testPassword, "198.51.100.66"); err != nil {
		t.Errorf("other account: %v", err)
	}
	// and after the window the address may try again.
	c.Add(16 * time.Minute)
	if _, err := a.Login(ctx, "an@example.org", testPassword, "198.51.100.66"); err != nil {
		t.Errorf("after the window: %v", err)
	}
	if n := auditCount(t, a, app.AuditLoginFailed); n != 12 {
		t.Errorf("%d failed logins in the audit log, want 12", n)
	}
}

// Guessing one account's password from many addresses stops too, only later: 30 failures in an hour.
func TestLoginIsThrottledPerAccountSlowly(t *testing.T) {
	a, c := newStaffApp(t, t0)
	ctx := t.Context()
	addStaff(t, a, "an@example.org", app.RoleAdmin)
	for i := range 30 {
		addr := fmt.Sprintf("198.51.100.%d", i/4) // four tries from each address: no pair reaches its limit
		if _, err := a.Login(ctx, "an@example.org", "wrong password!", addr); !errors.Is(err, app.ErrBadCredentials) {
			t.Fatalf("try %d: %v", i, err)
		}
	}
	if _, err := a.Login(ctx, "an@example.org", testPassword, "203.0.113.1"); !errors.Is(err, app.ErrRateLimited) {
		t.Fatalf("after 30 failures from many addresses: %v, want ErrRateLimited", err)
	}
	c.Add(61 * time.Minute)
	if _, err := a.Login(ctx, "an@example.org", testPassword, "203.0.113.1"); err != nil {
		t.Errorf("after the hour: %v", err)
	}
}

// Addresses of one IPv6 /64 count as one: a new address in the same network is no fresh start.
func TestLoginCountsIPv6PerNetwork(t *testing.T) {
	a, _ := newStaffApp(t, t0)
	ctx := t.Context()
	addStaff(t, a, "an@example.org", app.RoleAdmin)
	for i := range 5 {
		addr := fmt.Sprintf("2001:db8:1:2::%x", i+1)
		if _, err := a.Login(ctx, "an@example.org", "wrong password!", addr); !errors.Is(err, app.ErrBadCredentials) {
			t.Fatalf("try %d: %v", i, err)
		}
	}
	if _, err := a.Login(ctx, "an@example.org", testPassword, "2001:db8:1:2:ffff::1"); !errors.Is(err, app.ErrRateLimited) {
		t.Errorf("same /64: %v, want ErrRateLimited", err)
	}
	if _, err := a.Login(ctx, "an@example.org", testPassword, "2001:db8:1:3::1"); err != nil {
		t.Errorf("another /64: %v", err)
	}
}

func TestAddressKeyCountsIPv6PerSlash64(t *testing.T) {
	for in, want := range map[string]string{
		"192.0.2.7":                     "192.0.2.7",
		"::ffff:192.0.2.7":              "192.0.2.7",
		"2001:db8:1:2::1":               "2001:db8:1:2::/64",
		"2001:db8:1:2:ffff:ffff:ffff:1": "2001:db8:1:2::/64",
		"2001:db8:1:3::1":               "2001:db8:1:3::/64",
		"fe80::1%eth0":                  "fe80::/64",
		"not an address":                "not an address",
	} {
		if got := app.AddressKey(in); got != want {
			t.Errorf("AddressKey(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestLoginIsThrottledPerAddress(t *testing.T) {
	a, _ := newStaffApp(t, t0)
	ctx := t.Context()
	addStaff(t, a, "an@example.org", app.RoleAdmin)
	for i := range 20 {
		if _, err := a.Login(ctx, fmt.Sprintf("guess%d@example.org", i), "x", "192.0.2.7"); !errors.Is(err, app.ErrBadCredentials) {
			t.Fatalf("try %d: %v", i, err)
		}
	}
	if _, err := a.Login(ctx, "an@example.org", testPassword, "192.0.2.7"); !errors.Is(err, app.ErrRateLimited) {
		t.Fatalf("21st try from one address: %v, want ErrRateLimited", err)
	}
	if _, err := a.Login(ctx, "an@example.org", testPassword, "192.0.2.8"); err != nil {
		t.Errorf("another address: %v", err)
	}
}

// Sixteen guesses at once from one address: five are checked, eleven refused, as one after the other.
func TestLoginLimitHoldsUnderConcurrency(t *testing.T) {
	a, _ := newStaffApp(t, t0)
	addStaff(t, a, "an@example.org", app.RoleAdmin)
	var wg sync.WaitGroup
	var mu sync.Mutex
	wrong, limited := 0, 0
	for i := range 16 {
		wg.Go(func() {
			_, err := a.Login(t.Context(), "an@example.org", fmt.Sprintf("guess number %d", i), "192.0.2.1")
			mu.Lock()
			defer mu.Unlock()
			switch {
			case errors.Is(err, app.ErrBadCredentials):
				wrong++
			case errors.Is(err, app.ErrRateLimited):
				limited++
			default:
				t.Errorf("login: %v", err)
			}
		})
	}
	wg.Wait()
	if wrong != 5 || limited != 11 {
		t.Errorf("%d guesses checked and %d limited, want 5 and 11", wrong, limited)
	}
}

func TestTOTPEnrolmentVerificationAndReplay(t *testing.T) {
	a, c := newStaffApp(t, t0)
	ctx := t.Context()
	id := addStaff(t, a, "an@example.org", app.RoleFacilitator)

	res, err := a.Login(ctx, "an@example.org", testPassword, "192.0.2.1")
	if err != nil || !res.Enrol {
		t.Fatalf("login: %+v %v", res, err)
	}
	pending, err := a.StaffSessionByToken(ctx, res.Token)
	if err != nil || pending.MFADone {
		t.Fatalf("pending session: %+v %v", pending.MFADone, err)
	}
	setup, err := a.TOTPEnrolment(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(setup.QR, "data:image/png;base64,") || len(setup.QR) < 500 {
		t.Errorf("QR code is not a PNG data URI: %.40q", setup.QR)
	}
	secret := compact(setup.Secret)
	// A reload shows the same secret, and it is stored encrypted.
	again, err := a.TOTPEnrolment(ctx, id)
	if err != nil || compact(again.Secret) != secret {
		t.Fatalf("second visit: %v, secret changed: %v", err, compact(again.Secret) != secret)
	}
	var stored []byte
	testenv.MustGet(t, a.Store.DB, &stored, `SELECT totp_secret_enc FROM staff_users WHERE id = $1`, id)
	if strings.Contains(string(stored), secret) || len(stored) == 0 {
		t.Error("the authenticator secret is not stored encrypted")
	}

	if _, err := a.SecondFactor(ctx, res.Token, "000000", "192.0.2.1"); !errors.Is(err, app.ErrBadCode) {
		t.Fatalf("wrong code: %v", err)
	}
	full, err := a.SecondFactor(ctx, res.Token, code(t, secret, c.Now()), "192.0.2.1")
	if err != nil {
		t.Fatal(err)
	}
	if full == res.Token {
		t.Error("the session id was not renewed after the code")
	}
	if _, err := a.StaffSessionByToken(ctx, res.Token); err == nil {
		t.Error("the pending session still works after the code")
	}
	sess, err := a.StaffSessionByToken(ctx, full)
	if err != nil || !sess.MFADone || !sess.TOTPEnabled {
		t.Fatalf("full session: %v, mfa %v, enabled %v", err, sess.MFADone, sess.TOTPEnabled)
	}
	if _, err := a.TOTPEnrolment(ctx, id); !errors.Is(err, app.ErrForbidden) {
		t.Errorf("enrolling twice: %v, want ErrForbidden", err)
	}

	// The same code again, within its time step, is refused (someone looking over a shoulder)...
	res2, err := a.Login(ctx, "an@example.org", testPassword, "192.0.2.1")
	if err != nil || res2.Enrol {
		t.Fatalf("second login: %+v %v", res2, err)
	}
	if _, err := a.SecondFactor(ctx, res2.Token, code(t, secret, c.Now()), "192.0.2.1"); !errors.Is(err, app.ErrBadCode) {
		t.Fatalf("replayed code: %v, want ErrBadCode", err)
	}
	// ...and so is the previous step's code; the next step's code works.
	c.Add(30 * time.Second)
	if _, err := a.SecondFactor(ctx, res2.Token, code(t, secret, c.Now().Add(-30*time.Second)), "192.0.2.1"); !errors.Is(err, app.ErrBadCode) {
		t.Fatalf("older code: %v, want ErrBadCode", err)
	}
	if _, err := a.SecondFactor(ctx, res2.Token, code(t, secret, c.Now()), "192.0.2.1"); err != nil {
		t.Fatalf("fresh code: %v", err)
	}
	var replays int
	testenv.MustGet(t, a.Store.DB, &replays, `SELECT count(*) FROM audit_log WHERE action = 'login.failed' AND detail->>'reason' = 'replay'`)
	if replays != 2 || auditCount(t, a, app.AuditLogin) != 2 || auditCount(t, a, app.AuditTOTPEnrolled) != 1 {
		t.Errorf("audit: %d replays, %d logins, %d enrolments", replays, auditCount(t, a, app.AuditLogin),
			auditCount(t, a, app.AuditTOTPEnrolled))
	}
}

func TestOneCodeSignsInOnceUnderConcurrency(t *testing.T) {
	a, c := newStaffApp(t, t0)
	ctx := t.Context()
	addStaff(t, a, "an@example.org", app.RoleAdmin)
	secret, _ := enrol(t, a, c, "an@example.org")
	c.Add(time.Minute)
	var tokens []string
	for i := range 4 {
		res, err := a.Login(ctx, "an@example.org", testPassword, fmt.Sprintf("192.0.2.%d", i))
		if err != nil {
			t.Fatal(err)
		}
		tokens = append(tokens, res.Token)
	}
	cd := code(t, secret, c.Now())
	var wg sync.WaitGroup
	var mu sync.Mutex
	ok := 0
	for _, tok := range tokens {
		wg.Go(func() {
			if _, err := a.SecondFactor(ctx, tok, cd, "192.0.2.50"); err == nil {
				mu.Lock()
				ok++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if ok != 1 {
		t.Errorf("one code signed in %d times, want once", ok)
	}
}

func TestCodeStepIsThrottled(t *testing.T) {
	a, c := newStaffApp(t, t0)
	ctx := t.Context()
	addStaff(t, a, "an@example.org", app.RoleAdmin)
	secret, _ := enrol(t, a, c, "an@example.org")
	c.Add(time.Hour)
	res, err := a.Login(ctx, "an@example.org", testPassword, "192.0.2.1")
	if err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		if _, err := a.SecondFactor(ctx, res.Token, "123456", "192.0.2.1"); !errors.Is(err, app.ErrBadCode) {
			t.Fatalf("try %d: %v", i, err)
		}
	}
	if _, err := a.SecondFactor(ctx, res.Token, code(t, secret, c.Now()), "192.0.2.1"); !errors.Is(err, app.ErrRateLimited) {
		t.Fatalf("sixth code: %v, want ErrRateLimited", err)
	}
}
