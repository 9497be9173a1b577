package mail_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"strconv"
	"testing"
	"time"

	"portal/app"
	"portal/mail"
)

// Tests with real portal processes: the test binary runs itself again as a worker (TestWorkerProcess), on the
// same database and SMTP server, and may kill it with SIGKILL.

const (
	envChildDB    = "MAILTEST_WORKER_DATABASE"
	envChildSMTP  = "MAILTEST_WORKER_SMTP"
	envChildID    = "MAILTEST_WORKER_ID"
	envChildBatch = "MAILTEST_WORKER_BATCH"
	envChildRate  = "MAILTEST_WORKER_RATE"
)

// TestWorkerProcess is not a test: it is the worker process the tests below start. It drains the outbox until
// nothing is left in queued or sending, then exits.
func TestWorkerProcess(t *testing.T) {
	url := os.Getenv(envChildDB)
	if url == "" {
		t.Skip("started by the multi-process tests only")
	}
	a := openApp(t, url)
	rate, err := strconv.ParseFloat(os.Getenv(envChildRate), 64)
	if err != nil {
		t.Fatal(err)
	}
	w := newWorker(t, a, os.Getenv(envChildSMTP), mail.SenderOptions{RatePerSecond: rate})
	w.ID = os.Getenv(envChildID)
	if w.Batch, err = strconv.Atoi(os.Getenv(envChildBatch)); err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := w.Drain(context.Background()); err != nil {
			t.Fatal(err)
		}
		var left int
		if err := a.Store.DB.Get(&left, `SELECT count(*) FROM outbox WHERE status IN ('queued', 'sending')`); err != nil {
			t.Fatal(err)
		}
		if left == 0 {
			return
		}
		time.Sleep(10 * time.Millisecond) // another process holds the rest
	}
}

// workerProcess is a running child worker; its output is kept for when it fails.
type workerProcess struct {
	*exec.Cmd
	out bytes.Buffer
}

// wait waits for the process to end and fails the test, with its output, when it did not succeed.
func (p *workerProcess) wait(t *testing.T) {
	t.Helper()
	if err := p.Wait(); err != nil {
		t.Fatalf("worker process: %v\n%s", err, p.out.String())
	}
}

// startWorkerProcess runs TestWorkerProcess in a child process.
func startWorkerProcess(t *testing.T, dbURL, smtpURL, id string, batch int, rate float64) *workerProcess {
	t.Helper()
	p := &workerProcess{Cmd: exec.Command(os.Args[0], "-test.run=^TestWorkerProcess$", "-test.count=1")}
	p.Env = append(os.Environ(), envChildDB+"="+dbURL, envChildSMTP+"="+smtpURL, envChildID+"="+id,
		envChildBatch+"="+strconv.Itoa(batch), envChildRate+"="+strconv.FormatFloat(rate, 'f', -1, 64))
	p.Stdout, p.Stderr = &p.out, &p.out
	if err := p.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if p.ProcessState == nil {
			if err := p.Process.Kill(); err != nil && !errors.Is(err, os.ErrProcessDone) {
				t.Error(err)
			}
			_ = p.Wait() // it was killed: the error says just that
		}
	})
	return p
}

func TestTwoProcessesSendEachMailOnce(t *testing.T) {
	e := newEnv(t, realClock, sinkOptions{})
	addrs := queueLinks(t, e.A, 300)
	// The mails fall due in two seconds, when both processes are surely up, and a modest rate keeps both busy
	// at once, so they really compete for the rows.
	if _, err := e.A.Store.DB.Exec(`UPDATE outbox SET due_at = $1`, time.Now().Add(2*time.Second)); err != nil {
		t.Fatal(err)
	}
	one := startWorkerProcess(t, e.URL, e.Sink.URL(), "process-1", 10, 400)
	two := startWorkerProcess(t, e.URL, e.Sink.URL(), "process-2", 10, 400)
	one.wait(t)
	two.wait(t)
	exactlyOnce(t, e.Sink, addrs)
	if s := statuses(t, e.A); s[app.OutboxSent] != len(addrs) {
		t.Errorf("outbox %v", s)
	}
	var per []struct {
		Worker string `db:"worker"`
		N      int    `db:"n"`
	}
	if err := e.A.Store.DB.Select(&per, `SELECT worker, count(*) AS n FROM outbox_attempts WHERE ok GROUP BY worker ORDER BY worker`); err != nil {
		t.Fatal(err)
	}
	if len(per) != 2 {
		t.Errorf("mail was sent by %+v; want both processes to take part", per)
	}
	t.Logf("shares: %+v", per)
}

func TestKilledWorkerIsFinishedByAnother(t *testing.T) {
	const total, before = 20, 6
	// The sink accepts the first mails, then leaves every next one unanswered: the worker is mid-batch, waiting
	// on each of its two connections.
	e := newEnv(t, realClock, sinkOptions{Hold: func(n int) bool { return n > before }})
	a := e.A
	addrs := queueLinks(t, a, total)
	child := startWorkerProcess(t, e.URL, e.Sink.URL(), "doomed", total, 0)

	for range 2 {
		select {
		case <-e.Sink.Holding:
		case <-time.After(2 * time.Minute):
			t.Fatal("the worker process never got to the held mails")
		}
	}
	waitFor(t, "the first mails to be marked sent", func() bool { return statuses(t, a)[app.OutboxSent] == before })
	if err := child.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	if err := child.Wait(); err == nil {
		t.Fatal("the killed worker process ended as if it had finished")
	}
	e.Sink.Close() // the held mail was never accepted

	s := statuses(t, a)
	if s[app.OutboxSent] != before || s[app.OutboxSending] != total-before {
		t.Fatalf("after the kill: %v; want %d sent and the rest stuck in sending", s, before)
	}
	// Another worker, once the stall timeout has passed, finishes the job.
	up := startSink(t, sinkOptions{})
	rescuer := newWorker(t, a, up.URL(), mail.SenderOptions{})
	*e.Now = time.Now().Add(rescuer.Stall + time.Minute)
	st, err := rescuer.Drain(context.Background())
	if err != nil || st.Sent != total-before {
		t.Fatalf("rescue: %+v %v", st, err)
	}
	got := e.Sink.perRecipient()
	for addr, n := range up.perRecipient() {
		got[addr] += n
	}
	for _, addr := range addrs {
		if got[addr] != 1 {
			t.Errorf("%s got %d mails", addr, got[addr])
		}
	}
	var stalled int
	if err := a.Store.DB.Get(&stalled, `SELECT count(*) FROM outbox_attempts WHERE worker = 'doomed' AND NOT ok
		AND error LIKE 'stalled%'`); err != nil || stalled != total-before {
		t.Errorf("%d stalled attempts recorded (%v), want %d", stalled, err, total-before)
	}
	if s := statuses(t, a); s[app.OutboxSent] != total {
		t.Errorf("outbox %v", s)
	}
}
