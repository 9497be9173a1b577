package handlers

import "github.com/gofiber/fiber/v2"

// registrationRoutes lists the staff routes for people: the roll call, requests and intake, registrations.
// Pages about a session or registration check its group in the handler (app.RequireGroup).
func (s *Server) registrationRoutes(f *fiber.App) {
	staff := s.requireStaff

	// Attendance, for everyone who may see the group: the page, the whole form, one tap, a walk-in.
	f.Get("/beheer/sessies/:id/aanwezigheid", staff, s.staffRollCall)
	f.Post("/beheer/sessies/:id/aanwezigheid", staff, s.staffRollCallSave)
	f.Post("/beheer/sessies/:id/aanwezigheid/markeer", staff, s.staffRollCallMark)
	f.Post("/beheer/sessies/:id/aanwezigheid/nieuw", staff, s.staffWalkIn)
}
