package handlers

import (
	"errors"
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"

	"portal/app"
)

// staffCookie holds a staff session's random id (the database keeps only its hash). It is sent only to
// /beheer, never readable by script, and only with requests that start on this site.
const staffCookie = "vh_staff"

func (s *Server) setStaffCookie(c *fiber.Ctx, token string) {
	c.Cookie(&fiber.Cookie{Name: staffCookie, Value: token, Path: "/beheer", HTTPOnly: true, SameSite: "Strict",
		Secure: s.App.Config.Secure()})
}

func (s *Server) clearStaffCookie(c *fiber.Ctx) {
	c.Cookie(&fiber.Cookie{Name: staffCookie, Value: "", Path: "/beheer", HTTPOnly: true, SameSite: "Strict",
		Secure: s.App.Config.Secure(), MaxAge: -1})
}

// staffSession loads the session behind the cookie, once per request; ok is false when there is none.
func (s *Server) staffSession(c *fiber.Ctx) (app.StaffSession, bool, error) {
	if sess, ok := c.Locals("staff").(app.StaffSession); ok {
		return sess, true, nil
	}
	token := c.Cookies(staffCookie)
	if token == "" {
		return app.StaffSession{}, false, nil
	}
	sess, err := s.App.StaffSessionByToken(c.UserContext(), token)
	if errors.Is(err, app.ErrNotFound) || errors.Is(err, app.ErrExpired) {
		c.Locals("staffExpired", errors.Is(err, app.ErrExpired))
		return app.StaffSession{}, false, nil
	}
	if err != nil {
		return app.StaffSession{}, false, err
	}
	c.Locals("staff", sess)
	return sess, true, nil
}

// wantsJSON reports whether the request comes from one of our scripts, which ask for JSON (Accept).
func wantsJSON(c *fiber.Ctx) bool {
	return strings.Contains(c.Get(fiber.HeaderAccept), fiber.MIMEApplicationJSON)
}

// staffStaySignedIn answers "Blijf aangemeld" in the warning before the session ends: requireStaff has already
// recorded the request, which renews the session. A script gets 204; a plain form goes back to its page.
func (s *Server) staffStaySignedIn(c *fiber.Ctx) error {
	if wantsJSON(c) {
		return c.SendStatus(fiber.StatusNoContent)
	}
	return c.Redirect(afterSignIn(c.FormValue("terug")), fiber.StatusSeeOther)
}

// currentStaff is the signed-in staff member of this request (after requireStaff).
func currentStaff(c *fiber.Ctx) app.Staff {
	sess, _ := c.Locals("staff").(app.StaffSession)
	return sess.Staff
}

// requireStaff lets through only a staff member who gave both password and code. Anyone else goes to the
// sign-in (or, between password and code, to the code step), and comes back here afterwards.
func (s *Server) requireStaff(c *fiber.Ctx) error {
	sess, ok, err := s.staffSession(c)
	if err != nil {
		return err
	}
	if !ok {
		if wantsJSON(c) {
			// A script's request (a roll-call tap): a redirect to the sign-in page would reach it as an HTML page,
			// which it cannot tell from a broken connection. It is told plainly, keeps what it holds, and lets the
			// person sign in again.
			return c.Status(fiber.StatusUnauthorized).JSON(fiber.Map{"signedOut": true})
		}
		if c.Cookies(staffCookie) == "" && c.Method() == fiber.MethodGet && c.Get("Sec-Fetch-Site") == "cross-site" {
			// A link followed from elsewhere (the attendance link in a mail) arrives without the SameSite=Strict
			// cookie. One hop through our own page makes the browser send it, so a signed-in facilitator is not
			// asked to sign in again.
			return s.render(c, "staff_bounce", s.staffPage(c, "staff.bounce.title", struct{ To string }{c.OriginalURL()}))
		}
		q := url.Values{}
		if c.Method() == fiber.MethodGet && c.Path() != "/beheer" {
			q.Set("terug", c.OriginalURL())
		} else if back := staffReturn(c.FormValue("terug")); back != "" {
			// A form that names its page (the roll call's Save) brings the person back there after signing in.
			q.Set("terug", back)
		}
		if expired, _ := c.Locals("staffExpired").(bool); expired {
			q.Set("verlopen", "1")
		}
		return c.Redirect(withQuery("/beheer/login", q), fiber.StatusSeeOther)
	}
	if !sess.MFADone {
		return c.Redirect(s.secondStep(sess, staffReturn(c.OriginalURL())), fiber.StatusSeeOther)
	}
	actor, err := s.App.ActorOf(c.UserContext(), sess.Staff)
	if err != nil {
		return err
	}
	c.Locals("actor", actor)
	return c.Next()
}

// actor is the signed-in staff member as the app's authorization contract sees them (loaded by requireStaff):
// every staff-facing app method takes it and checks role and group scope itself.
func actor(c *fiber.Ctx) app.Actor {
	ac, _ := c.Locals("actor").(app.Actor)
	return ac
}

// requireRole lets through only the given roles; anyone else gets the 403 page.
func (s *Server) requireRole(roles ...string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if err := actor(c).Allow(roles); err != nil {
			return err
		}
		return c.Next()
	}
}

// staffAdmins and staffOffice are the app's role sets, the same the app methods check.
var (
	staffAdmins = app.AdminRoles
	staffOffice = app.OfficeRoles
)

// secondStep is where a staff member goes after the password: the code, or setting up the authenticator.
func (s *Server) secondStep(sess app.StaffSession, back string) string {
	q := url.Values{}
	if back != "" {
		q.Set("terug", back)
	}
	if !sess.TOTPEnabled {
		return withQuery("/beheer/tweestapsverificatie", q)
	}
	return withQuery("/beheer/login/code", q)
}

// staffReturn keeps a return address only when it is a staff page of this site.
func staffReturn(p string) string {
	if p == "" || localPath(p) != p || !strings.HasPrefix(p, "/beheer") || strings.HasPrefix(p, "/beheer/login") {
		return ""
	}
	return p
}

func withQuery(path string, q url.Values) string {
	if len(q) == 0 {
		return path
	}
	return path + "?" + q.Encode()
}

// afterSignIn is where a fully signed-in staff member goes.
func afterSignIn(back string) string {
	if b := staffReturn(back); b != "" {
		return b
	}
	return "/beheer"
}
