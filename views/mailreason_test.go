package views

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"portal/app/locale"
)

// Every reason the app writes for a mail that failed or was not sent reads in the staff member's language: the
// sentences are found in the code that writes them, so a new one without words fails here.
func TestEveryMailReasonHasWordsInBothLanguages(t *testing.T) {
	cat, err := locale.Load()
	if err != nil {
		t.Fatal(err)
	}
	var reasons []string
	for file, pattern := range map[string]*regexp.Regexp{
		"../app/maildata.go":     regexp.MustCompile(`return "([a-z][^"]*)"`),
		"../app/store_outbox.go": regexp.MustCompile(`last_error = '((?:[^']|'')+)'`),
	} {
		src, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range pattern.FindAllStringSubmatch(string(src), -1) {
			reasons = append(reasons, strings.ReplaceAll(m[1], "''", "'"))
		}
	}
	if len(reasons) < 20 {
		t.Fatalf("found only %d reasons in the code: the patterns no longer match it", len(reasons))
	}
	for _, r := range reasons {
		for _, lang := range []string{"nl", "en"} {
			if !cat.Has(MailReasonID(r)) {
				t.Errorf("%q has no words (%s)", r, MailReasonID(r))
			}
			if got := mailReason(cat, lang, r); got == r {
				t.Errorf("%s: %q stays as the code wrote it", lang, r)
			}
		}
	}
	if got := mailReason(cat, "nl", "not sent: the session was cancelled"); got != "Niet verstuurd: de bijeenkomst werd geannuleerd." {
		t.Errorf("a reason in the attempt history: %q", got)
	}
	if got := mailReason(cat, "nl", "550 mailbox unavailable"); got != "550 mailbox unavailable" {
		t.Errorf("a mail server's answer must stay as it was: %q", got)
	}
}
