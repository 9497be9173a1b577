package handlers

import (
	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/recover"
)

// routes lists every route of the portal: the public ones here, the staff ones through staffRoutes
// (staff_routes.go and the feature route files it calls).
func (s *Server) routes(f *fiber.App) {
	f.Use(recover.New())
	f.Use(limitBody)
	f.Use(s.securityHeaders)
	f.Use(s.logRequests)
	f.Use(s.deadline)
	f.Use(s.onNeutralHost)

	f.Get("/healthz", s.healthz)
	f.Get("/readyz", s.readyz)
	f.Get("/static/*", s.static)

	f.Use(s.language)
	f.Use(s.csrf)
	// The pages that are the same for every visitor are kept rendered for a moment (pagecache.go).
	f.Get("/", s.cached, s.home)
	f.Get("/taal/:lang", s.switchLanguage)
	f.Get("/veilig-surfen", s.cached, s.safeBrowsing)
	f.Get("/privacy", s.cached, s.privacy)
	f.Get("/toegankelijkheid", s.cached, s.accessibility)
	f.Get("/aanbod/:slug", s.cached, s.offering)
	s.staffRoutes(f)

	// Joining: open signup, requests with an intake, families, organisations. Each form has its own budget per
	// client address (handlers/ratelimit.go); only POSTs count.
	f.Get("/aanbod/:slug/inschrijven/:group", s.signupForm)
	f.Post("/aanbod/:slug/inschrijven/:group", s.limit("signup", s.Limits.Forms, s.Limits.Window), s.signup)
	f.Get("/aanbod/:slug/aanvragen", s.requestForm)
	f.Post("/aanbod/:slug/aanvragen", s.limit("request", s.Limits.Forms, s.Limits.Window), s.request)
	f.Get("/aanbod/:slug/inschrijven/:group/agenda.ics", s.signupCalendar)
	f.Get("/inschrijven/:token", s.privateSignupForm)
	f.Get("/inschrijven/:token/agenda.ics", s.privateSignupCalendar)
	f.Post("/inschrijven/:token", s.limitPrivateSignup(), s.privateSignup)
	f.Get("/waakvlam/:token", s.waakvlamStatus)
	f.Post("/waakvlam/:token/link", s.limit("waakvlam-link", s.Limits.Forms, s.Limits.Window), s.waakvlamResend)

	// Self-service without an account: the personal link, and the links in mail.
	f.Get("/mijn-link", s.linkRequestForm)
	f.Post("/mijn-link", s.limit("link", s.Limits.Forms, s.Limits.Window), s.linkRequest)
	f.Get("/mijn/:token", s.personal)
	s.personalAttestRoutes(f)
	f.Post("/mijn/:token/:action", s.limit("personal", s.Limits.Forms, s.Limits.Window), s.personalAction)
	f.Get("/afmelden/:sig", s.excuseForm)
	f.Post("/afmelden/:sig", s.excuse)
	f.Get("/plaats/:sig", s.offerForm)
	f.Post("/plaats/:sig", s.offerAnswer)

	f.Use(s.notFound)
}
