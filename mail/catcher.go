package mail

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net"
	"net/mail"
	"time"

	"github.com/emersion/go-smtp"

	"portal/app"
)

// Catcher is the built-in mail catcher: an SMTP server on loopback that stores every message it receives in
// the database (caught_mail), where staff read it under /beheer. The portal uses it when no SMTP_URL is set,
// and the worker sends to it exactly as it would to a real server: through go-mail, over SMTP.
type Catcher struct {
	server *smtp.Server
	ln     net.Listener
	store  *app.Store
	log    *slog.Logger
}

// maxCaught is the largest message the catcher accepts.
const maxCaught = 10 << 20

// StartCatcher starts a catcher on a free loopback port; it drops caught mail older than a week first.
func StartCatcher(ctx context.Context, a *app.App, log *slog.Logger) (*Catcher, error) {
	if log == nil {
		log = slog.Default()
	}
	if err := a.Store.PurgeCaughtMail(ctx, a.Now()); err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	c := &Catcher{ln: ln, store: a.Store, log: log}
	c.server = smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) {
		return &catcherSession{c: c}, nil
	}))
	c.server.Domain = "localhost"
	c.server.MaxMessageBytes = maxCaught
	c.server.MaxRecipients = 50
	c.server.AllowInsecureAuth = true
	c.server.ReadTimeout = time.Minute
	c.server.WriteTimeout = time.Minute
	c.server.ErrorLog = slogPrinter{log}
	go func() {
		if err := c.server.Serve(ln); err != nil && !errors.Is(err, smtp.ErrServerClosed) {
			log.Error("mail catcher", "err", err.Error())
		}
	}()
	return c, nil
}

// URL is the SMTP_URL that reaches the catcher.
func (c *Catcher) URL() string { return "smtp+insecure://" + c.ln.Addr().String() }

// Close stops the catcher, waiting for messages being received.
func (c *Catcher) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return c.server.Shutdown(ctx)
}

// catcherSession is one SMTP conversation with the catcher.
type catcherSession struct {
	c    *Catcher
	from string
	to   []string
}

func (s *catcherSession) Mail(from string, _ *smtp.MailOptions) error {
	s.from = from
	return nil
}

func (s *catcherSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.to = append(s.to, to)
	return nil
}

func (s *catcherSession) Data(r io.Reader) error {
	raw, err := io.ReadAll(io.LimitReader(r, maxCaught+1))
	if err != nil {
		return err
	}
	if len(raw) > maxCaught {
		return &smtp.SMTPError{Code: 552, EnhancedCode: smtp.EnhancedCode{5, 3, 4}, Message: "message too big"}
	}
	subject := ""
	if m, err := mail.ReadMessage(bytes.NewReader(raw)); err == nil {
		subject = m.Header.Get("Subject")
		if d, err := new(mime.WordDecoder).DecodeHeader(subject); err == nil {
			subject = d
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := s.c.store.SaveCaughtMail(ctx, s.from, s.to, subject, raw); err != nil {
		s.c.log.Error("mail catcher: unable to store a message", "err", err.Error())
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "unable to store the message"}
	}
	return nil
}

func (s *catcherSession) Reset() { s.from, s.to = "", nil }

func (s *catcherSession) Logout() error { return nil }

// slogPrinter passes go-smtp's internal errors to the portal's log.
type slogPrinter struct{ log *slog.Logger }

func (p slogPrinter) Printf(format string, v ...any) {
	p.log.Warn("mail catcher", "detail", redact(fmt.Sprintf(format, v...)))
}
func (p slogPrinter) Println(v ...any) {
	p.log.Warn("mail catcher", "detail", redact(fmt.Sprint(v...)))
}
