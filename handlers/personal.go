package handlers

import (
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
	// Confirm names the action the confirmation page asks about ("annuleren", "nieuwe-link").
	Confirm string
}

// unlockCookie holds the proof that the personal code was given, for one personal page (its path) and a short
// time. Its name says nothing about the portal.
const unlockCookie = "ontgrendeld"

// unlockOf is the proof of the code this browser holds for the page, or "".
func unlockOf(c *fiber.Ctx) string { return c.Cookies(unlockCookie) }

// setUnlock keeps the proof of the code for the page at /mijn/token.
func (s *Server) setUnlock(c *fiber.Ctx, token, unlock string) {
	c.Cookie(&fiber.Cookie{Name: unlockCookie, Value: unlock, Path: "/mijn/" + token, HTTPOnly: true,
		SameSite: "Strict", Secure: s.App.Config.Secure(), Expires: s.App.Now().Add(30 * time.Minute)})
}

// personal shows the private page behind a personal link: status, sessions, and what the person can do. For a
// discreet registration without the code given, only "Afspraken" with dates and times, and the code form.
func (s *Server) personal(c *fiber.Ctx) error {
	noStore(c)
	v, err := s.App.PersonalPage(c.UserContext(), c.Params("token"), unlockOf(c))
	if err != nil {
		return s.linkProblem(c, err)
	}
	return s.personalPage(c, v, nil)
}

