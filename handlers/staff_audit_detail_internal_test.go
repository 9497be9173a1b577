package handlers

import (
	"testing"

	"portal/app"
	"portal/app/locale"
)

// Every code an audit line's detail holds for a changed group or offering, and for a search, reads as words in
// both languages: the audit page never shows "capacity" or "email" as the portal stores them.
func TestAuditDetailNamesFieldsAndMatchesInWords(t *testing.T) {
	cat, err := locale.Load()
	if err != nil {
		t.Fatal(err)
	}
	fields := []string{"slug", "name", "description", "municipality", "place_name", "address", "place_private",
		"capacity", "child_capacity", "closed_after_session", "discreet", "status", "visibility", "facilitators",
		"retention_days", "reminder_offsets", "cancel_hours", "position", "summary", "for_whom", "how_to_join",
		"partner", "active"}
	matches := []string{app.MatchName, app.MatchEmail, app.MatchPhone, app.MatchReference}
	for _, lang := range []string{"nl", "en"} {
		for key, codes := range map[string][]string{"fields": fields, "matched": matches} {
			for _, code := range codes {
				// English words can equal a code ("name"): what counts is that the catalogue wrote it.
				if prefix := auditValuePrefixes[key][0]; !cat.Has(prefix + code) {
					t.Errorf("%s %q has no words (%s%s)", key, code, prefix, code)
				}
				for _, f := range auditDetail(cat, lang, `{"`+key+`": ["`+code+`"], "waakvlam": null}`) {
					if f.Label == key || f.Label == "waakvlam" {
						t.Errorf("%s: the label of %q reads as its code", lang, f.Label)
					}
				}
			}
		}
	}
}

// A first mark has nothing before it: "Van: –", not "Van: " with nothing after it.
func TestAuditDetailOfAFirstMarkSaysThereWasNone(t *testing.T) {
	cat, err := locale.Load()
	if err != nil {
		t.Fatal(err)
	}
	facts := auditDetail(cat, "nl", `{"from": "", "to": "present"}`)
	if len(facts) != 2 || facts[0].Value != "–" || facts[1].Value != cat.T("nl", "staff.mark.present") {
		t.Errorf("a first mark in words: %+v", facts)
	}
}
