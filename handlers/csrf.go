package handlers

import (
	"crypto/rand"
	"encoding/base64"

	"github.com/gofiber/fiber/v2"
)

const csrfCookie = "vh_csrf"

// csrf protects every form: a random cookie per browser, and in each form a token derived from it with the
// secret key (field "_csrf", or header X-CSRF-Token for scripts). A POST without the matching pair is refused
// with a page that explains what to do, and changes nothing.
func (s *Server) csrf(c *fiber.Ctx) error {
	cookie := c.Cookies(csrfCookie)
	switch c.Method() {
	case fiber.MethodGet, fiber.MethodHead, fiber.MethodOptions:
		if cookie == "" || len(cookie) > 64 {
			b := make([]byte, 32)
			if _, err := rand.Read(b); err != nil {
				return err
			}
			cookie = base64.RawURLEncoding.EncodeToString(b)
			c.Cookie(&fiber.Cookie{Name: csrfCookie, Value: cookie, Path: "/", HTTPOnly: true, SameSite: "Lax",
				Secure: s.App.Config.Secure()})
		}
		c.Locals("csrf", s.App.Keys.CSRFToken(cookie))
		return c.Next()
	}
	token := c.FormValue("_csrf")
	if token == "" {
		token = c.Get("X-CSRF-Token")
	}
	if !s.App.Keys.CheckCSRF(cookie, token) {
		return s.errorPage(c, fiber.StatusForbidden, "csrf")
	}
	c.Locals("csrf", token)
	return c.Next()
}

func csrfToken(c *fiber.Ctx) string {
	t, _ := c.Locals("csrf").(string)
	return t
}
