package views

import (
	"html/template"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"portal/app"
	"portal/app/locale"
)

// funcs are the template functions for one language.
func funcs(cat *locale.Catalogue, lang string, assets map[string]string) template.FuncMap {
	return template.FuncMap{
		// t translates a message id; extra arguments are name/value pairs for the message.
		"t": func(id string, args ...any) string { return cat.T(lang, id, args...) },
		// ts translates a label of a form that both the person and staff fill in: on a staff page (the page's
		// Staff frame is set) it takes the staff wording "staff.voice.<id>" when the catalogue has one, so the
		// person typing is addressed as staff, not as the participant ("Woonplaats", not "Gemeente waar je woont").
		// Anything but a Page (a slip inside a with or range) takes the participant's wording.
		"ts": func(p any, id string, args ...any) string {
			if page, ok := p.(Page); ok && page.Staff != nil && cat.Has("staff.voice."+id) {
				id = "staff.voice." + id
			}
			return cat.T(lang, id, args...)
		},
		// tx picks the current language from a multilingual database text.
		"tx":         func(t app.Text) string { return t.In(lang) },
		"date":       func(t time.Time) string { return locale.Date(lang, t) },
		"shortdate":  func(t time.Time) string { return locale.ShortDate(lang, t) },
		"time":       func(t time.Time) string { return locale.Time(lang, t) },
		"timerange":  func(a, b time.Time) string { return locale.TimeRange(lang, a, b) },
		"datetime":   func(t time.Time) string { return locale.DateTime(lang, t) },
		"num":        func(n int) string { return locale.Number(lang, int64(n)) },
		"pct":        func(r float64) string { return locale.Percent(lang, r) },
		"mailreason": func(reason string) string { return mailReason(cat, lang, reason) },
		"asset":      func(name string) string { return assets[name] },
		"lang":       func() string { return lang },
		// opt and list build choices inline: list (opt "email" "By e-mail") (opt "phone" "By phone").
		"opt":  func(value, label string) Option { return Option{Value: value, Label: label} },
		"list": func(o ...Option) []Option { return o },
		// deref reads an optional text (a *string), "" when absent.
		"deref": func(p *string) string {
			if p == nil {
				return ""
			}
			return *p
		},
		// deref_int reads an optional number (an *int), 0 when absent.
		"deref_int": func(p *int) int {
			if p == nil {
				return 0
			}
			return *p
		},
		// label notes the visible label of a form field in labels (Page.Labels), for the error summary; it
		// writes nothing. A nil map (a page without errors) is left alone.
		"label": func(labels map[string]string, field, text string) string {
			if labels != nil && text != "" {
				if _, seen := labels[field]; !seen {
					labels[field] = text
				}
			}
			return ""
		},
		// named is an error summary's link text: "Label: message", the message's first letter made small as
		// after a colon; the message alone when the field noted no label. A label that is a question or ends in
		// a colon ("Op welke manier?") loses that mark: "Op welke manier?: kies" reads as a stutter; so does the
		// full stop of a tickbox's sentence ("Ik wil 2025 heropenen.").
		"named": func(label, message string) string {
			label = strings.TrimRight(strings.TrimSpace(label), "?:.")
			if label == "" {
				return message
			}
			r, size := utf8.DecodeRuneInString(message)
			if next, _ := utf8.DecodeRuneInString(message[size:]); !unicode.IsUpper(next) {
				message = string(unicode.ToLower(r)) + message[size:]
			}
			return label + ": " + message
		},
		// dict builds a map for passing several values to a partial.
		"dict": func(kv ...any) map[string]any {
			m := map[string]any{}
			for i := 0; i+1 < len(kv); i += 2 {
				m[kv[i].(string)] = kv[i+1]
			}
			return m
		},
	}
}

// notSent is how the outbox writes a cancelled mail's reason into its attempt history.
const notSent = "not sent: "

// mailReason turns why a mail failed or was not sent (outbox.last_error, which the app writes as a short English
// sentence) into the reader's language: the catalogue keeps each sentence under "staff.mail.reason." and the
// sentence's words joined by "_". A reason the catalogue does not know, such as a mail server's answer, stays as
// written: staff must always see why.
func mailReason(cat *locale.Catalogue, lang, reason string) string {
	prefix := ""
	if rest, ok := strings.CutPrefix(reason, notSent); ok {
		prefix, reason = cat.T(lang, "staff.mail.reason.notsent")+" ", rest
	}
	if id := MailReasonID(reason); cat.Has(id) {
		words := cat.T(lang, id)
		if prefix != "" { // after a colon the sentence goes on in small letters
			r, size := utf8.DecodeRuneInString(words)
			words = string(unicode.ToLower(r)) + words[size:]
		}
		return prefix + words
	}
	return prefix + reason
}

// MailReasonID is the catalogue id of a mail's reason sentence: "the session is cancelled" is
// "staff.mail.reason.the_session_is_cancelled".
func MailReasonID(reason string) string {
	words := strings.FieldsFunc(strings.ToLower(reason), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
	return "staff.mail.reason." + strings.Join(words, "_")
}
