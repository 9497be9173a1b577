package handlers

import (
	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/recover"
)

// routes lists every route of the portal.
func (s *Server) routes(f *fiber.App) {
	f.Use(recover.New())
	f.Use(s.securityHeaders)
	f.Use(s.logRequests)

	f.Get("/healthz", s.healthz)
	f.Get("/readyz", s.readyz)
	f.Get("/static/*", s.static)

	f.Use(s.language)
	f.Use(s.csrf)
	f.Get("/", s.home)
	f.Get("/taal/:lang", s.switchLanguage)
	f.Get("/veilig-surfen", s.safeBrowsing)
	f.Get("/aanbod/:slug", s.offering)
	s.staffRoutes(f)

	f.Use(s.notFound)
}
