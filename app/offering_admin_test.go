package app_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"portal/app"
	"portal/app/locale"
	"portal/internal/fixtures"
	"portal/internal/testenv"
)

func TestCoordinatorsEditOfferingsAndGroups(t *testing.T) {
	a, _ := newStaffApp(t, time.Date(2026, 1, 5, 9, 0, 0, 0, locale.Brussels))
	ctx := t.Context()
	if err := a.Seed(ctx); err != nil {
		t.Fatal(err)
	}
	coord := addStaff(t, a, "coord@example.org", app.RoleCoordinator)
	fac := addStaff(t, a, "fac@example.org", app.RoleFacilitator)

	o, err := a.Store.OfferingBySlug(ctx, "rotonde")
	if err != nil {
		t.Fatal(err)
	}
	f := app.OfferingFormOf(o)
	if f.Reminders != "7 dagen, 1 dag" || f.RetentionDays != "365" {
		t.Errorf("form of the seeded offering: reminders %q, retention %q", f.Reminders, f.RetentionDays)
	}
	f.Name = app.Text{"nl": "Rotonde ", "en": ""}
	f.Reminders = "1 dag, 7 dagen, 24"
	f.RetentionDays = "400"
	if err := a.UpdateOffering(ctx, fixtures.Actor(t, a, coord), o.ID, f); err != nil {
		t.Fatal(err)
	}
	o2, err := a.Store.OfferingByID(ctx, o.ID)
	if err != nil {
		t.Fatal(err)
	}
	if o2.Name["nl"] != "Rotonde" || o2.Name["en"] != "" || o2.RetentionDays != 400 ||
		len(o2.ReminderOffsets) != 2 || o2.ReminderOffsets[0] != 10080 || o2.ReminderOffsets[1] != 1440 {
		t.Errorf("saved %+v %v %d %v", o2.Name, o2.ReminderOffsets, o2.RetentionDays, o2.ReminderOffsets)
	}
	var fields string
	testenv.MustGet(t, a.Store.DB, &fields, `SELECT detail->>'fields' FROM audit_log WHERE action = 'offering.update'`)
	if !strings.Contains(fields, "retention_days") || !strings.Contains(fields, "name") || strings.Contains(fields, "partner") {
		t.Errorf("audit fields %s", fields)
	}

	bad := f
	bad.Name = app.Text{}
	bad.RetentionDays = "0"
	bad.Reminders = "soon"
	err = a.UpdateOffering(ctx, fixtures.Actor(t, a, coord), o.ID, bad)
	v, ok := app.AsValidation(err)
	if !ok || v.Fields["name_nl"] == "" || v.Fields["retention_days"] == "" || v.Fields["reminders"] == "" {
		t.Errorf("invalid offering: %v", err)
	}

	nf := app.OfferingForm{Slug: "zomerkamp", Kind: app.KindEvent, Audience: app.AudiencePublic, Admission: app.AdmissionOpen,
		Name: app.Text{"nl": "Zomerkamp"}, RetentionDays: "365", Active: true}
	newID, err := a.CreateOffering(ctx, fixtures.Actor(t, a, coord), nf)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.CreateOffering(ctx, fixtures.Actor(t, a, coord), nf); err == nil {
		t.Error("a second offering with the same address was made")
	}

	gf := app.GroupForm{Name: app.Text{"nl": "Zomerkamp 2026"}, Slug: "zomerkamp-2026", Municipality: "Mechelen",
		Capacity: "20", ClosedAfter: "", Status: app.GroupOpen, Visibility: app.VisibilityPublic, Facilitators: []int64{fac, fac}}
	gid, err := a.CreateGroup(ctx, fixtures.Actor(t, a, coord), newID, gf)
	if err != nil {
		t.Fatal(err)
	}
	lead, err := a.Store.GroupFacilitators(ctx, gid)
	if err != nil {
		t.Fatal(err)
	}
	if len(lead) != 1 || lead[0].ID != fac {
		t.Errorf("facilitators %+v", lead)
	}
	g, err := a.Store.GroupByID(ctx, gid)
	if err != nil {
		t.Fatal(err)
	}
	edit := app.GroupFormOf(g, nil)
	edit.ClosedAfter = "3"
	edit.Discreet = "yes"
	edit.Capacity = "18"
	if err := a.UpdateGroup(ctx, fixtures.Actor(t, a, coord), gid, edit); err != nil {
		t.Fatal(err)
	}
	if g, err = a.Store.GroupByID(ctx, gid); err != nil {
		t.Fatal(err)
	}
	if g.ClosedAfterSession == nil || *g.ClosedAfterSession != 3 || g.DiscreetOverride == nil || !*g.DiscreetOverride || g.Capacity != 18 {
		t.Errorf("group saved as %+v", g)
	}
	if lead, err := a.Store.GroupFacilitators(ctx, gid); err != nil {
		t.Fatal(err)
	} else if len(lead) != 0 {
		t.Errorf("facilitators not removed: %+v", lead)
	}
	testenv.MustGet(t, a.Store.DB, &fields, `SELECT detail->>'fields' FROM audit_log WHERE action = 'group.update' AND group_id = $1`, gid)
	for _, w := range []string{"capacity", "closed_after_session", "discreet", "facilitators"} {
		if !strings.Contains(fields, w) {
			t.Errorf("audit fields %s lack %s", fields, w)
		}
	}

	taken := edit
	taken.Slug = "intervisie-bornem"
	if v, ok := app.AsValidation(a.UpdateGroup(ctx, fixtures.Actor(t, a, coord), gid, taken)); !ok || v.Fields["slug"] != "staff.offer.slug.taken" {
		t.Errorf("a taken slug: %v", v)
	}
	wrong := edit
	wrong.Slug, wrong.Capacity, wrong.Status, wrong.Facilitators = "Not A Slug", "-1", "open-ish", []int64{424242}
	err = a.UpdateGroup(ctx, fixtures.Actor(t, a, coord), gid, wrong)
	if v, ok := app.AsValidation(err); !ok || v.Fields["slug"] == "" || v.Fields["capacity"] == "" || v.Fields["status"] == "" {
		t.Errorf("invalid group: %v", err)
	}
	ghost := edit
	ghost.Facilitators = []int64{424242}
	if v, ok := app.AsValidation(a.UpdateGroup(ctx, fixtures.Actor(t, a, coord), gid, ghost)); !ok || v.Fields["facilitators"] == "" {
		t.Errorf("unknown facilitator: %v", v)
	}
	// The detail of the audit trail never holds the texts typed in.
	var leaks int
	testenv.MustGet(t, a.Store.DB, &leaks, `SELECT count(*) FROM audit_log WHERE detail::text LIKE '%Zomerkamp%' OR detail::text LIKE '%Mechelen%'`)
	if leaks != 0 {
		t.Errorf("%d audit rows hold form text", leaks)
	}
}

