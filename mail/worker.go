package mail

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"time"

	gomail "github.com/wneessen/go-mail"

	"portal/app"
	"portal/app/db"
)

// Worker sends the outbox: it claims due mails in batches, composes and sends each one, and records the outcome.
// Any number of workers, in any number of processes, may share one database: a claim takes rows with FOR UPDATE
// SKIP LOCKED, so each mail is sent by one worker. A worker that dies leaves its rows in sending; after Stall
// another worker takes them again.
//
// Exactly once through a database outage: a worker renews its claims every Heartbeat, so only the rows of a
// worker that stopped renewing stall. When it cannot record an outcome or renew its claims, it stops sending and
// keeps what it sent in memory, trying again until the database answers; then it records it. It sends a mail
// only while its claims were renewed less than Stall/2 ago, and it takes over stalled rows only after it has
// reached the database without a failure for a whole Stall: an outage of the database stops every worker's
// renewals at once, so right after it every claim looks stalled, and the workers that lived through it need
// that time to renew theirs before anyone judges them dead. The one duplicate left is a worker that dies (or is
// cut off from the database, alone, for longer than Stall) after the SMTP server took a mail and before the
// outcome was recorded.
type Worker struct {
	App      *app.App
	Sender   *Sender
	Composer *Composer
	Log      *slog.Logger
	// ID names this worker in the outbox (claimed_by) and its attempts.
	ID string
	// Batch is how many mails one claim takes: by default what the sender's rate limit allows in ten seconds
	// (at least 20, at most 500). A batch must take well under Stall to send.
	Batch int
	// Poll is the pause between two looks at the outbox when it is empty (default 1 s).
	Poll time.Duration
	// Stall is how long a mail may stay in sending before another worker takes it again (default 10 min).
	Stall time.Duration
	// JobEvery is how often the worker queues the "take attendance" mails (default 1 min).
	JobEvery time.Duration
	// Heartbeat is how often the worker renews its claims while it holds mail (default Stall/10).
	Heartbeat time.Duration
	// RecordGrace is how long, after a stop, the worker keeps trying to record what it sent while the database
	// does not answer (default 5 s). Outcomes still unrecorded then are lost: those mails go out again after Stall.
	RecordGrace time.Duration

	initOnce     sync.Once
	dbOutage     *app.Outage
	smtpOutage   *app.Outage
	healthyMu    sync.Mutex
	healthySince time.Time // since when every database call succeeded (App.Now); zero after a failure
	orphans      bool      // a database call failed since the last drain began: claims may be left under our name
}

// NewWorker returns a worker with the default settings and a unique ID.
func NewWorker(a *app.App, s *Sender, c *Composer, log *slog.Logger) *Worker {
	if log == nil {
		log = slog.Default()
	}
	host, _ := os.Hostname()
	b := make([]byte, 3)
	_, _ = rand.Read(b)
	batch := 500
	if r := s.Rate(); r > 0 {
		batch = min(max(int(10*r), 20), 500)
	}
	w := &Worker{App: a, Sender: s, Composer: c, Log: log,
		ID:    fmt.Sprintf("%s/%d/%s", host, os.Getpid(), hex.EncodeToString(b)),
		Batch: batch, Poll: time.Second, Stall: 10 * time.Minute, JobEvery: time.Minute, RecordGrace: 5 * time.Second}
	if a != nil {
		w.healthySince = a.Now()
	}
	return w
}

func (w *Worker) init() {
	w.initOnce.Do(func() {
		w.dbOutage = &app.Outage{What: "mail worker: database", Log: w.Log}
		w.smtpOutage = &app.Outage{What: "mail worker: SMTP server", Log: w.Log}
		if w.Heartbeat <= 0 {
			w.Heartbeat = max(w.Stall/10, 10*time.Millisecond)
		}
		if w.RecordGrace <= 0 {
			w.RecordGrace = 5 * time.Second
		}
	})
}

// dbFailed notes a failed database call: logged once per outage, and no stalled rows are taken until the
// database has answered for a whole Stall again.
func (w *Worker) dbFailed(err error) {
	if db.Unavailable(err) {
		w.dbOutage.Fail(err)
	} else {
		w.Log.Error("mail worker", "err", err.Error())
	}
	w.healthyMu.Lock()
	w.healthySince = time.Time{}
	w.orphans = true
	w.healthyMu.Unlock()
}

