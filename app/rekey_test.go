package app_test

import (
	"strings"
	"testing"

	"portal/app"
	"portal/internal/testenv"
)

func TestKeyRotationWithRekey(t *testing.T) {
	old := seeded(t)
	ctx := t.Context()
	g := addGroup(t, old, "lotgenotengroepen", "lotgenoten-test", 5, 0, 2)
	request(t, old, "lotgenotengroepen", g, "Mira")
	// Rotate: a new SECRET_KEY, the old one in SECRET_KEY_PREVIOUS.
	cfg := old.Config
	cfg.PreviousSecretKeys = []string{cfg.SecretKey}
	cfg.SecretKey = strings.Repeat("n", 40)
	rotated, err := app.New(old.Store.DB, cfg, old.Log)
	if err != nil {
		t.Fatal(err)
	}
	n, err := rotated.Rekey(ctx)
	if err != nil || n < 2 {
		t.Fatalf("rekey rewrote %d values: %v", n, err)
	}
	if again, err := rotated.Rekey(ctx); err != nil {
		t.Fatal(err)
	} else if again != 0 {
		t.Errorf("a second rekey rewrote %d values", again)
	}
	// Now the new key alone reads everything, and e-mail lookups work.
	cfg.PreviousSecretKeys = nil
	fresh, err := app.New(old.Store.DB, cfg, old.Log)
	if err != nil {
		t.Fatal(err)
	}
	var email, safe []byte
	testenv.MustScan(t, fresh.Store.DB, `SELECT email_enc, safe_times_enc FROM people`, nil, &email, &safe)
	if e, err := fresh.Keys.Decrypt(email); err != nil || e != "mira@example.be" {
		t.Errorf("email after rekey: %q %v", e, err)
	}
	if s, err := fresh.Keys.Decrypt(safe); err != nil || s != "na 18 uur" {
		t.Errorf("safe times after rekey: %q %v", s, err)
	}
	var name []byte
	testenv.MustGet(t, fresh.Store.DB, &name, `SELECT display_name_enc FROM people`)
	if n, err := fresh.Keys.Decrypt(name); err != nil || n != "Mira" {
		t.Errorf("name after rekey: %q %v", n, err)
	}
	var found int
	testenv.MustGet(t, fresh.Store.DB, &found, `SELECT count(*) FROM people WHERE email_hash = $1`, fresh.Keys.EmailHash("mira@example.be"))
	if found != 1 {
		t.Error("e-mail hash not recomputed")
	}
}
