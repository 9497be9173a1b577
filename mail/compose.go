package mail

import (
	"bytes"
	"crypto/rand"
	"embed"
	"encoding/base32"
	"fmt"
	htmltemplate "html/template"
	"io"
	netmail "net/mail"
	"strings"
	texttemplate "text/template"
	"time"

	gomail "github.com/wneessen/go-mail"

	"portal/app"
	"portal/app/calendar"
	"portal/app/locale"
)

//go:embed templates/*.tmpl
var templateFiles embed.FS

// Composer turns MailData into a message: subject and words from the catalogue, laid out by the shared text and
// HTML templates, with a calendar file when the mail has one.
type Composer struct {
	cat          *locale.Catalogue
	text         *texttemplate.Template
	html         *htmltemplate.Template
	from         *netmail.Address
	fromDiscreet *netmail.Address
}

// Composed describes a message as it was built, for the outbox row.
type Composed struct {
	Subject   string
	MessageID string // with its angle brackets, as in the header
}

// NewComposer parses the templates and the senders; a template that does not parse stops the boot.
func NewComposer(cat *locale.Catalogue, cfg app.Config) (*Composer, error) {
	from, err := netmail.ParseAddress(cfg.MailFrom)
	if err != nil {
		return nil, fmt.Errorf("mail: MAIL_FROM: %w", err)
	}
	discreet, err := netmail.ParseAddress(cfg.MailFromDiscreet)
	if err != nil {
		return nil, fmt.Errorf("mail: MAIL_FROM_DISCREET: %w", err)
	}
	text, err := texttemplate.ParseFS(templateFiles, "templates/text.tmpl")
	if err != nil {
		return nil, fmt.Errorf("mail: %w", err)
	}
	html, err := htmltemplate.ParseFS(templateFiles, "templates/html.tmpl")
	if err != nil {
		return nil, fmt.Errorf("mail: %w", err)
	}
	return &Composer{cat: cat, text: text, html: html, from: from, fromDiscreet: discreet}, nil
}

// Compose builds the message for d, dated now.
func (c *Composer) Compose(d app.MailData, now time.Time) (*gomail.Msg, Composed, error) {
	m, err := c.content(d)
	if err != nil {
		return nil, Composed{}, err
	}
	text, html := new(bytes.Buffer), new(bytes.Buffer)
	text.Grow(2 << 10) // most mails fit: fewer copies while rendering
	html.Grow(6 << 10)
	if err := c.text.ExecuteTemplate(text, "text", m); err != nil {
		return nil, Composed{}, fmt.Errorf("mail: text of %s: %w", d.Kind, err)
	}
	if err := c.html.ExecuteTemplate(html, "html", m); err != nil {
		return nil, Composed{}, fmt.Errorf("mail: html of %s: %w", d.Kind, err)
	}
	from := c.from
	if d.Discreet {
		from = c.fromDiscreet
	}
	domain := calendar.DomainOf(from.Address)
	// No User-Agent or X-Mailer: they say nothing the reader needs and could tell the sender apart.
	msg := gomail.NewMsg(gomail.WithNoDefaultUserAgent())
	msg.FromMailAddress(from)
	msg.ToMailAddress(&netmail.Address{Name: d.ToName, Address: d.To})
	msg.Subject(m.Subject)
	id := randomID() + "@" + domain
	msg.SetMessageIDWithValue(id)
	msg.SetDateWithValue(now)
	// RFC 3834: an automatic mail; out-of-office replies stay away.
	msg.SetGenHeader(gomail.Header("Auto-Submitted"), "auto-generated")
	msg.SetBodyWriter(gomail.TypeTextPlain, writeBuffer(text))
	msg.AddAlternativeWriter(gomail.TypeTextHTML, writeBuffer(html))
	if ics := c.calendar(d, domain, now); ics != nil {
		err := msg.AttachReader(c.cat.T(d.Lang, "mail.calendar.file"), bytes.NewReader(ics),
			gomail.WithFileContentType("text/calendar; charset=utf-8; method=PUBLISH"))
		if err != nil {
			return nil, Composed{}, fmt.Errorf("mail: calendar: %w", err)
		}
	}
	return msg, Composed{Subject: m.Subject, MessageID: "<" + id + ">"}, nil
}

// writeBuffer hands a rendered part to go-mail without copying it; the part can be written more than once.
func writeBuffer(b *bytes.Buffer) func(io.Writer) (int64, error) {
	return func(w io.Writer) (int64, error) {
		n, err := w.Write(b.Bytes())
		return int64(n), err
	}
}

// randomID is the left part of a Message-ID: 120 random bits.
func randomID() string {
	b := make([]byte, 15)
	_, _ = rand.Read(b)
	return strings.ToLower(base32.StdEncoding.EncodeToString(b))
}