// dbAnswered notes a successful database call that started at start. A call that took longer than a
// heartbeat counts as the end of an outage all the same: it may have waited out a freeze during which no worker
// could renew its claims, and a short freeze fails no call.
func (w *Worker) dbAnswered(start time.Time) {
	w.dbOutage.OK()
	slow := time.Since(start) > w.Heartbeat
	w.healthyMu.Lock()
	if w.healthySince.IsZero() || slow {
		w.healthySince = w.App.Now()
	}
	w.healthyMu.Unlock()
}

// stallFor is the stall timeout for the next claim: Stall once the database has answered for a whole Stall,
// else so long that no stalled row is taken. A claim is judged by when it was last renewed, and nobody could
// renew during an outage: until the database has been back for Stall, a claim that looks stalled may belong to
// a worker that is alive, has sent mail it could not record yet, and is about to renew.
func (w *Worker) stallFor() time.Duration {
	w.healthyMu.Lock()
	defer w.healthyMu.Unlock()
	if !w.healthySince.IsZero() && w.App.Now().Sub(w.healthySince) >= w.Stall {
		return w.Stall
	}
	return 100 * 365 * 24 * time.Hour
}

// Stats counts what a drain did.
type Stats struct {
	Sent, Retrying, Failed, Cancelled int
}

// Total is every mail the drain handled.
func (s Stats) Total() int { return s.Sent + s.Retrying + s.Failed + s.Cancelled }

// Run sends mail until ctx is cancelled, then finishes the mail in hand, hands the rest of its batch back to
// the queue, closes the SMTP connection and returns.
func (w *Worker) Run(ctx context.Context) {
	w.init()
	w.Log.Info("mail worker started", "worker", w.ID, "smtp", w.Sender.Addr)
	defer w.Log.Info("mail worker stopped", "worker", w.ID)
	defer w.Sender.Close()
	var lastJob time.Time
	for {
		if time.Since(lastJob) >= w.JobEvery {
			lastJob = time.Now()
			if err := w.App.QueueAttendanceMails(context.WithoutCancel(ctx)); err != nil {
				w.dbFailed(fmt.Errorf("queueing attendance mails: %w", err))
			}
		}
		// Drain logs what failed (once per outage).
		_, _ = w.Drain(ctx)
		// The outbox is empty: let the server have its connection back until there is mail again.
		_ = w.Sender.Close()
		t := time.NewTimer(w.Poll)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
	}
}

// Drain sends until nothing is due (or ctx is cancelled, or the server cannot be reached), keeping the SMTP
// connection open throughout. Tests and benchmarks call it directly.
//
// It is a pipeline, so that the database, the templates and the SMTP server work at the same time: one goroutine
// claims batches, loads them and composes each mail; one per SMTP connection sends them; another records the
// outcomes. On a stop, mails that were claimed but not tried go back to the queue at once.
func (w *Worker) Drain(ctx context.Context) (Stats, error) {
	w.init()
	// Bookkeeping must finish even when ctx is cancelled: the mail in hand was sent.
	db := context.WithoutCancel(ctx)
	if err := w.releaseOrphans(db); err != nil {
		w.dbFailed(err)
		return Stats{}, err
	}
	size := w.Batch
	if size <= 0 {
		size = 50
	}
	l := newLease()
	rec := w.startRecorder(ctx, size, l)
	stopRenewing := w.renew(l)
	// Composing a few dozen mails ahead keeps the connections busy; more would only hold memory.
	ready := make(chan prepared, min(size, 64))
	stop := make(chan struct{})   // closed on a stop: hand the rest back at once
	noMore := make(chan struct{}) // closed when the server is down: finish this batch, claim no more
	claimErr := make(chan error, 1)
	go func() { claimErr <- w.prepare(ctx, db, size, ready, stop, noMore, l) }()

	d := &dispatch{stop: stop, noMore: noMore}
	var wg sync.WaitGroup
	for range w.Sender.Connections() {
		wg.Go(func() { w.send(ctx, ready, rec, d, l) })
	}
	wg.Wait()
	err := errors.Join(<-claimErr, rec.finish())
	stopRenewing()
	if rerr := w.release(db, d.unsent); rerr != nil {
		err = errors.Join(err, rerr)
	}
	if err != nil {
		w.dbFailed(err)
	}
	return d.stats, err
}

