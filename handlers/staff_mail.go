package handlers

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"portal/app"
	"portal/mail"
)

// staffOutbox lists the outbox: every mail with its status, newest first, by status and kind.
func (s *Server) staffOutbox(c *fiber.Ctx) error {
	before, _ := strconv.ParseInt(c.Query("voor"), 10, 64)
	page, err := s.App.OutboxList(c.UserContext(), actor(c), app.OutboxFilter{Status: c.Query("status"),
		Kind: c.Query("soort"), BeforeID: before})
	if err != nil {
		return err
	}
	d := struct {
		app.OutboxPage
		Status   string
		Statuses []string
		Catcher  bool
	}{page, c.Query("status"), app.OutboxStatuses, s.App.Config.SMTPURL == ""}
	return s.render(c, "staff_outbox", s.staffPage(c, "staff.mail.title", d))
}

// staffOutboxItem shows one mail and every attempt to send it, with the resend button.
func (s *Server) staffOutboxItem(c *fiber.Ctx) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	entry, attempts, err := s.App.OutboxItem(c.UserContext(), actor(c), id)
	if err != nil {
		return err
	}
	d := struct {
		Entry    app.OutboxEntry
		Attempts []app.OutboxAttempt
		Resent   bool
	}{entry, attempts, c.Query("opnieuw") != ""}
	return s.render(c, "staff_outbox_item", s.staffPage(c, "staff.mail.item", d))
}

// staffOutboxResend puts a mail back in the queue.
func (s *Server) staffOutboxResend(c *fiber.Ctx) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	if err := s.App.ResendMail(c.UserContext(), actor(c), id); err != nil {
		return err
	}
	return c.Redirect("/beheer/mail/"+strconv.FormatInt(id, 10)+"?opnieuw=1", fiber.StatusSeeOther)
}

// staffCaught lists what the built-in mail catcher received (when no SMTP_URL is set).
func (s *Server) staffCaught(c *fiber.Ctx) error {
	list, err := s.App.CaughtMailList(c.UserContext(), actor(c), 200)
	if err != nil {
		return err
	}
	return s.render(c, "staff_caught", s.staffPage(c, "staff.caught.title", list))
}

// staffCaughtMessage shows one caught message: headers, text, the HTML as source, attachments.
func (s *Server) staffCaughtMessage(c *fiber.Ctx) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	caught, err := s.App.CaughtMessage(c.UserContext(), actor(c), id)
	if err != nil {
		return err
	}
	parsed, err := mail.ParseMail(caught.Raw)
	if err != nil {
		return err
	}
	m := struct {
		app.CaughtMail
		mail.ParsedMail
	}{caught.CaughtMail, parsed}
	p := s.staffPage(c, "staff.caught.message", m)
	p.Title = m.Subject
	return s.render(c, "staff_caught_message", p)
}
