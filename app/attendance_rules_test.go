package app_test

import (
	"errors"
	"testing"
	"time"

	"portal/app"
	"portal/internal/fixtures"
	"portal/internal/testenv"
)

// Attendance is taken for sessions that have started and were not cancelled, and facilitators are asked to take
// it only while it is missing.
func TestAttendanceOnlyForStartedSessionsAndAskedOnlyWhileMissing(t *testing.T) {
	a, now := mailWorld(t)
	ctx := t.Context()
	group := fixtures.GroupID(t, a, "intervisie-mechelen")
	f := fixtures.AddStaff(t, a, "fac@example.org", "Fac", app.RoleFacilitator, "")
	fixtures.Facilitate(t, a, f, group)
	me := fixtures.Actor(t, a, f)
	person := fixtures.AddPerson(t, a, fixtures.Person{Kind: "professional", Name: "Pro", Email: "pro@example.be"})
	fixtures.Register(t, a, person, "intervisie-mechelen", app.StatusAdmitted, "")
	sessions := fixtures.Sessions(t, a, group)
	if len(sessions) < 3 {
		t.Fatalf("%d sessions, want 3 or more", len(sessions))
	}
	first, second, third := sessions[0], sessions[1], sessions[2]
	present := map[int64]string{person: app.MarkPresent}

	// Before the session: no marks, no walk-ins, and the roll call says so.
	*now = first.StartsAt.Add(-time.Minute)
	if err := a.MarkMany(ctx, me, first.ID, present); !errors.Is(err, app.ErrTransition) {
		t.Errorf("marked a session that has not started: %v", err)
	}
	if _, err := a.AddWalkIn(ctx, me, first.ID, "Walk", app.RoleParticipant); !errors.Is(err, app.ErrTransition) {
		t.Errorf("a walk-in for a session that has not started: %v", err)
	}
	if rc, err := a.RollCallOf(ctx, me, first.ID); err != nil || rc.Open {
		t.Errorf("roll call before the start: open %v, %v", rc.Open, err)
	}

	// Someone excused themselves beforehand: that is no roll call, the facilitator is still asked.
	other := fixtures.AddPerson(t, a, fixtures.Person{Kind: "professional", Name: "Bo", Email: "bo@example.be"})
	otherReg := fixtures.Register(t, a, other, "intervisie-mechelen", app.StatusAdmitted, "")
	testenv.MustExec(t, a.Store.DB, `INSERT INTO attendance (session_id, person_id, registration_id, status, by_self)
		VALUES ($1, $2, $3, 'excused', true)`, first.ID, other, otherReg)

	// After the first session: asked once; taking attendance drops the request still waiting.
	*now = first.EndsAt.Add(time.Minute)
	if rc, err := a.RollCallOf(ctx, me, first.ID); err != nil || !rc.Open {
		t.Errorf("roll call after the start: open %v, %v", rc.Open, err)
	}
	if err := a.QueueAttendanceMails(ctx); err != nil {
		t.Fatal(err)
	}
	if got := waiting(fixtures.Rows(t, a, app.MailTakeAttendance)); got != 1 {
		t.Fatalf("%d attendance mails waiting, want 1", got)
	}
	if err := a.MarkMany(ctx, me, first.ID, present); err != nil {
		t.Fatal(err)
	}
	if got := waiting(fixtures.Rows(t, a, app.MailTakeAttendance)); got != 0 {
		t.Errorf("%d attendance mails still waiting after attendance was taken, want 0", got)
	}

	// The second session's attendance is taken while it runs: nobody is asked afterwards.
	*now = second.StartsAt.Add(30 * time.Minute)
	if err := a.MarkMany(ctx, me, second.ID, present); err != nil {
		t.Fatal(err)
	}
	*now = second.EndsAt.Add(time.Minute)
	if err := a.QueueAttendanceMails(ctx); err != nil {
		t.Fatal(err)
	}
	for _, r := range fixtures.Rows(t, a, app.MailTakeAttendance) {
		if *r.SessionID == second.ID {
			t.Errorf("asked to take attendance of a session whose attendance was taken (%s)", r.Status)
		}
	}

	// A cancelled session takes no attendance, before or after its time.
	*now = third.StartsAt.Add(-24 * time.Hour)
	if err := a.CancelSession(ctx, me, third.ID); err != nil {
		t.Fatal(err)
	}
	*now = third.StartsAt.Add(time.Hour)
	if err := a.MarkMany(ctx, me, third.ID, present); !errors.Is(err, app.ErrTransition) {
		t.Errorf("marked a cancelled session: %v", err)
	}
	if rc, err := a.RollCallOf(ctx, me, third.ID); err != nil || rc.Open {
		t.Errorf("roll call of a cancelled session: open %v, %v", rc.Open, err)
	}
}

// waiting counts the mails not sent and not cancelled.
func waiting(rows []fixtures.Outbox) int {
	n := 0
	for _, r := range rows {
		if r.Status == "queued" || r.Status == "retrying" {
			n++
		}
	}
	return n
}
