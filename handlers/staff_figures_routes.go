package handlers

import "github.com/gofiber/fiber/v2"

// figuresRoutes lists the routes of the yearly figures, the attendance exports and the certificates of
// attendance on the staff side. The figures hold no names and are for the office; the attendance lists and
// certificates hold names and follow the group's scope (the app methods check it), so a facilitator gets them
// for their own groups only.
func (s *Server) figuresRoutes(f *fiber.App) {
	staff := s.requireStaff
	office := s.requireRole(staffOffice...)

	s.menuPage(f, "/beheer/cijfers", s.staffFigures)
	f.Get("/beheer/cijfers/:jaar.csv", staff, office, s.staffFiguresCSV)
	f.Get("/beheer/cijfers/:jaar.xlsx", staff, office, s.staffFiguresXLSX)
	f.Post("/beheer/cijfers/:jaar/afsluiten", staff, office, s.staffFiguresClose)
	// Reopening a closed year drops its frozen figures: for admins only.
	f.Post("/beheer/cijfers/:jaar/heropenen", staff, s.requireRole(staffAdmins...), s.staffFiguresReopen)

	f.Get("/beheer/groepen/:id/aanwezigheid.xlsx", staff, s.staffAttendanceXLSX)
	f.Get("/beheer/groepen/:id/aanwezigheidslijst", staff, s.staffAttendanceSheet)
	f.Get("/beheer/groepen/:id/attesten", staff, s.staffAttests)
	f.Get("/beheer/groepen/:id/attest/:person", staff, s.staffAttest)
}

// personalAttestRoutes adds the certificate of attendance behind a professional's personal link.
func (s *Server) personalAttestRoutes(f *fiber.App) {
	f.Get("/mijn/:token/attest", s.personalAttest)
}