// releaseOrphans hands back, after a failed database call, what this worker's name still holds although no
// drain holds it: a claim whose answer was lost on a broken connection (PostgreSQL committed it; the worker never
// learned which mails it took), or mails it could not hand back while the database was away. None of them was
// tried. Left alone they would wait for the stall timeout, which is for workers that died.
func (w *Worker) releaseOrphans(ctx context.Context) error {
	w.healthyMu.Lock()
	orphans := w.orphans
	w.healthyMu.Unlock()
	if !orphans {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, max(w.RecordGrace, 5*time.Second))
	defer cancel()
	start := time.Now()
	n, err := w.App.Store.ReleaseOrphans(ctx, w.ID, nil)
	if err != nil {
		return err
	}
	w.dbAnswered(start)
	w.healthyMu.Lock()
	w.orphans = false
	w.healthyMu.Unlock()
	if n > 0 {
		w.Log.Info("mail worker handed back mails it had claimed during a database outage", "mails", n, "worker", w.ID)
	}
	return nil
}

// release hands claimed mails that were not tried back to the queue. When the database does not answer they
// stay claimed: the next drain hands them back (releaseOrphans), or, after a stop, they stall; they were not
// sent, so either way they go out once.
func (w *Worker) release(ctx context.Context, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, w.RecordGrace)
	defer cancel()
	return w.App.Store.ReleaseMail(ctx, ids, w.ID)
}

// dispatch is what the sending goroutines of one drain share.
type dispatch struct {
	mu      sync.Mutex
	stats   Stats
	unsent  []int64 // claimed but not tried: back to the queue
	down    error   // once the server cannot be reached, the mails in hand record that failure without a try
	stop    chan struct{}
	noMore  chan struct{}
	stopped bool
}

// send takes prepared mails and sends them, one at a time, until ready is closed.
func (w *Worker) send(ctx context.Context, ready <-chan prepared, rec *recorder, d *dispatch, l *lease) {
	for p := range ready {
		// Only while this worker's claims are current and its outcomes are being recorded.
		switch l.wait(ctx, p.data.ID, w.Stall/2) {
		case leaseGone:
			continue // another worker took it over while this one could not reach the database
		case leaseStopped:
			d.mu.Lock()
			if !d.stopped {
				d.stopped = true
				close(d.stop)
			}
			d.unsent = append(d.unsent, p.data.ID)
			d.mu.Unlock()
			continue
		}
		d.mu.Lock()
		if !d.stopped && ctx.Err() != nil {
			d.stopped = true
			close(d.stop)
		}
		stopped, down := d.stopped, d.down
		if stopped {
			d.unsent = append(d.unsent, p.data.ID)
		}
		d.mu.Unlock()
		if stopped {
			continue
		}
		var o app.MailOutcome
		var sendErr error
		if down != nil && p.data.Skip == "" {
			o = w.failed(p.data, w.App.Now(), down, false)
		} else {
			o, sendErr = w.deliver(ctx, p)
		}
		switch {
		case o.Status == app.OutboxSent:
			w.smtpOutage.OK()
		case sendErr != nil && p.composeErr == nil && !Permanent(sendErr):
			w.smtpOutage.Fail(errors.New(describe(sendErr)))
		}
		if o.Status != "" {
			rec.add(o)
		}
		d.mu.Lock()
		switch {
		case o.Status == "": // stopped before it was tried
			if !d.stopped {
				d.stopped = true
				close(d.stop)
			}
			d.unsent = append(d.unsent, p.data.ID)
		default:
			d.stats.count(o.Status)
			if d.down == nil && errors.Is(sendErr, ErrConnect) {
				// The server cannot be reached: the mails already prepared record the same failure, and the
				// drain ends; the next one tries again.
				d.down = sendErr
				close(d.noMore)
			}
		}
		d.mu.Unlock()
	}
}

func (s *Stats) count(status string) {
	switch status {
	case app.OutboxSent:
		s.Sent++
	case app.OutboxRetrying:
		s.Retrying++
	case app.OutboxFailed:
		s.Failed++
	case app.OutboxCancelled:
		s.Cancelled++
	}
}

// prepared is a claimed mail, composed and ready to send.
type prepared struct {
	data       app.MailData
	msg        *gomail.Msg
	info       Composed
	composeErr error
}

