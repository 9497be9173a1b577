package handlers

import (
	"net/url"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"portal/app"
	"portal/views"
)

// staffAuditRow is a line of the audit viewer, with its action in words when the catalogue knows it.
type staffAuditRow struct {
	app.AuditRow
	Label string
	// Facts is the row's detail in words.
	Facts []auditFact
}

// staffAudit shows the audit log to admins, newest first, filtered by person, staff member and dates.
func (s *Server) staffAudit(c *fiber.Ctx) error {
	ctx := c.UserContext()
	f := app.AuditFilter{Page: c.QueryInt("pagina", 1)}
	form := map[string]string{}
	if v := c.Query("persoon"); v != "" {
		form["persoon"] = v
		f.PersonID, _ = strconv.ParseInt(v, 10, 64)
	}
	if v := c.Query("medewerker"); v != "" {
		form["medewerker"] = v
		f.StaffID, _ = strconv.ParseInt(v, 10, 64)
	}
	// Dates follow the one date rule; one that is not a day is said next to its field and filters nothing.
	bad := &app.ValidationError{}
	for field, to := range map[string]*time.Time{"van": &f.From, "tot": &f.To} {
		if v := c.Query(field); v != "" {
			form[field] = v
			day, err := app.ParseDay(field, v)
			if v, invalid := app.AsValidation(err); invalid {
				bad.Add(field, v.Fields[field])
				continue
			}
			*to = day
		}
	}
	log, err := s.App.AuditLog(ctx, actor(c), f)
	if err != nil {
		return err
	}
	d := struct {
		Rows       []staffAuditRow
		Staff      []views.Option
		Page       int
		Prev, Next string
	}{Page: max(f.Page, 1)}
	for _, r := range log.Rows {
		label := r.Action
		// Rows written before an action was renamed keep their code.
		if id := app.AuditActionLabel(r.Action); s.Cat.Has(id) {
			label = s.Cat.T(lang(c), id)
		}
		d.Rows = append(d.Rows, staffAuditRow{AuditRow: r, Label: label, Facts: auditDetail(s.Cat, lang(c), r.Detail)})
	}
	for _, st := range log.Staff {
		d.Staff = append(d.Staff, views.Option{Value: strconv.FormatInt(st.ID, 10), Label: st.DisplayName()})
	}
	page := func(n int) string {
		q := url.Values{}
		for k, v := range form {
			q.Set(k, v)
		}
		q.Set("pagina", strconv.Itoa(n))
		return "/beheer/audit?" + q.Encode()
	}
	if d.Page > 1 {
		d.Prev = page(d.Page - 1)
	}
	if log.More {
		d.Next = page(d.Page + 1)
	}
	p := s.staffPage(c, "staff.audit.title", d)
	p.Form = form
	if bad.OrNil() != nil {
		s.fillErrors(c, &p, bad, []string{"van", "tot"})
	}
	return s.render(c, "staff_audit", p)
}
