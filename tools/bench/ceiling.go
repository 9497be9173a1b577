package main

import (
	"bytes"

	"github.com/gofiber/fiber/v2"
)

// serveCeiling runs the HTTP ceiling: a minimal Fiber handler answering every GET with size fixed bytes (as
// many as the catalogue page, so the ceiling moves the same bytes), with Fiber's defaults. It runs in a
// process of its own, like the portal, and stops on SIGTERM.
func serveCeiling(addr string, size int) error {
	body := bytes.Repeat([]byte("x"), size)
	f := fiber.New(fiber.Config{DisableStartupMessage: true})
	f.Get("/*", func(c *fiber.Ctx) error {
		c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
		return c.Send(body)
	})
	stop := make(chan error, 1)
	go func() { stop <- f.Listen(addr) }()
	return waitForSignal(stop, f.Shutdown)
}
