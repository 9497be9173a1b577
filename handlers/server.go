// Package handlers is the portal's HTTP side: Fiber routes, middleware and one file of handlers per resource.
// Handlers read the request, call the app, and render a page; they hold no business rules.
package handlers

import (
	"log/slog"
	"time"

	"github.com/gofiber/fiber/v2"

	"portal/app"
	"portal/app/locale"
	"portal/views"
)

// BodyLimit is the largest request body the portal accepts; forms are small.
const BodyLimit = 64 * 1024

// Server holds what the handlers need.
type Server struct {
	App   *app.App
	Views *views.Renderer
	Cat   *locale.Catalogue
	Log   *slog.Logger
	// QuickExitURL is the neutral site the quick exit leaves for.
	QuickExitURL string
}

// DefaultQuickExitURL is a neutral site (the Belgian weather forecast).
const DefaultQuickExitURL = "https://www.meteo.be/nl/weer/verwachtingen/belgie"

// New builds the Fiber application with every route.
func New(s *Server) *fiber.App {
	if s.Log == nil {
		s.Log = slog.Default()
	}
	if s.QuickExitURL == "" {
		s.QuickExitURL = DefaultQuickExitURL
	}
	f := fiber.New(fiber.Config{
		AppName:               "portal",
		DisableStartupMessage: true,
		BodyLimit:             BodyLimit,
		ReadBufferSize:        8192,
		ReadTimeout:           15 * time.Second,
		WriteTimeout:          30 * time.Second,
		IdleTimeout:           60 * time.Second,
		ErrorHandler:          s.handleError,
		// The portal may run behind a proxy (fly.io); it never trusts client headers for security decisions.
		EnableTrustedProxyCheck: true,
	})
	s.routes(f)
	return f
}
