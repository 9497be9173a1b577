package app_test

import (
	"bytes"
	"context"
	"errors"
	"maps"
	"slices"
	"sync"
	"testing"
	"time"

	"portal/app"
	"portal/app/export"
	"portal/app/locale"
	"portal/internal/benchdata"
	"portal/internal/fixtures"
	"portal/internal/testenv"
)

// retentionWorld is 2025 entered through the workflows, with people of three offerings whose data falls due on
// different days, one whose request ended without a group, one still waiting for a group, and one in a group of
// 2026 (which is not closed).
type retentionWorld struct {
	*yearBuilder
	admin app.Actor
}

func newRetentionWorld(t *testing.T) retentionWorld {
	t.Helper()
	a := seeded(t)
	y := &yearBuilder{t: t, a: a, staff: fixtures.ActiveActor(t, a, staffMember(t, a))}
	w := retentionWorld{yearBuilder: y, admin: fixtures.ActiveActor(t, a, fixtures.AddStaff(t, a, "beheer@example.be", "Anna", app.RoleAdmin, ""))}
	ctx := t.Context()
	d := func(m time.Month, day int) time.Time { return time.Date(2025, m, day, 19, 0, 0, 0, locale.Brussels) }
	y.at(time.Date(2025, 1, 6, 9, 0, 0, 0, locale.Brussels))

	// Intervision (730 days): two members, the group's last session on 27 May 2025.
	bornem, _ := y.group("intervisie", "int-2025", "Bornem", 12, 0, d(2, 4), 3, 8)
	for _, name := range []string{"Pro A", "Pro B"} {
		if _, err := a.SignUp(ctx, app.SignupInput{GroupID: bornem, Name: name, Email: name[4:] + "@example.be",
			Organisation: "Org", Sector: "police", Consent: true, ConsentText: consentText}); err != nil {
			t.Fatal(err)
		}
	}
	// Peer group (365 days): three admitted, the last session on 11 March 2025.
	peers, _ := y.group("lotgenotengroepen", "lot-2025", "Lier", 8, 0, d(3, 4), 2, 1)
	for _, name := range []string{"Mira", "Ella", "Noor"} {
		y.admit(request(t, a, "lotgenotengroepen", peers, name).RegistrationID)
	}
	// A request without a group, withdrawn on 1 May 2025; one that still waits for a group.
	y.at(time.Date(2025, 4, 1, 10, 0, 0, 0, locale.Brussels))
	gone := request(t, a, "lotgenotengroepen", 0, "Lotte")
	request(t, a, "lotgenotengroepen", 0, "Wacht")
	y.at(time.Date(2025, 5, 1, 10, 0, 0, 0, locale.Brussels))
	if err := a.Withdraw(ctx, y.staff, gone.RegistrationID); err != nil {
		t.Fatal(err)
	}
	// Rotonde (365 days): one admitted, one declined, the last session on 9 September 2025.
	rot, _ := y.group("rotonde", "rot-2025", "Mechelen", 8, 0, d(9, 2), 2, 1)
	y.admit(request(t, a, "rotonde", rot, "Tom").RegistrationID)
	if err := a.Decline(ctx, y.staff, request(t, a, "rotonde", rot, "Jan").RegistrationID, "other", ""); err != nil {
		t.Fatal(err)
	}
	// A peer group of 2026: its member waits for 2026 to be closed.
	y.at(time.Date(2025, 12, 1, 10, 0, 0, 0, locale.Brussels))
	later, _ := y.group("lotgenotengroepen", "lot-2026", "Lier", 8, 0, time.Date(2026, 2, 3, 19, 0, 0, 0, locale.Brussels), 2, 1)
	y.admit(request(t, a, "lotgenotengroepen", later, "Sien").RegistrationID)

	y.at(time.Date(2026, 1, 15, 9, 0, 0, 0, locale.Brussels))
	if err := a.CloseYear(ctx, y.staff, 2025); err != nil {
		t.Fatal(err)
	}
	return w
}

// dueKey is one line of the retention page: an offering, a day and the year it waits for.
type dueKey struct {
	offering string
	on       string
	waits    int
}

