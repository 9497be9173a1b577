package mail

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"sync"
	"time"

	gomail "github.com/wneessen/go-mail"
	"github.com/wneessen/go-mail/smtp"
)

// Sender hands messages to the SMTP server of SMTP_URL with go-mail, one connection reused for as long as there
// is mail to send, at no more than the configured rate. It is safe for use by one worker at a time.
//
//   - smtp://user:pass@host:587 requires STARTTLS: a server that does not offer it gets nothing, not even the
//     password.
//   - smtps://user:pass@host:465 speaks TLS from the first byte.
//   - smtp+insecure://host:port sends in the clear; it is meant for a catcher on this machine only.
//
// With a user in the URL the sender authenticates (the strongest mechanism the server offers over TLS; PLAIN in
// the clear only for smtp+insecure).
type Sender struct {
	mu       sync.Mutex
	client   *gomail.Client
	conn     *smtp.Client  // the open connection, nil when there is none
	interval time.Duration // between two mails; 0 means no limit
	next     time.Time
	// Addr is the server's host:port, for logs.
	Addr string
}

// SenderOptions tune a Sender.
type SenderOptions struct {
	// RatePerSecond caps the mails per second; 0 means no limit.
	RatePerSecond float64
	// TLSConfig replaces the default (the URL's host name, TLS 1.2 or newer), e.g. to trust a test certificate.
	TLSConfig *tls.Config
	// Timeout bounds connecting and every SMTP command (default 30 s).
	Timeout time.Duration
}

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
	opts := []gomail.Option{gomail.WithTimeout(opt.Timeout), gomail.WithTLSConfig(tlsConfig)}
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
		port = cmp(port, 587)
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	case "smtps":
		port = cmp(port, 465)
		opts = append(opts, gomail.WithSSL())
	case "smtp+insecure":
		port = cmp(port, 25)
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
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
	s := &Sender{client: client, Addr: host + ":" + strconv.Itoa(port)}
	if opt.RatePerSecond > 0 {
		s.interval = time.Duration(float64(time.Second) / opt.RatePerSecond)
	}
	return s, nil
}

func cmp(port, fallback int) int {
	if port == 0 {
		return fallback
	}
	return port
}

// ErrConnect wraps a failure to reach or set up the SMTP server (refused, TLS, authentication): nothing was
// sent, and the next mail would fail the same way.
var ErrConnect = errors.New("mail: unable to connect to the SMTP server")

// Send delivers one message, connecting first when needed. When a connection that was kept open turns out to
// be dead, it connects again and tries once more: the server had not seen the message yet.
func (s *Sender) Send(ctx context.Context, msg *gomail.Msg) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.wait(ctx); err != nil {
		return err
	}
	for try := 0; ; try++ {
		if s.conn == nil {
			conn, err := s.client.DialToSMTPClientWithContext(ctx)
			if err != nil {
				if ctx.Err() != nil {
					return ctx.Err()
				}
				return fmt.Errorf("%w: %s", ErrConnect, redact(err.Error()))
			}
			s.conn = conn
		}
		err := s.client.SendWithSMTPClient(s.conn, msg)
		if err == nil {
			return nil
		}
		// After any failure the session's state is unknown: start the next mail on a fresh connection.
		s.closeLocked()
		var se *gomail.SendError
		if try == 0 && errors.As(err, &se) && se.Reason == gomail.ErrConnCheck {
			continue
		}
		return err
	}
}

// wait keeps to the rate limit.
func (s *Sender) wait(ctx context.Context) error {
	if s.interval == 0 {
		return nil
	}
	now := time.Now()
	if d := s.next.Sub(now); d > 0 {
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
		now = s.next
	}
	s.next = now.Add(s.interval)
	return nil
}

// Close ends the connection, if any; the next Send opens a new one.
func (s *Sender) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closeLocked()
}

func (s *Sender) closeLocked() error {
	if s.conn == nil {
		return nil
	}
	conn := s.conn
	s.conn = nil
	if err := s.client.CloseWithSMTPClient(conn); err != nil {
		// QUIT failed on a broken connection: drop it without a goodbye.
		_ = conn.Close()
		return err
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
