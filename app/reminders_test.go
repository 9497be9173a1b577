package app_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"portal/app"
	"portal/app/locale"
	"portal/internal/fixtures"
)

// mailWorld is a seeded portal with its clock at a fixed Monday morning.
func mailWorld(t *testing.T) (*app.App, *time.Time) {
	t.Helper()
	now := time.Date(2025, 3, 3, 10, 0, 0, 0, locale.Brussels)
	a := newApp(t, now)
	a.Now = func() time.Time { return now }
	if err := a.Seed(context.Background()); err != nil {
		t.Fatal(err)
	}
	return a, &now
}

// wantReminders lists the dedupe keys and due times planning should produce for reg in sessions.
func wantReminders(reg int64, sessions []fixtures.Session, offsets []int, now time.Time) map[string]time.Time {
	out := map[string]time.Time{}
	for _, s := range sessions {
		for _, off := range offsets {
			due := app.ReminderDue(s.StartsAt, int64(off))
			if due.After(now) {
				out[fmt.Sprintf("reminder:%d:%d:%d", reg, s.ID, off)] = due
			}
		}
	}
	return out
}

func queuedReminders(t *testing.T, a *app.App) map[string]time.Time {
	t.Helper()
	out := map[string]time.Time{}
	for _, r := range fixtures.Rows(t, a, app.MailReminder) {
		if r.Status == app.OutboxQueued {
			out[r.DedupeKey] = r.DueAt
		}
	}
	return out
}

func sameReminders(t *testing.T, got, want map[string]time.Time) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d reminders, want %d:\n got %v\nwant %v", len(got), len(want), got, want)
	}
	for k, due := range want {
		if g, ok := got[k]; !ok || !g.Equal(due) {
			t.Errorf("reminder %s: due %v, want %v (present: %v)", k, g, due, ok)
		}
	}
}

func TestPlanRemindersOnePerSessionAndOffset(t *testing.T) {
	a, now := mailWorld(t)
	ctx := context.Background()
	group := fixtures.GroupID(t, a, "intervisie-bornem") // offsets: 7 days, 1 day, 2 hours
	pro := fixtures.AddPerson(t, a, fixtures.Person{Kind: "professional", Name: "An", Email: "an@example.org"})
	reg := fixtures.Register(t, a, pro, "intervisie-bornem", "admitted", "")
	if err := a.PlanReminders(ctx, reg); err != nil {
		t.Fatal(err)
	}
	sessions := fixtures.Sessions(t, a, group)
	want := wantReminders(reg, sessions, []int{10080, 1440, 120}, *now)
	if len(want) != 3*len(sessions) {
		t.Fatalf("test setup: every offset should be ahead, got %d for %d sessions", len(want), len(sessions))
	}
	sameReminders(t, queuedReminders(t, a), want)

	// Planning again changes nothing.
	if err := a.PlanReminders(ctx, reg); err != nil {
		t.Fatal(err)
	}
	sameReminders(t, queuedReminders(t, a), want)
	for _, r := range fixtures.Rows(t, a, app.MailReminder) {
		if r.SessionID == nil || r.OffsetMinutes == nil || r.HasSecret {
			t.Errorf("reminder %s: session %v offset %v secret %v", r.DedupeKey, r.SessionID, r.OffsetMinutes, r.HasSecret)
		}
	}
}

