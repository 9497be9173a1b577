package handlers

import (
	"errors"
	"strings"

	"github.com/gofiber/fiber/v2"

	"portal/app"
	"portal/app/db"
)

// handleError is the one place where errors become pages: domain errors and HTTP errors get a Dutch (or
// English) page with the right status; a database that is down, frozen or too slow gets 503 and a page that
// says nothing was saved (the transaction did not commit) and to try again; anything else is logged, without
// personal data, and answered with 500.
func (s *Server) handleError(c *fiber.Ctx, err error) error {
	status, key := fiber.StatusInternalServerError, "generic"
	var fe *fiber.Error
	_, invalid := app.AsValidation(err)
	switch {
	case db.Unavailable(err):
		// Logged once per outage (health.go), not once per request.
		s.noteDatabaseError(err)
		c.Set(fiber.HeaderRetryAfter, "60")
		return s.errorPage(c, fiber.StatusServiceUnavailable, "unavailable")
	case invalid, db.BadInput(err):
		// A value no form should have let through: refused, and nothing changed (the statement failed).
		status, key = fiber.StatusUnprocessableEntity, "badrequest"
	case errors.Is(err, app.ErrNotFound):
		status, key = fiber.StatusNotFound, "notfound"
	case errors.Is(err, app.ErrForbidden):
		status, key = fiber.StatusForbidden, "forbidden"
	case errors.Is(err, app.ErrTransition), errors.Is(err, app.ErrClosed), errors.Is(err, app.ErrFull),
		errors.Is(err, app.ErrExpired), errors.Is(err, app.ErrSeparated):
		status, key = fiber.StatusConflict, "conflict"
	case errors.Is(err, app.ErrRateLimited):
		status, key = fiber.StatusTooManyRequests, "ratelimit"
	case errors.As(err, &fe):
		status = fe.Code
		switch fe.Code {
		case fiber.StatusNotFound, fiber.StatusMethodNotAllowed:
			key = "notfound"
		case fiber.StatusRequestEntityTooLarge:
			key = "toolarge"
			if isUpload(c) {
				key = "importlarge" // a file, not a form: say the limit
			}
		case fiber.StatusForbidden:
			key = "forbidden"
		case fiber.StatusTooManyRequests:
			key = "ratelimit"
		default:
			if fe.Code >= 400 && fe.Code < 500 {
				key = "badrequest"
			}
		}
	}
	if status >= 500 {
		s.Log.Error("request failed", "method", c.Method(), "route", routeOf(c), "err", err.Error())
	}
	return s.errorPage(c, status, key)
}

// errorPage renders the error page for key ("notfound", "csrf", ...) with status.
func (s *Server) errorPage(c *fiber.Ctx, status int, key string) error {
	c.Status(status)
	l := lang(c)
	p := s.page(c, "error."+key+".title", true, struct{ Message string }{s.Cat.T(l, "error."+key+".text")})
	if strings.HasPrefix(c.Path(), "/beheer") && !p.Neutral {
		// Staff pages: the staff layout, without the quick exit.
		p.QuickExit = false
		p.Staff = s.staffFrameOf(c)
	}
	if err := s.render(c, "error", p); err != nil {
		return c.SendString(s.Cat.T(l, "error."+key+".title"))
	}
	return nil
}

// notFound answers every path without a route.
func (s *Server) notFound(c *fiber.Ctx) error {
	return s.errorPage(c, fiber.StatusNotFound, "notfound")
}

// isValidation reports whether err is a refused form (a *app.ValidationError).
func isValidation(err error) bool {
	_, ok := app.AsValidation(err)
	return ok
}
