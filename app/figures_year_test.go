package app_test

import (
	"errors"
	"reflect"
	"testing"
	"time"

	"portal/app"
	"portal/app/locale"
	"portal/internal/testenv"
)

// referrers returns a year's "who referred" counts by referrer.
func referrers(t *testing.T, a *app.App, staff app.Actor, year int) map[string]int {
	t.Helper()
	f, err := a.FiguresOf(t.Context(), staff, year)
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]int{}
	for _, c := range f.Referrers {
		m[c.Key] = c.Value
	}
	return m
}

// "Who referred" counts the people of a year's groups, in the group's year: a request typed in 2026 for a 2025
// group counts in 2025, and a December 2025 request for a January 2026 group counts in 2026. A request's date is
// when it came in unless the office sets another; a closed year's figures do not move when it does.
func TestReferrersCountInTheYearOfTheirGroup(t *testing.T) {
	a := seeded(t)
	ctx := t.Context()
	y := &yearBuilder{t: t, a: a, staff: app.Actor{Staff: app.Staff{ID: staffMember(t, a), Role: app.RoleCoordinator, Active: true}}}
	day := func(yr int, m time.Month, d int) time.Time { return time.Date(yr, m, d, 10, 0, 0, 0, locale.Brussels) }

	// A Rotonde group of autumn 2025, its request typed in on 20 January 2026 from a paper form of August 2025.
	rot, rs := y.group("rotonde", "rotonde-najaar-2025", "Mechelen", 8, 0, time.Date(2025, 9, 4, 19, 0, 0, 0, locale.Brussels), 3, 4)
	y.at(day(2026, 1, 20))
	late := request(t, a, "rotonde", 0, "Tom") // referrer: police; no group to choose: the group is past
	var requested time.Time
	testenv.MustGet(t, a.Store.DB, &requested, `SELECT requested_on FROM registrations WHERE id = $1`, late.RegistrationID)
	if got := requested.Format("2006-01-02"); got != "2026-01-20" {
		t.Errorf("a new request's date is %s, want the day it came in (2026-01-20)", got)
	}
	if err := a.SetRequestDate(ctx, y.staff, late.RegistrationID, day(2025, 8, 20)); err != nil {
		t.Fatal(err)
	}
	// Admitted before the group met (a group whose sessions are all past takes nobody yet), then its roll calls.
	y.at(day(2025, 8, 25))
	if err := a.Admit(ctx, y.staff, late.RegistrationID, app.AdmitOptions{GroupID: rot}); err != nil {
		t.Fatal(err)
	}
	tom := y.person(late.RegistrationID)
	for _, s := range rs {
		y.mark(s, map[int64]string{tom: app.MarkPresent})
	}

	// A peer group starting in January 2026, asked for in December 2025.
	peer, ps := y.group("lotgenotengroepen", "lotgenoten-2026", "Lier", 8, 0, time.Date(2026, 1, 13, 19, 0, 0, 0, locale.Brussels), 2, 2)
	y.at(day(2025, 12, 10))
	dec, err := a.Request(ctx, app.RequestInput{OfferingSlug: "lotgenotengroepen", GroupID: peer, Alias: "Els",
		Contact: app.ContactInput{ByPhone: true, Phone: "0470 00 00 09"}, Referrer: "caw", Consent: true, ConsentText: consentText})
	if err != nil {
		t.Fatal(err)
	}
	y.admit(dec.RegistrationID)
	y.mark(ps[0], map[int64]string{y.person(dec.RegistrationID): app.MarkPresent})

	y.at(day(2026, 3, 2))
	if got, want := referrers(t, a, y.staff, 2025), map[string]int{"police": 1}; !reflect.DeepEqual(got, want) {
		t.Errorf("referrers of 2025: %v, want %v", got, want)
	}
	if got, want := referrers(t, a, y.staff, 2026), map[string]int{"caw": 1}; !reflect.DeepEqual(got, want) {
		t.Errorf("referrers of 2026: %v, want %v", got, want)
	}

	// The request date: never after today, only within the portal's years, for the office only, audited.
	for _, d := range []time.Time{day(2026, 3, 3), day(1999, 1, 1)} {
		if v, ok := app.AsValidation(a.SetRequestDate(ctx, y.staff, late.RegistrationID, d)); !ok || v.Fields["requested_on"] == "" {
			t.Errorf("request date %s accepted", d.Format("2006-01-02"))
		}
	}
	facilitator := app.Actor{Staff: app.Staff{ID: y.staff.Staff.ID, Role: app.RoleFacilitator, Active: true}, Leads: []int64{rot}}
	if err := a.SetRequestDate(ctx, facilitator, late.RegistrationID, day(2025, 8, 1)); !errors.Is(err, app.ErrForbidden) {
		t.Errorf("a facilitator set a request date: %v", err)
	}
	var audited int
	testenv.MustGet(t, a.Store.DB, &audited, `SELECT count(*) FROM audit_log WHERE action = 'registration.request_date'
		AND registration_id = $1 AND detail->>'from' = '2026-01-20' AND detail->>'to' = '2025-08-20'`, late.RegistrationID)
	if audited != 1 {
		t.Errorf("%d audit lines for the request date", audited)
	}

	// Close 2025; a later correction (the request date, a mark after 14 days) leaves its figures as frozen.
	before, err := a.FiguresOf(ctx, y.staff, 2025)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.CloseYear(ctx, y.staff, 2025); err != nil {
		t.Fatal(err)
	}
	if err := a.SetRequestDate(ctx, y.staff, late.RegistrationID, day(2025, 7, 1)); err != nil {
		t.Fatal(err)
	}
	if err := a.MarkManyWithReason(ctx, y.staff, rs[0], map[int64]string{tom: app.MarkAbsent}, "mistake"); err != nil {
		t.Fatal(err)
	}
	after, err := a.FiguresOf(ctx, y.staff, 2025)
	if err != nil {
		t.Fatal(err)
	}
	after.Frozen, after.ClosedAt = false, nil
	if !reflect.DeepEqual(before, after) {
		t.Errorf("a closed year's figures moved:\nbefore %+v\nafter  %+v", before, after)
	}
}

// A family's request date is one: set on the contacting parent, it holds for every member.
func TestRequestDateHoldsForTheWholeFamily(t *testing.T) {
	a := seeded(t)
	office := app.Actor{Staff: app.Staff{ID: staffMember(t, a), Role: app.RoleCoordinator, Active: true}}
	a.Now = func() time.Time { return time.Date(2026, 2, 1, 10, 0, 0, 0, locale.Brussels) }
	res, err := a.RequestHousehold(t.Context(), app.HouseholdInput{Parent: "Sara", SecondParent: "Karim",
		Children: []app.ChildInput{{"Lina", "7"}}, Contact: app.ContactInput{ByPhone: true, Phone: "0470 00 00 01"},
		Consent: true, ConsentText: consentText})
	if err != nil {
		t.Fatal(err)
	}
	if err := a.SetRequestDate(t.Context(), office, res.RegistrationID, time.Date(2025, 11, 28, 0, 0, 0, 0, locale.Brussels)); err != nil {
		t.Fatal(err)
	}
	var days []string
	testenv.MustSelect(t, a.Store.DB, &days, `SELECT DISTINCT requested_on::text FROM registrations
		WHERE household_id = (SELECT household_id FROM registrations WHERE id = $1)`, res.RegistrationID)
	if !reflect.DeepEqual(days, []string{"2025-11-28"}) {
		t.Errorf("the family's request dates: %v", days)
	}
}
