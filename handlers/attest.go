package handlers

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"portal/app"
)

// attestData is a certificate of attendance, with the way back and the links to its other years.
type attestData struct {
	app.Attest
	// HoursText is the total of hours, written in the page's language.
	HoursText string
	// Back is the page the certificate was opened from; BackLabel its message id.
	Back, BackLabel string
	// YearLink is the address of the certificate without its year, for the links to the other years.
	YearLink string
}

// attestPage renders a certificate of attendance on the printable document layout.
func (s *Server) attestPage(c *fiber.Ctx, d attestData) error {
	l := lang(c)
	d.HoursText = app.HoursText(l, d.Hours())
	p := s.page(c, "figures.attest.title", false, d)
	return s.render(c, "attest", p)
}

// staffAttests lists the professionals of a group who attended in a year, each with a link to their certificate.
func (s *Server) staffAttests(c *fiber.Ctx) error {
	gd, err := s.groupParam(c)
	if err != nil {
		return err
	}
	g, o := gd.Group, gd.Offering
	ctx := c.UserContext()
	sh := struct {
		Group    app.Group
		Offering app.Offering
		Year     int
		Years    []int
		Members  []app.AttestMember
		Eligible bool
	}{Group: g, Offering: o, Eligible: o.Kind == app.KindIntervision || o.Kind == app.KindWaakvlam}
	years, err := s.App.GroupYears(ctx, actor(c), g.ID)
	if err != nil {
		return err
	}
	sh.Years = years
	if y, ok := yearParam(c.Query("jaar")); ok {
		sh.Year = y
	} else {
		sh.Year = app.DefaultYear(years, s.App.Now())
	}
	if sh.Members, err = s.App.AttestMembers(ctx, actor(c), g.ID, sh.Year); err != nil {
		return err
	}
	p := s.staffPage(c, "", sh)
	p.Title = s.Cat.T(p.Lang, "figures.attests.title", "Group", g.Name.In(p.Lang))
	return s.render(c, "staff_attests", p)
}

// staffAttest shows a professional's certificate to staff who may see the group; the view is audited.
func (s *Server) staffAttest(c *fiber.Ctx) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	person, err := paramID(c, "person")
	if err != nil {
		return err
	}
	year, _ := yearParam(c.Query("jaar"))
	t, err := s.App.ViewAttest(c.UserContext(), actor(c), id, person, year)
	if err != nil {
		return err
	}
	group := "/beheer/groepen/" + strconv.FormatInt(id, 10)
	return s.attestPage(c, attestData{Attest: t, Back: group + "/attesten?jaar=" + strconv.Itoa(t.Year),
		BackLabel: "figures.attest.back.staff", YearLink: group + "/attest/" + strconv.FormatInt(person, 10) + "?jaar="})
}

// personalAttest shows the certificate behind a professional's personal link.
func (s *Server) personalAttest(c *fiber.Ctx) error {
	noStore(c)
	token := c.Params("token")
	year, _ := yearParam(c.Query("jaar"))
	t, err := s.App.AttestByToken(c.UserContext(), token, year)
	if err != nil {
		return s.linkProblem(c, err)
	}
	return s.attestPage(c, attestData{Attest: t, Back: "/mijn/" + token, BackLabel: "figures.attest.back.personal",
		YearLink: "/mijn/" + token + "/attest?jaar="})
}
