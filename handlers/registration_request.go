package handlers

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"portal/app"
	"portal/views"
)

// requestData is what the request forms (intake, household, Waakvlam) and their result pages show.
type requestData struct {
	Offering       app.OfferingView
	Groups         []views.Option
	Municipalities []views.Option
	Referrers      []views.Option
	ServiceTypes   []views.Option
	Channels       []views.Option
	Key            string
	Action         string
	AsksMessage    bool
	ChildRows      []int
	MoreChildRows  []int
	PersonalLink   string
	Mailed         bool
	Reference      string
	Parents        int
	Children       int
	// ByStaff is true when a staff member fills in the form on the person's behalf.
	ByStaff bool
}

var requestOrder = []string{"group", "alias", "parent", "second_parent", "child_name_1", "child_age_1", "child_name_2",
	"child_age_2", "child_name_3", "child_age_3", "child_name_4", "child_age_4", "children", "channels", "email", "phone",
	"safe_times", "code", "municipality", "referrer", "referrer_detail", "message", "consent", "form"}

var waakvlamOrder = []string{"organisation", "service_type", "municipality", "contact_name", "contact_email",
	"contact_phone", "expected_staff", "preferred_periods", "place", "topics", "consent", "form"}

// requestForm shows the request form of an offering with an intake, the family form of Blaffen of Schuilen, or
// the organisation form of Waakvlam.
func (s *Server) requestForm(c *fiber.Ctx) error {
	view, err := s.offeringView(c, c.Params("slug"))
	if err != nil {
		return err
	}
	d, page, err := s.requestData(c, view, false)
	if err != nil {
		return err
	}
	p := s.page(c, page+".title", view.ForParticipants(), d)
	// Nothing is ticked for the person: the hint advises the phone when someone else may read the mail.
	p.Form = map[string]string{"group": c.Query("groep")}
	return s.render(c, page, p)
}

// requestData is the frame of a request form. byStaff lists every group of the offering, also those that take
// no one new any more: staff registering someone may record a request for a group that is over.
func (s *Server) requestData(c *fiber.Ctx, view app.OfferingView, byStaff bool) (*requestData, string, error) {
	d := &requestData{Offering: view, Key: newSubmissionKey(), Action: c.Path(),
		Municipalities: s.municipalityOptions(c), Referrers: s.options(c, "referrer.", app.Referrers),
		AsksMessage: view.Kind != app.KindRotonde}
	d.Channels = s.options(c, "channel.", []string{"email", "phone", "sms"})
	d.Groups = []views.Option{{Value: "", Label: s.Cat.T(lang(c), "request.group.any")}}
	for _, g := range view.Groups {
		if !g.Closed || byStaff {
			label := g.Name.In(lang(c))
			if g.Municipality != "" && !strings.Contains(label, g.Municipality) {
				label += " (" + g.Municipality + ")"
			}
			d.Groups = append(d.Groups, views.Option{Value: strconv.FormatInt(g.ID, 10), Label: label})
		}
	}
	switch {
	case view.Kind == app.KindWaakvlam:
		d.ServiceTypes = s.options(c, "service.", app.ServiceTypes)
		return d, "waakvlam_request", nil
	case view.Kind == app.KindFamily:
		d.ChildRows, d.MoreChildRows = []int{1, 2, 3, 4}, []int{5, 6, 7, 8}
		return d, "household", nil
	case view.Admission == app.AdmissionIntake:
		return d, "request", nil
	}
	return nil, "", app.ErrNotFound
}

// request handles the three request forms.
func (s *Server) request(c *fiber.Ctx) error {
	view, err := s.offeringView(c, c.Params("slug"))
	if err != nil {
		return err
	}
	d, page, err := s.requestData(c, view, false)
	if err != nil {
		return err
	}
	var result string
	err = overLimit(c)
	if err == nil {
		result, _, err = s.submitRequest(c, view, d, page, nil)
	}
	if err != nil {
		return s.requestInvalid(c, view, d, page, err, s.page(c, page+".title", view.ForParticipants(), d))
	}
	noStore(c)
	return s.render(c, result, s.page(c, result+".title", view.ForParticipants(), d))
}

// requestInvalid shows a request form again with its errors (or passes on an error that is not about the form).
func (s *Server) requestInvalid(c *fiber.Ctx, view app.OfferingView, d *requestData, page string, err error, p views.Page) error {
	order := requestOrder
	if page == "waakvlam_request" {
		order = waakvlamOrder
	}
	if !s.withErrors(c, &p, err, order) {
		return err
	}
	d.Key = c.FormValue("_key")
	c.Status(fiber.StatusUnprocessableEntity)
	return s.render(c, page, p)
}

