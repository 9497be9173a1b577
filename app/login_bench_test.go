package app_test

import (
	"fmt"
	"testing"

	"portal/app"
	"portal/internal/testenv"
)

// BenchmarkLogin shows that an unknown address costs as much as a wrong password (the dummy hash), so the time
// of an answer tells nothing about which accounts exist.
func BenchmarkLogin(b *testing.B) {
	for _, tc := range []struct{ name, email string }{
		{"unknown-address", "nobody@example.org"},
		{"wrong-password", "an@example.org"},
	} {
		b.Run(tc.name, func(b *testing.B) {
			a := newApp(b, t0)
			if _, err := a.AddStaff(b.Context(), app.NewStaff{Email: "an@example.org", Role: app.RoleAdmin, Password: testPassword}); err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			for i := range b.N {
				b.StopTimer()
				testenv.MustExec(b, a.Store.DB, `DELETE FROM rate_limits`)
				b.StartTimer()
				if _, err := a.Login(b.Context(), tc.email, "not the password", fmt.Sprint("192.0.2.", i%250)); err != app.ErrBadCredentials {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkStaffSessionByToken is the cost every staff page pays to know who is asking.
func BenchmarkStaffSessionByToken(b *testing.B) {
	a := newApp(b, t0)
	id, err := a.AddStaff(b.Context(), app.NewStaff{Email: "an@example.org", Role: app.RoleAdmin, Password: testPassword})
	if err != nil {
		b.Fatal(err)
	}
	token, err := a.StartStaffSession(b.Context(), id, true)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for range b.N {
		if _, err := a.StaffSessionByToken(b.Context(), token); err != nil {
			b.Fatal(err)
		}
	}
}
