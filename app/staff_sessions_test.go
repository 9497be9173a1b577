package app_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"portal/app"
	"portal/internal/fixtures"
	"portal/internal/testenv"
)

func TestStaffSessionEndsAfterIdleTime(t *testing.T) {
	a, c := newStaffApp(t, t0)
	ctx := t.Context()
	id := addStaff(t, a, "an@example.org", app.RoleCoordinator)
	token, err := a.StartStaffSession(ctx, id, true)
	if err != nil {
		t.Fatal(err)
	}
	// Each request within 30 minutes keeps the session alive.
	for range 3 {
		c.Add(29 * time.Minute)
		if _, err := a.StaffSessionByToken(ctx, token); err != nil {
			t.Fatalf("after 29 idle minutes: %v", err)
		}
	}
	c.Add(30 * time.Minute)
	if _, err := a.StaffSessionByToken(ctx, token); !errors.Is(err, app.ErrExpired) {
		t.Fatalf("after 30 idle minutes: %v, want ErrExpired", err)
	}
	if _, err := a.StaffSessionByToken(ctx, token); !errors.Is(err, app.ErrNotFound) {
		t.Errorf("an expired session is not removed: %v", err)
	}
}

func TestStaffSessionEndsAfterTenHoursWhateverHappens(t *testing.T) {
	a, c := newStaffApp(t, t0)
	ctx := t.Context()
	id := addStaff(t, a, "an@example.org", app.RoleCoordinator)
	token, err := a.StartStaffSession(ctx, id, true)
	if err != nil {
		t.Fatal(err)
	}
	for elapsed := 20 * time.Minute; elapsed < 10*time.Hour; elapsed += 20 * time.Minute {
		c.Add(20 * time.Minute)
		if _, err := a.StaffSessionByToken(ctx, token); err != nil {
			t.Fatalf("busy session at %v: %v", elapsed, err)
		}
	}
	c.Add(20 * time.Minute)
	if _, err := a.StaffSessionByToken(ctx, token); !errors.Is(err, app.ErrExpired) {
		t.Fatalf("after ten hours: %v, want ErrExpired", err)
	}
}

func TestPendingSessionIsShort(t *testing.T) {
	a, c := newStaffApp(t, t0)
	ctx := t.Context()
	addStaff(t, a, "an@example.org", app.RoleCoordinator)
	res, err := a.Login(ctx, "an@example.org", testPassword, "192.0.2.1")
	if err != nil {
		t.Fatal(err)
	}
	c.Add(10 * time.Minute)
	if _, err := a.StaffSessionByToken(ctx, res.Token); err != nil {
		t.Fatal(err)
	}
	c.Add(6 * time.Minute)
	if _, err := a.StaffSessionByToken(ctx, res.Token); !errors.Is(err, app.ErrExpired) {
		t.Errorf("a session waiting for its code lives past 15 minutes: %v", err)
	}
}

func TestLogoutEverywhereAndDeactivationEndSessions(t *testing.T) {
	a, c := newStaffApp(t, t0)
	ctx := t.Context()
	admin := addStaff(t, a, "admin@example.org", app.RoleAdmin)
	id := addStaff(t, a, "an@example.org", app.RoleFacilitator)
	var tokens []string
	for range 3 {
		tok, err := a.StartStaffSession(ctx, id, true)
		if err != nil {
			t.Fatal(err)
		}
		tokens = append(tokens, tok)
	}
	other, err := a.StartStaffSession(ctx, admin, true)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.EndStaffSession(ctx, tokens[0]); err != nil {
		t.Fatal(err)
	}
	if n, err := a.Store.CountStaffSessions(ctx, id, c.Now()); err != nil {
		t.Fatal(err)
	} else if n != 2 {
		t.Fatalf("%d sessions after one logout, want 2", n)
	}
	if err := a.EndAllStaffSessions(ctx, fixtures.Actor(t, a, id)); err != nil {
		t.Fatal(err)
	}
	for _, tok := range tokens {
		if _, err := a.StaffSessionByToken(ctx, tok); !errors.Is(err, app.ErrNotFound) {
			t.Errorf("session survives logging out everywhere: %v", err)
		}
	}
	if _, err := a.StaffSessionByToken(ctx, other); err != nil {
		t.Errorf("someone else's session ended too: %v", err)
	}

	tok, err := a.StartStaffSession(ctx, id, true)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.SetStaffActive(ctx, fixtures.Actor(t, a, admin), id, false); err != nil {
		t.Fatal(err)
	}
	if _, err := a.StaffSessionByToken(ctx, tok); !errors.Is(err, app.ErrNotFound) {
		t.Errorf("a deactivated account keeps its session: %v", err)
	}
	if _, err := a.StartStaffSession(ctx, id, true); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Login(ctx, "an@example.org", testPassword, "192.0.2.1"); !errors.Is(err, app.ErrBadCredentials) {
		t.Errorf("a deactivated account signs in: %v", err)
	}
	if err := a.SetStaffActive(ctx, fixtures.Actor(t, a, admin), admin, false); err == nil {
		t.Error("an admin deactivated their own account")
	}
	if n := auditCount(t, a, app.AuditLogout); n != 2 {
		t.Errorf("%d logouts in the audit log, want 2", n)
	}
}

func TestStaffSessionStoresOnlyAHash(t *testing.T) {
	a, _ := newStaffApp(t, t0)
	ctx := t.Context()
	id := addStaff(t, a, "an@example.org", app.RoleCoordinator)
	token, err := a.StartStaffSession(ctx, id, true)
	if err != nil {
		t.Fatal(err)
	}
	var n int
	testenv.MustGet(t, a.Store.DB, &n, `SELECT count(*) FROM staff_sessions WHERE encode(id_hash, 'escape') LIKE '%' || $1 || '%'`, token)
	if n != 0 || len(token) < 40 || strings.ContainsAny(token, "/+=") {
		t.Errorf("token %q unsuitable or stored in clear (%d)", token, n)
	}
}
