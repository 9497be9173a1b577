package handlers

import (
	"time"

	"github.com/gofiber/fiber/v2"
)

// limit allows n requests per window per client address for the route it guards (public forms, login). The
// counters live in PostgreSQL, so the limit holds across portal processes. Only POSTs count: looking at a
// form is free.
func (s *Server) limit(name string, n int, window time.Duration) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if c.Method() != fiber.MethodPost {
			return c.Next()
		}
		ok, err := s.App.Allow(c.UserContext(), "ip:"+name+":"+c.IP(), n, window)
		if err != nil {
			return err
		}
		if !ok {
			c.Set(fiber.HeaderRetryAfter, "300")
			return s.errorPage(c, fiber.StatusTooManyRequests, "ratelimit")
		}
		return c.Next()
	}
}