// prepare claims batches, loads and composes them, and hands them over in order until nothing is due, stop or
// noMore is closed, or ctx is cancelled; then it closes ready. What it claimed but could not hand over because
// of a stop goes back to the queue.
func (w *Worker) prepare(ctx, db context.Context, size int, ready chan<- prepared, stop, noMore <-chan struct{}, l *lease) error {
	defer close(ready)
	for ctx.Err() == nil {
		select {
		case <-stop:
			return nil
		case <-noMore:
			return nil
		default:
		}
		claimedAt := time.Now()
		ids, err := w.claim(db, size)
		if err != nil {
			w.handBackLost(ctx, db, l, stop)
			return err
		}
		if len(ids) == 0 {
			return nil
		}
		l.claimed(ids, claimedAt)
		mails, err := w.App.LoadMailData(db, ids)
		if err != nil {
			if rerr := w.App.Store.ReleaseMail(db, ids, w.ID); rerr != nil {
				l.dropped(ids) // never handed to a sender
				w.handBackLost(ctx, db, l, stop)
				err = errors.Join(err, rerr)
			}
			return err
		}
		for i, d := range mails {
			p := prepared{data: d}
			if d.Skip == "" {
				p.msg, p.info, p.composeErr = w.Composer.Compose(d, w.App.Now())
			}
			select {
			case ready <- p:
			case <-stop:
				rest := make([]int64, 0, len(mails)-i)
				for _, m := range mails[i:] {
					rest = append(rest, m.ID)
				}
				return w.App.Store.ReleaseMail(db, rest, w.ID)
			}
		}
	}
	return nil
}

// handBackLost hands back, right after a failed claim or release, what this worker's name holds beyond the
// drain's lease: a claim PostgreSQL committed while its answer was lost. Waiting for the next drain could take
// longer than Stall when the drain's senders wait out the outage, and another worker would then take the mails
// over as if this one had died. It tries every Heartbeat for at most Stall/2; prepare is the only goroutine that
// claims, so no claim is on its way meanwhile, and the lease lists every claim the drain may still send. It gives
// up at once when the worker stops (ctx) or the drain hands the rest back (stop).
// What is not handed back here is handed back before the next drain's first claim (releaseOrphans).
func (w *Worker) handBackLost(ctx, db context.Context, l *lease, stop <-chan struct{}) {
	until := time.Now().Add(w.Stall / 2)
	for {
		ctx, cancel := context.WithTimeout(db, max(w.Heartbeat, 100*time.Millisecond))
		start := time.Now()
		n, err := w.App.Store.ReleaseOrphans(ctx, w.ID, l.ids())
		cancel()
		if err == nil {
			w.dbAnswered(start)
			if n > 0 {
				w.Log.Info("mail worker handed back mails it had claimed during a database outage", "mails", n, "worker", w.ID)
			}
			return
		}
		t := time.NewTimer(w.Heartbeat)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-stop:
			t.Stop()
			return
		case <-t.C:
		}
		if time.Now().After(until) {
			return
		}
	}
}

// claim takes the next batch, within RecordGrace.
func (w *Worker) claim(ctx context.Context, size int) ([]int64, error) {
	ctx, cancel := context.WithTimeout(ctx, max(w.RecordGrace, 5*time.Second))
	defer cancel()
	start := time.Now()
	ids, err := w.App.Store.ClaimMail(ctx, w.ID, size, w.App.Now(), w.stallFor())
	if err == nil {
		w.dbAnswered(start)
	}
	return ids, err
}

// deliver sends one prepared mail and says what became of it (an empty status: it was not tried because the
// worker is stopping).
func (w *Worker) deliver(ctx context.Context, p prepared) (app.MailOutcome, error) {
	d := p.data
	now := w.App.Now()
	if d.Skip != "" {
		return app.MailOutcome{ID: d.ID, Status: app.OutboxCancelled, Error: d.Skip}, nil
	}
	if p.composeErr != nil {
		return w.failed(d, now, p.composeErr, true), p.composeErr
	}
	err := w.Sender.Send(ctx, p.msg)
	if err != nil && ctx.Err() != nil && errors.Is(err, ctx.Err()) {
		return app.MailOutcome{}, nil // stopped while waiting for the rate limit or the server: not an attempt
	}
	if err != nil {
		return w.failed(d, now, err, Permanent(err)), err
	}
	return app.MailOutcome{ID: d.ID, Status: app.OutboxSent, Subject: p.info.Subject, MessageID: p.info.MessageID}, nil
}

