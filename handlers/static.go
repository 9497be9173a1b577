package handlers

import (
	"io/fs"
	"mime"
	"path"
	"strings"

	"github.com/gofiber/fiber/v2"

	"portal/views"
)

// static serves the embedded CSS and script. Addresses carry a content hash (?v=...), so they may be cached
// for a year.
func (s *Server) static(c *fiber.Ctx) error {
	name := c.Params("*")
	if name == "" || strings.Contains(name, "..") {
		return fiber.ErrNotFound
	}
	b, err := fs.ReadFile(views.Static, path.Join("static", name))
	if err != nil {
		return fiber.ErrNotFound
	}
	if t := mime.TypeByExtension(path.Ext(name)); t != "" {
		c.Set(fiber.HeaderContentType, t)
	}
	if c.Query("v") != "" {
		c.Set(fiber.HeaderCacheControl, "public, max-age=31536000, immutable")
	} else {
		c.Set(fiber.HeaderCacheControl, "public, max-age=300")
	}
	return c.Send(b)
}