func schedule(t *testing.T, a *app.App, actor app.Actor) (map[dueKey]int, app.RetentionOverview) {
	t.Helper()
	ov, err := a.RetentionOverview(t.Context(), actor)
	if err != nil {
		t.Fatal(err)
	}
	out := map[dueKey]int{}
	for _, o := range ov.Offerings {
		sum := 0
		for _, d := range o.Dates {
			out[dueKey{o.Offering.Slug, d.On.Format("2006-01-02"), d.WaitsFor}] += d.People
			sum += d.People
		}
		if sum != o.People {
			t.Errorf("%s: the dates add up to %d, the offering says %d", o.Offering.Slug, sum, o.People)
		}
	}
	return out, ov
}

// figuresCSV is a year's figures as the CSV export writes them.
func figuresCSV(t *testing.T, a *app.App, actor app.Actor, year int) string {
	t.Helper()
	cat, err := locale.Load()
	if err != nil {
		t.Fatal(err)
	}
	f, err := a.FiguresOf(t.Context(), actor, year)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := export.WriteCSV(&buf, app.CSVHeader(cat, "nl"), app.FigureTables(cat, "nl", f)); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

// TestRetentionPageCountsAreWhatTheRunsRemove reads the page's counts per offering and day, then moves the clock
// to each day and runs the purge: each run removes exactly the people the page announced for that day and
// offering, and the run of the day before none of them; the waiting person only once their year is closed; the frozen figures stay the
// same to the byte.
func TestRetentionPageCountsAreWhatTheRunsRemove(t *testing.T) {
	w := newRetentionWorld(t)
	a, ctx := w.a, t.Context()
	frozen := figuresCSV(t, a, w.staff, 2025)

	page, ov := schedule(t, a, w.staff)
	want := map[dueKey]int{
		{"lotgenotengroepen", "2026-03-12", 0}:    3, // 11 March 2025 21.00 + 365 days: the run after midnight
		{"lotgenotengroepen", "2026-05-02", 0}:    1, // withdrawn on 1 May 2025 at 10.00
		{"rotonde", "2026-09-10", 0}:              2,
		{"intervisie", "2027-05-28", 0}:           2, // 27 May 2025 + 730 days
		{"lotgenotengroepen", "2027-02-11", 2026}: 1,
	}
	if !maps.Equal(page, want) {
		t.Fatalf("the retention page says\n%v\nwant\n%v", page, want)
	}
	if ov.DueNow != 0 {
		t.Errorf("%d due now, want 0", ov.DueNow)
	}

	// The page's days, in order, each with what it announced per offering.
	var days []string
	for k := range page {
		if k.waits == 0 && !slices.Contains(days, k.on) {
			days = append(days, k.on)
		}
	}
	slices.Sort(days)
	anonymisedAt := func(at time.Time) map[string]int {
		var rows []struct {
			Slug string `db:"slug"`
			N    int    `db:"n"`
		}
		testenv.MustSelect(t, a.Store.DB, &rows, `SELECT o.slug, count(DISTINCT p.id) AS n FROM people p
			JOIN registrations r ON r.person_id = p.id JOIN offerings o ON o.id = r.offering_id
			WHERE p.anonymised_at = $1 GROUP BY o.slug`, at)
		out := map[string]int{}
		for _, r := range rows {
			out[r.Slug] = r.N
		}
		return out
	}
	for _, day := range days {
		on, err := time.ParseInLocation("2006-01-02", day, locale.Brussels)
		if err != nil {
			t.Fatal(err)
		}
		// The daily run of the day before takes nothing of that day yet.
		w.at(on.AddDate(0, 0, -1).Add(30 * time.Minute))
		if n, err := a.Purge(ctx); err != nil || n != 0 {
			t.Errorf("the run before %s anonymised %d (%v), want 0", day, n, err)
		}
		run := on.Add(30 * time.Minute)
		w.at(run)
		n, err := a.Purge(ctx)
		if err != nil {
			t.Fatal(err)
		}
		announced, total := map[string]int{}, 0
		for k, v := range page {
			if k.on == day && k.waits == 0 {
				announced[k.offering] += v
				total += v
			}
		}
		if got := anonymisedAt(run); n != total || !maps.Equal(got, announced) {
			t.Errorf("the run of %s anonymised %d %v; the page announced %d %v", day, n, got, total, announced)
		}
	}
	if got := figuresCSV(t, a, w.staff, 2025); got != frozen {
		t.Errorf("the frozen figures of 2025 changed across the runs:\nbefore\n%s\nafter\n%s", frozen, got)
	}

	// Sien waits for 2026, past her day; once 2026 is closed she is due at the next run.
	page, ov = schedule(t, a, w.staff)
	if !maps.Equal(page, map[dueKey]int{{"lotgenotengroepen", "2027-02-11", 2026}: 1}) || ov.DueNow != 0 {
		t.Fatalf("after the runs the page says %v, %d due now", page, ov.DueNow)
	}
	if err := a.CloseYear(ctx, w.staff, 2026); err != nil {
		t.Fatal(err)
	}
	frozen2026 := figuresCSV(t, a, w.staff, 2026)
	if _, ov = schedule(t, a, w.staff); ov.DueNow != 1 {
		t.Fatalf("%d due now after closing 2026, want 1", ov.DueNow)
	}
	run, err := a.PurgeNow(ctx, w.admin)
	if err != nil || run.People != 1 {
		t.Fatalf("run now: %+v %v", run, err)
	}
	if got := figuresCSV(t, a, w.staff, 2026); got != frozen2026 {
		t.Error("the frozen figures of 2026 changed across the run")
	}
	if page, ov = schedule(t, a, w.staff); len(page) != 0 || ov.DueNow != 0 {
		t.Errorf("after the last run the page still says %v, %d due now", page, ov.DueNow)
	}
}

// TestEveryRetentionRunIsRecordedAndAudited: the daily run by the system and a run by an admin each leave a row
// with their counts and an audit line naming their actor; a coordinator may see the page but not run it.
func TestEveryRetentionRunIsRecordedAndAudited(t *testing.T) {
	w := newRetentionWorld(t)
	a, ctx := w.a, t.Context()
	a.Store.DB.MustExec(`INSERT INTO waakvlam_requests (reference, organisation, contact_name_enc, contact_email_enc,
			expected_staff, status, created_at, updated_at)
		VALUES ('WV-2025-0001', 'Sociaal Huis', '\x00', '\x00', 10, 'cancelled', '2024-01-10', '2024-01-10')`)

	w.at(time.Date(2026, 3, 12, 0, 30, 0, 0, locale.Brussels))
	if ov, err := a.RetentionOverview(ctx, w.staff); err != nil || ov.DueNow != 3 || ov.WaakvlamDueNow != 1 {
		t.Fatalf("the page announces %d people and %d Waakvlam contacts (%v), want 3 and 1", ov.DueNow, ov.WaakvlamDueNow, err)
	}
	if n, err := a.Purge(ctx); err != nil || n != 3 {
		t.Fatalf("daily run: %d %v", n, err)
	}
	if _, err := a.PurgeNow(ctx, w.staff); !errors.Is(err, app.ErrForbidden) {
		t.Errorf("a coordinator ran the purge: %v", err)
	}
	w.at(time.Date(2026, 5, 2, 8, 0, 0, 0, locale.Brussels))
	run, err := a.PurgeNow(ctx, w.admin)
	if err != nil || run.People != 1 || run.ID == 0 || run.StaffID == nil || *run.StaffID != w.admin.ID() {
		t.Fatalf("run by the admin: %+v %v", run, err)
	}
	ov, err := a.RetentionOverview(ctx, w.staff)
	if err != nil {
		t.Fatal(err)
	}
	if len(ov.Runs) != 2 {
		t.Fatalf("%d runs listed, want 2", len(ov.Runs))
	}
	manual, daily := ov.Runs[0], ov.Runs[1]
	if manual.ID != run.ID || manual.People != 1 || manual.StaffName == nil || *manual.StaffName != "Anna" {
		t.Errorf("the admin's run is listed as %+v", manual)
	}
	if daily.StaffID != nil || daily.StaffName != nil || daily.People != 3 || daily.Waakvlam != 1 {
		t.Errorf("the daily run is listed as %+v (want 3 people, 1 Waakvlam contact, nobody)", daily)
	}
	var audits []struct {
		Actor   string `db:"actor"`
		StaffID *int64 `db:"staff_id"`
		People  int    `db:"people"`
	}
	testenv.MustSelect(t, a.Store.DB, &audits, `SELECT actor, staff_id, (detail->>'people')::int AS people FROM audit_log
		WHERE action = $1 ORDER BY id`, app.AuditRetentionPurge)
	if len(audits) != 2 || audits[0].Actor != app.ActorSystem || audits[0].StaffID != nil || audits[0].People != 3 ||
		audits[1].Actor != app.ActorStaff || audits[1].StaffID == nil || *audits[1].StaffID != w.admin.ID() || audits[1].People != 1 {
		t.Errorf("audit of the runs: %+v", audits)
	}
}

// TestReopenAYearOnlyBeforeItsPeopleArePurged: an admin reopens a closed year (audited) and it closes again; once a
// run has anonymised one of its people, reopening is refused and the frozen figures stay; a coordinator may not
// reopen; a year is reopened only after the years closed after it.
func TestReopenAYearOnlyBeforeItsPeopleArePurged(t *testing.T) {
	w := newRetentionWorld(t)
	a, ctx := w.a, t.Context()
	refused := func(err error, msg string) {
		t.Helper()
		v, ok := app.AsValidation(err)
		if !ok || v.Fields["bevestig"] != msg {
			t.Errorf("got %v, want refused with %s", err, msg)
		}
	}
	if err := a.ReopenYear(ctx, w.staff, 2025); !errors.Is(err, app.ErrForbidden) {
		t.Errorf("a coordinator reopened a year: %v", err)
	}
	refused(a.ReopenYear(ctx, w.admin, 2024), "form.year.notclosed")
	if err := a.ReopenYear(ctx, w.admin, 2025); err != nil {
		t.Fatal(err)
	}
	if f, err := a.FiguresOf(ctx, w.staff, 2025); err != nil || f.Frozen {
		t.Errorf("after reopening, 2025 is frozen=%v (%v)", f.Frozen, err)
	}
	var audited int
	testenv.MustGet(t, a.Store.DB, &audited, `SELECT count(*) FROM audit_log WHERE action = $1 AND staff_id = $2
		AND detail->>'year' = '2025'`, app.AuditYearReopen, w.admin.ID())
	if audited != 1 {
		t.Errorf("%d audit lines for the reopening, want 1", audited)
	}
	// Reopened, its people wait again: the run on their day removes nobody.
	w.at(time.Date(2026, 3, 12, 0, 30, 0, 0, locale.Brussels))
	if n, err := a.Purge(ctx); err != nil || n != 0 {
		t.Fatalf("a run anonymised %d people of a reopened year (%v)", n, err)
	}
	if err := a.CloseYear(ctx, w.staff, 2025); err != nil {
		t.Fatal(err)
	}
	frozen := figuresCSV(t, a, w.staff, 2025)
	w.at(time.Date(2027, 1, 5, 9, 0, 0, 0, locale.Brussels))
	if err := a.CloseYear(ctx, w.staff, 2026); err != nil {
		t.Fatal(err)
	}
	refused(a.ReopenYear(ctx, w.admin, 2025), "form.year.laterclosed")
	if err := a.ReopenYear(ctx, w.admin, 2026); err != nil {
		t.Fatal(err)
	}
	if n, err := a.Purge(ctx); err != nil || n == 0 {
		t.Fatalf("the run anonymised %d (%v), want the people of 2025 due by now", n, err)
	}
	refused(a.ReopenYear(ctx, w.admin, 2025), "form.year.purged")
	if got := figuresCSV(t, a, w.staff, 2025); got != frozen {
		t.Error("the frozen figures of 2025 changed after a refused reopening")
	}
}

// TestTheDailyJobRecordsItsRun: the nightly tick of the background jobs runs the purge once a day, records the run
// with its counts and nobody as its author, and audits it as the system's.
func TestTheDailyJobRecordsItsRun(t *testing.T) {
	w := newRetentionWorld(t)
	a, ctx := w.a, t.Context()
	w.at(time.Date(2026, 3, 12, 0, 30, 0, 0, locale.Brussels))
	a.RunJobsOnceForTest(ctx)
	w.at(time.Date(2026, 3, 12, 0, 31, 0, 0, locale.Brussels))
	a.RunJobsOnceForTest(ctx) // the same day: the daily job does not run again
	var runs []app.RetentionRun
	testenv.MustSelect(t, a.Store.DB, &runs, `SELECT id, started_at, finished_at, staff_id, NULL AS staff_name, people, waakvlam
		FROM retention_runs ORDER BY id`)
	if len(runs) != 1 || runs[0].People != 3 || runs[0].StaffID != nil {
		t.Fatalf("the daily job recorded %+v, want one run of 3 people by nobody", runs)
	}
	var audited int
	testenv.MustGet(t, a.Store.DB, &audited, `SELECT count(*) FROM audit_log WHERE action = $1 AND actor = $2
		AND staff_id IS NULL AND (detail->>'people')::int = 3 AND (detail->>'id')::bigint = $3`,
		app.AuditRetentionPurge, app.ActorSystem, runs[0].ID)
	if audited != 1 {
		t.Errorf("%d audit lines for the daily run, want 1", audited)
	}
}

// TestRunsAtOnceAnonymiseEachPersonOnce: the nightly run in two processes and an admin's run at the same moment
// together anonymise each person due exactly once, and their counts add up to what the page announced.
func TestRunsAtOnceAnonymiseEachPersonOnce(t *testing.T) {
	w := newRetentionWorld(t)
	a, ctx := w.a, t.Context()
	w.at(time.Date(2027, 6, 1, 9, 0, 0, 0, locale.Brussels)) // the people of 2025 are all due; Sien waits for 2026
	ov, err := a.RetentionOverview(ctx, w.staff)
	if err != nil || ov.DueNow != 8 {
		t.Fatalf("%d due now (%v), want 8", ov.DueNow, err)
	}
	var wg sync.WaitGroup
	counts := make([]int, 6)
	for i := range counts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if i%2 == 0 {
				n, err := a.Purge(ctx)
				if err != nil {
					t.Error(err)
				}
				counts[i] = n
				return
			}
			run, err := a.PurgeNow(ctx, w.admin)
			if err != nil {
				t.Error(err)
			}
			counts[i] = run.People
		}()
	}
	wg.Wait()
	total := 0
	for _, n := range counts {
		total += n
	}
	var recorded, anonymised int
	testenv.MustGet(t, a.Store.DB, &recorded, `SELECT COALESCE(sum(people), 0) FROM retention_runs`)
	testenv.MustGet(t, a.Store.DB, &anonymised, `SELECT count(*) FROM people WHERE anonymised_at IS NOT NULL`)
	if total != ov.DueNow || recorded != ov.DueNow || anonymised != ov.DueNow {
		t.Errorf("runs at once counted %d (%v), recorded %d, anonymised %d; the page announced %d", total, counts, recorded, anonymised, ov.DueNow)
	}
}

