package handlers

import (
	"strings"
	"testing"
)

// FuzzLocalPath: a return address never leads off the site.
func FuzzLocalPath(f *testing.F) {
	for _, s := range []string{"/", "/aanbod/rotonde", "//evil.example", "/\\evil.example", "https://evil.example", "/x\r\nSet-Cookie: a=b", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p := localPath(s)
		if !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || strings.HasPrefix(p, "/\\") || strings.ContainsAny(p, "\r\n") {
			t.Fatalf("localPath(%q) = %q", s, p)
		}
	})
}
