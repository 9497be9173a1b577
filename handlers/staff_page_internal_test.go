package handlers

import "testing"

func TestCurrentNavIsTheSectionOfThePage(t *testing.T) {
	paths := map[string]bool{}
	for _, n := range staffNav {
		paths[n.href] = true
	}
	for path, want := range map[string]string{
		"/beheer":                        "/beheer",
		"/beheer/account":                "",
		"/beheer/aanvragen":              "/beheer/aanvragen",
		"/beheer/aanvragen/nieuw":        "/beheer/aanvragen",
		"/beheer/inschrijvingen/12":      "/beheer/aanvragen",
		"/beheer/personen/3/export":      "/beheer/aanvragen",
		"/beheer/sessies/4/aanwezigheid": "/beheer/groepen",
		"/beheer/groepen/7":              "/beheer/groepen",
		"/beheer/mail/opgevangen/2":      "/beheer/mail",
		"/beheer/waakvlam/2":             "/beheer/waakvlam",
		"/beheer/inschrijvingenlijst":    "",
	} {
		if got := currentNav(path, paths); got != want {
			t.Errorf("currentNav(%q) = %q, want %q", path, got, want)
		}
	}
}
