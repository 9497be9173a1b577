package mail

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"sort"
	"strings"
)

// Reading a message back: the staff page of the mail catcher and the tests take a raw message apart with
// ParseMail. The standard library reads headers and parts; this walks the MIME tree and decodes each part.

// ParsedMail is a MIME message taken apart.
type ParsedMail struct {
	Headers     []MailHeader
	Text        string
	HTML        string
	Attachments []MailAttachment
}

// Header returns the first value of a header, decoded.
func (p ParsedMail) Header(name string) string {
	for _, h := range p.Headers {
		if strings.EqualFold(h.Name, name) {
			return h.Value
		}
	}
	return ""
}

// MailHeader is one header line, its value decoded (RFC 2047).
type MailHeader struct {
	Name  string
	Value string
}

// MailAttachment is an attached file.
type MailAttachment struct {
	Name        string
	ContentType string
	Content     []byte
}

// ParseMail takes a raw message apart: its decoded headers, the plain text and HTML bodies, and attachments.
func ParseMail(raw []byte) (ParsedMail, error) {
	var p ParsedMail
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return p, fmt.Errorf("mail: unable to parse message: %w", err)
	}
	dec := new(mime.WordDecoder)
	for name, values := range msg.Header {
		for _, v := range values {
			if d, err := dec.DecodeHeader(v); err == nil {
				v = d
			}
			p.Headers = append(p.Headers, MailHeader{Name: name, Value: v})
		}
	}
	// Map order is random: sort, so a page shows the headers the same way every time.
	sort.SliceStable(p.Headers, func(i, j int) bool { return p.Headers[i].Name < p.Headers[j].Name })
	err = p.walk(msg.Header.Get("Content-Type"), msg.Header.Get("Content-Transfer-Encoding"),
		msg.Header.Get("Content-Disposition"), msg.Body, 0)
	return p, err
}

// walk reads one MIME part, descending into multiparts.
func (p *ParsedMail) walk(contentType, encoding, disposition string, body io.Reader, depth int) error {
	if depth > 10 {
		return errors.New("mail: parts nested too deep")
	}
	if contentType == "" {
		contentType = "text/plain"
	}
	media, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		return fmt.Errorf("mail: bad content type: %w", err)
	}
	if strings.HasPrefix(media, "multipart/") {
		r := multipart.NewReader(body, params["boundary"])
		for {
			part, err := r.NextRawPart()
			if err == io.EOF {
				return nil
			}
			if err != nil {
				return fmt.Errorf("mail: bad multipart: %w", err)
			}
			if err := p.walk(part.Header.Get("Content-Type"), part.Header.Get("Content-Transfer-Encoding"),
				part.Header.Get("Content-Disposition"), part, depth+1); err != nil {
				return err
			}
		}
	}
	switch strings.ToLower(encoding) {
	case "quoted-printable":
		body = quotedprintable.NewReader(body)
	case "base64":
		body = base64.NewDecoder(base64.StdEncoding, body) // it skips the line breaks itself
	}
	content, err := io.ReadAll(io.LimitReader(body, 20<<20))
	if err != nil {
		return fmt.Errorf("mail: unable to read part: %w", err)
	}
	disp, dparams, _ := mime.ParseMediaType(disposition)
	switch {
	case disp != "attachment" && media == "text/plain" && p.Text == "":
		p.Text = string(content)
	case disp != "attachment" && media == "text/html" && p.HTML == "":
		p.HTML = string(content)
	default:
		name := dparams["filename"]
		if name == "" {
			name = params["name"]
		}
		p.Attachments = append(p.Attachments, MailAttachment{Name: name, ContentType: contentType, Content: content})
	}
	return nil
}
