package handlers

import (
	"encoding/hex"
	"errors"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"portal/app"
	"portal/views"
)

// personalData is what the personal page shows.
type personalData struct {
	app.PersonalView
	Token    string
	Channels []views.Option
	Notice   string
	// Attest is true for a professional who attended: the page links to their certificate of attendance.
	Attest bool
}

// personal shows the private page behind a personal link: status, sessions, and what the person can do.
func (s *Server) personal(c *fiber.Ctx) error {
	noStore(c)
	v, err := s.App.Personal(c.UserContext(), c.Params("token"))
	if err != nil {
		return s.linkProblem(c, err)
	}
	d := &personalData{PersonalView: v, Token: c.Params("token"), Channels: s.options(c, "channel.", []string{"email", "phone", "sms"})}
	if d.Attest, err = s.App.HasAttest(c.UserContext(), v.Registration); err != nil {
		return err
	}
	if n := c.Query("gedaan"); n != "" && s.Cat.Has("personal.done."+n) {
		d.Notice = s.Cat.T(lang(c), "personal.done."+n)
	}
	p := s.page(c, "personal.title", v.Offering.ForParticipants(), d)
	p.Form = contactForm(v.Contact)
	return s.render(c, "personal", p)
}

// contactForm fills the contact form with what is stored.
func contactForm(ct app.Contact) map[string]string {
	m := map[string]string{"email": ct.Email, "phone": ct.Phone, "safe_times": ct.SafeTimes}
	set := func(ok bool, key string) {
		if ok {
			m[key] = "ja"
		}
	}
	set(ct.ByEmail, "channels=email")
	set(ct.ByPhone, "channels=phone")
	set(ct.BySMS, "channels=sms")
	set(ct.VoicemailOK, "voicemail")
	set(ct.CalendarInvites, "calendar")
	return m
}

// personalAction runs one action from the personal page and comes back to it with a short confirmation.
func (s *Server) personalAction(c *fiber.Ctx) error {
	noStore(c)
	token := c.Params("token")
	ctx := c.UserContext()
	var err error
	done := c.Params("action")
	switch done {
	case "annuleren":
		err = s.App.Cancel(ctx, token)
	case "afmelden":
		sessionID, _ := strconv.ParseInt(c.FormValue("session"), 10, 64)
		err = s.App.Excuse(ctx, token, sessionID, c.FormValue("undo") == "")
		if c.FormValue("undo") != "" {
			done = "terug"
		}
	case "plaats":
		err = s.App.AnswerOfferByToken(ctx, token, c.FormValue("answer") == "accept")
		done = "plaats-" + c.FormValue("answer")
	case "nieuwe-link":
		fresh, err := s.App.RotateLinks(ctx, token)
		if err != nil {
			return s.linkProblem(c, err)
		}
		return c.Redirect("/mijn/"+fresh+"?gedaan=nieuwe-link", fiber.StatusSeeOther)
	case "contact":
		err = s.App.UpdateContact(ctx, token, s.contactInput(c), lang(c))
		if _, ok := app.AsValidation(err); ok {
			v, verr := s.App.Personal(ctx, token)
			if verr != nil {
				return s.linkProblem(c, verr)
			}
			d := &personalData{PersonalView: v, Token: token, Channels: s.options(c, "channel.", []string{"email", "phone", "sms"})}
			p := s.page(c, "personal.title", v.Offering.ForParticipants(), d)
			s.withErrors(c, &p, err, []string{"channels", "email", "phone", "safe_times"})
			c.Status(fiber.StatusUnprocessableEntity)
			return s.render(c, "personal", p)
		}
	default:
		return fiber.ErrNotFound
	}
	if err != nil {
		return s.linkProblem(c, err)
	}
	return c.Redirect("/mijn/"+token+"?gedaan="+done, fiber.StatusSeeOther)
}