// BenchmarkRetentionOverview measures the retention page's query on two years of a large organisation's work
// (40,000 people in 200 groups, 2,000,000 attendance rows), the first year closed so that its people are due. It
// also times one run of the purge over the people due, once, after the loop. Run it with
// go test ./app -run '^$' -bench RetentionOverview -benchtime 10x.
func BenchmarkRetentionOverview(b *testing.B) {
	a := newAppB(b)
	ctx := b.Context()
	if err := a.Seed(ctx); err != nil {
		b.Fatal(err)
	}
	for _, year := range []int{2024, 2025} {
		benchdata.AttendanceYear(b, a.Store.DB, year)
	}
	a.Store.DB.MustExec(`INSERT INTO years_closed (year) VALUES (2024)`)
	a.Store.DB.MustExec(`ANALYZE`)
	a.Now = func() time.Time { return time.Date(2026, 1, 15, 9, 0, 0, 0, locale.Brussels) }
	office := app.Actor{Staff: app.Staff{ID: 1, Role: app.RoleCoordinator, Active: true}}
	var due int
	for b.Loop() {
		ov, err := a.RetentionOverview(ctx, office)
		if err != nil {
			b.Fatal(err)
		}
		due = ov.DueNow
	}
	b.StopTimer()
	start := time.Now()
	n, err := a.Purge(ctx)
	if err != nil || n != due || n == 0 {
		b.Fatalf("the run anonymised %d (%v), the page announced %d", n, err, due)
	}
	b.Logf("one run anonymised %d people in %s", n, time.Since(start).Round(time.Millisecond))
}

// A run with no time left (an admin's request near its limit) stops before the next person, without an error: it
// is recorded, and whoever it did not reach stays due for the next run, which does them.
func TestARunOutOfTimeLeavesTheRestForTheNext(t *testing.T) {
	w := newRetentionWorld(t)
	a, ctx := w.a, t.Context()
	w.at(time.Date(2026, 3, 12, 0, 30, 0, 0, locale.Brussels))
	short, cancel := context.WithTimeout(ctx, time.Second)
	cut, err := a.PurgeNow(short, w.admin)
	cancel()
	if err != nil || cut.People != 0 || cut.ID == 0 {
		t.Fatalf("a run out of time: %+v %v, want recorded with nobody anonymised", cut, err)
	}
	if ov, err := a.RetentionOverview(ctx, w.staff); err != nil || ov.DueNow != 3 {
		t.Fatalf("after a run out of time %d are due (%v), want still 3", ov.DueNow, err)
	}
	if run, err := a.PurgeNow(ctx, w.admin); err != nil || run.People != 3 {
		t.Fatalf("the next run: %+v %v, want 3", run, err)
	}
}
