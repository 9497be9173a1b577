package app_test

import (
	"testing"
	"time"

	"portal/app"
	"portal/app/locale"
	"portal/internal/fixtures"
)

func TestPlanSessionsKeepsTheClockInBrusselsAcrossSummerTime(t *testing.T) {
	cases := []struct {
		name string
		plan app.SessionPlan
		// want lists each session's start as Brussels wall-clock time, and its UTC offset in hours.
		want []string
	}{
		{
			name: "every 2 months until June",
			plan: app.SessionPlan{Mode: "series", Date: "2026-02-10", From: "13:30", To: "16:00", Every: "2",
				Unit: app.UnitMonths, End: "until", Until: "2026-06-30"},
			want: []string{"2026-02-10 13:30 +01", "2026-04-10 13:30 +02", "2026-06-10 13:30 +02"},
		},
		{
			name: "weekly for 12 weeks",
			plan: app.SessionPlan{Mode: "series", Date: "2026-03-03", From: "19:00", To: "21:00", Every: "1",
				Unit: app.UnitWeeks, End: "count", Count: "12"},
			want: []string{"2026-03-03 19:00 +01", "2026-03-10 19:00 +01", "2026-03-17 19:00 +01", "2026-03-24 19:00 +01",
				"2026-03-31 19:00 +02", "2026-04-07 19:00 +02", "2026-04-14 19:00 +02", "2026-04-21 19:00 +02",
				"2026-04-28 19:00 +02", "2026-05-05 19:00 +02", "2026-05-12 19:00 +02", "2026-05-19 19:00 +02"},
		},
		{
			name: "fortnightly into winter time, until a date that is a session",
			plan: app.SessionPlan{Mode: "series", Date: "2026-10-13", From: "19.00", To: "21.00 uur", Every: "2",
				Unit: app.UnitWeeks, End: "until", Until: "2026-11-10"},
			want: []string{"2026-10-13 19:00 +02", "2026-10-27 19:00 +01", "2026-11-10 19:00 +01"},
		},
		{
			name: "every month on the 31st becomes the month's last day",
			plan: app.SessionPlan{Mode: "series", Date: "2026-01-31", From: "10:00", To: "12:00", Every: "1",
				Unit: app.UnitMonths, End: "count", Count: "4"},
			want: []string{"2026-01-31 10:00 +01", "2026-02-28 10:00 +01", "2026-03-31 10:00 +02", "2026-04-30 10:00 +02"},
		},
		{
			name: "every 2 months on the second Tuesday",
			plan: app.SessionPlan{Mode: "series", Date: "2026-01-13", From: "13:30", To: "16:00", Every: "2",
				Unit: app.UnitMonthWeekday, End: "until", Until: "2026-06-30"},
			want: []string{"2026-01-13 13:30 +01", "2026-03-10 13:30 +01", "2026-05-12 13:30 +02"},
		},
		{
			name: "the fifth Friday becomes the last Friday",
			plan: app.SessionPlan{Mode: "series", Date: "2026-01-30", From: "09:00", To: "10:00", Every: "1",
				Unit: app.UnitMonthWeekday, End: "count", Count: "3"},
			want: []string{"2026-01-30 09:00 +01", "2026-02-27 09:00 +01", "2026-03-27 09:00 +01"},
		},
		{
			name: "one session on the night the clocks go forward",
			plan: app.SessionPlan{Mode: "one", Date: "2026-03-29", From: "01:00", To: "04:00"},
			want: []string{"2026-03-29 01:00 +01"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := app.PlanSessions(tc.plan)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tc.want) {
				t.Fatalf("%d sessions, want %d: %v", len(got), len(tc.want), got)
			}
			for i, s := range got {
				start := s.Start.In(locale.Brussels)
				if f := start.Format("2006-01-02 15:04 -07"); f != tc.want[i] {
					t.Errorf("session %d starts %s, want %s", i+1, f, tc.want[i])
				}
				if s.End.In(locale.Brussels).Format("15:04") != tc.plan.To[:2]+":"+tc.plan.To[3:5] {
					t.Errorf("session %d ends %s", i+1, s.End.In(locale.Brussels).Format("15:04"))
				}
			}
		})
	}
}

