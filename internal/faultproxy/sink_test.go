package faultproxy_test

import (
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
)

// sink is a real SMTP server that counts what it accepted per recipient, and can answer 451 to everything or
// hang before it answers a message.
type sink struct {
	srv *smtp.Server
	ln  net.Listener

	mu      sync.Mutex
	got     map[string]int
	refuse  bool
	hang    chan struct{} // non-nil: DATA waits until it is closed
	refused int
}

func startSink(t *testing.T) *sink {
	t.Helper()
	s := &sink{got: map[string]int{}}
	s.srv = smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &sinkSession{s: s}, nil }))
	s.srv.Domain = "localhost"
	s.srv.AllowInsecureAuth = true
	s.srv.ReadTimeout = time.Minute
	s.srv.WriteTimeout = time.Minute
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.ln = ln
	go s.srv.Serve(ln)
	t.Cleanup(func() {
		s.setHang(false)
		s.srv.Close()
	})
	return s
}

func (s *sink) addr() string { return s.ln.Addr().String() }

func (s *sink) setRefuse(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.refuse = on
}

func (s *sink) setHang(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case on && s.hang == nil:
		s.hang = make(chan struct{})
	case !on && s.hang != nil:
		close(s.hang)
		s.hang = nil
	}
}

// counts copies the mails accepted per recipient.
func (s *sink) counts() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]int, len(s.got))
	for k, v := range s.got {
		out[k] = v
	}
	return out
}

type sinkSession struct {
	s    *sink
	rcpt []string
}

var tryLater = &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try again later"}

func (x *sinkSession) Reset()        { x.rcpt = nil }
func (x *sinkSession) Logout() error { return nil }
func (x *sinkSession) Mail(string, *smtp.MailOptions) error {
	x.s.mu.Lock()
	defer x.s.mu.Unlock()
	if x.s.refuse {
		x.s.refused++
		return tryLater
	}
	return nil
}
func (x *sinkSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	x.rcpt = append(x.rcpt, strings.ToLower(to))
	return nil
}
func (x *sinkSession) Data(r io.Reader) error {
	if _, err := io.Copy(io.Discard, r); err != nil {
		return err
	}
	x.s.mu.Lock()
	hang := x.s.hang
	x.s.mu.Unlock()
	if hang != nil {
		// A server that hangs and then loses what it was handed: the client never heard a 250, so the mail
		// must come again. (One that kept it would be the duplicate SMTP itself cannot rule out.)
		<-hang
		return tryLater
	}
	x.s.mu.Lock()
	defer x.s.mu.Unlock()
	if x.s.refuse {
		x.s.refused++
		return tryLater
	}
	for _, r := range x.rcpt {
		x.s.got[r]++
	}
	return nil
}
