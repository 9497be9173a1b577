package handlers

import (
	"github.com/gofiber/fiber/v2"

	"portal/views"
)

// page builds the common frame of a page for this request.
func (s *Server) page(c *fiber.Ctx, titleID string, quickExit bool, data any) views.Page {
	return views.Page{
		Lang:         lang(c),
		Path:         c.Path(),
		QuickExit:    quickExit,
		QuickExitURL: s.QuickExitURL,
		Neutral:      s.neutral(c),
		Title:        s.Cat.T(lang(c), titleID),
		Token:        func() string { return s.csrfToken(c) },
		D:            data,
	}
}

// render writes a page with status 200 (or the status already set).
func (s *Server) render(c *fiber.Ctx, name string, p views.Page) error {
	c.Type("html", "utf-8")
	return s.Views.Render(c.Response().BodyWriter(), p.Lang, name, p)
}
