package handlers

import "github.com/gofiber/fiber/v2"

// registrationActions are the decisions staff take on a registration, each a POST to
// /beheer/inschrijvingen/:id/ACTION.
var registrationActions = []string{"intake", "toelaten", "weigeren", "wachtlijst", "promoveren", "intrekken",
	"verplaatsen", "doorverwijzen", "aanvraagdatum", "scheiden", "code", "werk-klaar"}

// registrationRoutes lists the staff routes of requests and registrations: the intake queue, registering
// someone on their behalf, one registration and the decisions on it, and one person's data. The guards here are
// the second line: the app method behind each page checks the actor's role and group itself.
func (s *Server) registrationRoutes(f *fiber.App) {
	staff := s.requireStaff
	office := s.requireRole(staffOffice...)

	// Requests and registrations: the queue and the decisions are for the office; a facilitator may open the
	// registrations of their own groups.
	s.menuPage(f, "/beheer/aanvragen", s.staffQueue)
	f.Get("/beheer/aanvragen/nieuw", staff, office, s.staffRegisterForm)
	f.Post("/beheer/aanvragen/nieuw", staff, office, s.staffRegister)
	f.Get("/beheer/inschrijvingen/:id", staff, s.staffRegistration)
	for _, action := range registrationActions {
		f.Post("/beheer/inschrijvingen/:id/"+action, staff, office, s.staffRegistrationAction)
	}

	// One person's data: export and erasure, for admins.
	admin := s.requireRole(staffAdmins...)
	f.Get("/beheer/personen/:id/export", staff, admin, s.staffPersonExport)
	f.Post("/beheer/personen/:id/wissen", staff, admin, s.staffPersonErase)
}
