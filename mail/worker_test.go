package mail_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"portal/app"
	"portal/app/db"
	"portal/internal/fixtures"
	"portal/mail"
)

// queueLinks queues n "your link again" mails, each to its own professional, and returns the addresses.
func queueLinks(t testing.TB, a *app.App, n int) []string {
	t.Helper()
	var out []string
	for i := range n {
		addr := fmt.Sprintf("pro%d@example.org", i)
		p := fixtures.AddPerson(t, a, fixtures.Person{Kind: "professional", Name: "Pro", Email: addr})
		fixtures.Queue(t, a, app.Mail{DedupeKey: "link:" + addr, Kind: app.MailLinkAgain, PersonID: &p, Secret: "tok" + addr})
		out = append(out, addr)
	}
	return out
}

// exactlyOnce checks that every address got exactly one mail.
func exactlyOnce(t testing.TB, s *sink, addrs []string) {
	t.Helper()
	got := s.perRecipient()
	for _, addr := range addrs {
		if got[addr] != 1 {
			t.Errorf("%s got %d mails, want 1", addr, got[addr])
		}
	}
	if len(s.messages()) != len(addrs) {
		t.Errorf("%d mails delivered, want %d", len(s.messages()), len(addrs))
	}
}

func TestRetriesWhileTheServerIsDownThenDeliversOnce(t *testing.T) {
	e := newEnv(t, realClock, sinkOptions{})
	a := e.A
	addr := freeAddr(t) // nobody listens here yet
	e.Worker = newWorker(t, a, "smtp+insecure://"+addr, mail.SenderOptions{})
	addrs := queueLinks(t, a, 10)

	for round := 1; round <= 3; round++ {
		if st := e.drain(t); st.Retrying != 10 {
			t.Fatalf("round %d while down: %+v", round, st)
		}
		for _, r := range fixtures.Rows(t, a, "") {
			due := e.Now.Add(app.RetryDelay(round))
			if r.Status != app.OutboxRetrying || r.Attempts != round || !r.DueAt.Equal(due) || !r.HasSecret ||
				!strings.Contains(r.LastError, "unable to connect") {
				t.Fatalf("round %d: %+v, want retrying at %v", round, r, due)
			}
		}
		// Not due again before the pause is over.
		*e.Now = e.Now.Add(app.RetryDelay(round) - time.Second)
		if st := e.drain(t); st.Total() != 0 {
			t.Fatalf("retried early: %+v", st)
		}
		*e.Now = e.Now.Add(time.Second)
	}

	up := startSink(t, sinkOptions{Addr: addr})
	if st := e.drain(t); st.Sent != 10 {
		t.Fatalf("once up: %+v", st)
	}
	if st := e.drain(t); st.Total() != 0 {
		t.Fatalf("nothing should be left: %+v", st)
	}
	exactlyOnce(t, up, addrs)
	coordinator := fixtures.Actor(t, a, fixtures.AddStaff(t, a, "c@example.org", "C", app.RoleCoordinator, ""))
	for _, r := range fixtures.Rows(t, a, "") {
		entry, attempts, err := a.OutboxItem(context.Background(), coordinator, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		if entry.Status != app.OutboxSent || r.HasSecret || len(attempts) != 4 || !attempts[3].OK {
			t.Errorf("mail %d: %s, secret kept %v, attempts %+v", r.ID, entry.Status, r.HasSecret, attempts)
		}
	}
}

func TestFailsWhenAttemptsRunOut(t *testing.T) {
	e := newEnv(t, realClock, sinkOptions{})
	a := e.A
	e.Worker = newWorker(t, a, "smtp+insecure://"+freeAddr(t), mail.SenderOptions{})
	queueLinks(t, a, 2)
	if _, err := a.Store.DB.Exec(`UPDATE outbox SET max_attempts = 2`); err != nil {
		t.Fatal(err)
	}
	e.drain(t)
	*e.Now = e.Now.Add(time.Hour)
	if st := e.drain(t); st.Failed != 2 {
		t.Fatalf("second round: %+v", st)
	}
	for _, r := range fixtures.Rows(t, a, "") {
		if r.Status != app.OutboxFailed || r.HasSecret {
			t.Errorf("%+v", r)
		}
	}
}

func TestRefusedRecipientFailsAtOnceWithoutNamingIt(t *testing.T) {
	e := newEnv(t, realClock, sinkOptions{Reject: map[string]bool{"pro1@example.org": true}})
	a := e.A
	addrs := queueLinks(t, a, 3)
	if st := e.drain(t); st.Sent != 2 || st.Failed != 1 {
		t.Fatalf("drain: %+v", st)
	}
	for _, r := range fixtures.Rows(t, a, "") {
		if r.Status == app.OutboxFailed {
			if r.Attempts != 1 || !strings.Contains(r.LastError, "550") || strings.Contains(r.LastError, "@") {
				t.Errorf("refused mail: attempts %d, error %q", r.Attempts, r.LastError)
			}
		}
	}
	got := e.Sink.perRecipient()
	if got[addrs[0]] != 1 || got[addrs[2]] != 1 || got[addrs[1]] != 0 {
		t.Errorf("deliveries %v", got)
	}
}

func TestMailThatMayNotBeSentIsCancelled(t *testing.T) {
	e := newEnv(t, realClock, sinkOptions{})
	a := e.A
	phoneOnly := fixtures.AddPerson(t, a, fixtures.Person{Name: "Tel", Email: "tel@example.org"})
	fixtures.Queue(t, a, app.Mail{DedupeKey: "x", Kind: app.MailLinkAgain, PersonID: &phoneOnly, Secret: "tok"})
	if st := e.drain(t); st.Cancelled != 1 {
		t.Fatalf("drain: %+v", st)
	}
	r := fixtures.Rows(t, a, "")[0]
	if r.Status != app.OutboxCancelled || r.HasSecret || !strings.Contains(r.LastError, "e-mail") {
		t.Errorf("%+v", r)
	}
	if len(e.Sink.messages()) != 0 {
		t.Error("mailed someone who asked for phone contact only")
	}
}

func TestResendSendsAgainWithoutTheWipedLink(t *testing.T) {
	e := newEnv(t, realClock, sinkOptions{})
	a := e.A
	admin := fixtures.Actor(t, a, fixtures.AddStaff(t, a, "a@example.org", "A", app.RoleAdmin, ""))
	addrs := queueLinks(t, a, 1)
	e.drain(t)
	id := fixtures.Rows(t, a, "")[0].ID
	if err := a.ResendMail(context.Background(), admin, id); err != nil {
		t.Fatal(err)
	}
	if st := e.drain(t); st.Sent != 1 {
		t.Fatalf("resend: %+v", st)
	}
	msgs := e.Sink.messages()
	if len(msgs) != 2 || msgs[1].To[0] != addrs[0] {
		t.Fatalf("%d mails", len(msgs))
	}
	first, second := msgs[0].Parsed(t), msgs[1].Parsed(t)
	link := a.PersonalLink("tok" + addrs[0])
	if !strings.Contains(first.Text, link) || strings.Contains(second.Text, link) ||
		!strings.Contains(second.Text, a.LinkRequestURL()) {
		t.Errorf("the resent mail should point to the link request page instead:\n%s", second.Text)
	}
	if first.Header("Message-Id") == second.Header("Message-Id") {
		t.Error("a resent mail has the Message-ID of the first")
	}
}

func TestWorkersOfOneProcessShareTheOutbox(t *testing.T) {
	e := newEnv(t, realClock, sinkOptions{})
	addrs := queueLinks(t, e.A, 400)
	var wg sync.WaitGroup
	var mu sync.Mutex
	total := 0
	for i := range 4 {
		// Each worker has its own App and connection pool, as separate processes would.
		a := openApp(t, e.URL)
		w := newWorker(t, a, e.Sink.URL(), mail.SenderOptions{})
		w.ID, w.Batch = fmt.Sprint("w", i), 7
		wg.Go(func() {
			st, err := w.Drain(context.Background())
			if err != nil {
				t.Error(err)
			}
			mu.Lock()
			total += st.Sent
			mu.Unlock()
		})
	}
	wg.Wait()
	if total != len(addrs) {
		t.Errorf("workers report %d sent, want %d", total, len(addrs))
	}
	exactlyOnce(t, e.Sink, addrs)
}

func TestRunSendsUntilStoppedAndQueuesAttendanceMails(t *testing.T) {
	e := newEnv(t, realClock, sinkOptions{})
	a := e.A
	group := fixtures.GroupID(t, a, "intervisie-lier")
	f := fixtures.AddStaff(t, a, "f@example.org", "F", app.RoleFacilitator, "")
	fixtures.Facilitate(t, a, f, group)
	// A session of this group ended an hour ago.
	if _, err := a.Store.DB.Exec(`INSERT INTO sessions (group_id, starts_at, ends_at) VALUES ($1, $2, $3)`,
		group, time.Now().Add(-3*time.Hour), time.Now().Add(-time.Hour)); err != nil {
		t.Fatal(err)
	}
	addrs := queueLinks(t, a, 5)
	e.Worker.Poll = 10 * time.Millisecond
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		e.Worker.Run(ctx)
	}()
	waitFor(t, "six mails", func() bool { return len(e.Sink.messages()) == 6 })
	cancel()
	<-done
	got := e.Sink.perRecipient()
	if got["f@example.org"] != 1 {
		t.Errorf("facilitator got %d attendance mails", got["f@example.org"])
	}
	for _, addr := range addrs {
		if got[addr] != 1 {
			t.Errorf("%s got %d", addr, got[addr])
		}
	}
}