// failed is the outcome of a failed attempt: retried later with growing pauses, or failed for good when the
// error is permanent or the attempts are used up.
func (w *Worker) failed(d app.MailData, now time.Time, cause error, permanent bool) app.MailOutcome {
	reason := describe(cause)
	if permanent || d.Attempts >= d.MaxAttempts {
		w.Log.Warn("mail failed", "outbox_id", d.ID, "kind", d.Kind, "err", reason)
		return app.MailOutcome{ID: d.ID, Status: app.OutboxFailed, Error: reason}
	}
	return app.MailOutcome{ID: d.ID, Status: app.OutboxRetrying, RetryAt: now.Add(app.RetryDelay(d.Attempts)), Error: reason}
}

// recorder writes outcomes to the outbox in the background while the worker sends the next mails: whatever
// piled up during one write goes in the next, so the database never holds up the SMTP connection. When a write
// fails the worker stops sending (see lease) and the recorder tries again until the database answers, so a
// database outage of any length loses no outcome; only a stop (after RecordGrace) or a crash does, and those
// mails are sent again after the stall timeout.
type recorder struct {
	w     *Worker
	ctx   context.Context // the worker's: once it ends, the recorder tries for RecordGrace more
	lease *lease
	ch    chan app.MailOutcome
	done  chan error
}

func (w *Worker) startRecorder(ctx context.Context, size int, l *lease) *recorder {
	r := &recorder{w: w, ctx: ctx, lease: l, ch: make(chan app.MailOutcome, size), done: make(chan error, 1)}
	go r.run()
	return r
}

func (r *recorder) add(o app.MailOutcome) { r.ch <- o }

// finish waits until every outcome is written.
func (r *recorder) finish() error {
	close(r.ch)
	return <-r.done
}

func (r *recorder) run() {
	var firstErr error
	for o := range r.ch {
		batch := []app.MailOutcome{o}
	more:
		for {
			select {
			case next, ok := <-r.ch:
				if !ok {
					break more
				}
				batch = append(batch, next)
			default:
				break more
			}
		}
		lost, err := r.record(batch)
		if err != nil && firstErr == nil {
			firstErr = err
		}
		for _, id := range lost {
			// Another worker took the mail over while this one was cut off from the database for longer than
			// Stall: it may have gone out twice.
			r.w.Log.Warn("mail handled after another worker took it over", "outbox_id", id, "worker", r.w.ID)
		}
	}
	r.done <- firstErr
}

// record writes outcomes, trying again with growing pauses (at most 5 s) for as long as the database does not
// answer; while it fails, the worker sends nothing. After a stop it tries for RecordGrace more, then gives up.
func (r *recorder) record(batch []app.MailOutcome) ([]int64, error) {
	wait := 200 * time.Millisecond
	var stoppedAt time.Time
	// One time for every try: a try whose commit went through but whose answer was lost is recognised by it.
	now := r.w.App.Now()
	for {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(r.ctx), max(r.w.RecordGrace, 5*time.Second))
		start := time.Now()
		lost, err := r.w.App.Store.RecordMail(ctx, r.w.ID, now, batch)
		cancel()
		if err == nil {
			r.w.dbAnswered(start)
			r.lease.recordingOK(true)
			return lost, nil
		}
		r.w.dbFailed(fmt.Errorf("recording sent mail: %w", err))
		r.lease.recordingOK(false)
		if r.ctx.Err() != nil {
			if stoppedAt.IsZero() {
				stoppedAt = time.Now()
			}
			if time.Since(stoppedAt) >= r.w.RecordGrace {
				r.w.Log.Error("mail worker stopped before it could record what it sent; these mails go out again after the stall timeout",
					"mails", len(batch), "err", err.Error())
				return nil, err
			}
		}
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-r.ctx.Done():
			t.Stop()
			if stoppedAt.IsZero() {
				stoppedAt = time.Now()
			}
			time.Sleep(min(wait, 500*time.Millisecond))
		}
		wait = min(2*wait, 5*time.Second)
	}
}
