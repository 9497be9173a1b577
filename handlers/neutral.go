package handlers

import (
	"net"
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
var neutralFiles = map[string]bool{"/static/app.css": true, "/static/snelweg.js": true, "/static/error-summary.js": true,
	"/static/afspraken.svg": true}

// personalLinkOf is the personal link shown after a form: on the neutral host for a discreet offering, so the
// address she keeps names neither the organisation nor the topic.
func (s *Server) personalLinkOf(o app.Offering, token string) string {
	if o.Discreet {
		return s.App.DiscreetPersonalLink(token)
	}
	return s.App.PersonalLink(token)
}

// neutralHostOf is the host name (no port, lower case, no trailing dot) of DISCREET_BASE_URL when it differs
// from BASE_URL's, else "".
func neutralHostOf(base, discreet string) string {
	d, err := url.Parse(discreet)
	if err != nil || discreet == "" {
		return ""
	}
	b, err := url.Parse(base)
	if err == nil && hostName(b.Host) == hostName(d.Host) {
		return ""
	}
	return hostName(d.Host)
}

// hostName reduces a Host header or URL host to the name a browser resolves: without port, lower case, without
// the trailing dot of a fully qualified name. "mijn-afspraak.be.", "MIJN-AFSPRAAK.be:443" and "mijn-afspraak.be"
// all reach the same server, so all must get the neutral pages.
func hostName(host string) string {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	return strings.TrimSuffix(strings.ToLower(strings.Trim(host, "[]")), ".")
}

// neutral reports whether the request came in on the neutral host, under any spelling of its name.
func (s *Server) neutral(c *fiber.Ctx) bool {
	return s.neutralHost != "" && hostName(string(c.Request().Host())) == s.neutralHost
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
