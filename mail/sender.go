package mail

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/url"
	"regexp"
	"strconv"
	"sync"
	"time"

	gomail "github.com/wneessen/go-mail"
	"github.com/wneessen/go-mail/smtp"
)

// Sender hands messages to the SMTP server of SMTP_URL with go-mail, over at most a few connections that are
// kept open for as long as there is mail to send, at no more than the configured rate. A second connection is
// opened only when every open one is busy, so at a low rate one connection carries everything. It is safe for
// concurrent use.
//
//   - smtp://user:pass@host:587 requires STARTTLS: a server that does not offer it gets nothing, not even the
//     password.
//   - smtps://user:pass@host:465 speaks TLS from the first byte.
//   - smtp+insecure://host:port sends in the clear; it is meant for a catcher on this machine only.
//
// With a user in the URL the sender authenticates (the strongest mechanism the server offers over TLS; PLAIN in
// the clear only for smtp+insecure).
type Sender struct {
	client *gomail.Client
	slots  chan struct{} // one per connection that may be in use at once

	mu   sync.Mutex
	idle []*conn // open connections nobody is using, the most recently used last

	rate     sync.Mutex
	interval time.Duration // between two mails; 0 means no limit
	next     time.Time

	stopGrace time.Duration

	// Addr is the server's host:port, for logs.
	Addr string
}

// conn is one SMTP connection.
type conn struct {
	c       *smtp.Client
	lastUse time.Time
}

// SenderOptions tune a Sender.
type SenderOptions struct {
	// RatePerSecond caps the mails per second; 0 means no limit.
	RatePerSecond float64
	// TLSConfig replaces the default (the URL's host name, TLS 1.2 or newer), e.g. to trust a test certificate.
	TLSConfig *tls.Config
	// Timeout bounds connecting and every SMTP command (default 30 s).
	Timeout time.Duration
	// Connections is how many connections may be open at once (default 2).
	Connections int
	// StopGrace is how long a mail already being handed over may take once the worker is told to stop
	// (default DefaultStopGrace); then its connection is cut, so a server that hangs cannot hold up a shutdown.
	StopGrace time.Duration
}

// DefaultStopGrace is the send deadline of the mail in hand at a stop. It is well inside the portal's
// shutdown budget (cli.ShutdownBudget), which also covers recording the outcome.
const DefaultStopGrace = 5 * time.Second

// NewSender prepares a sender for rawURL; it connects when the first mail is sent.
func NewSender(rawURL string, opt SenderOptions) (*Sender, error) {
	u, err := url.Parse(rawURL)
	if err != nil || u.Hostname() == "" {
		return nil, errors.New("mail: SMTP_URL must look like smtp://user:pass@host:587")
	}
	host := u.Hostname()
	if opt.Timeout <= 0 {
		opt.Timeout = 30 * time.Second
	}
	tlsConfig := opt.TLSConfig
	if tlsConfig == nil {
		tlsConfig = &tls.Config{ServerName: host, MinVersion: tls.VersionTLS12}
	}
	// go-mail checks the connection with NOOP before every message and again before the RSET it sends after
	// each: three round trips on top of the four a message needs (MAIL, RCPT, DATA, the message). A finished DATA already ends the transaction, and the
	// sender checks a connection itself when it has been idle (see Send), so both are left out.
	opts := []gomail.Option{gomail.WithTimeout(opt.Timeout), gomail.WithTLSConfig(tlsConfig), gomail.WithoutNoop(),
		gomail.WithoutRset()}
	port := 0
	if p := u.Port(); p != "" {
		if port, err = strconv.Atoi(p); err != nil {
			return nil, fmt.Errorf("mail: SMTP_URL has a bad port %q", p)
		}
	}
	user := u.User.Username()
	pass, _ := u.User.Password()
	auth := gomail.SMTPAuthAutoDiscover
	switch u.Scheme {
	case "smtp":
		port = orDefault(port, 587)
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory), gomail.WithDialContextFunc(dialTCP))
	case "smtps":
		port = orDefault(port, 465)
		opts = append(opts, gomail.WithSSL())
	case "smtp+insecure":
		port = orDefault(port, 25)
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS), gomail.WithDialContextFunc(dialTCP))
		auth = gomail.SMTPAuthPlainNoEnc
	default:
		return nil, fmt.Errorf("mail: SMTP_URL scheme %q is not smtp, smtps or smtp+insecure", u.Scheme)
	}
	opts = append(opts, gomail.WithPort(port))
	if user != "" {
		opts = append(opts, gomail.WithSMTPAuth(auth), gomail.WithUsername(user), gomail.WithPassword(pass))
	}
	client, err := gomail.NewClient(host, opts...)
	if err != nil {
		return nil, fmt.Errorf("mail: %w", err)
	}
	if opt.Connections <= 0 {
		opt.Connections = 2
	}
	if opt.StopGrace <= 0 {
		opt.StopGrace = DefaultStopGrace
	}
	s := &Sender{client: client, Addr: host + ":" + strconv.Itoa(port), slots: make(chan struct{}, opt.Connections),
		stopGrace: opt.StopGrace}
	if opt.RatePerSecond > 0 {
		s.interval = time.Duration(float64(time.Second) / opt.RatePerSecond)
	}
	return s, nil
}

