package handlers

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"portal/app"
	"portal/views"
)

// staffOfferings lists every offering, active or not.
func (s *Server) staffOfferings(c *fiber.Ctx) error {
	list, err := s.App.OfferingsForStaff(c.UserContext(), actor(c))
	if err != nil {
		return err
	}
	return s.render(c, "staff_offerings", s.staffPage(c, "staff.offer.title", struct{ Offerings []app.OfferingSummary }{list}))
}

// offeringParam loads the offering of the route, with its groups.
func (s *Server) offeringParam(c *fiber.Ctx) (app.OfferingDetail, error) {
	id, err := paramID(c, "id")
	if err != nil {
		return app.OfferingDetail{}, err
	}
	return s.App.OfferingForStaff(c.UserContext(), actor(c), id)
}

// staffOfferingFormData is the offering form's frame.
type staffOfferingFormData struct {
	Offering   *app.Offering
	Groups     []app.Group
	Kinds      []views.Option
	Audiences  []views.Option
	Admissions []views.Option
	Reminders  []views.Option // the reminders offered as boxes (reminderChoices)
	Saved      bool
}

// offeringFormData fills the form's frame; od is nil for a new offering.
func (s *Server) offeringFormData(c *fiber.Ctx, od *app.OfferingDetail) staffOfferingFormData {
	d := staffOfferingFormData{
		Kinds:      s.staffOptions(c, "staff.offer.kind.", app.Kinds),
		Audiences:  s.staffOptions(c, "audience.", app.Audiences),
		Admissions: s.staffOptions(c, "staff.offer.admission.", app.Admissions),
		Reminders:  s.reminderOptions(c),
		Saved:      c.Query("opgeslagen") != "",
	}
	if od != nil {
		d.Offering, d.Groups = &od.Offering, od.Groups
	}
	return d
}

// offeringTexts are the offering's texts in both languages: the form fields are NAME_nl and NAME_en.
var offeringTexts = []string{"name", "summary", "description", "for_whom", "how_to_join"}

// offeringFormFields lists the offering form's fields in page order, for the error summary.
var offeringFormFields = []string{"slug", "kind", "audience", "admission", "name_nl", "name_en", "summary_nl",
	"summary_en", "description_nl", "description_en", "for_whom_nl", "for_whom_en", "how_to_join_nl", "how_to_join_en",
	"partner", "retention_days", "reminders", "cancel_hours", "position"}

func offeringFormOf(c *fiber.Ctx) app.OfferingForm {
	text := func(name string) app.Text {
		return app.Text{"nl": c.FormValue(name + "_nl"), "en": c.FormValue(name + "_en")}
	}
	return app.OfferingForm{Slug: c.FormValue("slug"), Kind: c.FormValue("kind"), Audience: c.FormValue("audience"),
		Admission: c.FormValue("admission"), Name: text("name"), Summary: text("summary"),
		Description: text("description"), ForWhom: text("for_whom"), HowToJoin: text("how_to_join"),
		Partner: c.FormValue("partner"), Discreet: yes(c, "discreet"), Active: yes(c, "active"),
		RetentionDays: c.FormValue("retention_days"), Reminders: remindersOf(c),
		CancelHours: c.FormValue("cancel_hours"), Position: c.FormValue("position")}
}

func offeringFormValues(f app.OfferingForm) map[string]string {
	m := map[string]string{"slug": f.Slug, "kind": f.Kind, "audience": f.Audience, "admission": f.Admission,
		"partner": f.Partner, "discreet": tick(f.Discreet), "active": tick(f.Active),
		"retention_days": f.RetentionDays, "cancel_hours": f.CancelHours, "position": f.Position}
	reminderFormValues(m, f.Reminders)
	for name, t := range map[string]app.Text{"name": f.Name, "summary": f.Summary, "description": f.Description,
		"for_whom": f.ForWhom, "how_to_join": f.HowToJoin} {
		m[name+"_nl"], m[name+"_en"] = t["nl"], t["en"]
	}
	return m
}

// staffOfferingNewForm shows an empty offering form.
func (s *Server) staffOfferingNewForm(c *fiber.Ctx) error {
	d := s.offeringFormData(c, nil)
	p := s.staffPage(c, "staff.offer.new", d)
	p.Form = offeringFormValues(app.OfferingForm{RetentionDays: "365", Reminders: "7 dagen, 1 dag", CancelHours: "24",
		Position: "100", Active: false})
	return s.render(c, "staff_offering_form", p)
}

// staffOfferingCreate makes an offering.
func (s *Server) staffOfferingCreate(c *fiber.Ctx) error {
	id, err := s.App.CreateOffering(c.UserContext(), actor(c), offeringFormOf(c))
	if err == nil {
		return c.Redirect("/beheer/aanbod/"+strconv.FormatInt(id, 10)+"?opgeslagen=1", fiber.StatusSeeOther)
	}
	d := s.offeringFormData(c, nil)
	p := s.staffPage(c, "staff.offer.new", d)
	p.Form = formValues(c)
	if s.staffInvalid(c, &p, err, offeringFormFields...) {
		return s.render(c, "staff_offering_form", p)
	}
	return err
}

// staffOfferingEditForm shows an offering's form with its groups.
func (s *Server) staffOfferingEditForm(c *fiber.Ctx) error {
	od, err := s.offeringParam(c)
	if err != nil {
		return err
	}
	o := od.Offering
	d := s.offeringFormData(c, &od)
	p := s.staffPage(c, "", d)
	p.Title = o.Name.In(p.Lang)
	p.Form = offeringFormValues(app.OfferingFormOf(o))
	return s.render(c, "staff_offering_form", p)
}

// staffOfferingUpdate saves an offering.
func (s *Server) staffOfferingUpdate(c *fiber.Ctx) error {
	od, err := s.offeringParam(c)
	if err != nil {
		return err
	}
	o := od.Offering
	err = s.App.UpdateOffering(c.UserContext(), actor(c), o.ID, offeringFormOf(c))
	if err == nil {
		return c.Redirect("/beheer/aanbod/"+strconv.FormatInt(o.ID, 10)+"?opgeslagen=1", fiber.StatusSeeOther)
	}
	d := s.offeringFormData(c, &od)
	d.Saved = false
	p := s.staffPage(c, "", d)
	p.Title = o.Name.In(p.Lang)
	p.Form = formValues(c)
	p.Form["slug"], p.Form["kind"], p.Form["audience"], p.Form["admission"] = o.Slug, o.Kind, o.Audience, o.Admission
	if s.staffInvalid(c, &p, err, offeringFormFields...) {
		return s.render(c, "staff_offering_form", p)
	}
	return err
}
