package handlers

import (
	"errors"
	"html/template"

	"github.com/gofiber/fiber/v2"

	"portal/app"
)

// staffLoginData is what the sign-in pages show besides the form.
type staffLoginData struct {
	Back    string
	Notice  string
	Problem string
	// Secret and QR show a new authenticator secret; QR is a data: URI we made ourselves, so it is marked safe.
	Secret string
	QR     template.URL
}

func withSetup(d staffLoginData, setup app.TOTPSetup) staffLoginData {
	d.Secret, d.QR = setup.Secret, template.URL(setup.QR)
	return d
}

// staffLoginForm shows the sign-in form (email and password). A fully signed-in staff member goes on.
func (s *Server) staffLoginForm(c *fiber.Ctx) error {
	sess, ok, err := s.staffSession(c)
	if err != nil {
		return err
	}
	back := staffReturn(c.Query("terug"))
	if ok {
		if sess.MFADone {
			return c.Redirect(afterSignIn(back), fiber.StatusSeeOther)
		}
		return c.Redirect(s.secondStep(sess, back), fiber.StatusSeeOther)
	}
	d := staffLoginData{Back: back}
	switch {
	case c.Query("verlopen") != "":
		d.Notice = "staff.login.expired"
	case c.Query("uitgelogd") != "":
		d.Notice = "staff.login.loggedout"
	case c.Query("wachtwoord") != "":
		d.Notice = "staff.password.changed"
	}
	return s.render(c, "staff_login", s.staffPage(c, "staff.login.title", d))
}

// staffLogin checks the password. Unknown address and wrong password get the same page, status and wording.
func (s *Server) staffLogin(c *fiber.Ctx) error {
	back := staffReturn(c.FormValue("terug"))
	res, err := s.App.Login(c.UserContext(), c.FormValue("email"), c.FormValue("password"), c.IP())
	if err != nil {
		d := staffLoginData{Back: back}
		switch {
		case errors.Is(err, app.ErrBadCredentials):
			c.Status(fiber.StatusUnauthorized)
			d.Problem = "staff.login.wrong"
		case errors.Is(err, app.ErrRateLimited):
			c.Status(fiber.StatusTooManyRequests)
			c.Set(fiber.HeaderRetryAfter, "900")
			d.Problem = "staff.login.limited"
		case isValidation(err):
			c.Status(fiber.StatusUnprocessableEntity)
			d.Problem = "form.invalidtext"
		default:
			return err
		}
		p := s.staffPage(c, "staff.login.title", d)
		p.Form = map[string]string{"email": c.FormValue("email")}
		return s.render(c, "staff_login", p)
	}
	s.setStaffCookie(c, res.Token)
	return c.Redirect(s.secondStep(app.StaffSession{Staff: app.Staff{TOTPEnabled: !res.Enrol}}, back), fiber.StatusSeeOther)
}

// staffPending lets through a staff member between password and code; anyone else goes to the sign-in, and
// whoever is past the code goes on.
func (s *Server) staffPending(c *fiber.Ctx) error {
	sess, ok, err := s.staffSession(c)
	if err != nil {
		return err
	}
	if !ok {
		return c.Redirect("/beheer/login", fiber.StatusSeeOther)
	}
	if sess.MFADone {
		return c.Redirect(afterSignIn(c.Query("terug")), fiber.StatusSeeOther)
	}
	return c.Next()
}

func pendingSession(c *fiber.Ctx) app.StaffSession {
	sess, _ := c.Locals("staff").(app.StaffSession)
	return sess
}

// staffCodeForm asks for the authenticator code.
func (s *Server) staffCodeForm(c *fiber.Ctx) error {
	sess := pendingSession(c)
	if !sess.TOTPEnabled {
		return c.Redirect(s.secondStep(sess, staffReturn(c.Query("terug"))), fiber.StatusSeeOther)
	}
	return s.render(c, "staff_code", s.staffPage(c, "staff.code.title", staffLoginData{Back: staffReturn(c.Query("terug"))}))
}

// staffCode checks the code and completes the sign-in with a fresh session id.
func (s *Server) staffCode(c *fiber.Ctx) error {
	return s.secondFactor(c, "staff_code", "staff.code.title", app.TOTPSetup{})
}

// staffEnrolForm shows the authenticator secret (as text and as a QR code) to someone without one yet.
func (s *Server) staffEnrolForm(c *fiber.Ctx) error {
	sess := pendingSession(c)
	setup, err := s.App.TOTPEnrolment(c.UserContext(), sess.ID)
	if errors.Is(err, app.ErrForbidden) {
		return c.Redirect(s.secondStep(app.StaffSession{Staff: app.Staff{TOTPEnabled: true}}, staffReturn(c.Query("terug"))),
			fiber.StatusSeeOther)
	}
	if err != nil {
		return err
	}
	return s.render(c, "staff_enrol", s.staffPage(c, "staff.enrol.title",
		withSetup(staffLoginData{Back: staffReturn(c.Query("terug"))}, setup)))
}

// staffEnrol confirms the authenticator with its first code, which also completes the sign-in.
func (s *Server) staffEnrol(c *fiber.Ctx) error {
	sess := pendingSession(c)
	if sess.TOTPEnabled {
		return s.staffCode(c)
	}
	setup, err := s.App.TOTPEnrolment(c.UserContext(), sess.ID)
	if err != nil {
		return err
	}
	return s.secondFactor(c, "staff_enrol", "staff.enrol.title", setup)
}

func (s *Server) secondFactor(c *fiber.Ctx, page, title string, setup app.TOTPSetup) error {
	back := staffReturn(c.FormValue("terug"))
	token, err := s.App.SecondFactor(c.UserContext(), c.Cookies(staffCookie), c.FormValue("code"), c.IP())
	if err == nil {
		s.setStaffCookie(c, token)
		return c.Redirect(afterSignIn(back), fiber.StatusSeeOther)
	}
	d := withSetup(staffLoginData{Back: back}, setup)
	switch {
	case errors.Is(err, app.ErrBadCode):
		c.Status(fiber.StatusUnauthorized)
		d.Problem = "staff.code.wrong"
	case errors.Is(err, app.ErrRateLimited):
		c.Status(fiber.StatusTooManyRequests)
		c.Set(fiber.HeaderRetryAfter, "600")
		d.Problem = "staff.code.limited"
	case errors.Is(err, app.ErrNotFound), errors.Is(err, app.ErrExpired):
		return c.Redirect("/beheer/login?verlopen=1", fiber.StatusSeeOther)
	default:
		return err
	}
	return s.render(c, page, s.staffPage(c, title, d))
}

// staffLogout ends this session.
func (s *Server) staffLogout(c *fiber.Ctx) error {
	if token := c.Cookies(staffCookie); token != "" {
		if err := s.App.EndStaffSession(c.UserContext(), token); err != nil {
			return err
		}
	}
	s.clearStaffCookie(c)
	return c.Redirect("/beheer/login?uitgelogd=1", fiber.StatusSeeOther)
}

// staffLogoutEverywhere ends every session of the signed-in staff member, on every device.
func (s *Server) staffLogoutEverywhere(c *fiber.Ctx) error {
	if err := s.App.EndAllStaffSessions(c.UserContext(), actor(c)); err != nil {
		return err
	}
	s.clearStaffCookie(c)
	return c.Redirect("/beheer/login?uitgelogd=1", fiber.StatusSeeOther)
}