func TestPlanRemindersSkipsWhatIsPastOrNotForThem(t *testing.T) {
	a, now := mailWorld(t)
	ctx := context.Background()
	group := fixtures.GroupID(t, a, "vrouwengroep-mechelen") // offsets: 7 days, 1 day
	sessions := fixtures.Sessions(t, a, group)
	// Three days before the first session: its 7-day reminder is past and must be skipped, not sent late.
	*now = sessions[0].StartsAt.Add(-72 * time.Hour)

	p := fixtures.AddPerson(t, a, fixtures.Person{Name: "Sara", Email: "sara@example.org", ContactEmail: true})
	reg := fixtures.Register(t, a, p, "vrouwengroep-mechelen", "admitted", "")
	// Excused for the second session already: no reminders for it.
	if _, err := a.Store.DB.Exec(`INSERT INTO attendance (session_id, person_id, registration_id, status, by_self)
		VALUES ($1, $2, $3, 'excused', true)`, sessions[1].ID, p, reg); err != nil {
		t.Fatal(err)
	}
	child := fixtures.AddPerson(t, a, fixtures.Person{Kind: "child", Name: "Kind"})
	childReg := fixtures.Register(t, a, child, "blaffen-mechelen", "admitted", "child")
	asker := fixtures.AddPerson(t, a, fixtures.Person{Name: "Vraag", Email: "v@example.org", ContactEmail: true})
	requested := fixtures.Register(t, a, asker, "vrouwengroep-mechelen", "requested", "")
	for _, r := range []int64{reg, childReg, requested} {
		if err := a.PlanReminders(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	var planned []fixtures.Session
	for i, s := range sessions {
		if i != 1 {
			planned = append(planned, s)
		}
	}
	want := wantReminders(reg, planned, []int{10080, 1440}, *now)
	if _, ok := want[fmt.Sprintf("reminder:%d:%d:10080", reg, sessions[0].ID)]; ok {
		t.Fatal("test setup: the first 7-day reminder should be past")
	}
	sameReminders(t, queuedReminders(t, a), want)
}

func TestDropRemindersAndPlanAgain(t *testing.T) {
	a, _ := mailWorld(t)
	ctx := context.Background()
	sessions := fixtures.Sessions(t, a, fixtures.GroupID(t, a, "mannengroep"))
	p := fixtures.AddPerson(t, a, fixtures.Person{Name: "Tom", Email: "tom@example.org", ContactEmail: true})
	reg := fixtures.Register(t, a, p, "mannengroep", "admitted", "")
	if err := a.PlanReminders(ctx, reg); err != nil {
		t.Fatal(err)
	}
	all := len(queuedReminders(t, a))

	// Excused for one session: its two reminders go.
	if err := a.DropReminders(ctx, reg, &sessions[2].ID); err != nil {
		t.Fatal(err)
	}
	if got := len(queuedReminders(t, a)); got != all-2 {
		t.Fatalf("after excusing one session: %d reminders, want %d", got, all-2)
	}
	for _, r := range fixtures.Rows(t, a, app.MailReminder) {
		if *r.SessionID == sessions[2].ID && (r.Status != app.OutboxCancelled || r.LastError == "") {
			t.Errorf("reminder %s: %s %q", r.DedupeKey, r.Status, r.LastError)
		}
	}
	// The excuse is withdrawn: planning again brings them back.
	if err := a.PlanReminders(ctx, reg); err != nil {
		t.Fatal(err)
	}
	if got := len(queuedReminders(t, a)); got != all {
		t.Fatalf("after planning again: %d reminders, want %d", got, all)
	}
	// Cancelled altogether: none left.
	if err := a.DropReminders(ctx, reg, nil); err != nil {
		t.Fatal(err)
	}
	if got := len(queuedReminders(t, a)); got != 0 {
		t.Fatalf("after cancelling: %d reminders left", got)
	}
}

func TestMoveSessionReplansReminders(t *testing.T) {
	a, now := mailWorld(t)
	ctx := context.Background()
	group := fixtures.GroupID(t, a, "vrouwengroep-lier")
	coordinator := fixtures.AddStaff(t, a, "coord@example.org", "Coördinator", app.RoleCoordinator, "")
	s := fixtures.Sessions(t, a, group)[0]
	var regs []int64
	for i := range 3 {
		p := fixtures.AddPerson(t, a, fixtures.Person{Name: fmt.Sprint("P", i), Email: fmt.Sprintf("p%d@example.org", i), ContactEmail: true})
		regs = append(regs, fixtures.Register(t, a, p, "vrouwengroep-lier", "admitted", ""))
		if err := a.PlanReminders(ctx, regs[i]); err != nil {
			t.Fatal(err)
		}
	}
	reminders := func() map[string]fixtures.Outbox {
		out := map[string]fixtures.Outbox{}
		for _, r := range fixtures.Rows(t, a, app.MailReminder) {
			if *r.SessionID == s.ID {
				out[r.DedupeKey] = r
			}
		}
		return out
	}
	if len(reminders()) != 6 {
		t.Fatalf("setup: %d reminders for the session, want 6", len(reminders()))
	}

	// One day later: every waiting reminder moves one day, and every member hears of it.
	later := s.StartsAt.Add(24 * time.Hour)
	if err := a.MoveSession(ctx, fixtures.Actor(t, a, coordinator), s.ID, later, later.Add(2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	for k, r := range reminders() {
		due := later.Add(-time.Duration(*r.OffsetMinutes) * time.Minute)
		if r.Status != app.OutboxQueued || !r.DueAt.Equal(due) {
			t.Errorf("%s: %s due %v, want queued at %v", k, r.Status, r.DueAt, due)
		}
	}
	changed := fixtures.Rows(t, a, app.MailSessionChanged)
	if len(changed) != 3 {
		t.Fatalf("%d session_changed mails, want 3", len(changed))
	}
	if want := fmt.Sprintf(`{"old_starts_at": "%s"}`, s.StartsAt.Format(time.RFC3339)); string(changed[0].Params) != want {
		t.Errorf("params %s, want %s", changed[0].Params, want)
	}

	// Closer: two days from now. The 7-day reminders' time has passed: dropped, not sent late.
	soon := now.Add(48 * time.Hour)
	if err := a.MoveSession(ctx, fixtures.Actor(t, a, coordinator), s.ID, soon, soon.Add(2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	for k, r := range reminders() {
		switch *r.OffsetMinutes {
		case 10080:
			if r.Status != app.OutboxCancelled {
				t.Errorf("%s: %s, want cancelled", k, r.Status)
			}
		case 1440:
			if r.Status != app.OutboxQueued || !r.DueAt.Equal(soon.Add(-24*time.Hour)) {
				t.Errorf("%s: %s at %v", k, r.Status, r.DueAt)
			}
		}
	}

	// The 1-day reminder of the first member goes out; then the session moves three weeks ahead. Both offsets
	// are ahead again: the dropped ones come back and the sent one goes out again for the new time.
	if _, err := a.Store.DB.Exec(`UPDATE outbox SET status = 'sent' WHERE dedupe_key = $1`,
		fmt.Sprintf("reminder:%d:%d:1440", regs[0], s.ID)); err != nil {
		t.Fatal(err)
	}
	far := now.Add(21 * 24 * time.Hour)
	if err := a.MoveSession(ctx, fixtures.Actor(t, a, coordinator), s.ID, far, far.Add(2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	for k, r := range reminders() {
		due := far.Add(-time.Duration(*r.OffsetMinutes) * time.Minute)
		if r.Status != app.OutboxQueued || !r.DueAt.Equal(due) {
			t.Errorf("%s: %s due %v, want queued at %v", k, r.Status, r.DueAt, due)
		}
	}
	if n := len(fixtures.Rows(t, a, app.MailSessionChanged)); n != 9 {
		t.Errorf("%d session_changed mails after three moves of a group of three, want 9", n)
	}
	var audits int
	if err := a.Store.DB.Get(&audits, `SELECT count(*) FROM audit_log WHERE action = $1 AND staff_id = $2`, app.AuditSessionMove,
		coordinator); err != nil || audits != 3 {
		t.Errorf("audit: %d entries (%v), want 3", audits, err)
	}
}

func TestMoveAndCancelSessionRights(t *testing.T) {
	a, _ := mailWorld(t)
	ctx := context.Background()
	group := fixtures.GroupID(t, a, "mannengroep")
	other := fixtures.GroupID(t, a, "moedige-moeders")
	s := fixtures.Sessions(t, a, group)[1]
	mine := fixtures.AddStaff(t, a, "f1@example.org", "F1", app.RoleFacilitator, "")
	theirs := fixtures.AddStaff(t, a, "f2@example.org", "F2", app.RoleFacilitator, "")
	fixtures.Facilitate(t, a, mine, group)
	fixtures.Facilitate(t, a, theirs, other)
	start := s.StartsAt.Add(time.Hour)

	if err := a.MoveSession(ctx, fixtures.Actor(t, a, theirs), s.ID, start, start.Add(time.Hour)); !errors.Is(err, app.ErrForbidden) {
		t.Errorf("facilitator of another group moved a session: %v", err)
	}
	if err := a.CancelSession(ctx, fixtures.Actor(t, a, theirs), s.ID); !errors.Is(err, app.ErrForbidden) {
		t.Errorf("facilitator of another group cancelled a session: %v", err)
	}
	if err := a.MoveSession(ctx, fixtures.Actor(t, a, mine), s.ID, start, start); err == nil {
		t.Error("a session that ends when it starts was accepted")
	} else if v, ok := app.AsValidation(err); !ok || v.Fields["to"] == "" {
		t.Errorf("want a validation error on to, got %v", err)
	}
	if err := a.MoveSession(ctx, fixtures.Actor(t, a, mine), 999999, start, start.Add(time.Hour)); !errors.Is(err, app.ErrNotFound) {
		t.Errorf("unknown session: %v", err)
	}
	if err := a.MoveSession(ctx, fixtures.Actor(t, a, mine), s.ID, start, start.Add(time.Hour)); err != nil {
		t.Errorf("own facilitator: %v", err)
	}
	if err := a.CancelSession(ctx, fixtures.Actor(t, a, mine), s.ID); err != nil {
		t.Fatal(err)
	}
	if err := a.MoveSession(ctx, fixtures.Actor(t, a, mine), s.ID, start, start.Add(time.Hour)); !errors.Is(err, app.ErrTransition) {
		t.Errorf("moved a cancelled session: %v", err)
	}
}

func TestCancelSessionDropsRemindersAndTellsMembers(t *testing.T) {
	a, now := mailWorld(t)
	ctx := context.Background()
	group := fixtures.GroupID(t, a, "moedige-moeders")
	admin := fixtures.AddStaff(t, a, "admin@example.org", "Admin", app.RoleAdmin, "")
	sessions := fixtures.Sessions(t, a, group)
	var regs []int64
	for i := range 2 {
		p := fixtures.AddPerson(t, a, fixtures.Person{Name: fmt.Sprint("M", i), Email: fmt.Sprintf("m%d@example.org", i), ContactEmail: true})
		regs = append(regs, fixtures.Register(t, a, p, "moedige-moeders", "admitted", ""))
		if err := a.PlanReminders(ctx, regs[i]); err != nil {
			t.Fatal(err)
		}
	}
	target := sessions[3]
	for range 2 { // twice: the second call changes nothing
		if err := a.CancelSession(ctx, fixtures.Actor(t, a, admin), target.ID); err != nil {
			t.Fatal(err)
		}
	}
	for _, r := range fixtures.Rows(t, a, app.MailReminder) {
		want := app.OutboxQueued
		if *r.SessionID == target.ID {
			want = app.OutboxCancelled
		}
		if r.Status != want {
			t.Errorf("%s: %s, want %s", r.DedupeKey, r.Status, want)
		}
	}
	if got := fixtures.Rows(t, a, app.MailSessionCancelled); len(got) != 2 {
		t.Errorf("%d session_cancelled mails, want 2", len(got))
	}
	// A session that has started cannot be cancelled any more.
	*now = sessions[0].StartsAt.Add(time.Minute)
	if err := a.CancelSession(ctx, fixtures.Actor(t, a, admin), sessions[0].ID); !errors.Is(err, app.ErrTransition) {
		t.Errorf("cancelled a session that started: %v", err)
	}
}

func TestPlanSessionRemindersForANewSession(t *testing.T) {
	a, now := mailWorld(t)
	ctx := context.Background()
	group := fixtures.GroupID(t, a, "rotonde-groep-1")
	p := fixtures.AddPerson(t, a, fixtures.Person{Name: "R", Email: "r@example.org", ContactEmail: true})
	reg := fixtures.Register(t, a, p, "rotonde-groep-1", "admitted", "")
	start := now.Add(30 * 24 * time.Hour)
	var id int64
	if err := a.Store.DB.Get(&id, `INSERT INTO sessions (group_id, starts_at, ends_at) VALUES ($1, $2, $3) RETURNING id`,
		group, start, start.Add(2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := a.PlanSessionReminders(ctx, id); err != nil {
		t.Fatal(err)
	}
	want := wantReminders(reg, []fixtures.Session{{ID: id, StartsAt: start}}, []int{10080, 1440}, *now)
	sameReminders(t, queuedReminders(t, a), want)
}

func TestQueueAttendanceMailsOncePerFacilitator(t *testing.T) {
	a, now := mailWorld(t)
	ctx := context.Background()
	group := fixtures.GroupID(t, a, "intervisie-mechelen")
	other := fixtures.GroupID(t, a, "intervisie-lier")
	for i, g := range []int64{group, group, other} {
		s := fixtures.AddStaff(t, a, fmt.Sprintf("f%d@example.org", i), fmt.Sprint("F", i), app.RoleFacilitator, "")
		fixtures.Facilitate(t, a, s, g)
	}
	first := fixtures.Sessions(t, a, group)[0]
	*now = first.EndsAt.Add(time.Minute)

	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			if err := a.QueueAttendanceMails(ctx); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	rows := fixtures.Rows(t, a, app.MailTakeAttendance)
	if len(rows) != 2 {
		t.Fatalf("%d attendance mails, want one for each of the two facilitators", len(rows))
	}
	for _, r := range rows {
		if *r.SessionID != first.ID {
			t.Errorf("attendance mail for session %d, want %d", *r.SessionID, first.ID)
		}
	}
	// Long past sessions and cancelled ones get none.
	*now = now.Add(800 * 24 * time.Hour)
	if err := a.QueueAttendanceMails(ctx); err != nil {
		t.Fatal(err)
	}
	if rows := fixtures.Rows(t, a, app.MailTakeAttendance); len(rows) != 2 {
		t.Errorf("%d attendance mails after a year, want still 2", len(rows))
	}
}
