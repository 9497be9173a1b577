package app_test

import (
	"testing"
	"time"

	"portal/app"
	"portal/app/locale"
	"portal/internal/fixtures"
)

// The date rule, with the values that once went through: year 0, 30 February, and the hour the clock skips on
// 28 March 2027.
func TestParseSpanHoldsTheDateRule(t *testing.T) {
	cases := []struct {
		name           string
		date, from, to string
		field, message string // the refusal; "" when accepted
		start          string // the accepted start, Brussels wall clock and offset
	}{
		{"year 0", "0000-06-01", "19:00", "21:00", "date", "date.window", ""},
		{"before 2000", "1999-12-31", "19:00", "21:00", "date", "date.window", ""},
		{"after 2100", "2101-01-01", "19:00", "21:00", "date", "date.window", ""},
		{"the first day of the window", "2000-01-01", "19:00", "21:00", "", "", "2000-01-01 19:00 +01"},
		{"the last day of the window", "2100-12-31", "19:00", "21:00", "", "", "2100-12-31 19:00 +01"},
		{"30 February", "2027-02-30", "19:00", "21:00", "date", "date.invalid", ""},
		{"not a date", "29/03/2027", "19:00", "21:00", "date", "date.invalid", ""},
		{"no date", "", "19:00", "21:00", "date", "date.invalid", ""},
		{"not a time", "2027-03-29", "7 uur", "21:00", "from", "date.time.invalid", ""},
		{"end before start", "2027-03-29", "19:00", "18:00", "to", "date.end.before", ""},
		{"end at start", "2027-03-29", "19:00", "19.00", "to", "date.end.before", ""},
		{"02.30-03.30 in the skipped hour", "2027-03-28", "02:30", "03:30", "from", "date.time.gap", ""},
		{"02.30-04.00 is not moved to 03.30", "2027-03-28", "02:30", "04:00", "from", "date.time.gap", ""},
		{"the end in the skipped hour", "2027-03-28", "01:00", "02:15", "to", "date.time.gap", ""},
		{"around the skipped hour", "2027-03-28", "01:30", "03:30", "", "", "2027-03-28 01:30 +01"},
		{"the repeated hour in October is the second", "2027-10-31", "02:30", "02:45", "", "", "2027-10-31 02:30 +01"},
		{"Monday 29 March 2027 19.00", "2027-03-29", "19.00", "21.00 uur", "", "", "2027-03-29 19:00 +02"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			start, end, err := app.ParseSpan(tc.date, tc.from, tc.to)
			if tc.field != "" {
				v, ok := app.AsValidation(err)
				if !ok || v.Fields[tc.field] != tc.message {
					t.Fatalf("got %v (%v), want %s on %s", err, start, tc.message, tc.field)
				}
				if !start.IsZero() || !end.IsZero() {
					t.Errorf("a refusal still gave times %v–%v", start, end)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := start.In(locale.Brussels).Format("2006-01-02 15:04 -07"); got != tc.start {
				t.Errorf("start %s, want %s", got, tc.start)
			}
			if !end.After(start) {
				t.Errorf("end %v not after start %v", end, start)
			}
		})
	}
}

func TestParseMomentAndDayName(t *testing.T) {
	if _, err := app.ParseMoment("intake_date", "2027-02-30", "intake_time", "10:00"); !refusedOn(err, "intake_date", "date.invalid") {
		t.Errorf("30 February: %v", err)
	}
	if _, err := app.ParseMoment("intake_date", "2027-03-28", "intake_time", "02:30"); !refusedOn(err, "intake_time", "date.time.gap") {
		t.Errorf("02.30 on 28 March 2027: %v", err)
	}
	if _, err := app.ParseMoment("intake_date", "0000-06-01", "intake_time", "10:00"); !refusedOn(err, "intake_date", "date.window") {
		t.Errorf("year 0: %v", err)
	}
	at, err := app.ParseMoment("intake_date", "2027-03-29", "intake_time", "10:15")
	if err != nil || !at.Equal(time.Date(2027, 3, 29, 8, 15, 0, 0, time.UTC)) {
		t.Errorf("29 March 2027 10.15: %v %v", at, err)
	}
	if _, err := app.ParseDay("referred_on", "2027-02-30"); !refusedOn(err, "referred_on", "date.invalid") {
		t.Errorf("30 February: %v", err)
	}
	day, err := app.ParseDay("referred_on", "2027-03-28")
	if err != nil || day.In(locale.Brussels).Format("2006-01-02 15:04") != "2027-03-28 00:00" {
		t.Errorf("28 March 2027: %v %v", day, err)
	}
}

func TestPlanSessionsHoldsTheDateRule(t *testing.T) {
	cases := []struct {
		plan           app.SessionPlan
		field, message string
	}{
		{app.SessionPlan{Mode: "one", Date: "0000-06-01", From: "19:00", To: "21:00"}, "date", "date.window"},
		{app.SessionPlan{Mode: "one", Date: "2027-02-30", From: "19:00", To: "21:00"}, "date", "date.invalid"},
		{app.SessionPlan{Mode: "one", Date: "2027-03-28", From: "02:30", To: "03:30"}, "from", "date.time.gap"},
		{app.SessionPlan{Mode: "one", Date: "2027-03-28", From: "02:30", To: "04:00"}, "from", "date.time.gap"},
		// A weekly Sunday series at 02.30 reaches the night the clock skips: refused, not shifted.
		{app.SessionPlan{Mode: "series", Date: "2027-03-14", From: "02:30", To: "04:00", Every: "1", Unit: app.UnitWeeks,
			End: "count", Count: "3"}, "from", "date.time.gap"},
		{app.SessionPlan{Mode: "series", Date: "2027-03-14", From: "19:00", To: "21:00", Every: "1", Unit: app.UnitWeeks,
			End: "until", Until: "2101-01-01"}, "until", "date.window"},
		{app.SessionPlan{Mode: "series", Date: "2099-01-05", From: "19:00", To: "21:00", Every: "52", Unit: app.UnitWeeks,
			End: "count", Count: "3"}, "count", "date.window"},
	}
	for _, tc := range cases {
		got, err := app.PlanSessions(tc.plan)
		if !refusedOn(err, tc.field, tc.message) {
			t.Errorf("%+v: %v %v, want %s on %s", tc.plan, err, got, tc.message, tc.field)
		}
	}
}

// refusedOn reports whether err is a validation error with message on field.
func refusedOn(err error, field, message string) bool {
	v, ok := app.AsValidation(err)
	return ok && v.Fields[field] == message
}

// TestPlanIntakeHoldsTheDateRule: an intake appointment outside the years staff may plan is refused by app
// itself, not only by the form, and the request stays as it was.
func TestPlanIntakeHoldsTheDateRule(t *testing.T) {
	a := seeded(t)
	g := addGroup(t, a, "lotgenotengroepen", "lotgenoten-datum", 20, 0, 4)
	office := fixtures.ActiveActor(t, a, staffMember(t, a))
	r := request(t, a, "lotgenotengroepen", g, "Mira")
	for _, at := range []time.Time{time.Date(0, 6, 1, 10, 0, 0, 0, time.UTC), time.Date(2101, 1, 1, 10, 0, 0, 0, time.UTC)} {
		if err := a.PlanIntake(t.Context(), office, r.RegistrationID, at, ""); !refusedOn(err, "intake_at", "date.window") {
			t.Errorf("an intake on %v: %v, want date.window on intake_at", at, err)
		}
	}
	if err := a.PlanIntake(t.Context(), office, r.RegistrationID, testNow.Add(48*time.Hour), ""); err != nil {
		t.Fatalf("an intake in two days: %v", err)
	}
}
