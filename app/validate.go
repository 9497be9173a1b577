package app

import (
	"net/mail"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits on free text, in characters. Forms say so with maxlength; the app checks again.
const (
	MaxName    = 100
	MaxEmail   = 254
	MaxPhone   = 30
	MaxShort   = 200
	MaxMessage = 2000
)

// clean trims text and rejects what no person types: invalid UTF-8, control characters (other than line
// breaks and tabs in long text), and text over max characters. It returns the message id of the problem.
func clean(s string, max int, multiline bool) (string, string) {
	if !utf8.ValidString(s) {
		return "", "form.invalidtext"
	}
	s = strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n"))
	for _, r := range s {
		if r == '\n' || r == '\t' {
			if !multiline {
				return "", "form.invalidtext"
			}
			continue
		}
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' || (r >= '\u202a' && r <= '\u202e') || (r >= '\u2066' && r <= '\u2069') {
			return "", "form.invalidtext"
		}
	}
	if utf8.RuneCountInString(s) > max {
		return "", "form.toolong"
	}
	return s, ""
}

// fields collects cleaned values and problems for one form.
type fields struct {
	v *ValidationError
}

func newFields() *fields { return &fields{v: &ValidationError{}} }

// text cleans a one-line value; required adds "form.required" when it is empty.
func (f *fields) text(name, value string, max int, required bool) string {
	return f.cleaned(name, value, max, required, false)
}

// long cleans a multi-line value.
func (f *fields) long(name, value string, max int, required bool) string {
	return f.cleaned(name, value, max, required, true)
}

func (f *fields) cleaned(name, value string, max int, required, multiline bool) string {
	s, problem := clean(value, max, multiline)
	if problem != "" {
		f.v.Add(name, problem)
		return ""
	}
	if required && s == "" {
		f.v.Add(name, "form.required")
	}
	return s
}

// email cleans and checks an address: a bare address, no display name.
func (f *fields) email(name, value string, required bool) string {
	s := f.text(name, value, MaxEmail, required)
	if s == "" {
		return ""
	}
	addr, err := mail.ParseAddress(s)
	if err != nil || addr.Name != "" || addr.Address != s || !strings.Contains(s[strings.LastIndex(s, "@"):], ".") {
		f.v.Add(name, "form.email.invalid")
		return ""
	}
	return s
}

var phonePattern = regexp.MustCompile(`^\+?[0-9 ()./-]{6,30}$`)

// phone cleans and checks a phone number (digits, spaces and the usual separators).
func (f *fields) phone(name, value string, required bool) string {
	s := f.text(name, value, MaxPhone, required)
	if s != "" && (!phonePattern.MatchString(s) || digitCount(s) < 6) {
		f.v.Add(name, "form.phone.invalid")
		return ""
	}
	return s
}

// digitCount is how many digits s holds: a phone number is dialled by its digits, however it is written, so
// "------" passes the pattern of characters but is no number.
func digitCount(s string) int {
	n := 0
	for _, r := range s {
		if r >= '0' && r <= '9' {
			n++
		}
	}
	return n
}

// choice checks that value is one of allowed (or empty when not required). A required choice left open answers
// "form.choice.required" ("Kies er een."): a list or a group of options is chosen, not filled in.
func (f *fields) choice(name, value string, allowed []string, required bool) string {
	if value == "" {
		if required {
			f.v.Add(name, "form.choice.required")
		}
		return ""
	}
	for _, a := range allowed {
		if value == a {
			return value
		}
	}
	f.v.Add(name, "form.choice.invalid")
	return ""
}

// consent checks that the consent box was ticked.
func (f *fields) consent(name string, given bool) {
	if !given {
		f.v.Add(name, "form.consent.required")
	}
}

func (f *fields) err() error { return f.v.OrNil() }
