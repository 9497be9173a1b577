package mail_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	gomail "github.com/wneessen/go-mail"

	"portal/app"
	"portal/internal/fixtures"
	"portal/mail"
)

func testMsg(t *testing.T, to string) *gomail.Msg {
	t.Helper()
	m := gomail.NewMsg()
	if err := m.From("noreply@vhr.test"); err != nil {
		t.Fatal(err)
	}
	if err := m.To(to); err != nil {
		t.Fatal(err)
	}
	m.Subject("test")
	m.SetBodyString(gomail.TypeTextPlain, "hello")
	return m
}

func TestSTARTTLSIsRequiredForSMTP(t *testing.T) {
	s := startSink(t, sinkOptions{}) // no TLS at all
	sender, err := mail.NewSender("smtp://user:secret@"+s.Addr(), mail.SenderOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer sender.Close()
	err = sender.Send(context.Background(), testMsg(t, "a@example.org"))
	if !errors.Is(err, mail.ErrConnect) || !strings.Contains(err.Error(), "STARTTLS") {
		t.Fatalf("sent over a server without STARTTLS: %v", err)
	}
	if len(s.messages()) != 0 || len(s.auths) != 0 {
		t.Fatal("the server got mail or a password in the clear")
	}
}

func TestSTARTTLSRefusalIsRetriedAndShownToStaff(t *testing.T) {
	e := newEnv(t, realClock, sinkOptions{})
	a := e.A
	e.Worker = newWorker(t, a, "smtp://"+e.Sink.Addr(), mail.SenderOptions{})
	p := fixtures.AddPerson(t, a, fixtures.Person{Kind: "professional", Email: "pro@example.org"})
	fixtures.Queue(t, a, app.Mail{DedupeKey: "x", Kind: app.MailLinkAgain, PersonID: &p, Secret: "tok"})
	if st := e.drain(t); st.Retrying != 1 {
		t.Fatalf("drain: %+v", st)
	}
	rows := fixtures.Rows(t, a, "")
	if rows[0].Status != app.OutboxRetrying || !strings.Contains(rows[0].LastError, "STARTTLS") || !rows[0].HasSecret {
		t.Errorf("row: %+v", rows[0])
	}
	if len(e.Sink.messages()) != 0 {
		t.Error("mail went out without TLS")
	}
}

func TestSTARTTLSWithAuth(t *testing.T) {
	server, client := selfSigned(t)
	s := startSink(t, sinkOptions{TLS: server, User: "portal", Password: "s3cret"})
	sender, err := mail.NewSender("smtp://portal:s3cret@"+s.Addr(), mail.SenderOptions{TLSConfig: client})
	if err != nil {
		t.Fatal(err)
	}
	defer sender.Close()
	for range 3 {
		if err := sender.Send(context.Background(), testMsg(t, "a@example.org")); err != nil {
			t.Fatal(err)
		}
	}
	if len(s.messages()) != 3 || s.tlsSeen != 3 {
		t.Errorf("%d messages, %d over TLS", len(s.messages()), s.tlsSeen)
	}
	if s.conns != 1 || len(s.auths) != 1 {
		t.Errorf("%d connections and %d logins for three mails; want one of each", s.conns, len(s.auths))
	}

	// A wrong password is a connection failure: nothing is sent.
	bad, err := mail.NewSender("smtp://portal:wrong@"+s.Addr(), mail.SenderOptions{TLSConfig: client})
	if err != nil {
		t.Fatal(err)
	}
	defer bad.Close()
	if err := bad.Send(context.Background(), testMsg(t, "b@example.org")); !errors.Is(err, mail.ErrConnect) {
		t.Errorf("wrong password: %v", err)
	}
}

func TestImplicitTLS(t *testing.T) {
	server, client := selfSigned(t)
	s := startSink(t, sinkOptions{TLS: server, Implicit: true, User: "portal", Password: "pw"})
	sender, err := mail.NewSender("smtps://portal:pw@"+s.Addr(), mail.SenderOptions{TLSConfig: client})
	if err != nil {
		t.Fatal(err)
	}
	defer sender.Close()
	if err := sender.Send(context.Background(), testMsg(t, "a@example.org")); err != nil {
		t.Fatal(err)
	}
	if len(s.messages()) != 1 || s.tlsSeen != 1 {
		t.Errorf("%d messages, %d over TLS", len(s.messages()), s.tlsSeen)
	}
	// A server certificate nobody vouches for is refused.
	untrusted, err := mail.NewSender("smtps://portal:pw@"+s.Addr(), mail.SenderOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer untrusted.Close()
	if err := untrusted.Send(context.Background(), testMsg(t, "a@example.org")); !errors.Is(err, mail.ErrConnect) {
		t.Errorf("untrusted certificate: %v", err)
	}
}

func TestSenderReconnectsAfterTheServerDroppedIt(t *testing.T) {
	s := startSink(t, sinkOptions{})
	sender, err := mail.NewSender(s.URL(), mail.SenderOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer sender.Close()
	if err := sender.Send(context.Background(), testMsg(t, "a@example.org")); err != nil {
		t.Fatal(err)
	}
	// The server goes away and comes back on the same address: the kept connection is dead.
	addr := s.Addr()
	s.Close()
	s2 := startSink(t, sinkOptions{Addr: addr})
	if err := sender.Send(context.Background(), testMsg(t, "b@example.org")); err != nil {
		t.Fatalf("after a restart of the server: %v", err)
	}
	if len(s2.messages()) != 1 {
		t.Errorf("%d messages after the restart", len(s2.messages()))
	}
}

func TestSenderURLs(t *testing.T) {
	for _, u := range []string{"http://x", "smtp://", "smtp://host:port", "ftp://host:21"} {
		if _, err := mail.NewSender(u, mail.SenderOptions{}); err == nil {
			t.Errorf("%s accepted", u)
		}
	}
	for u, addr := range map[string]string{"smtp://mail.example.org": "mail.example.org:587",
		"smtps://u:p@mail.example.org": "mail.example.org:465", "smtp+insecure://127.0.0.1": "127.0.0.1:25",
		"smtp://mail.example.org:2525": "mail.example.org:2525"} {
		s, err := mail.NewSender(u, mail.SenderOptions{})
		if err != nil || s.Addr != addr {
			t.Errorf("%s: %v %v, want %s", u, s, err, addr)
		}
	}
}

func TestBatchesFollowTheRate(t *testing.T) {
	for rate, want := range map[float64]int{0: 500, 10: 100, 1: 20, 1000: 500} {
		s, err := mail.NewSender("smtp+insecure://127.0.0.1:2525", mail.SenderOptions{RatePerSecond: rate})
		if err != nil {
			t.Fatal(err)
		}
		if s.Rate() != rate || s.Connections() != 2 {
			t.Errorf("rate %v: sender says %v per second over %d connections", rate, s.Rate(), s.Connections())
		}
		if w := mail.NewWorker(nil, s, nil, nil); w.Batch != want {
			t.Errorf("rate %v: batches of %d, want %d", rate, w.Batch, want)
		}
	}
}