// submitRequest runs the request form of page (request, household, waakvlam_request), by the person or, with
// by set, by that staff member on their behalf. It fills d for the result page and returns the result page's
// name and the new registration (0 for Waakvlam).
func (s *Server) submitRequest(c *fiber.Ctx, view app.OfferingView, d *requestData, page string, by *app.Actor) (string, int64, error) {
	ctx := c.UserContext()
	switch page {
	case "waakvlam_request":
		res, err := s.App.RequestWaakvlam(ctx, app.WaakvlamInput{
			Organisation: c.FormValue("organisation"), ServiceType: c.FormValue("service_type"),
			Municipality: c.FormValue("municipality"), ContactName: c.FormValue("contact_name"),
			ContactEmail: c.FormValue("contact_email"), ContactPhone: c.FormValue("contact_phone"),
			ExpectedStaff: trimmed(c, "expected_staff"), PreferredPeriods: c.FormValue("preferred_periods"),
			Place: c.FormValue("place"), Topics: c.FormValue("topics"), CombineIntervision: c.FormValue("combine") == "ja",
			Consent: c.FormValue("consent") == "ja", ConsentText: s.consent(c, "waakvlam"), Language: lang(c),
			SubmissionKey: c.FormValue("_key")})
		d.Reference, d.Mailed = res.Reference, true
		return "waakvlam_result", 0, err
	case "household":
		var children []app.ChildInput
		for i := 1; i <= app.MaxChildren; i++ {
			n := strconv.Itoa(i)
			children = append(children, app.ChildInput{FirstName: c.FormValue("child_name_" + n), Age: trimmed(c, "child_age_"+n)})
		}
		in := app.HouseholdInput{
			GroupID: formID(c, "group"), Parent: c.FormValue("parent"), SecondParent: c.FormValue("second_parent"),
			Children: children, Contact: s.contactInput(c), Municipality: c.FormValue("municipality"),
			Referrer: c.FormValue("referrer"), ReferrerDetail: c.FormValue("referrer_detail"), Message: c.FormValue("message"),
			Code: c.FormValue("code"), Consent: c.FormValue("consent") == "ja", ConsentText: s.consent(c, "household"), Language: lang(c),
			SubmissionKey: c.FormValue("_key")}
		var res app.HouseholdResult
		var err error
		if by == nil {
			res, err = s.App.RequestHousehold(ctx, in)
		} else {
			res, err = s.App.RequestHouseholdOnBehalf(ctx, *by, in)
		}
		d.Mailed, d.Parents, d.Children = res.Mailed, res.Parents, res.Children
		if res.Token != "" && !res.Mailed {
			d.PersonalLink = s.personalLinkOf(view.Offering, res.Token)
		}
		return "request_result", res.RegistrationID, err
	}
	in := app.RequestInput{
		OfferingSlug: view.Slug, GroupID: formID(c, "group"), Alias: c.FormValue("alias"), Contact: s.contactInput(c),
		Municipality: c.FormValue("municipality"), Referrer: c.FormValue("referrer"),
		ReferrerDetail: c.FormValue("referrer_detail"), Message: c.FormValue("message"), Code: c.FormValue("code"),
		Consent: c.FormValue("consent") == "ja", ConsentText: s.consent(c, "request"), Language: lang(c),
		SubmissionKey: c.FormValue("_key")}
	var res app.RequestResult
	var err error
	if by == nil {
		res, err = s.App.Request(ctx, in)
	} else {
		res, err = s.App.RequestOnBehalf(ctx, *by, in)
	}
	d.Mailed = res.Mailed
	if res.Token != "" && !res.Mailed {
		d.PersonalLink = s.personalLinkOf(view.Offering, res.Token)
	}
	return "request_result", res.RegistrationID, err
}

// contactInput reads the safe-contact part of a participant form.
func (s *Server) contactInput(c *fiber.Ctx) app.ContactInput {
	return app.ContactInput{
		Email: c.FormValue("email"), Phone: c.FormValue("phone"),
		ByEmail: checked(c, "channels", "email"), ByPhone: checked(c, "channels", "phone"), BySMS: checked(c, "channels", "sms"),
		VoicemailOK: c.FormValue("voicemail") == "ja", SafeTimes: c.FormValue("safe_times"),
		CalendarInvites: c.FormValue("calendar") == "ja",
	}
}

// formID reads a numeric id from a form field; anything else is 0.
func formID(c *fiber.Ctx, name string) int64 {
	if c.FormValue(name) == "" {
		return 0
	}
	n, err := strconv.ParseInt(c.FormValue(name), 10, 64)
	if err != nil || n < 0 {
		return -1
	}
	return n
}
