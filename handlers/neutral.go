package handlers

import (
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"

	"portal/app"
)

// The neutral host (DISCREET_BASE_URL) is where the links in discreet mail lead. Whoever reads a participant's
// mailbox can open them, so that host shows only the pages those links lead to, under a neutral title, header
// and icon ("Afspraken"); every other address there is "not found", so browsing the domain reveals nothing.

// neutralPrefixes are the pages that exist on the neutral host: the personal page and its actions, the link
// request page, the excuse and offer links of reminders, the language switch, and the neutral page's own files.
var neutralPrefixes = []string{"/mijn/", "/afmelden/", "/plaats/", "/taal/"}

// neutralFiles are the static files a neutral page uses; the staff's files are not served there.
var neutralFiles = map[string]bool{"/static/app.css": true, "/static/snelweg.js": true, "/static/afspraken.svg": true}

// personalLinkOf is the personal link shown after a form: on the neutral host for a discreet offering, so the
// address she keeps names neither the organisation nor the topic.
func (s *Server) personalLinkOf(o app.Offering, token string) string {
	if o.Discreet {
		return s.App.DiscreetPersonalLink(token)
	}
	return s.App.PersonalLink(token)
}

// neutralHostOf is the host (with port) of DISCREET_BASE_URL when it differs from BASE_URL's, else "".
func neutralHostOf(base, discreet string) string {
	d, err := url.Parse(discreet)
	if err != nil || discreet == "" {
		return ""
	}
	b, err := url.Parse(base)
	if err == nil && strings.EqualFold(b.Host, d.Host) {
		return ""
	}
	return strings.ToLower(d.Host)
}

// neutral reports whether the request came in on the neutral host.
func (s *Server) neutral(c *fiber.Ctx) bool {
	return s.neutralHost != "" && strings.EqualFold(string(c.Request().Host()), s.neutralHost)
}

// onNeutralHost answers "not found" on the neutral host for every address a discreet mail does not lead to.
func (s *Server) onNeutralHost(c *fiber.Ctx) error {
	if !s.neutral(c) {
		return c.Next()
	}
	p := c.Path()
	if p == "/healthz" || p == "/readyz" || p == "/mijn-link" || neutralFiles[p] {
		return c.Next()
	}
	for _, prefix := range neutralPrefixes {
		if strings.HasPrefix(p, prefix) {
			return c.Next()
		}
	}
	return s.notFound(c)
}
