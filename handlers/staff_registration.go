package handlers

import (
	"errors"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"portal/app"
	"portal/app/locale"
	"portal/views"
)

// staffQueue is the intake queue: open requests and waiting people, per offering, with counts on top.
func (s *Server) staffQueue(c *fiber.Ctx) error {
	me := actor(c)
	items, err := s.App.Queue(c.UserContext(), me, c.Query("aanbod"))
	if err != nil {
		return err
	}
	var counts []app.OfferingCount
	if me.SeesAllGroups() { // the counts reach beyond one group: for the office only
		if counts, err = s.App.OfferingCounts(c.UserContext(), me); err != nil {
			return err
		}
	}
	d := struct {
		Items    []app.QueueItem
		Counts   []app.OfferingCount
		Offering string
		Office   bool
	}{items, counts, c.Query("aanbod"), me.SeesAllGroups()}
	return s.render(c, "staff_queue", s.staffPage(c, "staff.queue.title", d))
}

// staffRegistrationData is the page of one registration.
type staffRegistrationData struct {
	app.RegistrationView
	Office bool
	Admin  bool
	Done   string
	// Frozen says, after a change, that it no longer moves the frozen figures of the closed years it counts in.
	Frozen       string
	Destinations []views.Option
	Today        string
	// Code is the personal code's status, an unconfirmed online contact change and the open work items (office).
	Code *app.CodeStatus
}

// staffRegistration shows one registration: contact wishes first, then details, history and decisions.
func (s *Server) staffRegistration(c *fiber.Ctx) error {
	return s.registrationPage(c, nil)
}

func (s *Server) registrationPage(c *fiber.Ctx, formErr error) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	me := actor(c)
	v, err := s.App.RegistrationForStaff(c.UserContext(), me, id)
	if err != nil {
		return err
	}
	d := staffRegistrationData{RegistrationView: v, Office: me.SeesAllGroups(), Admin: me.Staff.Role == app.RoleAdmin,
		Destinations: s.staffOptions(c, "staff.referral.", app.ReferralDestinations),
		Today:        s.App.Now().In(locale.Brussels).Format("2006-01-02")}
	if d.Office {
		code, err := s.App.CodeStatusForStaff(c.UserContext(), actor(c), id)
		if err != nil {
			return err
		}
		d.Code = &code
	}
	if done := c.Query("gedaan"); done != "" && s.Cat.Has("staff.reg.done."+done) {
		d.Done = s.Cat.T(lang(c), "staff.reg.done."+done)
		if d.Frozen, err = s.frozenNotice(c, 0, id); err != nil {
			return err
		}
	}
	p := s.staffPage(c, "staff.reg.title", d)
	p.Title = v.Person.DisplayName + " – " + p.Title
	p.Form = map[string]string{"referred_on": d.Today, "requested_on": v.Registration.RequestedOn.Format("2006-01-02")}
	if formErr != nil {
		p.Form = formValues(c)
		s.staffInvalid(c, &p, formErr, "intake_date", "intake_time", "note", app.PastConfirmField, "group", "reason", "message", "destination",
			"referred_on", "referral_note", "requested_on", "other", "code")
		// A refused decision names no field: the page shows it once, in its own alert above the decisions, not
		// a second time in the summary (with a link to a field that does not exist).
		p.ErrorList = slices.DeleteFunc(p.ErrorList, func(e views.FieldError) bool { return e.Field == "decision" })
	}
	return s.render(c, "staff_registration", p)
}

// staffRegistrationAction takes one decision on a registration and comes back to its page.
func (s *Server) staffRegistrationAction(c *fiber.Ctx) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	me := actor(c)
	// Reading the registration first checks that this staff member may see it at all.
	v, err := s.App.RegistrationForStaff(ctx, me, id)
	if err != nil {
		return err
	}
	action := path.Base(c.Path())
	switch action {
	case "intake":
		var at time.Time
		at, err = app.ParseMoment("intake_date", c.FormValue("intake_date"), "intake_time", c.FormValue("intake_time"))
		if err == nil {
			err = app.ConfirmPast("intake_date", at, c.FormValue(app.PastConfirmField) == "ja", s.App.Now())
		}
		if err == nil {
			err = s.App.PlanIntake(ctx, me, id, at, c.FormValue("note"))
		}
	case "toelaten":
		err = s.App.Admit(ctx, me, id, app.AdmitOptions{GroupID: formID(c, "group"), OverCapacity: c.FormValue("over") == "ja"})
	case "weigeren":
		err = s.App.Decline(ctx, me, id, c.FormValue("reason"), c.FormValue("message"))
	case "wachtlijst":
		err = s.App.Waitlist(ctx, me, id, formID(c, "group"))
	case "promoveren":
		err = s.App.Promote(ctx, me, id, c.FormValue("over") == "ja")
	case "intrekken":
		err = s.App.Withdraw(ctx, me, id)
	case "verplaatsen":
		err = s.App.MoveGroup(ctx, me, id, formID(c, "group"))
		// Say who is told: an admitted person who takes mail gets the new dates; anyone else hears nothing from us.
		if v.Registration.Status != app.StatusAdmitted {
			action = "verplaatsen-wachtlijst"
		} else if !v.Person.TakesMail() {
			action = "verplaatsen-geen-mail"
		}
	case "doorverwijzen":
		var on time.Time // left empty: the app takes today, in Brussels
		if typed := strings.TrimSpace(c.FormValue("referred_on")); typed != "" {
			on, err = app.ParseDay("referred_on", typed)
		}
		if err == nil {
			err = s.App.RecordReferral(ctx, me, v.Person.ID, &id, c.FormValue("destination"), on, c.FormValue("referral_note"))
		}
	case "aanvraagdatum":
		var day time.Time
		if day, err = app.ParseDay("requested_on", strings.TrimSpace(c.FormValue("requested_on"))); err == nil {
			err = s.App.SetRequestDate(ctx, me, id, day)
		}
	case "code":
		err = s.App.ResetCode(ctx, me, id, c.FormValue("code"))
	case "werk-klaar":
		err = s.App.CloseWorkItem(ctx, me, formID(c, "item"))
		if errors.Is(err, app.ErrNotFound) {
			err = nil // done already (by a colleague at the same moment): back to the page
		}
	case "scheiden":
		var other int64
		other, err = strconv.ParseInt(c.FormValue("other"), 10, 64)
		if err != nil {
			err = &app.ValidationError{Fields: map[string]string{"other": "form.required"}}
			break
		}
		var shared []int64
		shared, err = s.App.Separate(ctx, me, v.Person.ID, other)
		if err == nil && len(shared) > 0 {
			action = "scheiden-gedeeld"
		}
	default:
		return fiber.ErrNotFound
	}
	switch {
	case err == nil:
	case errors.Is(err, app.ErrFull), errors.Is(err, app.ErrClosed), errors.Is(err, app.ErrSeparated), errors.Is(err, app.ErrTransition):
		return s.registrationPage(c, &app.ValidationError{Fields: map[string]string{"decision": decisionMessage(err)}})
	default:
		if _, ok := app.AsValidation(err); ok {
			return s.registrationPage(c, err)
		}
		return err
	}
	return c.Redirect("/beheer/inschrijvingen/"+strconv.FormatInt(id, 10)+"?gedaan="+action, fiber.StatusSeeOther)
}

