package mail

import (
	"errors"
	"io"
	"log/slog"
	"testing"
	"time"

	"portal/app"
)

// A worker judges another's claims stalled only after it has reached the database without a failure, and
// without a call that waited, for a whole stall timeout: right after an outage (a failed call, or a call that
// hung through a freeze and then answered) every claim looks stalled, since nobody could renew during it.
func TestNoTakeoverUntilTheDatabaseWasBackForAStall(t *testing.T) {
	now := time.Date(2026, 3, 29, 0, 30, 0, 0, time.UTC)
	w := &Worker{App: &app.App{Now: func() time.Time { return now }}, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Stall: 5 * time.Second, Heartbeat: 250 * time.Millisecond}
	w.init()
	never := func(when string) {
		t.Helper()
		if got := w.stallFor(); got < 24*time.Hour {
			t.Errorf("%s: stalled rows are taken after %v", when, got)
		}
	}
	never("before the first answer")
	w.dbAnswered(time.Now())
	never("at the first answer")
	now = now.Add(w.Stall - time.Millisecond)
	never("just under a stall timeout later")
	now = now.Add(time.Millisecond)
	if got := w.stallFor(); got != w.Stall {
		t.Errorf("after a stall timeout of answers: %v, want %v", got, w.Stall)
	}

	// A failed call starts the wait again.
	w.dbFailed(errors.New("connection refused"))
	never("after a failed call")
	w.dbAnswered(time.Now())
	now = now.Add(w.Stall - time.Millisecond)
	never("just under a stall timeout after the failure")

	// So does a call that waited longer than a heartbeat: it may have hung through a freeze.
	now = now.Add(time.Hour)
	if got := w.stallFor(); got != w.Stall {
		t.Fatalf("setup: %v", got)
	}
	w.dbAnswered(time.Now().Add(-2 * w.Heartbeat))
	never("after a call that hung")
	now = now.Add(w.Stall)
	if got := w.stallFor(); got != w.Stall {
		t.Errorf("a stall timeout after the hung call: %v, want %v", got, w.Stall)
	}
}

// A renewal judges only the mails it asked about: a mail claimed while the renewal was on its way (its claim
// began before the renewal did) stays this worker's and is sent, not dropped as if another worker had taken it.
// Dropped, it was neither sent nor handed back, and waited for the stall timeout.
func TestRenewalJudgesOnlyTheMailsItAskedAbout(t *testing.T) {
	l := newLease()
	claimStart := time.Now()
	l.claimed([]int64{1, 2}, claimStart)
	asked := l.ids()
	start := time.Now()
	l.claimed([]int64{3}, claimStart) // a second claim, begun before the renewal, answered during it
	l.renewedAt(start, asked, []int64{1})
	ctx := t.Context()
	for id, want := range map[int64]leaseAnswer{1: leaseOK, 2: leaseGone, 3: leaseOK} {
		if got := l.wait(ctx, id, time.Minute); got != want {
			t.Errorf("mail %d: %v, want %v", id, got, want)
		}
	}
}
