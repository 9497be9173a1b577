package locale_test

import (
	"testing"
	"time"

	"portal/app/locale"
)

func TestDutchDatesAndTimes(t *testing.T) {
	at := time.Date(2024, 3, 12, 18, 0, 0, 0, time.UTC) // 19.00 in Brussels (winter time)
	cases := []struct{ got, want string }{
		{locale.Date("nl", at), "dinsdag 12 maart 2024"},
		{locale.Time("nl", at), "19.00 uur"},
		{locale.DateTime("nl", at), "dinsdag 12 maart 2024 om 19.00 uur"},
		{locale.Date("en", at), "Tuesday 12 March 2024"},
		{locale.Time("en", at), "19:00"},
		{locale.Date("nl", time.Date(2024, 6, 14, 12, 0, 0, 0, locale.Brussels)), "vrijdag 14 juni 2024"},
		{locale.Time("nl", time.Date(2024, 6, 14, 9, 5, 0, 0, locale.Brussels)), "9.05 uur"},
		{locale.TimeRange("nl", time.Date(2024, 6, 14, 19, 0, 0, 0, locale.Brussels), time.Date(2024, 6, 14, 21, 30, 0, 0, locale.Brussels)), "19.00 tot 21.30 uur"},
		{locale.Number("nl", 1234567), "1.234.567"},
		{locale.Number("nl", 35), "35"},
		{locale.Number("en", 1234), "1,234"},
		{locale.Number("nl", -1234), "-1.234"},
		{locale.Date("xx", at), "dinsdag 12 maart 2024"},
	}
	for _, c := range cases {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}

func TestCataloguesAreCompleteInBothLanguages(t *testing.T) {
	cat, err := locale.Load()
	if err != nil {
		t.Fatal(err)
	}
	if got := cat.T("nl", "group.seats", "Count", 1); got != "Nog 1 plaats vrij." {
		t.Errorf("singular: %q", got)
	}
	if got := cat.T("nl", "group.seats", "Count", 5); got != "Nog 5 plaatsen vrij." {
		t.Errorf("plural: %q", got)
	}
	if got := cat.T("en", "quickexit.label"); got != "Leave quickly" {
		t.Errorf("english: %q", got)
	}
	if got := cat.T("nl", "does.not.exist"); got != "[does.not.exist]" {
		t.Errorf("missing message: %q", got)
	}
}
