package handlers

import (
	"net/url"
	"strings"
	"time"
	"unicode"

	"github.com/gofiber/fiber/v2"

	"portal/app/locale"
)

const langCookie = "taal"

// language picks the page language from the person's remembered choice (a cookie), Dutch otherwise.
func (s *Server) language(c *fiber.Ctx) error {
	l := c.Cookies(langCookie)
	if !locale.Supported(l) {
		l = locale.Default
	}
	c.Locals("lang", l)
	return c.Next()
}

func lang(c *fiber.Ctx) string {
	if l, ok := c.Locals("lang").(string); ok {
		return l
	}
	return locale.Default
}

// switchLanguage remembers the chosen language for a year, without an account, and goes back to the page.
func (s *Server) switchLanguage(c *fiber.Ctx) error {
	l := c.Params("lang")
	if !locale.Supported(l) {
		return fiber.ErrNotFound
	}
	c.Cookie(&fiber.Cookie{Name: langCookie, Value: l, Path: "/", Expires: time.Now().AddDate(1, 0, 0),
		HTTPOnly: true, SameSite: "Lax", Secure: s.App.Config.Secure()})
	return c.Redirect(localPath(c.Query("terug")), fiber.StatusSeeOther)
}

// localPath keeps a return address on this site: a path of printable characters starting with one slash, no
// backslash, no scheme or host however a browser might read it. Anything else becomes the home page.
func localPath(p string) string {
	if !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || strings.Contains(p, "\\") || len(p) > 500 {
		return "/"
	}
	for _, r := range p {
		if r < 0x21 || r == 0x7f || !unicode.IsPrint(r) {
			return "/" // browsers drop tabs and line breaks: "/\t/evil.example" would become "//evil.example"
		}
	}
	u, err := url.Parse(p)
	if err != nil || u.Scheme != "" || u.Host != "" || u.Opaque != "" || !strings.HasPrefix(u.Path, "/") || strings.HasPrefix(u.Path, "//") {
		return "/"
	}
	return p
}