// decisionMessage explains why a decision was refused: full, closed, separated, or not possible from here.
func decisionMessage(err error) string {
	switch {
	case errors.Is(err, app.ErrFull):
		return "staff.reg.refused.full"
	case errors.Is(err, app.ErrClosed):
		return "staff.reg.refused.closed"
	case errors.Is(err, app.ErrSeparated):
		return "staff.reg.refused.separated"
	}
	return "staff.reg.refused.transition"
}

// staffRegisterForm lets office staff register someone on their behalf (a phone call, a partner's referral),
// with the consent read out to them: the offering's own form inside the staff layout.
func (s *Server) staffRegisterForm(c *fiber.Ctx) error {
	slug := c.Query("aanbod")
	if slug == "" {
		counts, err := s.App.OfferingCounts(c.UserContext(), actor(c))
		if err != nil {
			return err
		}
		return s.render(c, "staff_register_choose", s.staffPage(c, "staff.register.title", counts))
	}
	view, err := s.App.OfferingPage(c.UserContext(), slug)
	if err != nil {
		return err
	}
	d, page, err := s.requestData(c, view, true)
	if err != nil || page == "waakvlam_request" {
		return app.ErrNotFound
	}
	d.Action = "/beheer/aanvragen/nieuw?aanbod=" + view.Slug
	d.ByStaff = true
	p := s.staffPage(c, s.staffFormTitle(page), d)
	p.Form = map[string]string{"group": c.Query("groep")}
	return s.render(c, page, p)
}

// staffFormTitle is the title of a participant form that staff fill in for someone: its staff wording
// ("Een gezin aanmelden", not "Je gezin aanmelden") when the catalogue has one.
func (s *Server) staffFormTitle(page string) string {
	if id := "staff.voice." + page + ".title"; s.Cat.Has(id) {
		return id
	}
	return page + ".title"
}

// staffRegister records the request made on someone's behalf and opens it.
func (s *Server) staffRegister(c *fiber.Ctx) error {
	if c.Query("aanbod") == "" {
		return c.Redirect("/beheer/aanvragen/nieuw", fiber.StatusSeeOther)
	}
	view, err := s.App.OfferingPage(c.UserContext(), c.Query("aanbod"))
	if err != nil {
		return err
	}
	d, page, err := s.requestData(c, view, true)
	if err != nil || page == "waakvlam_request" {
		return app.ErrNotFound
	}
	d.Action = "/beheer/aanvragen/nieuw?aanbod=" + view.Slug
	d.ByStaff = true
	me := actor(c)
	_, regID, err := s.submitRequest(c, view, d, page, &me)
	if err != nil {
		return s.requestInvalid(c, view, d, page, err, s.staffPage(c, s.staffFormTitle(page), d))
	}
	return c.Redirect("/beheer/inschrijvingen/"+strconv.FormatInt(regID, 10)+"?gedaan=nieuw", fiber.StatusSeeOther)
}

// staffPersonExport downloads everything stored about one person (the right of access), for an admin.
func (s *Server) staffPersonExport(c *fiber.Ctx) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	b, err := s.App.ExportPerson(c.UserContext(), actor(c), id)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="persoon-`+strconv.FormatInt(id, 10)+`.json"`)
	c.Type("json", "utf-8")
	return c.Send(b)
}

// staffPersonErase anonymises one person now, for an admin, after an explicit confirmation.
func (s *Server) staffPersonErase(c *fiber.Ctx) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	if c.FormValue("confirm") != "ja" {
		// Back to the registration the admin came from (a number only), saying the box was not ticked.
		if reg, err := strconv.ParseInt(c.FormValue("registration"), 10, 64); err == nil && reg > 0 {
			return c.Redirect("/beheer/inschrijvingen/"+strconv.FormatInt(reg, 10)+"?gedaan=niet-gewist", fiber.StatusSeeOther)
		}
		return c.Redirect("/beheer/aanvragen", fiber.StatusSeeOther)
	}
	if err := s.App.Erase(c.UserContext(), actor(c), id); err != nil {
		return err
	}
	return c.Redirect("/beheer/aanvragen?gewist=1", fiber.StatusSeeOther)
}