func orDefault(port, fallback int) int {
	if port == 0 {
		return fallback
	}
	return port
}

// ErrConnect wraps a failure to reach or set up the SMTP server (refused, TLS, authentication): nothing was
// sent, and the next mail would fail the same way.
var ErrConnect = errors.New("mail: unable to connect to the SMTP server")

// idleCheck is how long a kept connection may rest before the sender asks the server (NOOP) whether it is
// still there.
const idleCheck = 5 * time.Second

// Rate is the most mails per second the sender hands over, 0 when there is no limit.
func (s *Sender) Rate() float64 {
	if s.interval == 0 {
		return 0
	}
	return float64(time.Second) / float64(s.interval)
}

// Connections is how many connections the sender may have open at once: the number of mails a worker can have
// in flight.
func (s *Sender) Connections() int { return cap(s.slots) }

// Send delivers one message, on a free kept connection or a new one. When a kept connection turns out to be
// dead (no answer to MAIL FROM at all), it connects again and tries once more: the server had not taken
// anything yet.
func (s *Sender) Send(ctx context.Context, msg *gomail.Msg) error {
	if err := s.wait(ctx); err != nil {
		return err
	}
	select {
	case s.slots <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { <-s.slots }()
	c := s.take()
	if c != nil && time.Since(c.lastUse) > idleCheck {
		if err := cutOnDone(ctx, c.c, 0, c.c.Noop); err != nil {
			s.drop(c)
			c = nil
		}
	}
	for try := 0; ; try++ {
		reused := c != nil
		if c == nil {
			client, err := s.dial(ctx)
			if err != nil {
				if ctx.Err() != nil {
					return ctx.Err()
				}
				return fmt.Errorf("%w: %s", ErrConnect, redact(err.Error()))
			}
			c = &conn{c: client}
		}
		err := s.sendOn(ctx, c, msg)
		if err == nil {
			c.lastUse = time.Now()
			s.put(c)
			return nil
		}
		// After any failure the session's state is unknown: the next mail gets a fresh connection.
		s.drop(c)
		c = nil
		if try == 0 && reused && deadConnection(err) {
			continue
		}
		return err
	}
}

// sendOn hands msg over on c. Once ctx ends the transaction gets stopGrace to finish; then the connection is
// cut and the send fails (the server may or may not have taken the mail: it counts as a failed attempt).
func (s *Sender) sendOn(ctx context.Context, c *conn, msg *gomail.Msg) error {
	return cutOnDone(ctx, c.c, s.stopGrace, func() error { return s.client.SendWithSMTPClient(c.c, msg) })
}

// cutOnDone runs f, a conversation on c; when ctx ends, f gets grace more, then c's connection is closed so f
// fails at once.
func cutOnDone(ctx context.Context, c *smtp.Client, grace time.Duration, f func() error) error {
	done := make(chan struct{})
	defer close(done)
	go func() {
		select {
		case <-done:
			return
		case <-ctx.Done():
		}
		t := time.NewTimer(grace)
		defer t.Stop()
		select {
		case <-done:
		case <-t.C:
			// Not c.Close: it waits for the lock the hanging command holds. Closing the connection itself
			// makes that command fail at once.
			_ = c.Text.Close()
		}
	}()
	return f()
}

// dial connects and sets the session up: greeting, EHLO, STARTTLS, AUTH. go-mail bounds only the TCP connect
// by ctx; the rest runs under the command timeout (30 s), so a server that accepts and never greets would hold
// a stop that long. Nothing has been handed over yet, so when ctx ends the attempt is given up at once: the
// connection is closed (for smtp and smtp+insecure, whose connections dialTCP opens and knows), and for smtps,
// whose TLS go-mail dials itself, the dial is left to end on its own and its connection is closed then.
func (s *Sender) dial(ctx context.Context) (*smtp.Client, error) {
	h := &dialed{}
	type result struct {
		c   *smtp.Client
		err error
	}
	out := make(chan result, 1)
	go func() {
		c, err := s.client.DialToSMTPClientWithContext(context.WithValue(ctx, dialedKey{}, h))
		out <- result{c, err}
	}()
	select {
	case r := <-out:
		return r.c, r.err
	case <-ctx.Done():
		h.close()
		go func() {
			if r := <-out; r.c != nil {
				_ = r.c.Close()
			}
		}()
		return nil, ctx.Err()
	}
}

// dialed holds the connection dialTCP opened for one dial, so the dial can be cut.
type dialed struct {
	mu     sync.Mutex
	conn   net.Conn
	closed bool
}

type dialedKey struct{}

// set records c; false when the dial was given up already (the caller closes c).
func (h *dialed) set(c net.Conn) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return false
	}
	h.conn = c
	return true
}

