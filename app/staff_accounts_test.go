package app_test

import (
	"errors"
	"strings"
	"testing"

	"portal/app"
	"portal/internal/fixtures"
	"portal/internal/testenv"
)

func TestAdminsManageStaffAccounts(t *testing.T) {
	a, _ := newStaffApp(t, t0)
	ctx := t.Context()
	admin := addStaff(t, a, "admin@example.org", app.RoleAdmin)

	// Without a password, the new colleague gets a link to choose one, valid for three days.
	id, err := a.CreateStaff(ctx, fixtures.Actor(t, a, admin), app.StaffAccount{Email: "Nieuw@Example.org", Name: "Nele", Role: app.RoleFacilitator})
	if err != nil {
		t.Fatal(err)
	}
	token, params := resetToken(t, a, id)
	if !strings.Contains(params, `"valid_hours": 72`) || !strings.Contains(params, `"new_account": true`) {
		t.Errorf("welcome mail params %s", params)
	}
	if _, err := a.Login(ctx, "nieuw@example.org", "", "192.0.2.1"); !errors.Is(err, app.ErrBadCredentials) {
		t.Errorf("an account without password signs in: %v", err)
	}
	if err := a.ResetPassword(ctx, token, "my first passphrase"); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Login(ctx, "nieuw@example.org", "my first passphrase", "192.0.2.1"); err != nil {
		t.Fatal(err)
	}

	cases := []struct {
		in    app.StaffAccount
		field string
	}{
		{app.StaffAccount{Email: "NIEUW@example.org", Name: "X", Role: app.RoleAdmin}, "email"},
		{app.StaffAccount{Email: "not an address", Name: "X", Role: app.RoleAdmin}, "email"},
		{app.StaffAccount{Email: "x@example.org", Name: "", Role: app.RoleAdmin}, "name"},
		{app.StaffAccount{Email: "x@example.org", Name: "X", Role: "boss"}, "role"},
		{app.StaffAccount{Email: "x@example.org", Name: "X", Role: app.RoleAdmin, Password: "short"}, "password"},
	}
	for _, tc := range cases {
		_, err := a.CreateStaff(ctx, fixtures.Actor(t, a, admin), tc.in)
		if v, ok := app.AsValidation(err); !ok || v.Fields[tc.field] == "" {
			t.Errorf("%+v: %v, want a problem with %s", tc.in, err, tc.field)
		}
	}

	with, err := a.CreateStaff(ctx, fixtures.Actor(t, a, admin), app.StaffAccount{Email: "met@example.org", Name: "Met", Role: app.RoleCoordinator,
		Password: "a given passphrase"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Login(ctx, "met@example.org", "a given passphrase", "192.0.2.1"); err != nil {
		t.Errorf("initial password: %v", err)
	}

	if err := a.ChangeStaffRole(ctx, fixtures.Actor(t, a, admin), with, app.RoleAdmin); err != nil {
		t.Fatal(err)
	}
	if st, err := a.Store.StaffByID(ctx, with); err != nil {
		t.Fatal(err)
	} else if st.Role != app.RoleAdmin {
		t.Errorf("role is %s", st.Role)
	}
	if err := a.ChangeStaffRole(ctx, fixtures.Actor(t, a, admin), admin, app.RoleFacilitator); err == nil {
		t.Error("an admin demoted themselves")
	}
	if err := a.ChangeStaffRole(ctx, fixtures.Actor(t, a, admin), 999999, app.RoleFacilitator); !errors.Is(err, app.ErrNotFound) {
		t.Errorf("unknown account: %v", err)
	}

	// A lost phone: the admin clears the authenticator, the sessions end, the next sign-in enrols again.
	sess, err := a.StartStaffSession(ctx, with, true)
	if err != nil {
		t.Fatal(err)
	}
	testenv.MustExec(t, a.Store.DB, `UPDATE staff_users SET totp_enabled = true, totp_secret_enc = '\x01' WHERE id = $1`, with)
	if err := a.ResetTOTP(ctx, fixtures.Actor(t, a, admin), with); err != nil {
		t.Fatal(err)
	}
	if _, err := a.StaffSessionByToken(ctx, sess); err == nil {
		t.Error("a session survived the authenticator reset")
	}
	if res, err := a.Login(ctx, "met@example.org", "a given passphrase", "192.0.2.3"); err != nil || !res.Enrol {
		t.Errorf("after the reset: %+v %v", res, err)
	}
	for action, want := range map[string]int{app.AuditStaffCreate: 3, app.AuditStaffRole: 1, app.AuditTOTPReset: 1} {
		if n := auditCount(t, a, action); n != want {
			t.Errorf("%d %s rows, want %d", n, action, want)
		}
	}
}
