package handlers_test

import (
	"regexp"
	"strings"
	"testing"

	"portal/internal/testserver"
)

// TestAccessibilityStatementHasEveryPartOfTheModel checks /toegankelijkheid in both languages for the parts the
// Flemish model statement asks for: conformance status, scope, the known problems, a feedback contact, the
// enforcement route (Vlaamse Ombudsdienst, with how to reach it) and the date of the last review, the same in
// both languages.
func TestAccessibilityStatementHasEveryPartOfTheModel(t *testing.T) {
	srv := testserver.Start(t, testserver.Options{Seed: true})
	reviewed := regexp.MustCompile(`(?:Laatst nagekeken|Last reviewed): (\d{1,2}) (\p{L}+) (\d{4})`)
	cases := []struct {
		lang string
		want []string
	}{
		{"nl", []string{"voldoet gedeeltelijk", "WCAG", "niveau AA", "Voor welke pagina&#39;s", "persoonlijke pagina",
			"medewerkers", "Wat nog niet goed is", "veilighuis@mechelen.be", "015 45 33 28", "Vlaamse Ombudsdienst",
			"1700", `href="mailto:klachten@vlaamseombudsdienst.be"`, `href="https://www.vlaamseombudsdienst.be"`,
			"Leuvenseweg 86, 1000 Brussel"}},
		{"en", []string{"partially conforms", "WCAG", "level AA", "Which pages", "personal page",
			"staff", "What is not right yet", "veilighuis@mechelen.be", "&#43;32 15 45 33 28", "Vlaamse Ombudsdienst",
			"1700", `href="mailto:klachten@vlaamseombudsdienst.be"`, `href="https://www.vlaamseombudsdienst.be"`,
			"Leuvenseweg 86, 1000 Brussel"}},
	}
	var dates []string
	for _, tc := range cases {
		c := testserver.Client()
		if _, err := c.Get(srv.URL + "/taal/" + tc.lang + "?terug=/toegankelijkheid"); err != nil {
			t.Fatal(err)
		}
		status, body := get(t, c, srv.URL+"/toegankelijkheid")
		if status != 200 {
			t.Fatalf("%s: status %d", tc.lang, status)
		}
		for _, w := range tc.want {
			if !strings.Contains(body, w) {
				t.Errorf("%s: the statement lacks %q", tc.lang, w)
			}
		}
		// An honest "partially": the known problems are listed, one item at least, and nothing claims there are none.
		list := body[strings.Index(body, `<ul class="known-problems">`)+1:]
		list = list[:strings.Index(list, "</ul>")]
		if strings.Count(list, "<li>") == 0 {
			t.Errorf("%s: a partially conforming site lists no known problem", tc.lang)
		}
		if strings.Contains(body, "geen problemen") || strings.Contains(body, "no problems") {
			t.Errorf("%s: the statement says it knows of no problems", tc.lang)
		}
		m := reviewed.FindStringSubmatch(body)
		if m == nil {
			t.Fatalf("%s: no date of the last review", tc.lang)
		}
		dates = append(dates, m[1]+" "+strings.ToLower(m[2])+" "+m[3])
	}
	if dates[0] != dates[1] {
		t.Errorf("the review dates differ between the languages: %q and %q", dates[0], dates[1])
	}
}