func (h *dialed) close() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.closed = true
	if h.conn != nil {
		_ = h.conn.Close()
	}
}

// dialTCP is go-mail's dialer for plain TCP (smtp, smtp+insecure), plus: it records the connection in the
// dial's dialed, so Sender.dial can close it when the send's context ends.
func dialTCP(ctx context.Context, network, addr string) (net.Conn, error) {
	var d net.Dialer
	c, err := d.DialContext(ctx, network, addr)
	if err != nil {
		return nil, err
	}
	if h, ok := ctx.Value(dialedKey{}).(*dialed); ok && !h.set(c) {
		_ = c.Close()
		return nil, context.Canceled
	}
	return c, nil
}

// take returns the most recently used idle connection, or nil.
func (s *Sender) take() *conn {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.idle) == 0 {
		return nil
	}
	c := s.idle[len(s.idle)-1]
	s.idle = s.idle[:len(s.idle)-1]
	return c
}

func (s *Sender) put(c *conn) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.idle = append(s.idle, c)
}

// drop closes a connection: politely (QUIT), else by hanging up.
func (s *Sender) drop(c *conn) {
	if err := s.client.CloseWithSMTPClient(c.c); err != nil {
		_ = c.c.Close()
	}
}

// deadConnection reports whether a send failed because the connection was gone before the server took the
// message: the check failed, or MAIL FROM got no SMTP answer at all (only an answer has a code).
func deadConnection(err error) bool {
	var se *gomail.SendError
	if !errors.As(err, &se) {
		return false
	}
	return se.Reason == gomail.ErrConnCheck || (se.Reason == gomail.ErrSMTPMailFrom && se.ErrorCode() == 0)
}

// wait keeps to the rate limit, shared by every connection.
func (s *Sender) wait(ctx context.Context) error {
	if s.interval == 0 {
		return nil
	}
	s.rate.Lock()
	now := time.Now()
	at := now
	if s.next.After(now) {
		at = s.next
	}
	s.next = at.Add(s.interval)
	s.rate.Unlock()
	if d := at.Sub(now); d > 0 {
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
	return nil
}

// Close ends the idle connections; the next Send opens a new one. Call it when there is no mail in flight.
func (s *Sender) Close() error {
	s.mu.Lock()
	idle := s.idle
	s.idle = nil
	s.mu.Unlock()
	for _, c := range idle {
		s.drop(c)
	}
	return nil
}

// Permanent reports whether a send error will not go away by trying again: the server refused the recipient
// or the message itself with a 5xx answer.
func Permanent(err error) bool {
	var se *gomail.SendError
	if !errors.As(err, &se) {
		return false
	}
	code := se.ErrorCode()
	return code >= 500 && code < 600 && (se.Reason == gomail.ErrSMTPRcptTo || se.Reason == gomail.ErrSMTPDataClose)
}

var addressPattern = regexp.MustCompile(`[^\s<>"',;:]+@[^\s<>"',;:]+`)

// redact removes e-mail addresses from an error, so it can be stored and shown to staff and logged: server
// answers and go-mail's errors name the recipient.
func redact(s string) string {
	return addressPattern.ReplaceAllString(s, "[address]")
}

// describe is the text of a send error as the outbox keeps it.
func describe(err error) string { return redact(err.Error()) }