// linkProblem explains an unknown or expired link, or an action that is no longer possible.
func (s *Server) linkProblem(c *fiber.Ctx, err error) error {
	switch {
	case errors.Is(err, app.ErrNotFound):
		c.Status(fiber.StatusNotFound)
		return s.render(c, "link_problem", s.page(c, "link.unknown.title", true, "unknown"))
	case errors.Is(err, app.ErrExpired), errors.Is(err, app.ErrForbidden), errors.Is(err, app.ErrClosed):
		c.Status(fiber.StatusConflict)
		return s.render(c, "link_problem", s.page(c, "link.late.title", true, "late"))
	case errors.Is(err, app.ErrFull):
		c.Status(fiber.StatusConflict)
		return s.render(c, "link_problem", s.page(c, "link.full.title", true, "full"))
	}
	return err
}

// linkRequestForm asks for an address to send personal links to.
func (s *Server) linkRequestForm(c *fiber.Ctx) error {
	return s.render(c, "link_request", s.page(c, "linkrequest.title", true, nil))
}

// linkRequest sends fresh links, and answers the same whether or not the address is known.
func (s *Server) linkRequest(c *fiber.Ctx) error {
	email := c.FormValue("email")
	ok, err := s.App.Allow(c.UserContext(), "link:"+hex.EncodeToString(s.App.Keys.EmailHash(email)[:12]), 3, time.Hour)
	if err != nil {
		return err
	}
	if ok {
		err = s.App.SendLinksAgain(c.UserContext(), email)
	}
	if _, invalid := app.AsValidation(err); invalid {
		p := s.page(c, "linkrequest.title", true, nil)
		s.withErrors(c, &p, err, []string{"email"})
		c.Status(fiber.StatusUnprocessableEntity)
		return s.render(c, "link_request", p)
	}
	if err != nil {
		return err
	}
	return s.render(c, "link_request", s.page(c, "linkrequest.title", true, "sent"))
}

// excuseForm shows the session behind a reminder's "I can't come" link, with one button.
func (s *Server) excuseForm(c *fiber.Ctx) error {
	noStore(c)
	v, err := s.App.ExcuseLinkView(c.UserContext(), c.Params("sig"))
	if err != nil {
		return s.linkProblem(c, err)
	}
	return s.render(c, "excuse", s.page(c, "excuse.title", true, v))
}

// excuse records the excused absence behind a reminder's link. A GET never changes anything (mail scanners
// open links); the button posts.
func (s *Server) excuse(c *fiber.Ctx) error {
	noStore(c)
	if err := s.App.ExcuseByLink(c.UserContext(), c.Params("sig")); err != nil {
		return s.linkProblem(c, err)
	}
	v, err := s.App.ExcuseLinkView(c.UserContext(), c.Params("sig"))
	if err != nil {
		return s.linkProblem(c, err)
	}
	return s.render(c, "excuse", s.page(c, "excuse.title", true, v))
}

// offerForm shows a waiting-list offer with accept and refuse buttons.
func (s *Server) offerForm(c *fiber.Ctx) error {
	noStore(c)
	v, err := s.App.Offer(c.UserContext(), c.Params("sig"))
	if err != nil {
		return s.linkProblem(c, err)
	}
	// The mail's two buttons open this page with the choice made; one more press confirms it (mail scanners
	// open links, so only the POST counts).
	d := struct {
		app.OfferView
		Choice string
	}{v, c.Query("keuze")}
	return s.render(c, "offer", s.page(c, "offer.title", v.Offering.ForParticipants(), d))
}

// offerAnswer accepts or refuses the offered place.
func (s *Server) offerAnswer(c *fiber.Ctx) error {
	noStore(c)
	accept := c.FormValue("answer") == "accept"
	if err := s.App.AnswerOffer(c.UserContext(), c.Params("sig"), accept); err != nil {
		return s.linkProblem(c, err)
	}
	key := "offer.refused"
	if accept {
		key = "offer.accepted"
	}
	return s.render(c, "offer_done", s.page(c, key, true, nil))
}
