package handlers

import "github.com/gofiber/fiber/v2"

// healthz answers 200 while the process lives.
func (s *Server) healthz(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.SendString("ok")
}

// readyz answers 200 only while PostgreSQL answers, so a load balancer stops sending traffic when it does not.
func (s *Server) readyz(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, "no-store")
	if err := s.App.Ready(c.UserContext()); err != nil {
		return c.Status(fiber.StatusServiceUnavailable).SendString("database unavailable")
	}
	return c.SendString("ready")
}
