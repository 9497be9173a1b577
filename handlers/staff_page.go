package handlers

import (
	"slices"
	"strings"
	"sync"

	"github.com/gofiber/fiber/v2"

	"portal/app"
	"portal/views"
)

// staffFrame is what the staff layout needs (views.Page.Staff): who is signed in, and the menu for their role.
// ID is zero on the sign-in pages.
type staffFrame struct {
	ID   int64
	Name string
	Role string
	Nav  []staffNavItem
	// IdleSeconds is how long the session lasts without a request (app.StaffIdleTimeout): the page warns
	// before it ends (session.js).
	IdleSeconds int
}

// IdleMinutes is IdleSeconds in whole minutes, for the words of the warning.
func (f staffFrame) IdleMinutes() int { return f.IdleSeconds / 60 }

// staffNavItem is one link of the staff menu.
type staffNavItem struct {
	Href, Label string
	Current     bool
}

// staffNavEntry is one entry of the staff menu: its page, its label, and the roles that see it in the menu and
// may open it.
type staffNavEntry struct {
	href, label string
	roles       []string
}

// staffNav lists the menu in its order, with the roles that see each entry. The route of each entry is
// registered with menuPage, which guards it with the same roles, so the menu shows a page exactly to those who
// may open it. An entry appears only once its page exists (a GET route with exactly that path), so pages still to
// be built stay out of the menu.
var staffNav = []staffNavEntry{
	{"/beheer", "staff.nav.today", app.AllRoles},
	{"/beheer/aanvragen", "staff.nav.requests", app.AllRoles},
	{"/beheer/waakvlam", "staff.nav.waakvlam", app.OfficeRoles},
	{"/beheer/groepen", "staff.nav.groups", app.AllRoles},
	{"/beheer/aanbod", "staff.nav.offer", app.OfficeRoles},
	{"/beheer/mail", "staff.nav.mail", app.OfficeRoles},
	{"/beheer/cijfers", "staff.nav.figures", app.OfficeRoles},
	{"/beheer/bewaartermijnen", "staff.nav.retention", app.OfficeRoles},
	{"/beheer/medewerkers", "staff.nav.staff", app.AdminRoles},
	{"/beheer/audit", "staff.nav.audit", app.AdminRoles},
}

// menuPage registers the GET route of the menu entry for href, behind sign-in and guarded by the entry's roles.
// It panics at start for an href that is not in staffNav: a menu page without its entry is a programming error.
func (s *Server) menuPage(f *fiber.App, href string, h fiber.Handler) {
	for _, n := range staffNav {
		if n.href == href {
			f.Get(href, s.requireStaff, s.requireRole(n.roles...), h)
			return
		}
	}
	panic("handlers: " + href + " is not in the staff menu")
}

// staffRoutesByApp caches, per Fiber app, the set of GET paths (the routes do not change after start).
var staffRoutesByApp sync.Map

func existingPaths(f *fiber.App) map[string]bool {
	if m, ok := staffRoutesByApp.Load(f); ok {
		return m.(map[string]bool)
	}
	m := map[string]bool{}
	for _, r := range f.GetRoutes(true) {
		if r.Method == fiber.MethodGet {
			m[r.Path] = true
		}
	}
	staffRoutesByApp.Store(f, m)
	return m
}

// staffSections are the pages that belong to a menu entry without lying under its path: a registration and a
// person are opened from the requests, a session from its group.
var staffSections = map[string]string{
	"/beheer/inschrijvingen": "/beheer/aanvragen",
	"/beheer/personen":       "/beheer/aanvragen",
	"/beheer/sessies":        "/beheer/groepen",
}

// currentNav returns the href of the menu entry that path belongs to, or "" for a page of no entry (the account
// page). "/beheer" (today) is current on itself only: every staff page lies under it.
func currentNav(path string, paths map[string]bool) string {
	for prefix, href := range staffSections {
		if path == prefix || strings.HasPrefix(path, prefix+"/") {
			path = href + strings.TrimPrefix(path, prefix)
			break
		}
	}
	current := ""
	for _, n := range staffNav {
		under := path == n.href || (n.href != "/beheer" && strings.HasPrefix(path, n.href+"/"))
		if paths[n.href] && under && len(n.href) > len(current) {
			current = n.href
		}
	}
	return current
}

// staffFrameOf builds the frame for this request: empty when nobody (fully) signed in.
func (s *Server) staffFrameOf(c *fiber.Ctx) staffFrame {
	sess, ok := c.Locals("staff").(app.StaffSession)
	if !ok || !sess.MFADone {
		return staffFrame{}
	}
	f := staffFrame{ID: sess.ID, Name: sess.DisplayName(), Role: sess.Role, IdleSeconds: int(app.StaffIdleTimeout.Seconds())}
	paths := existingPaths(c.App())
	current := currentNav(c.Path(), paths)
	for _, n := range staffNav {
		if paths[n.href] && slices.Contains(n.roles, sess.Role) {
			f.Nav = append(f.Nav, staffNavItem{Href: n.href, Label: n.label, Current: n.href == current})
		}
	}
	return f
}

// staffPage builds a staff page: no quick exit, the staff frame for the layout.
func (s *Server) staffPage(c *fiber.Ctx, titleID string, data any) views.Page {
	p := s.page(c, titleID, false, data)
	p.Staff = s.staffFrameOf(c)
	return p
}

// staffInvalid fills a page's error fields from a validation error, in the form's field order, and sets status
// 422. It reports false when err is not a validation error.
func (s *Server) staffInvalid(c *fiber.Ctx, p *views.Page, err error, order ...string) bool {
	v, ok := app.AsValidation(err)
	if !ok {
		return false
	}
	s.fillErrors(c, p, v, order)
	c.Status(fiber.StatusUnprocessableEntity)
	return true
}

// staffOptions turns codes into choices labelled from the catalogue (prefix + code).
func (s *Server) staffOptions(c *fiber.Ctx, prefix string, codes []string) []views.Option {
	out := make([]views.Option, len(codes))
	for i, code := range codes {
		out[i] = views.Option{Value: code, Label: s.Cat.T(lang(c), prefix+code)}
	}
	return out
}

// yes reads a checkbox.
func yes(c *fiber.Ctx, name string) bool { return c.FormValue(name) != "" }

// tick is the form value of a ticked checkbox, or "" for an empty one.
func tick(b bool) string {
	if b {
		return "ja"
	}
	return ""
}
