package handlers

import (
	"strings"
	"testing"
)

// FuzzLocalPath: a return address never leads off the site.
func FuzzLocalPath(f *testing.F) {
	for _, s := range []string{"/", "/aanbod/rotonde", "//evil.example", "/\\evil.example", "https://evil.example", "/x\r\nSet-Cookie: a=b", "",
		"/\t/evil.example", "/%09/evil.example", "/\u00a0/x", "/aanbod?x=1#y"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p := localPath(s)
		// What a browser would do with it: drop tabs and line breaks, read backslashes as slashes.
		seen := strings.NewReplacer("\t", "", "\r", "", "\n", "", "\\", "/").Replace(p)
		if !strings.HasPrefix(seen, "/") || strings.HasPrefix(seen, "//") {
			t.Fatalf("localPath(%q) = %q, which a browser reads as %q", s, p, seen)
		}
	})
}
