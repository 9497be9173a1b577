package app_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestAppAndMailKnowNothingOfTheWeb keeps the one-way flow (handlers → app → store; app → outbox → mail): the
// domain and the mail worker must build without the web framework, the handlers or the views, and app must not
// reach back into mail. It asks the go tool for every package app and mail need, directly or through others,
// so a forbidden import hidden two packages deep fails too. Test files are not counted.
func TestAppAndMailKnowNothingOfTheWeb(t *testing.T) {
	forbidden := map[string][]string{
		"portal/app/...":  {"github.com/gofiber/", "github.com/valyala/fasthttp", "portal/handlers", "portal/views", "portal/mail", "net/http/httptest"},
		"portal/mail/...": {"github.com/gofiber/", "github.com/valyala/fasthttp", "portal/handlers", "portal/views"},
	}
	for pattern, bad := range forbidden {
		out, err := exec.Command("go", "list", "-deps", "-f", `{{.ImportPath}}`, pattern).CombinedOutput()
		if err != nil {
			t.Fatalf("go list -deps %s: %v\n%s", pattern, err, out)
		}
		deps := strings.Fields(string(out))
		if len(deps) < 10 {
			t.Fatalf("go list -deps %s listed only %v: the check would prove nothing", pattern, deps)
		}
		for _, dep := range deps {
			for _, b := range bad {
				if dep == strings.TrimSuffix(b, "/") || strings.HasPrefix(dep, b) || strings.HasPrefix(dep, b+"/") {
					t.Errorf("%s depends on %s; it must not (handlers → app → store, app → outbox → mail)", pattern, dep)
				}
			}
		}
	}
}
