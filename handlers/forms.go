package handlers

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"strings"

	"github.com/gofiber/fiber/v2"

	"portal/app"
	"portal/views"
)

// consentVersion names the consent texts in the catalogue as they are worded now; change it with the wording.
const consentVersion = "2026-11-30"

// newSubmissionKey is the random key a form carries so that sending it twice registers once.
func newSubmissionKey() string {
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// formValues keeps what the person typed, to show the form again: one value per field, and "name=value" for
// every ticked box of a checkbox group.
func formValues(c *fiber.Ctx) map[string]string {
	m := map[string]string{}
	c.Request().PostArgs().VisitAll(func(k, v []byte) {
		key := string(k)
		if key == "_csrf" || key == "code" {
			return // a personal code is never written back into a page, like a password
		}
		if _, seen := m[key]; !seen {
			m[key] = string(v)
		}
		m[key+"="+string(v)] = "ja"
	})
	return m
}

// checked reports whether a checkbox group has value ticked.
func checked(c *fiber.Ctx, name, value string) bool {
	for _, v := range c.Request().PostArgs().PeekMulti(name) {
		if string(v) == value {
			return true
		}
	}
	return false
}

// consent returns the consent text of kind as the person saw it, for the record.
func (s *Server) consent(c *fiber.Ctx, kind string) app.Consent {
	return app.Consent{Version: consentVersion + "/" + kind + "/" + lang(c), Text: s.Cat.T(lang(c), "consent."+kind)}
}

// withErrors fills a page with the form's values and, for a validation error, a message next to each field and a
// summary in the order of fields. It reports false when err is not a validation error.
func (s *Server) withErrors(c *fiber.Ctx, p *views.Page, err error, order []string) bool {
	noStore(c) // a form shown again holds what the person typed: never kept by a browser or a proxy
	p.Form = formValues(c)
	v, ok := app.AsValidation(err)
	if !ok {
		return false
	}
	s.fillErrors(c, p, v, order) // the layouts put "Fout:" before the <title>, never before the visible heading
	return true
}

// fillErrors translates a validation error into the page: a message per field, and the summary's list in the
// form's order (fields not in order come last).
func (s *Server) fillErrors(c *fiber.Ctx, p *views.Page, v *app.ValidationError, order []string) {
	l := lang(c)
	p.Errors = map[string]string{}
	for field, id := range v.Fields {
		p.Errors[field] = s.Cat.T(l, id)
	}
	seen := map[string]bool{}
	for _, f := range order {
		if msg, ok := p.Errors[f]; ok {
			p.ErrorList = append(p.ErrorList, views.FieldError{Field: f, Message: msg})
			seen[f] = true
		}
	}
	for f, msg := range p.Errors {
		if !seen[f] {
			p.ErrorList = append(p.ErrorList, views.FieldError{Field: f, Message: msg})
		}
	}
}

// options builds choices from codes, labelled from the catalogue under prefix ("sector." + code).
func (s *Server) options(c *fiber.Ctx, prefix string, codes []string) []views.Option {
	out := make([]views.Option, 0, len(codes))
	for _, code := range codes {
		out = append(out, views.Option{Value: code, Label: s.Cat.T(lang(c), prefix+code)})
	}
	return out
}

// municipalityOptions lists the region's municipalities by name, then "elsewhere" and "rather not say".
func (s *Server) municipalityOptions(c *fiber.Ctx) []views.Option {
	out := make([]views.Option, 0, len(app.Municipalities))
	for _, m := range app.Municipalities {
		label := m
		if m == app.MunicipalityElsewhere || m == app.MunicipalityUnsaid {
			label = s.Cat.T(lang(c), "municipality."+m)
		}
		out = append(out, views.Option{Value: m, Label: label})
	}
	return out
}

// isClientError reports errors that are the visitor's (a closed group, an expired link) rather than ours.
func isClientError(err error) bool {
	return errors.Is(err, app.ErrClosed) || errors.Is(err, app.ErrExpired) || errors.Is(err, app.ErrNotFound)
}

// noStore marks a response as personal: never cached, never indexed.
func noStore(c *fiber.Ctx) {
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Set("X-Robots-Tag", "noindex, nofollow")
}

func trimmed(c *fiber.Ctx, name string) string { return strings.TrimSpace(c.FormValue(name)) }
