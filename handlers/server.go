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
	// Limits are the rate limits of public forms; zero values get the defaults.
	Limits Limits
	// PageCacheTTL is how long the public pages without a form are served as rendered (DefaultPageCacheTTL
	// when zero; a negative value renders every request).
	PageCacheTTL time.Duration
	// RequestTimeout bounds the database work of each request (DefaultRequestTimeout when zero).
	RequestTimeout time.Duration

	pages  *pageCache
	health health
	// neutralHost is the host of DISCREET_BASE_URL when it is not BASE_URL's (neutral.go).
	neutralHost string
}

// Limits caps how often one client address may post a public form.
type Limits struct {
	Forms  int
	Window time.Duration
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
	if s.Limits.Forms == 0 {
		s.Limits = Limits{Forms: app.DefaultFormRateLimit, Window: app.DefaultFormRateWindow}
	}
	s.neutralHost = neutralHostOf(s.App.Config.BaseURL, s.App.Config.DiscreetBaseURL)
	switch {
	case s.PageCacheTTL == 0:
		s.pages = newPageCache(DefaultPageCacheTTL)
	case s.PageCacheTTL > 0:
		s.pages = newPageCache(s.PageCacheTTL)
	}
	f := fiber.New(fiber.Config{
		AppName:               "portal",
		DisableStartupMessage: true,
		BodyLimit:             UploadBodyLimit, // BodyLimit on every route but the import's: limitBody
		ReadBufferSize:        8192,
		ReadTimeout:           15 * time.Second,
		WriteTimeout:          30 * time.Second,
		IdleTimeout:           60 * time.Second,
		ErrorHandler:          s.handleError,
		// Behind a proxy that sets it (fly.io: Fly-Client-IP), the client's address comes from that header, so
		// rate limits count per person and not per proxy.
		ProxyHeader: s.App.Config.ClientIPHeader,
	})
	s.routes(f)
	return f
}
