package faultproxy_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/lib/pq"
	gomail "github.com/wneessen/go-mail"

	"portal/app/db"
	"portal/internal/faultproxy"
	"portal/internal/testenv"
	"portal/mail"
)

// proxiedDB opens a fresh test database through a fault proxy.
func proxiedDB(t *testing.T) (*faultproxy.Proxy, string) {
	t.Helper()
	pqc, err := pq.NewConfig(testenv.URL(t))
	if err != nil {
		t.Fatal(err)
	}
	network, upstream := "tcp", fmt.Sprintf("%s:%d", pqc.Host, pqc.Port)
	if strings.HasPrefix(pqc.Host, "/") {
		network, upstream = "unix", fmt.Sprintf("%s/.s.PGSQL.%d", pqc.Host, pqc.Port)
	}
	p, err := faultproxy.Start(network, upstream)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	return p, (&url.URL{Scheme: "postgres", User: url.UserPassword(pqc.User, pqc.Password), Host: p.Addr(),
		Path: "/" + pqc.Database, RawQuery: "sslmode=disable"}).String()
}

// A frozen PostgreSQL answers nothing, not even lib/pq's cancel request: a call still ends at its deadline, or
// at once when its context is cancelled, and the pool works again when the server does.
func TestCallsToAFrozenDatabaseEndAtTheirDeadline(t *testing.T) {
	p, dbURL := proxiedDB(t)
	conn, err := db.Open(t.Context(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	p.Freeze()
	for _, c := range []struct {
		name string
		ctx  func() (context.Context, context.CancelFunc)
	}{
		{"deadline", func() (context.Context, context.CancelFunc) {
			return context.WithTimeout(context.Background(), 300*time.Millisecond)
		}},
		{"cancelled", func() (context.Context, context.CancelFunc) {
			ctx, cancel := context.WithCancel(context.Background())
			time.AfterFunc(300*time.Millisecond, cancel)
			return ctx, cancel
		}},
	} {
		ctx, cancel := c.ctx()
		start := time.Now()
		var n int
		err := conn.GetContext(ctx, &n, `SELECT 1`)
		took := time.Since(start)
		cancel()
		if err == nil || took > 2*time.Second {
			t.Errorf("%s: a call to a frozen server returned %v after %v", c.name, err, took)
		}
		if c.name == "deadline" && !db.Unavailable(err) {
			t.Errorf("%s: %v is not counted as the database being unavailable", c.name, err)
		}
	}
	if err := p.Restore(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	var n int
	if err := conn.GetContext(ctx, &n, `SELECT 1`); err != nil || n != 1 {
		t.Fatalf("after the server came back: %d %v", n, err)
	}
}

// A stop cuts the mail in hand after its grace when the SMTP server hangs, so a shutdown keeps its budget.
func TestStopCutsAHangingSend(t *testing.T) {
	s := startSink(t)
	s.setHang(true)
	sender, err := mail.NewSender("smtp+insecure://"+s.addr(), mail.SenderOptions{StopGrace: 300 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer sender.Close()
	msg := gomail.NewMsg()
	if err := msg.From("noreply@localhost"); err != nil {
		t.Fatal(err)
	}
	if err := msg.To("someone@faults.example"); err != nil {
		t.Fatal(err)
	}
	msg.Subject("test")
	msg.SetBodyString(gomail.TypeTextPlain, "test")
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(200*time.Millisecond, cancel)
	start := time.Now()
	err = sender.Send(ctx, msg)
	if took := time.Since(start); err == nil || took > 2*time.Second {
		t.Fatalf("a send to a hanging server, stopped after 200 ms with 300 ms of grace, returned %v after %v", err, took)
	}
}
