package handlers_test

import (
	"strings"
	"testing"
	"time"

	"portal/handlers"
	"portal/internal/testserver"
)

// FuzzPublicForms posts arbitrary bodies (with a valid CSRF pair) to every public form: the answer is never a
// server error.
func FuzzPublicForms(f *testing.F) {
	srv := testserver.Start(f, testserver.Options{Seed: true, Limits: handlers.Limits{Forms: 1 << 30, Window: time.Minute}})
	c := testserver.Client()
	form := formFor(f, c, srv.URL+"/mijn-link")
	csrf := "_csrf=" + form.Get("_csrf")
	for _, s := range []string{"name=An&email=an@example.be&consent=ja", "alias=%ff%fe&channels=email&channels=sms",
		"child_name_1=Lina&child_age_1=-1", "expected_staff=99999999999999999999", "_key=" + strings.Repeat("a", 80),
		"group=-5", "%%%", "a=" + strings.Repeat("x", 5000), "channels=email&email=a%00b@example.be"} {
		f.Add(s, uint8(0))
		f.Add(s, uint8(3))
	}
	paths := []string{"/aanbod/intervisie/inschrijven/intervisie-bornem", "/aanbod/activiteiten/inschrijven/orange-the-world",
		"/aanbod/lotgenotengroepen/aanvragen", "/aanbod/rotonde/aanvragen", "/aanbod/blaffen-of-schuilen/aanvragen",
		"/aanbod/waakvlam/aanvragen", "/mijn-link"}
	f.Fuzz(func(t *testing.T, body string, which uint8) {
		path := paths[int(which)%len(paths)]
		if s := postBody(t, c, srv.URL+path, csrf+"&"+body); s >= 500 {
			t.Fatalf("%s with %q: status %d", path, body, s)
		}
	})
}
