package handlers

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"portal/app"
	"portal/app/export"
	"portal/app/locale"
	"portal/views"
)

// figuresData is the figures page of one year.
type figuresData struct {
	Figures   app.Figures
	Years     []int
	Sentences []app.Sentence
	// Offerings are the offerings that ran this year, with their groups' monthly charts.
	Offerings []offeringFigures
	// OfferingChart draws the participants per offering; ReferrerChart who referred them.
	OfferingChart, ReferrerChart views.Chart
	Referrers, Municipalities    []labelled
	Sectors, Referrals           []labelled
	Months                       [12]string
	CanClose, JustClosed         bool
	ClosedAt                     time.Time
	// CanReopen is true for an admin looking at a closed year that may be reopened; ReopenRefused says why an
	// admin cannot reopen it (a purge since closing, a later year closed); JustReopened after reopening it.
	CanReopen, JustReopened bool
	ReopenRefused           string
}

// offeringFigures is one offering's section: its numbers and a chart per group.
type offeringFigures struct {
	app.OfferingFigures
	Charts []views.Chart
}

// labelled is a count with its label in the reader's language.
type labelled struct {
	Label string
	Value int
}

// yearParam reads the year of the page (?jaar= or the route's :jaar); ok is false when it is not a plausible year.
func yearParam(s string) (int, bool) {
	y, err := strconv.Atoi(s)
	return y, err == nil && y >= 2000 && y <= 2200
}

// staffFigures shows a year's figures: tables, the report's sentences and charts.
func (s *Server) staffFigures(c *fiber.Ctx) error {
	p, err := s.figuresPage(c, c.Query("jaar"))
	if err != nil {
		return err
	}
	return s.render(c, "staff_figures", p)
}

// figuresPage builds the figures page for the year asked (this year, or the newest with figures, by default).
func (s *Server) figuresPage(c *fiber.Ctx, asked string) (views.Page, error) {
	ctx := c.UserContext()
	years, err := s.App.FigureYears(ctx, actor(c))
	if err != nil {
		return views.Page{}, err
	}
	now := s.App.Now()
	year, ok := yearParam(asked)
	if !ok {
		year = now.In(locale.Brussels).Year()
		if len(years) > 0 && !slices.Contains(years, year) {
			year = years[0]
		}
	}
	if !slices.Contains(years, year) {
		years = append(years, year)
		slices.SortFunc(years, func(a, b int) int { return b - a })
	}
	f, err := s.App.FiguresOf(ctx, actor(c), year)
	if err != nil {
		return views.Page{}, err
	}
	l := lang(c)
	d := &figuresData{Figures: f, Years: years, Sentences: app.Sentences(s.Cat, l, f), Months: app.MonthNames(s.Cat, l),
		CanClose: f.CanClose(now), JustClosed: c.Query("afgesloten") != "",
		JustReopened: c.Query("heropend") != ""}
	if f.Frozen && slices.Contains(staffAdmins, actor(c).Staff.Role) {
		refusal, err := s.App.ReopenRefusal(ctx, actor(c), year)
		if err != nil {
			return views.Page{}, err
		}
		d.CanReopen = refusal == ""
		if refusal != "" {
			d.ReopenRefused = s.Cat.T(l, refusal)
		}
	}
	if f.ClosedAt != nil {
		d.ClosedAt = *f.ClosedAt
	}
	var perOffering []views.ChartItem
	for _, o := range f.Offerings {
		if o.GroupsRun == 0 && len(o.Groups) == 0 {
			continue
		}
		name := o.Name.In(l)
		perOffering = append(perOffering, views.ChartItem{Label: name, Value: o.Participants})
		of := offeringFigures{OfferingFigures: o}
		for _, g := range o.Groups {
			items := make([]views.ChartItem, 12)
			for m := range 12 {
				items[m] = views.ChartItem{Label: d.Months[m], Value: g.Monthly[m]}
			}
			title := s.Cat.T(l, "figures.chart.months", "Group", g.Name.In(l), "Year", year)
			of.Charts = append(of.Charts, views.Columns("chart-"+g.Slug, title, items))
		}
		d.Offerings = append(d.Offerings, of)
	}
	title := s.Cat.T(l, "figures.chart.offerings", "Year", year)
	d.OfferingChart = views.HorizontalBars("chart-offerings", title, perOffering)
	label := func(prefix string, cs []app.Count) []labelled {
		out := make([]labelled, len(cs))
		for i, c := range cs {
			out[i] = labelled{Label: app.Label(s.Cat, l, prefix, c.Key), Value: c.Value}
		}
		return out
	}
	d.Referrers = label(app.LabelReferrer, f.Referrers)
	d.Municipalities = label(app.LabelMunicipality, f.Municipalities)
	d.Sectors = label(app.LabelSector, f.Sectors)
	d.Referrals = label(app.LabelDestination, f.Referrals)
	var referrers []views.ChartItem
	for _, r := range d.Referrers {
		referrers = append(referrers, views.ChartItem{Label: r.Label, Value: r.Value})
	}
	title = s.Cat.T(l, "figures.chart.referrers", "Year", year)
	d.ReferrerChart = views.HorizontalBars("chart-referrers", title, referrers)
	p := s.staffPage(c, "", d)
	p.Title = s.Cat.T(l, "figures.title", "Year", year)
	return p, nil
}