// personalPage renders the personal page, with the problems of a form shown again (status 422) when problem
// is a validation error.
func (s *Server) personalPage(c *fiber.Ctx, v app.PersonalView, problem error) error {
	d := &personalData{PersonalView: v, Token: c.Params("token"), Channels: s.options(c, "channel.", []string{"email", "phone", "sms"})}
	var err error
	if !v.Limited {
		if d.Attest, err = s.App.HasAttest(c.UserContext(), v.Registration); err != nil {
			return err
		}
	}
	if n := c.Query("gedaan"); n != "" && s.Cat.Has("personal.done."+n) {
		d.Notice = s.Cat.T(lang(c), "personal.done."+n)
	}
	title := "personal.title"
	if v.Limited {
		title = "neutral.name"
	}
	p := s.page(c, title, v.Limited || v.Offering.ForParticipants(), d)
	if !v.Limited {
		p.Form = contactForm(v.Contact)
	}
	if problem != nil {
		s.withErrors(c, &p, problem, []string{"code", "channels", "email", "phone", "safe_times"})
		c.Status(fiber.StatusUnprocessableEntity)
	}
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

// confirmFirst are the actions that cannot be undone: the page asks to confirm them first (WCAG 3.3.4).
var confirmFirst = map[string]bool{"annuleren": true, "nieuwe-link": true}

// personalAction runs one action from the personal page and comes back to it with a short confirmation.
func (s *Server) personalAction(c *fiber.Ctx) error {
	noStore(c)
	token := c.Params("token")
	ctx := c.UserContext()
	unlock := unlockOf(c)
	var err error
	done := c.Params("action")
	if limited := overLimit(c); limited != nil {
		// Over the page's budget: the page again, with what was typed and why, and nothing done.
		v, verr := s.App.PersonalPage(ctx, token, unlock)
		if verr != nil {
			return s.linkProblem(c, verr)
		}
		return s.personalPage(c, v, limited)
	}
	if confirmFirst[done] && c.FormValue("bevestigd") != "ja" {
		v, err := s.App.PersonalPage(ctx, token, unlock)
		if err != nil {
			return s.linkProblem(c, err)
		}
		d := &personalData{PersonalView: v, Token: token, Confirm: done}
		return s.render(c, "personal_confirm", s.page(c, "personal.confirm.title", v.Limited || v.Offering.ForParticipants(), d))
	}
	switch done {
	case "code":
		fresh, err := s.App.UnlockPersonal(ctx, token, c.FormValue("code"))
		if _, invalid := app.AsValidation(err); invalid {
			v, verr := s.App.PersonalPage(ctx, token, "")
			if verr != nil {
				return s.linkProblem(c, verr)
			}
			return s.personalPage(c, v, err)
		}
		if err != nil {
			return s.personalProblem(c, token, err)
		}
		s.setUnlock(c, token, fresh)
	case "annuleren":
		err = s.App.Cancel(ctx, token, unlock)
	case "afmelden":
		sessionID, _ := strconv.ParseInt(c.FormValue("session"), 10, 64)
		err = s.App.Excuse(ctx, token, unlock, sessionID, c.FormValue("undo") == "")
		if c.FormValue("undo") != "" {
			done = "terug"
		}
	case "past-niet":
		sessionID, _ := strconv.ParseInt(c.FormValue("session"), 10, 64)
		err = s.App.MomentUnsuitable(ctx, token, sessionID)
	case "contacteer-me":
		err = s.App.AskContact(ctx, token)
	case "plaats":
		err = s.App.AnswerOfferByToken(ctx, token, unlock, c.FormValue("answer") == "accept")
		done = "plaats-" + c.FormValue("answer")
	case "nieuwe-link":
		fresh, err := s.App.RotateLinks(ctx, token, unlock)
		if err != nil {
			return s.personalProblem(c, token, err)
		}
		if unlock != "" {
			s.setUnlock(c, fresh, unlock)
		}
		return c.Redirect("/mijn/"+fresh+"?gedaan=nieuwe-link", fiber.StatusSeeOther)
	case "contact":
		err = s.App.UpdateContact(ctx, token, unlock, s.contactInput(c), lang(c))
		if _, ok := app.AsValidation(err); ok {
			v, verr := s.App.PersonalPage(ctx, token, unlock)
			if verr != nil {
				return s.linkProblem(c, verr)
			}
			return s.personalPage(c, v, err)
		}
	default:
		return fiber.ErrNotFound
	}
	if err != nil {
		return s.personalProblem(c, token, err)
	}
	return c.Redirect("/mijn/"+token+"?gedaan="+done, fiber.StatusSeeOther)
}

// personalProblem answers an action that was refused for want of the code, passed to staff, or locked, with the
// page and a short word; anything else as a link problem.
func (s *Server) personalProblem(c *fiber.Ctx, token string, err error) error {
	switch {
	case errors.Is(err, app.ErrCodeNeeded):
		return c.Redirect("/mijn/"+token+"?gedaan=code-nodig", fiber.StatusSeeOther)
	case errors.Is(err, app.ErrRequested):
		return c.Redirect("/mijn/"+token+"?gedaan=gevraagd", fiber.StatusSeeOther)
	case errors.Is(err, app.ErrLocked):
		return c.Redirect("/mijn/"+token+"?gedaan=vergrendeld", fiber.StatusSeeOther)
	}
	return s.linkProblem(c, err)
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
	if err := overLimit(c); err != nil {
		p := s.page(c, "linkrequest.title", true, nil)
		s.withErrors(c, &p, err, []string{"email"})
		return s.render(c, "link_request", p)
	}
	err := s.App.SendLinksAgain(c.UserContext(), email)
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
	return s.render(c, "excuse", s.page(c, "excuse.title", v.Offering.ForParticipants(), v))
}

// excuse records the excused absence behind a reminder's link. A GET never changes anything (mail scanners
// open links); the button posts. A page guarded by a personal code asks for it with the button.
func (s *Server) excuse(c *fiber.Ctx) error {
	noStore(c)
	ctx := c.UserContext()
	err := s.App.ExcuseByLink(ctx, c.Params("sig"), c.FormValue("code"))
	v, verr := s.App.ExcuseLinkView(ctx, c.Params("sig"))
	if verr != nil {
		return s.linkProblem(c, verr)
	}
	p := s.page(c, "excuse.title", v.Offering.ForParticipants(), v)
	if s.answerRefused(c, &p, err) {
		return s.render(c, "excuse", p)
	}
	if err != nil {
		return s.linkProblem(c, err)
	}
	return s.render(c, "excuse", p)
}

// answerRefused shows on page p why an answer behind a mail's link was not taken: the personal code was missing
// or wrong (next to its field, 422), or wrong codes locked the page (409; the page, read after the answer, says
// so). It reports false for any other error.
func (s *Server) answerRefused(c *fiber.Ctx, p *views.Page, err error) bool {
	switch {
	case errors.Is(err, app.ErrCodeNeeded):
		v := &app.ValidationError{}
		v.Add("code", "code.needed")
		err = v
	case errors.Is(err, app.ErrLocked):
		c.Status(fiber.StatusConflict)
		return true
	}
	if !s.withErrors(c, p, err, []string{"code"}) {
		return false
	}
	c.Status(fiber.StatusUnprocessableEntity)
	return true
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
	// The offer is read before it is answered (after, it is gone) to know whether its pages are for participants;
	// when it cannot be read, the pages carry the quick exit, the safe side.
	forParticipants := true
	if before, err := s.App.Offer(c.UserContext(), c.Params("sig")); err == nil {
		forParticipants = before.Offering.ForParticipants()
	}
	err := s.App.AnswerOffer(c.UserContext(), c.Params("sig"), c.FormValue("code"), accept)
	if errors.Is(err, app.ErrRequested) {
		return s.render(c, "offer_done", s.page(c, "offer.requested", forParticipants, "requested"))
	}
	if errors.Is(err, app.ErrCodeNeeded) || errors.Is(err, app.ErrLocked) || isValidation(err) {
		v, verr := s.App.Offer(c.UserContext(), c.Params("sig"))
		if verr != nil {
			return s.linkProblem(c, verr)
		}
		d := struct {
			app.OfferView
			Choice string
		}{v, map[bool]string{true: "ja", false: "nee"}[accept]}
		p := s.page(c, "offer.title", v.Offering.ForParticipants(), d)
		s.answerRefused(c, &p, err)
		return s.render(c, "offer", p)
	}
	if err != nil {
		return s.linkProblem(c, err)
	}
	// Only an accepted place is confirmed by mail; a refusal is not (nothing about it needs keeping).
	if accept {
		return s.render(c, "offer_done", s.page(c, "offer.accepted", forParticipants, "accepted"))
	}
	return s.render(c, "offer_done", s.page(c, "offer.refused", forParticipants, "refused"))
}
