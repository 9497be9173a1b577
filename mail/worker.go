package mail

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"time"

	"portal/app"
)

// Worker sends the outbox: it claims due mails in batches, composes and sends each one, and records the outcome.
// Any number of workers, in any number of processes, may share one database: a claim takes rows with FOR UPDATE
// SKIP LOCKED, so each mail is sent by one worker. A worker that dies leaves its rows in sending; after Stall
// another worker takes them again.
type Worker struct {
	App      *app.App
	Sender   *Sender
	Composer *Composer
	Log      *slog.Logger
	// ID names this worker in the outbox (claimed_by) and its attempts.
	ID string
	// Batch is how many mails one claim takes (default 50). At the rate limit a batch must take well under Stall.
	Batch int
	// Poll is the pause between two looks at the outbox when it is empty (default 1 s).
	Poll time.Duration
	// Stall is how long a mail may stay in sending before another worker takes it again (default 10 min).
	Stall time.Duration
	// JobEvery is how often the worker queues the "take attendance" mails (default 1 min).
	JobEvery time.Duration
}

// NewWorker returns a worker with the default settings and a unique ID.
func NewWorker(a *app.App, s *Sender, c *Composer, log *slog.Logger) *Worker {
	if log == nil {
		log = slog.Default()
	}
	host, _ := os.Hostname()
	b := make([]byte, 3)
	_, _ = rand.Read(b)
	return &Worker{App: a, Sender: s, Composer: c, Log: log,
		ID:    fmt.Sprintf("%s/%d/%s", host, os.Getpid(), hex.EncodeToString(b)),
		Batch: 50, Poll: time.Second, Stall: 10 * time.Minute, JobEvery: time.Minute}
}

// Stats counts what a drain did.
type Stats struct {
	Sent, Retrying, Failed, Cancelled int
}

// Total is every mail the drain handled.
func (s Stats) Total() int { return s.Sent + s.Retrying + s.Failed + s.Cancelled }

func (s *Stats) add(o Stats) {
	s.Sent += o.Sent
	s.Retrying += o.Retrying
	s.Failed += o.Failed
	s.Cancelled += o.Cancelled
}

// Run sends mail until ctx is cancelled, then finishes the mail in hand, hands the rest of its batch back to
// the queue, closes the SMTP connection and returns.
func (w *Worker) Run(ctx context.Context) {
	w.Log.Info("mail worker started", "worker", w.ID, "smtp", w.Sender.Addr)
	defer w.Log.Info("mail worker stopped", "worker", w.ID)
	defer w.Sender.Close()
	var lastJob time.Time
	for {
		if time.Since(lastJob) >= w.JobEvery {
			lastJob = time.Now()
			if err := w.App.QueueAttendanceMails(context.WithoutCancel(ctx)); err != nil {
				w.Log.Error("queueing attendance mails", "err", err.Error())
			}
		}
		if _, err := w.Drain(ctx); err != nil && ctx.Err() == nil {
			w.Log.Error("mail worker", "err", err.Error())
		}
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

// Drain sends batches until nothing is due (or ctx is cancelled), keeping the SMTP connection open between
// them. Tests and benchmarks call it directly.
func (w *Worker) Drain(ctx context.Context) (Stats, error) {
	var total Stats
	for ctx.Err() == nil {
		st, n, err := w.batch(ctx)
		total.add(st)
		if err != nil || n == 0 {
			return total, err
		}
	}
	return total, nil
}

// batch claims and handles one batch; n is how many mails it claimed.
func (w *Worker) batch(ctx context.Context) (st Stats, n int, err error) {
	// Bookkeeping must finish even when ctx is cancelled mid-batch: the mail in hand was sent.
	db := context.WithoutCancel(ctx)
	size := w.Batch
	if size <= 0 {
		size = 50
	}
	ids, err := w.App.Store.ClaimMail(db, w.ID, size, w.App.Now(), w.Stall)
	if err != nil || len(ids) == 0 {
		return st, 0, err
	}
	mails, err := w.App.LoadMailData(db, ids)
	if err != nil {
		// Unclaim, so the mails are not stuck until the stall timeout.
		if rerr := w.App.Store.ReleaseMail(db, ids, w.ID); rerr != nil {
			w.Log.Error("releasing mail", "err", rerr.Error())
		}
		return st, len(ids), err
	}
	var down error // once the server cannot be reached, the rest of the batch waits for the next round
	for i, d := range mails {
		if ctx.Err() != nil {
			rest := make([]int64, 0, len(mails)-i)
			for _, m := range mails[i:] {
				rest = append(rest, m.ID)
			}
			return st, len(ids), w.App.Store.ReleaseMail(db, rest, w.ID)
		}
		outcome, err := w.deliver(ctx, db, d, down)
		if err != nil {
			return st, len(ids), err
		}
		switch outcome.status {
		case app.OutboxSent:
			st.Sent++
		case app.OutboxRetrying:
			st.Retrying++
		case app.OutboxFailed:
			st.Failed++
		case app.OutboxCancelled:
			st.Cancelled++
		}
		if errors.Is(outcome.err, ErrConnect) {
			down = outcome.err
		}
	}
	return st, len(ids), nil
}

type outcome struct {
	status string
	err    error
}

// deliver composes and sends one mail and records what happened. down, when set, is the connection error of
// an earlier mail in this batch: this one is not tried, but records the same failure.
func (w *Worker) deliver(ctx, db context.Context, d app.MailData, down error) (outcome, error) {
	now := w.App.Now()
	if d.Skip != "" {
		return outcome{status: app.OutboxCancelled}, w.App.Store.MarkMailCancelled(db, d.ID, w.ID, now, d.Skip)
	}
	msg, info, err := w.Composer.Compose(d, now)
	if err != nil {
		return w.failed(db, d, now, err, true)
	}
	sendErr := down
	if sendErr == nil {
		sendErr = w.Sender.Send(ctx, msg)
	}
	if sendErr != nil && ctx.Err() != nil && errors.Is(sendErr, ctx.Err()) {
		// Stopped while waiting for the rate limit or the server: not an attempt.
		return outcome{status: app.OutboxQueued}, w.App.Store.ReleaseMail(db, []int64{d.ID}, w.ID)
	}
	if sendErr != nil {
		return w.failed(db, d, now, sendErr, Permanent(sendErr))
	}
	mine, err := w.App.Store.MarkMailSent(db, d.ID, w.ID, w.App.Now(), info.Subject, info.MessageID)
	if err != nil {
		return outcome{}, err
	}
	if !mine {
		// This worker was so slow that another took the mail over: it may go out twice. Stall is too short.
		w.Log.Warn("mail sent after another worker took it over", "outbox_id", d.ID, "worker", w.ID)
	}
	return outcome{status: app.OutboxSent}, nil
}

// failed records a failed attempt: retried later with growing pauses, or failed for good when the error is
// permanent or the attempts are used up.
func (w *Worker) failed(db context.Context, d app.MailData, now time.Time, cause error, permanent bool) (outcome, error) {
	reason := describe(cause)
	if permanent || d.Attempts >= d.MaxAttempts {
		w.Log.Warn("mail failed", "outbox_id", d.ID, "kind", d.Kind, "err", reason)
		return outcome{app.OutboxFailed, cause}, w.App.Store.MarkMailFailed(db, d.ID, w.ID, now, nil, reason)
	}
	retry := now.Add(app.RetryDelay(d.Attempts))
	return outcome{app.OutboxRetrying, cause}, w.App.Store.MarkMailFailed(db, d.ID, w.ID, now, &retry, reason)
}