func TestStoppedWorkerHandsItsBatchBack(t *testing.T) {
	// The sink holds the third mail until the worker has been told to stop.
	e := newEnv(t, realClock, sinkOptions{Hold: func(n int) bool { return n == 3 }})
	a := e.A
	e.Worker = newWorker(t, a, e.Sink.URL(), mail.SenderOptions{Connections: 1})
	queueLinks(t, a, 10)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan mail.Stats)
	var drainErr error // written before the send on done, read after the receive
	go func() {
		st, err := e.Worker.Drain(ctx)
		drainErr = err
		done <- st
	}()
	<-e.Sink.Holding
	cancel()
	e.Sink.Close() // the held mail is refused: it is retried later
	st := <-done
	if drainErr != nil && !errors.Is(drainErr, context.Canceled) {
		t.Errorf("a stopped drain: %v", drainErr)
	}
	if st.Sent != 2 || st.Retrying != 1 {
		t.Errorf("stats %+v", st)
	}
	s := statuses(t, a)
	if s[app.OutboxSent] != 2 || s[app.OutboxRetrying] != 1 || s[app.OutboxQueued] != 7 {
		t.Errorf("after stopping: %v; want 2 sent, 1 retrying, 7 back in the queue", s)
	}
	for _, r := range fixtures.Rows(t, a, "") {
		if r.Status == app.OutboxQueued && r.Attempts != 0 {
			t.Errorf("a mail handed back counts %d attempts", r.Attempts)
		}
	}
}