func TestAuditLogFiltersAndPages(t *testing.T) {
	start := time.Date(2026, 5, 1, 10, 0, 0, 0, locale.Brussels)
	a, c := newStaffApp(t, start)
	ctx := t.Context()
	an := addStaff(t, a, "an@example.org", app.RoleCoordinator)
	bo := addStaff(t, a, "bo@example.org", app.RoleFacilitator)
	p7, p8 := int64(7), int64(8)
	for range 3 {
		for i := range 40 {
			who, person := an, &p7
			if i%2 == 1 {
				who, person = bo, &p8
			}
			if err := a.Audit(ctx, a.Store.DB, app.AuditEntry{StaffID: &who, Action: app.AuditPersonView, PersonID: person}); err != nil {
				t.Fatal(err)
			}
		}
		c.Add(24 * time.Hour)
	}
	rows, more, err := a.Store.AuditLog(ctx, app.AuditFilter{})
	if err != nil || len(rows) != app.AuditPageSize || !more {
		t.Fatalf("first page: %d rows, more %v, %v", len(rows), more, err)
	}
	if !rows[0].At.After(rows[len(rows)-1].At) && rows[0].ID < rows[len(rows)-1].ID {
		t.Error("not newest first")
	}
	// 2 cli creations + 120 views = 122 rows: pages of 50, 50, 22.
	if rows, more, err = a.Store.AuditLog(ctx, app.AuditFilter{Page: 3}); err != nil {
		t.Fatal(err)
	}
	if len(rows) != 22 || more {
		t.Errorf("third page: %d rows, more %v", len(rows), more)
	}
	if rows, _, err = a.Store.AuditLog(ctx, app.AuditFilter{PersonID: 8}); err != nil {
		t.Fatal(err)
	}
	if len(rows) != 50 {
		t.Errorf("person 8: %d rows on the first page", len(rows))
	}
	for _, r := range rows {
		if *r.PersonID != 8 || *r.StaffID != bo || r.StaffName == nil || *r.StaffName == "" {
			t.Fatalf("row %+v", r)
		}
	}
	day2 := time.Date(2026, 5, 2, 0, 0, 0, 0, locale.Brussels)
	if rows, more, err = a.Store.AuditLog(ctx, app.AuditFilter{StaffID: an, From: day2, To: day2}); err != nil {
		t.Fatal(err)
	}
	if len(rows) != 20 || more {
		t.Errorf("An on 2 May: %d rows", len(rows))
	}
}

func TestReminderOffsetsInDaysAndHours(t *testing.T) {
	cases := []struct {
		typed string
		want  []int64 // nil: refused
		shown string
	}{
		{"7 dagen, 1 dag, 2 uur", []int64{10080, 1440, 120}, "7 dagen, 1 dag, 2 uur"},
		{"2u; 7d", []int64{10080, 120}, "7 dagen, 2 uur"},
		{"7 days, 36 hours", []int64{10080, 2160}, "7 dagen, 36 uur"},
		{"168, 24", []int64{10080, 1440}, "7 dagen, 1 dag"}, // bare numbers are hours, as the field once asked
		{"", []int64{}, ""},
		{"morgen", nil, ""},
		{"0 uur", nil, ""},
		{"61 dagen", nil, ""},
		{"1, 2, 3, 4, 5, 6", nil, ""},
	}
	for _, tc := range cases {
		got, ok := app.ParseReminderOffsets(tc.typed)
		if tc.want == nil {
			if ok {
				t.Errorf("%q accepted as %v", tc.typed, got)
			}
			continue
		}
		if !ok || fmt.Sprint([]int64(got)) != fmt.Sprint(tc.want) {
			t.Errorf("%q: %v %v, want %v", tc.typed, got, ok, tc.want)
		}
		if shown := app.FormatReminderOffsets(got); shown != tc.shown {
			t.Errorf("%q shown as %q, want %q", tc.typed, shown, tc.shown)
		}
	}
}
