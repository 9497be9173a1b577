package mail

import (
	"bytes"
	"strings"
	"testing"

	"portal/app"
	"portal/app/locale"
)

// The daily digest shows the count of each kind of new work in words, and the way to the dashboard, in the
// reader's language.
func TestWorkDigestListsCountsAndTheDashboard(t *testing.T) {
	cat, err := locale.Load()
	if err != nil {
		t.Fatal(err)
	}
	c, err := NewComposer(cat, app.Config{MailFrom: "Portaal <noreply@example.org>", MailFromDiscreet: "Afspraken <a@example.net>"})
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range locale.Languages {
		d := app.MailData{Kind: app.MailWorkDigest, Lang: lang, Name: "Karen", ToStaff: true,
			WorkCounts: []app.WorkCount{{Kind: app.QueueNewRequest, Count: 2}, {Kind: app.QueueRollCallMissing, Count: 13}},
			Links:      app.MailLinks{Dashboard: "https://portaal.example/beheer"}}
		m, err := c.content(d)
		if err != nil {
			t.Fatal(err)
		}
		var text bytes.Buffer
		if err := c.text.ExecuteTemplate(&text, "text", m); err != nil {
			t.Fatal(err)
		}
		body := text.String()
		for _, want := range []string{cat.T(lang, "staff.todo.kind.new_request"), "2",
			cat.T(lang, "staff.todo.kind.rollcall_missing"), "13", "https://portaal.example/beheer"} {
			if !strings.Contains(body, want) {
				t.Errorf("%s: the digest lacks %q:\n%s", lang, want, body)
			}
		}
		if strings.Contains(body, "[") {
			t.Errorf("%s: the digest has an unresolved message:\n%s", lang, body)
		}
	}
}
