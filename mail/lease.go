package mail

import (
	"context"
	"sync"
	"time"
)

// lease is what one drain knows of its claims: which mails are still this worker's, when the database last
// confirmed that, and whether outcomes are being recorded. A mail is sent only while all three hold.
type lease struct {
	mu        sync.Mutex
	held      map[int64]struct{} // the claimed mails still this worker's
	renewed   time.Time          // when the database last confirmed the claims (local clock)
	recording bool               // false while writing outcomes fails
	changed   chan struct{}      // closed and replaced on every change, to wake waiting senders
}

func newLease() *lease {
	return &lease{held: map[int64]struct{}{}, recording: true, changed: make(chan struct{})}
}

// wake tells waiting senders that something changed; call with mu held.
func (l *lease) wake() {
	close(l.changed)
	l.changed = make(chan struct{})
}

// claimed adds mails that a claim made at claimedAt took.
func (l *lease) claimed(ids []int64, claimedAt time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, id := range ids {
		l.held[id] = struct{}{}
	}
	if claimedAt.After(l.renewed) {
		l.renewed = claimedAt
	}
	l.wake()
}

// dropped forgets mails that were claimed but will not be sent by this drain (none was handed to a sender).
func (l *lease) dropped(ids []int64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, id := range ids {
		delete(l.held, id)
	}
	l.wake()
}

// ids lists the mails held.
func (l *lease) ids() []int64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make([]int64, 0, len(l.held))
	for id := range l.held {
		out = append(out, id)
	}
	return out
}

// renewedAt records a renewal that started at start, asked for the mails asked, and found mine still claimed by
// this worker: a mail asked for that is not among them was taken over by another worker (or its outcome is
// recorded). Only the mails asked for count: one claimed while the renewal was on its way was not in it.
func (l *lease) renewedAt(start time.Time, asked, mine []int64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	still := make(map[int64]bool, len(mine))
	for _, id := range mine {
		still[id] = true
	}
	for _, id := range asked {
		if !still[id] {
			delete(l.held, id)
		}
	}
	if start.After(l.renewed) {
		l.renewed = start
	}
	l.wake()
}

// recordingOK says whether the last write of outcomes succeeded.
func (l *lease) recordingOK(ok bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.recording != ok {
		l.recording = ok
		l.wake()
	}
}

type leaseAnswer int

const (
	leaseOK      leaseAnswer = iota
	leaseGone                // another worker has the mail now: do not send it
	leaseStopped             // the worker is stopping
)

// wait blocks until mail id may be sent: outcomes are being recorded and the claims were confirmed less than
// maxAge ago. It returns leaseGone when the mail is no longer this worker's, leaseStopped when ctx ends first.
func (l *lease) wait(ctx context.Context, id int64, maxAge time.Duration) leaseAnswer {
	for {
		l.mu.Lock()
		_, mine := l.held[id]
		ok := l.recording && time.Since(l.renewed) < maxAge
		changed := l.changed
		l.mu.Unlock()
		switch {
		case !mine:
			return leaseGone
		case ok:
			return leaseOK
		}
		t := time.NewTimer(100 * time.Millisecond)
		select {
		case <-ctx.Done():
			t.Stop()
			return leaseStopped
		case <-changed:
			t.Stop()
		case <-t.C:
		}
	}
}

// renew confirms the drain's claims every Heartbeat (every second or so while the database does not answer)
// until the returned stop is called.
func (w *Worker) renew(l *lease) (stop func()) {
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		every := w.Heartbeat
		for {
			t := time.NewTimer(every)
			select {
			case <-done:
				t.Stop()
				return
			case <-t.C:
			}
			ids := l.ids()
			if len(ids) == 0 {
				every = w.Heartbeat
				continue
			}
			start := time.Now()
			// A renewal that hangs on a dead connection must give up well within Stall, so that the next one,
			// on a fresh connection, lands before another worker may judge these claims stalled.
			ctx, cancel := context.WithTimeout(context.Background(), min(max(w.RecordGrace, 5*time.Second), w.Stall/4))
			mine, err := w.App.Store.RenewMail(ctx, w.ID, w.App.Now(), ids)
			cancel()
			if err != nil {
				w.dbFailed(err)
				every = min(w.Heartbeat, time.Second)
				continue
			}
			w.dbAnswered(start)
			l.renewedAt(start, ids, mine)
			every = w.Heartbeat
		}
	}()
	return func() {
		close(done)
		<-finished
	}
}
