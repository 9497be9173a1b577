package handlers

import (
	"errors"
	"time"

	"github.com/gofiber/fiber/v2"

	"portal/app"
)

// staffForgotForm asks for the address to send a reset link to.
func (s *Server) staffForgotForm(c *fiber.Ctx) error {
	return s.render(c, "staff_forgot", s.staffPage(c, "staff.forgot.title", staffLoginData{}))
}

// staffForgot queues the reset mail, and answers the same whether or not the address has an account.
func (s *Server) staffForgot(c *fiber.Ctx) error {
	err := s.App.RequestPasswordReset(c.UserContext(), c.FormValue("email"), c.IP())
	d := staffLoginData{Notice: "staff.forgot.sent"}
	switch {
	case errors.Is(err, app.ErrRateLimited):
		c.Status(fiber.StatusTooManyRequests)
		c.Set(fiber.HeaderRetryAfter, "3600")
		d = staffLoginData{Problem: "staff.forgot.limited"}
	case isValidation(err):
		c.Status(fiber.StatusUnprocessableEntity)
		d = staffLoginData{Problem: "form.invalidtext"}
	case err != nil:
		return err
	}
	return s.render(c, "staff_forgot", s.staffPage(c, "staff.forgot.title", d))
}

// staffResetForm lets someone with a valid link choose a new password.
func (s *Server) staffResetForm(c *fiber.Ctx) error {
	if err := s.App.CheckPasswordToken(c.UserContext(), c.Params("token")); err != nil {
		return s.staffResetGone(c, err)
	}
	return s.render(c, "staff_reset", s.staffPage(c, "staff.reset.title", nil))
}

// staffReset saves the new password; every session of the account ends, so the person signs in afresh.
func (s *Server) staffReset(c *fiber.Ctx) error {
	ok, err := s.App.Allow(c.UserContext(), "reset-form:addr:"+app.AddressKey(c.IP()), 20, time.Hour)
	if err != nil {
		return err
	}
	if !ok {
		return app.ErrRateLimited
	}
	err = s.App.ResetPassword(c.UserContext(), c.Params("token"), c.FormValue("password"))
	if err == nil {
		s.clearStaffCookie(c)
		return c.Redirect("/beheer/login?wachtwoord=1", fiber.StatusSeeOther)
	}
	p := s.staffPage(c, "staff.reset.title", nil)
	if s.staffInvalid(c, &p, err, "password") {
		return s.render(c, "staff_reset", p)
	}
	return s.staffResetGone(c, err)
}

func (s *Server) staffResetGone(c *fiber.Ctx, err error) error {
	if !errors.Is(err, app.ErrNotFound) && !errors.Is(err, app.ErrExpired) {
		return err
	}
	c.Status(fiber.StatusGone)
	return s.render(c, "staff_forgot", s.staffPage(c, "staff.forgot.title", staffLoginData{Problem: "staff.reset.gone"}))
}
