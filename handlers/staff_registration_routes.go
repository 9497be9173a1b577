package handlers

import "github.com/gofiber/fiber/v2"

// registrationActions are the decisions staff take on a registration, each a POST to
// /beheer/inschrijvingen/:id/ACTION.
var registrationActions = []string{"intake", "toelaten", "weigeren", "wachtlijst", "promoveren", "intrekken",
	"verplaatsen", "doorverwijzen", "scheiden"}

// registrationRoutes lists the staff routes for people: the roll call, requests and intake, registrations.
// The guards here are the second line: the app method behind each page checks the actor's role and group.
func (s *Server) registrationRoutes(f *fiber.App) {
	staff := s.requireStaff
	office := s.requireRole(staffOffice...)

	// Attendance, for everyone who may see the group: the page, the whole form, one tap, a walk-in.
	f.Get("/beheer/sessies/:id/aanwezigheid", staff, s.staffRollCall)
	f.Post("/beheer/sessies/:id/aanwezigheid", staff, s.staffRollCallSave)
	f.Post("/beheer/sessies/:id/aanwezigheid/markeer", staff, s.staffRollCallMark)
	f.Post("/beheer/sessies/:id/aanwezigheid/nieuw", staff, s.staffWalkIn)

	// A session: its page, moving it, cancelling it (coordinators, admins and the group's facilitators).
	f.Get("/beheer/sessies/:id", staff, s.staffSessionPage)
	f.Post("/beheer/sessies/:id/verplaatsen", staff, s.staffSessionMove)
	f.Post("/beheer/sessies/:id/annuleren", staff, s.staffSessionCancel)
	f.Post("/beheer/groepen/:id/afronden", staff, office, s.staffGroupComplete)

	// Requests and registrations: the queue and the decisions are for the office; a facilitator may open the
	// registrations of their own groups.
	f.Get("/beheer/aanvragen", staff, s.staffQueue)
	f.Get("/beheer/aanvragen/nieuw", staff, office, s.staffRegisterForm)
	f.Post("/beheer/aanvragen/nieuw", staff, office, s.staffRegister)
	f.Get("/beheer/inschrijvingen/:id", staff, s.staffRegistration)
	for _, action := range registrationActions {
		f.Post("/beheer/inschrijvingen/:id/"+action, staff, office, s.staffRegistrationAction)
	}

	// Waakvlam: organisations' requests, planned by the office.
	f.Get("/beheer/waakvlam", staff, office, s.staffWaakvlamList)
	f.Get("/beheer/waakvlam/:id", staff, office, s.staffWaakvlam)
	f.Post("/beheer/waakvlam/:id/plannen", staff, office, s.staffWaakvlamPlan)
	f.Post("/beheer/waakvlam/:id/status", staff, office, s.staffWaakvlamStatus)

	// Mail: the outbox with its statuses and the resend button, and what the built-in catcher received.
	f.Get("/beheer/mail", staff, office, s.staffOutbox)
	f.Get("/beheer/mail/opgevangen", staff, office, s.staffCaught)
	f.Get("/beheer/mail/opgevangen/:id", staff, office, s.staffCaughtMessage)
	f.Get("/beheer/mail/:id", staff, office, s.staffOutboxItem)
	f.Post("/beheer/mail/:id/opnieuw", staff, office, s.staffOutboxResend)

	// One person's data: export and erasure, for admins.
	admin := s.requireRole(staffAdmins...)
	f.Get("/beheer/personen/:id/export", staff, admin, s.staffPersonExport)
	f.Post("/beheer/personen/:id/wissen", staff, admin, s.staffPersonErase)
}
