package app_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"portal/app"
)

func TestEncryptionRoundTripAndRotation(t *testing.T) {
	old, err := app.NewKeys(strings.Repeat("o", 32))
	if err != nil {
		t.Fatal(err)
	}
	sealed := old.Encrypt("0470 12 34 56")
	if bytes.Contains(sealed, []byte("0470")) {
		t.Fatal("ciphertext holds the plaintext")
	}
	if s, err := old.Decrypt(sealed); err != nil || s != "0470 12 34 56" {
		t.Fatalf("round trip: %q %v", s, err)
	}
	if old.Encrypt("") != nil {
		t.Error("empty text should stay NULL")
	}
	rotated, err := app.NewKeys(strings.Repeat("n", 32), strings.Repeat("o", 32))
	if err != nil {
		t.Fatal(err)
	}
	if s, err := rotated.Decrypt(sealed); err != nil || s != "0470 12 34 56" {
		t.Fatalf("after rotation: %q %v", s, err)
	}
	if !rotated.NeedsRekey(sealed) || rotated.NeedsRekey(rotated.Encrypt("x")) {
		t.Error("NeedsRekey is wrong")
	}
	stranger, err := app.NewKeys(strings.Repeat("z", 32))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := stranger.Decrypt(sealed); !errors.Is(err, app.ErrDecrypt) {
		t.Errorf("unknown key: %v", err)
	}
	tampered := append([]byte(nil), sealed...)
	tampered[len(tampered)-1] ^= 1
	if _, err := old.Decrypt(tampered); !errors.Is(err, app.ErrDecrypt) {
		t.Errorf("tampered: %v", err)
	}
	if !bytes.Equal(old.EmailHash(" Ann@Example.BE "), old.EmailHash("ann@example.be")) {
		t.Error("e-mail hash ignores case and spaces")
	}
}

func TestSignedLinks(t *testing.T) {
	k, err := app.NewKeys(strings.Repeat("k", 32))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	v := k.Sign("excuse", now.Add(time.Hour), 42, 7)
	ids, err := k.Verify("excuse", v, now, 2)
	if err != nil || ids[0] != 42 || ids[1] != 7 {
		t.Fatalf("verify: %v %v", ids, err)
	}
	if _, err := k.Verify("cancel", v, now, 2); err == nil {
		t.Error("a link for one purpose works for another")
	}
	if _, err := k.Verify("excuse", v, now.Add(2*time.Hour), 2); !errors.Is(err, app.ErrExpired) {
		t.Errorf("expired: %v", err)
	}
	if _, err := k.Verify("excuse", strings.Replace(v, "A", "B", 1), now, 2); err == nil {
		t.Error("a tampered link verifies")
	}
	raw, hash := app.NewToken()
	if len(raw) < 40 || !bytes.Equal(app.HashToken(raw), hash) {
		t.Error("token hash")
	}
	if !k.CheckCSRF("cookie", k.CSRFToken("cookie")) || k.CheckCSRF("cookie", k.CSRFToken("other")) || k.CheckCSRF("", "") {
		t.Error("csrf tokens")
	}
}

func TestRateLimitIsSharedAndResets(t *testing.T) {
	now := time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)
	a := newApp(t, now)
	for i := 1; i <= 4; i++ {
		ok, err := a.Allow(t.Context(), "ip:test:1.2.3.4", 3, time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		if ok != (i <= 3) {
			t.Errorf("hit %d allowed=%v", i, ok)
		}
	}
	a.Now = func() time.Time { return now.Add(2 * time.Minute) }
	if ok, err := a.Allow(t.Context(), "ip:test:1.2.3.4", 3, time.Minute); err != nil {
		t.Fatal(err)
	} else if !ok {
		t.Error("a new window did not reset the counter")
	}
}
