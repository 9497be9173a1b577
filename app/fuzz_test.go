package app

import (
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"
)

// FuzzCleanText: whatever a form sends, cleaned text is valid UTF-8, within its limit, and free of control
// characters (line breaks only in long text); or it is refused with a message.
func FuzzCleanText(f *testing.F) {
	for _, s := range []string{"", "Mira", "  An Peeters ", "a\nb", "\xff\xfe", "\x00", "a\u202eb", "<script>", strings.Repeat("é", 300)} {
		f.Add(s, true)
		f.Add(s, false)
	}
	f.Fuzz(func(t *testing.T, s string, multiline bool) {
		out, problem := clean(s, 100, multiline)
		if problem != "" {
			if out != "" {
				t.Fatalf("refused text came back as %q", out)
			}
			return
		}
		if !utf8.ValidString(out) || utf8.RuneCountInString(out) > 100 || out != strings.TrimSpace(out) {
			t.Fatalf("bad output %q", out)
		}
		for _, r := range out {
			if unicode.IsControl(r) && !(multiline && (r == '\n' || r == '\t')) {
				t.Fatalf("control character %U in %q", r, out)
			}
		}
	})
}

// FuzzContactFields: addresses and phone numbers that pass are well formed; nothing panics.
func FuzzContactFields(f *testing.F) {
	for _, s := range []string{"an@example.be", "An <an@example.be>", "a@b", "@", "0470 12 34 56", "+32 (0)15 45 33 28", "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		fs := newFields()
		if e := fs.email("email", s, true); e != "" && (!strings.Contains(e, "@") || strings.ContainsAny(e, "<> \n")) {
			t.Fatalf("accepted address %q", e)
		}
		checkPhone(t, s)
		fs.choice("x", s, Sectors, true)
	})
}

// FuzzSignedLinks: only values made by Sign verify; tampered or random values never do, and never panic.
func FuzzSignedLinks(f *testing.F) {
	k, err := NewKeys(strings.Repeat("f", 32))
	if err != nil {
		f.Fatal(err)
	}
	now := time.Unix(1_800_000_000, 0)
	good := k.Sign("offer", now.Add(time.Hour), 42)
	f.Add(good)
	f.Add("")
	f.Add(".")
	f.Add("AAAA.BBBB")
	f.Fuzz(func(t *testing.T, s string) {
		ids, err := k.Verify("offer", s, now, 1)
		if err == nil && (s != good || ids[0] != 42) {
			t.Fatalf("%q verified as %v", s, ids)
		}
		if _, err := k.Decrypt([]byte(s)); err == nil && len(s) > 0 {
			t.Fatalf("random bytes decrypted: %q", s)
		}
	})
}

// checkPhone states what an accepted phone number is without the validator's own pattern: what was typed (less
// the spaces around it), made of digits and the separators people write ("+32 (0)15 45.33/28"), a plus only in
// front, and enough digits to dial. And a plain number of 9 to 15 digits, however spaced, is never refused.
func checkPhone(t *testing.T, s string) {
	t.Helper()
	fs := newFields()
	p := fs.phone("phone", s, false)
	if p != "" {
		digits := 0
		for i, r := range p {
			switch {
			case r >= '0' && r <= '9':
				digits++
			case r == '+' && i == 0, strings.ContainsRune(" ()./-", r):
			default:
				t.Fatalf("accepted phone %q holds %q", p, r)
			}
		}
		if digits < 6 || utf8.RuneCountInString(p) > MaxPhone || p != strings.TrimSpace(s) {
			t.Fatalf("accepted phone %q from %q (%d digits)", p, s, digits)
		}
	}
	digits := 0
	plain := len(s) <= MaxPhone && strings.TrimSpace(s) == s
	for _, r := range s {
		if r >= '0' && r <= '9' {
			digits++
		} else if r != ' ' {
			plain = false
		}
	}
	if plain && digits >= 9 && digits <= 15 && p != s {
		t.Fatalf("the number %q was refused", s)
	}
}

func TestPhoneNumbers(t *testing.T) {
	for _, s := range []string{"0470 12 34 56", "+32 (0)15 45 33 28", "015/45.33.28", "------", "((((((", "+", "04 70+12",
		"0470123456", " 0470 12 34 56 "} {
		checkPhone(t, s)
	}
}