// openApp connects a second App to an existing database.
func openApp(t testing.TB, url string) *app.App {
	t.Helper()
	conn, err := db.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	a, err := app.New(conn, testConfig(), slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestStopCutsAServerThatNeverGreets(t *testing.T) {
	// The server accepts the connection and never sends its 220 greeting: without the cut the dial waits for
	// the 30 s command timeout, well past a stop's budget.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	accepted := make(chan net.Conn, 1)
	go func() {
		if c, err := ln.Accept(); err == nil {
			accepted <- c
		}
	}()
	e := newEnv(t, realClock, sinkOptions{})
	a := e.A
	const grace = time.Second
	w := newWorker(t, a, "smtp+insecure://"+ln.Addr().String(), mail.SenderOptions{Connections: 1, StopGrace: grace})
	queueLinks(t, a, 3)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan mail.Stats)
	var drainErr error // written before the send on done, read after the receive
	go func() {
		st, err := w.Drain(ctx)
		drainErr = err
		done <- st
	}()
	server := <-accepted
	defer server.Close()
	cancel()
	stopped := time.Now()
	// Generous, so a slow machine does not fail it: the point is that it ends far below the 30 s timeout.
	select {
	case st := <-done:
		if st.Sent != 0 {
			t.Errorf("stats %+v: nothing can have been sent", st)
		}
		if drainErr != nil && !errors.Is(drainErr, context.Canceled) {
			t.Errorf("a stopped drain: %v", drainErr)
		}
	case <-time.After(4 * grace):
		t.Fatalf("the worker still runs %v after the stop", time.Since(stopped))
	}
	// The portal hung up: the server reads the end of the connection.
	if err := server.SetReadDeadline(time.Now().Add(4 * grace)); err != nil {
		t.Fatal(err)
	}
	if _, err := server.Read(make([]byte, 1)); !errors.Is(err, io.EOF) {
		t.Errorf("connection not closed at the stop: read gave %v", err)
	}
	s := statuses(t, a)
	if s[app.OutboxSent] != 0 || s[app.OutboxSending] != 0 || s[app.OutboxQueued]+s[app.OutboxRetrying] != 3 {
		t.Errorf("after the stop: %v; want all 3 queued again or retrying, none sent or in sending", s)
	}
}
