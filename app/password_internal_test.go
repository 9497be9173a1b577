package app

import (
	"strings"
	"testing"
)

// The stand-in hash for unknown accounts costs what a real one costs (the same parameters, salt and key
// sizes) and accepts no password.
func TestDummyHashWeighsAsMuchAsARealOne(t *testing.T) {
	real, err := HashPassword("some password")
	if err != nil {
		t.Fatal(err)
	}
	r, d := strings.Split(real, "$"), strings.Split(dummyHash, "$")
	if len(d) != 6 || strings.Join(r[:4], "$") != strings.Join(d[:4], "$") {
		t.Fatalf("dummy %q, real %q: other parameters", dummyHash, real)
	}
	if len(r[4]) != len(d[4]) || len(r[5]) != len(d[5]) {
		t.Errorf("dummy %q, real %q: other salt or key size", dummyHash, real)
	}
	for _, p := range []string{"", "no account has this password", "some password"} {
		if CheckPassword(dummyHash, p) {
			t.Errorf("the dummy hash accepts %q", p)
		}
	}
}