// staffFiguresClose freezes a past year's figures, after the box that confirms it was ticked.
func (s *Server) staffFiguresClose(c *fiber.Ctx) error {
	return s.figuresYearAction(c, "figures.close.confirm.missing", "afgesloten", s.App.CloseYear)
}

// staffFiguresReopen reopens a closed year for an admin, after the box that confirms it was ticked; refused with
// the reason next to the box when people of that year have been anonymised since it was closed.
func (s *Server) staffFiguresReopen(c *fiber.Ctx) error {
	return s.figuresYearAction(c, "figures.reopen.confirm.missing", "heropend", s.App.ReopenYear)
}

// figuresYearAction does act to the year of the route once the box "bevestig" was ticked (else missing is the
// message next to it), then shows the year's page with done set; a refusal comes back on the page, next to the box.
func (s *Server) figuresYearAction(c *fiber.Ctx, missing, done string, act func(context.Context, app.Actor, int) error) error {
	year, ok := yearParam(c.Params("jaar"))
	if !ok {
		return app.ErrNotFound
	}
	var err error
	if c.FormValue("bevestig") == "" {
		err = &app.ValidationError{Fields: map[string]string{"bevestig": missing}}
	} else {
		err = act(c.UserContext(), actor(c), year)
	}
	if err == nil {
		return c.Redirect(fmt.Sprintf("/beheer/cijfers?jaar=%d&%s=1", year, done), fiber.StatusSeeOther)
	}
	p, perr := s.figuresPage(c, strconv.Itoa(year))
	if perr != nil {
		return perr
	}
	if s.staffInvalid(c, &p, err, "bevestig") {
		return s.render(c, "staff_figures", p)
	}
	return err
}

// figuresTables reads the year of an export route and lays out its figures.
func (s *Server) figuresTables(c *fiber.Ctx) (int, []export.Table, error) {
	year, ok := yearParam(c.Params("jaar"))
	if !ok {
		return 0, nil, app.ErrNotFound
	}
	f, err := s.App.FiguresOf(c.UserContext(), actor(c), year)
	if err != nil {
		return 0, nil, err
	}
	return year, app.FigureTables(s.Cat, lang(c), f), nil
}

// staffFiguresCSV sends a year's figures as CSV.
func (s *Server) staffFiguresCSV(c *fiber.Ctx) error {
	year, tables, err := s.figuresTables(c)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := export.WriteCSV(&buf, app.CSVHeader(s.Cat, lang(c)), tables); err != nil {
		return err
	}
	return download(c, "text/csv; charset=utf-8", fmt.Sprintf("cijfers-%d.csv", year), buf.Bytes())
}

// staffFiguresXLSX sends a year's figures as a workbook, a sheet per topic.
func (s *Server) staffFiguresXLSX(c *fiber.Ctx) error {
	year, tables, err := s.figuresTables(c)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := export.WriteXLSX(&buf, tables); err != nil {
		return err
	}
	return download(c, xlsxType, fmt.Sprintf("cijfers-%d.xlsx", year), buf.Bytes())
}

// xlsxType is the media type of a workbook.
const xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// download sends a file to be saved under name (made of codes and numbers only, never a person's name).
func download(c *fiber.Ctx, contentType, name string, body []byte) error {
	c.Set(fiber.HeaderContentType, contentType)
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+name+`"`)
	return c.Send(body)
}
