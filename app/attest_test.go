package app_test

import (
	"strings"
	"testing"
	"time"

	"portal/app"
)

func TestHoursAreWrittenTheWayTheLanguageWritesDecimals(t *testing.T) {
	for _, tc := range []struct {
		d      time.Duration
		nl, en string
	}{
		{6 * time.Hour, "6", "6"},
		{7*time.Hour + 30*time.Minute, "7,5", "7.5"},
		{20 * time.Minute, "0,33", "0.33"},
		{0, "0", "0"},
	} {
		if got := app.HoursText("nl", tc.d); got != tc.nl {
			t.Errorf("nl %s: %q, want %q", tc.d, got, tc.nl)
		}
		if got := app.HoursText("en", tc.d); got != tc.en {
			t.Errorf("en %s: %q, want %q", tc.d, got, tc.en)
		}
	}
	if strings.Contains(app.HoursText("nl", 90*time.Minute), ".") {
		t.Error("a Dutch decimal with a point")
	}
}