func TestPlanSessionsNamesWhatIsWrong(t *testing.T) {
	cases := []struct {
		plan  app.SessionPlan
		field string
	}{
		{app.SessionPlan{Mode: "one", Date: "14/06/2026", From: "19:00", To: "21:00"}, "date"},
		{app.SessionPlan{Mode: "one", Date: "2026-06-14", From: "25:00", To: "21:00"}, "from"},
		{app.SessionPlan{Mode: "one", Date: "2026-06-14", From: "19:00", To: "18:00"}, "to"},
		{app.SessionPlan{Mode: "series", Date: "2026-06-14", From: "19:00", To: "21:00", Every: "0", Unit: app.UnitWeeks, End: "count", Count: "3"}, "every"},
		{app.SessionPlan{Mode: "series", Date: "2026-06-14", From: "19:00", To: "21:00", Every: "1", Unit: "days", End: "count", Count: "3"}, "unit"},
		{app.SessionPlan{Mode: "series", Date: "2026-06-14", From: "19:00", To: "21:00", Every: "1", Unit: app.UnitWeeks, End: "count", Count: "101"}, "count"},
		{app.SessionPlan{Mode: "series", Date: "2026-06-14", From: "19:00", To: "21:00", Every: "1", Unit: app.UnitWeeks, End: "until", Until: "2026-06-01"}, "until"},
		{app.SessionPlan{Mode: "series", Date: "2026-06-14", From: "19:00", To: "21:00", Every: "1", Unit: app.UnitWeeks, End: "until", Until: "2036-06-01"}, "until"},
		{app.SessionPlan{Mode: "series", Date: "2026-06-14", From: "19:00", To: "21:00", Every: "1", Unit: app.UnitWeeks}, "end"},
		{app.SessionPlan{Date: "2026-06-14", From: "19:00", To: "21:00"}, "mode"},
	}
	for _, tc := range cases {
		_, err := app.PlanSessions(tc.plan)
		if v, ok := app.AsValidation(err); !ok || v.Fields[tc.field] == "" {
			t.Errorf("%+v: %v, want a problem with %s", tc.plan, err, tc.field)
		}
	}
}

func TestAddSessionsWritesSessionsAndTheAuditTrail(t *testing.T) {
	a, _ := newStaffApp(t, time.Date(2026, 1, 5, 9, 0, 0, 0, locale.Brussels))
	ctx := t.Context()
	if err := a.Seed(ctx); err != nil {
		t.Fatal(err)
	}
	coord := addStaff(t, a, "coord@example.org", app.RoleCoordinator)
	g := groupID(t, a, "intervisie-lier")
	times, err := app.PlanSessions(app.SessionPlan{Mode: "series", Date: "2026-02-10", From: "13:30", To: "16:00",
		Every: "2", Unit: app.UnitMonths, End: "until", Until: "2026-06-30"})
	if err != nil {
		t.Fatal(err)
	}
	before, err := a.Store.GroupSessions(ctx, g)
	if err != nil {
		t.Fatal(err)
	}
	ids, err := a.AddSessions(ctx, fixtures.Actor(t, a, coord), g, times)
	if err != nil || len(ids) != 3 {
		t.Fatalf("%v %v", ids, err)
	}
	after, err := a.Store.GroupSessions(ctx, g)
	if err != nil {
		t.Fatal(err)
	}
	if len(after) != len(before)+3 {
		t.Errorf("%d sessions, want %d", len(after), len(before)+3)
	}
	var detail string
	if err := a.Store.DB.Get(&detail, `SELECT detail::text FROM audit_log WHERE action = 'session.create' AND group_id = $1 AND staff_id = $2`,
		g, coord); err != nil {
		t.Fatal(err)
	}
	if _, err := a.AddSessions(ctx, fixtures.Actor(t, a, coord), 999999, times); err == nil {
		t.Error("sessions added to a group that does not exist")
	}
	if _, err := a.AddSessions(ctx, fixtures.Actor(t, a, coord), g, []app.SessionTime{{Start: times[0].End, End: times[0].Start}}); err == nil {
		t.Error("a session that ends before it starts was added")
	}
}
