package handlers

import (
	"crypto/rand"
	"encoding/base64"

	"github.com/gofiber/fiber/v2"
)

const csrfCookie = "vh_csrf"

// csrf protects every form: a random cookie per browser, and in each form a token derived from it with the
// secret key (field "_csrf", or header X-CSRF-Token for scripts). A POST without the matching pair is refused
// with a page that explains what to do, and changes nothing. On other requests nothing happens here: the
// cookie is made, and the token derived, only when a page asks for the token (csrfToken), so the pages
// without a form (the catalogue, most of all) cost neither.
func (s *Server) csrf(c *fiber.Ctx) error {
	switch c.Method() {
	case fiber.MethodGet, fiber.MethodHead, fiber.MethodOptions:
		return c.Next()
	}
	token := c.FormValue("_csrf")
	if token == "" {
		token = c.Get("X-CSRF-Token")
	}
	if !s.App.Keys.CheckCSRF(c.Cookies(csrfCookie), token) {
		return s.errorPage(c, fiber.StatusForbidden, "csrf")
	}
	c.Locals("csrf", token)
	return c.Next()
}

// csrfToken returns the form token of this request, giving the browser its CSRF cookie first if it has none.
func (s *Server) csrfToken(c *fiber.Ctx) string {
	if t, ok := c.Locals("csrf").(string); ok {
		return t
	}
	cookie := c.Cookies(csrfCookie)
	if cookie == "" || len(cookie) > 64 {
		b := make([]byte, 32)
		if _, err := rand.Read(b); err != nil {
			panic(err) // crypto/rand does not fail on the systems we run on
		}
		cookie = base64.RawURLEncoding.EncodeToString(b)
		c.Cookie(&fiber.Cookie{Name: csrfCookie, Value: cookie, Path: "/", HTTPOnly: true, SameSite: "Lax",
			Secure: s.App.Config.Secure()})
	}
	t := s.App.Keys.CSRFToken(cookie)
	c.Locals("csrf", t)
	return t
}
