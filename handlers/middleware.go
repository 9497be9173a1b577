package handlers

import (
	"log/slog"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
)

// contentSecurityPolicy allows nothing from elsewhere: no inline script or style, no third parties, no framing.
const contentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

// securityHeaders sets strict headers on every response.
func (s *Server) securityHeaders(c *fiber.Ctx) error {
	h := &c.Response().Header
	h.Set("Content-Security-Policy", contentSecurityPolicy)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	h.Set("Cross-Origin-Resource-Policy", "same-origin")
	if s.App.Config.Secure() {
		h.Set("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
	}
	return c.Next()
}

// logRequests logs each request by its route pattern, never its path: paths may hold personal tokens. Changes
// (every method but GET and HEAD) and failures (status 400 and up) are logged at Info; a page served as asked
// is logged at Debug (LOG_LEVEL=debug), so a busy catalogue does not write a line per visitor.
func (s *Server) logRequests(c *fiber.Ctx) error {
	start := time.Now()
	err := c.Next()
	if err != nil {
		if herr := c.App().ErrorHandler(c, err); herr != nil {
			_ = c.SendStatus(fiber.StatusInternalServerError)
		}
	}
	status := c.Response().StatusCode()
	level := slog.LevelDebug
	if status >= 400 || (c.Method() != fiber.MethodGet && c.Method() != fiber.MethodHead) {
		level = slog.LevelInfo
	}
	ctx := c.UserContext()
	if !s.Log.Enabled(ctx, level) {
		return nil
	}
	if !strings.HasPrefix(c.Path(), "/static/") && c.Path() != "/healthz" && c.Path() != "/readyz" {
		s.Log.Log(ctx, level, "request", "method", c.Method(), "route", routeOf(c), "status", status,
			"ms", time.Since(start).Milliseconds())
	}
	return nil
}

// routeOf names the matched route pattern ("/aanbod/:slug"), or "unmatched".
func routeOf(c *fiber.Ctx) string {
	r := c.Route()
	if r == nil || (r.Path == "/" && c.Path() != "/") {
		return "unmatched"
	}
	return r.Path
}
