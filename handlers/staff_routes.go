package handlers

import "github.com/gofiber/fiber/v2"

// staffRoutes lists every staff route under /beheer: here, and through the feature files it calls at the end
// (registrationRoutes, figuresRoutes, retentionRoutes). Each signed-in route names its guard: requireStaff (password and code
// given), then requireRole for pages not every role may open; the pages of the menu are registered with menuPage,
// which guards each with the roles that see it in the menu (staffNav). The guards are the second line: the app
// method behind each page checks the actor's role and, for one group, the group itself.
func (s *Server) staffRoutes(f *fiber.App) {
	f.Use("/beheer", staffHeaders, s.forgetPagesAfterChange)

	// Signing in, and the password link: no session needed.
	f.Get("/beheer/login", s.staffLoginForm)
	f.Post("/beheer/login", s.staffLogin)
	f.Get("/beheer/login/code", s.staffPending, s.staffCodeForm)
	f.Post("/beheer/login/code", s.staffPending, s.staffCode)
	f.Get("/beheer/tweestapsverificatie", s.staffPending, s.staffEnrolForm)
	f.Post("/beheer/tweestapsverificatie", s.staffPending, s.staffEnrol)
	f.Get("/beheer/wachtwoord-vergeten", s.staffForgotForm)
	f.Post("/beheer/wachtwoord-vergeten", s.staffForgot)
	f.Get("/beheer/wachtwoord/:token", s.staffResetForm)
	f.Post("/beheer/wachtwoord/:token", s.staffReset)
	f.Post("/beheer/uitloggen", s.staffLogout)

	staff := s.requireStaff
	office := s.requireRole(staffOffice...)
	admin := s.requireRole(staffAdmins...)

	s.menuPage(f, "/beheer", s.staffDashboard)
	f.Post("/beheer/werk/:id/klaar", staff, office, s.staffWorkDone)
	f.Get("/beheer/account", staff, s.staffMyAccount)
	f.Post("/beheer/account/samenvatting", staff, office, s.staffMyDigest)
	// Searching people: every staff member, within what they may see (the app method scopes the results).
	f.Get("/beheer/zoeken", staff, s.staffSearchForm)
	f.Post("/beheer/zoeken", staff, s.staffSearch)
	f.Post("/beheer/uitloggen/overal", staff, s.staffLogoutEverywhere)
	f.Post("/beheer/aangemeld-blijven", staff, s.staffStaySignedIn)

	// Groups: everyone sees the groups they may see; changing them is for the office.
	s.menuPage(f, "/beheer/groepen", s.staffGroups)
	f.Get("/beheer/groepen/:id", staff, s.staffGroup)
	f.Get("/beheer/groepen/:id/bewerken", staff, office, s.staffGroupEditForm)
	f.Post("/beheer/groepen/:id/bewerken", staff, office, s.staffGroupUpdate)
	f.Get("/beheer/groepen/:id/sessies/nieuw", staff, office, s.staffSessionForm)
	f.Post("/beheer/groepen/:id/sessies/nieuw", staff, office, s.staffSessionCreate)
	f.Post("/beheer/groepen/:id/afronden", staff, office, s.staffGroupComplete)
	// Importing a group's lists from a spreadsheet: the page, the check (a preview), the import, the template.
	f.Get("/beheer/groepen/:id/inlezen", staff, office, s.staffImportForm)
	f.Post("/beheer/groepen/:id/inlezen", staff, office, s.staffImportCheck)
	f.Post("/beheer/groepen/:id/inlezen/bevestigen", staff, office, s.staffImportConfirm)
	f.Get("/beheer/groepen/:id/inlezen/sjabloon.xlsx", staff, office, s.staffImportTemplate)

	// Attendance, for everyone who may see the group: the page, the whole form, one tap, a walk-in.
	f.Get("/beheer/sessies/:id/aanwezigheid", staff, s.staffRollCall)
	f.Post("/beheer/sessies/:id/aanwezigheid", staff, s.staffRollCallSave)
	f.Post("/beheer/sessies/:id/aanwezigheid/markeer", staff, s.staffRollCallMark)
	f.Post("/beheer/sessies/:id/aanwezigheid/nieuw", staff, s.staffWalkIn)

	// A session: its page, moving it, cancelling it (coordinators, admins and the group's facilitators).
	f.Get("/beheer/sessies/:id", staff, s.staffSessionPage)
	f.Post("/beheer/sessies/:id/verplaatsen", staff, s.staffSessionMove)
	f.Post("/beheer/sessies/:id/annuleren", staff, s.staffSessionCancel)

	// Running the offer.
	s.menuPage(f, "/beheer/aanbod", s.staffOfferings)
	f.Get("/beheer/aanbod/nieuw", staff, office, s.staffOfferingNewForm)
	f.Post("/beheer/aanbod/nieuw", staff, office, s.staffOfferingCreate)
	f.Get("/beheer/aanbod/:id", staff, office, s.staffOfferingEditForm)
	f.Post("/beheer/aanbod/:id", staff, office, s.staffOfferingUpdate)
	f.Get("/beheer/aanbod/:id/groepen/nieuw", staff, office, s.staffGroupNewForm)
	f.Post("/beheer/aanbod/:id/groepen/nieuw", staff, office, s.staffGroupCreate)

	// Staff accounts and the audit log: admins only.
	s.menuPage(f, "/beheer/medewerkers", s.staffAccounts)
	f.Get("/beheer/medewerkers/nieuw", staff, admin, s.staffAccountNewForm)
	f.Post("/beheer/medewerkers/nieuw", staff, admin, s.staffAccountCreate)
	f.Get("/beheer/medewerkers/:id", staff, admin, s.staffAccount)
	f.Post("/beheer/medewerkers/:id/rol", staff, admin, s.staffAccountRole)
	f.Post("/beheer/medewerkers/:id/actief", staff, admin, s.staffAccountActive)
	f.Post("/beheer/medewerkers/:id/tweestaps", staff, admin, s.staffAccountTOTP)
	f.Post("/beheer/medewerkers/:id/wachtwoordmail", staff, admin, s.staffAccountPasswordMail)
	s.menuPage(f, "/beheer/audit", s.staffAudit)

	// Waakvlam: organisations' requests, planned by the office.
	s.menuPage(f, "/beheer/waakvlam", s.staffWaakvlamList)
	f.Get("/beheer/waakvlam/:id", staff, office, s.staffWaakvlam)
	f.Post("/beheer/waakvlam/:id/plannen", staff, office, s.staffWaakvlamPlan)
	f.Post("/beheer/waakvlam/:id/status", staff, office, s.staffWaakvlamStatus)

	// Mail: the outbox with its statuses and the resend button, and what the built-in catcher received.
	s.menuPage(f, "/beheer/mail", s.staffOutbox)
	f.Get("/beheer/mail/opgevangen", staff, office, s.staffCaught)
	f.Get("/beheer/mail/opgevangen/:id", staff, office, s.staffCaughtMessage)
	f.Get("/beheer/mail/:id", staff, office, s.staffOutboxItem)
	f.Post("/beheer/mail/:id/opnieuw", staff, office, s.staffOutboxResend)

	s.registrationRoutes(f)
	s.figuresRoutes(f)
	s.retentionRoutes(f)
}

// staffHeaders keeps staff pages out of caches and search engines: after signing out on a shared computer, "back"
// must not show a page with someone's data.
func staffHeaders(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Set("X-Robots-Tag", "noindex, nofollow")
	return c.Next()
}
