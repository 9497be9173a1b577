package handlers

import (
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"portal/app"
)

// Rate limits on public forms: each form has its own budget per client address (an IPv6 address counts by its
// /64, app.AddressKey), so one office filling in one form does not use up another. The counters live in
// PostgreSQL, so a limit holds across portal processes. Only POSTs count: looking at a form is free.

// limitedLocal marks a POST that went over its form's budget. A form handler that sees it (overLimit) shows the
// form again with what was typed and a message on top, and does nothing else; the answer is 429.
const limitedLocal = "rate-limited"

// limit gives the form name a budget of n posts per window per client address. Its handler must call overLimit
// first.
func (s *Server) limit(name string, n int, window time.Duration) fiber.Handler {
	return s.limitBy(func(*fiber.Ctx) (string, int) { return name, n }, window)
}

// limitPrivateSignup is the budget of a private Waakvlam signup link: the organisation's staff sign up from one
// office address, so the link gets twice its group's places (sized to the expected staff) per window, and at
// least the ordinary form budget. An unknown link shares one ordinary budget.
func (s *Server) limitPrivateSignup() fiber.Handler {
	return s.limitBy(func(c *fiber.Ctx) (string, int) {
		g, _, err := s.App.GroupBySignupToken(c.UserContext(), c.Params("token"))
		if err != nil {
			return "private", s.Limits.Forms
		}
		return "private:" + strconv.FormatInt(g.ID, 10), max(s.Limits.Forms, 2*g.Capacity)
	}, s.Limits.Window)
}

// limitBy counts a POST against the budget it names (a key and its size) and, over it, lets the handler show
// the form again (overLimit) and answers 429 with Retry-After.
func (s *Server) limitBy(budget func(*fiber.Ctx) (string, int), window time.Duration) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if c.Method() != fiber.MethodPost {
			return c.Next()
		}
		name, n := budget(c)
		ok, err := s.App.Allow(c.UserContext(), "ip:"+name+":"+app.AddressKey(c.IP()), n, window)
		if err != nil {
			return err
		}
		if ok {
			return c.Next()
		}
		c.Set(fiber.HeaderRetryAfter, strconv.Itoa(int(window/time.Second)))
		c.Locals(limitedLocal, true)
		if err := c.Next(); err != nil {
			return err
		}
		c.Status(fiber.StatusTooManyRequests)
		return nil
	}
}

// overLimit is the refusal a form shows when its post went over the form's budget (see limit), nil otherwise.
// A form handler calls it before anything else and treats it like any invalid form.
func overLimit(c *fiber.Ctx) error {
	if limited, _ := c.Locals(limitedLocal).(bool); limited {
		return &app.ValidationError{Fields: map[string]string{"form": "error.ratelimit.form"}}
	}
	return nil
}
