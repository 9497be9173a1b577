package handlers

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/gofiber/fiber/v2"

	"portal/app"
	"portal/app/export"
	"portal/app/locale"
	"portal/views"
)

// UploadBodyLimit is the largest request body of the import's two posts: the file itself (app.MaxImportBytes),
// or the same file sealed and written out in base64 in the confirm form, with room for the form around it. Every
// other route keeps BodyLimit (limitBody).
const UploadBodyLimit = app.MaxImportBytes*3/2 + BodyLimit

// isUpload reports whether a request may carry a body up to UploadBodyLimit: the import's posts.
func isUpload(c *fiber.Ctx) bool {
	p := c.Path()
	return c.Method() == fiber.MethodPost && strings.HasPrefix(p, "/beheer/groepen/") &&
		(strings.HasSuffix(p, "/inlezen") || strings.HasSuffix(p, "/inlezen/bevestigen"))
}

// limitBody refuses a body above BodyLimit on every route but the import's (413): the server reads bodies up to
// UploadBodyLimit only so that a list can be uploaded.
func limitBody(c *fiber.Ctx) error {
	if len(c.Request().Body()) > BodyLimit && !isUpload(c) {
		return fiber.ErrRequestEntityTooLarge
	}
	return c.Next()
}

// importLimitText is the file limit in words ("2 MB").
func importLimitText() string { return fmt.Sprintf("%d MB", app.MaxImportBytes>>20) }

// importPage is the page of an import: the form, and after a check the preview (or its problems), after the
// import what was done.
type importPage struct {
	Group   app.Group
	Limit   string
	Checked bool
	// Problems are the plan's problems in words, in the order of the file.
	Problems []string
	People   int
	New      int
	Marks    int
	Sessions int
	// Summary is what the import will do, in sentences with their plurals.
	Summary []string
	// Headers are the preview's session columns, Rows its people.
	Headers []string
	Rows    []importRowView
	// Sealed is the checked file for the confirm form (app.SealImport).
	Sealed string
	Done   string
}

type importRowView struct {
	Line  int
	Name  string
	Role  string
	New   bool
	Marks []importCellView
}

// importCellView is one session cell of the preview: the mark in words, or the refused value of a bad cell.
type importCellView struct {
	Text    string
	Refused bool
}

// staffImportForm shows the import page of a group: what a list may hold, the template, the file field.
func (s *Server) staffImportForm(c *fiber.Ctx) error {
	gd, err := s.groupParam(c)
	if err != nil {
		return err
	}
	return s.renderImport(c, importPage{Group: gd.Group, Limit: importLimitText()})
}

func (s *Server) renderImport(c *fiber.Ctx, d importPage) error {
	p := s.staffPage(c, "", d)
	p.Title = s.Cat.T(lang(c), "import.title", "Group", d.Group.Name.In(lang(c)))
	return s.render(c, "staff_import", p)
}

// staffImportCheck reads the uploaded list and shows what importing it would do, or what is wrong with it.
// Nothing is written.
func (s *Server) staffImportCheck(c *fiber.Ctx) error {
	gd, err := s.groupParam(c)
	if err != nil {
		return err
	}
	d := importPage{Group: gd.Group, Limit: importLimitText()}
	fh, err := c.FormFile("file")
	if err != nil {
		return s.importFieldError(c, d, s.Cat.T(lang(c), "form.file.required"))
	}
	if fh.Size > app.MaxImportBytes {
		return s.importFieldError(c, d, s.Cat.T(lang(c), "import.file.large", "Limit", d.Limit))
	}
	f, err := fh.Open()
	if err != nil {
		return err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, app.MaxImportBytes+1))
	if err != nil {
		return err
	}
	plan, err := s.App.PreviewImport(c.UserContext(), actor(c), gd.Group.ID, data)
	if err != nil {
		return err
	}
	s.fillPreview(c, &d, plan)
	if len(plan.Problems) == 0 {
		if d.Sealed, err = s.App.SealImport(c.UserContext(), actor(c), gd.Group.ID, data); err != nil {
			return err
		}
	}
	return s.renderChecked(c, d)
}

// importFieldError shows the form again with a message at the file field.
func (s *Server) importFieldError(c *fiber.Ctx, d importPage, msg string) error {
	c.Status(fiber.StatusUnprocessableEntity)
	p := s.staffPage(c, "", d)
	p.Title = s.Cat.T(lang(c), "import.title", "Group", d.Group.Name.In(lang(c)))
	p.Errors = map[string]string{"file": msg}
	p.ErrorList = []views.FieldError{{Field: "file", Message: msg}}
	return s.render(c, "staff_import", p)
}

// fillPreview lays out a plan for the page: its counts, its rows with the marks in words, its problems.
func (s *Server) fillPreview(c *fiber.Ctx, d *importPage, plan app.ImportPlan) {
	l := lang(c)
	d.Checked = true
	d.People, d.New, d.Marks, d.Sessions = len(plan.Rows), plan.New(), plan.MarkCount(), plan.SessionCount()
	d.Summary = []string{s.Cat.T(l, "import.preview.people", "People", s.Cat.T(l, "import.count.people", "Count", d.People),
		"New", d.New)}
	if d.Marks > 0 {
		d.Summary = append(d.Summary, s.Cat.T(l, "import.preview.marks",
			"Marks", s.Cat.T(l, "import.count.marks", "Count", d.Marks),
			"Sessions", s.Cat.T(l, "import.count.sessions", "Count", d.Sessions)))
	}
	if n := plan.ChangeCount(); n > 0 {
		d.Summary = append(d.Summary, s.Cat.T(l, "import.preview.changes", "Count", n))
	}
	for _, sess := range plan.Sessions {
		d.Headers = append(d.Headers, locale.ShortDate(l, sess.StartsAt))
	}
	// With problems, the table holds only the rows concerned, with the refused values in their cells.
	refused := map[int]map[string]string{}
	for _, p := range plan.Problems {
		if p.Row > 1 {
			if refused[p.Row] == nil {
				refused[p.Row] = map[string]string{}
			}
			refused[p.Row][p.Column] = p.Value
		}
	}
	for _, r := range plan.Rows {
		if len(plan.Problems) > 0 && refused[r.Line] == nil {
			continue
		}
		v := importRowView{Line: r.Line, Name: app.ClipImportValue(r.Name), Role: s.Cat.T(l, "role."+r.Role), New: r.PersonID == 0}
		for i, m := range r.Marks {
			bad, isBad := refused[r.Line][plan.SessionColumns[i]]
			switch {
			case isBad:
				v.Marks = append(v.Marks, importCellView{Text: bad, Refused: true})
			case m == "":
				v.Marks = append(v.Marks, importCellView{})
			case r.Changed(i):
				v.Marks = append(v.Marks, importCellView{Text: s.Cat.T(l, "import.preview.change",
					"Was", s.Cat.T(l, "staff.mark."+r.Was[i]), "Mark", s.Cat.T(l, "staff.mark."+m))})
			default:
				v.Marks = append(v.Marks, importCellView{Text: s.Cat.T(l, "figures.mark."+m)})
			}
		}
		d.Rows = append(d.Rows, v)
	}
	for _, p := range plan.Problems {
		d.Problems = append(d.Problems, s.importProblem(l, p))
	}
}

// renderChecked shows the page after a check: with problems, the file field carries a message that points to
// them (and is described by their list), so that a screen reader on the field hears why.
func (s *Server) renderChecked(c *fiber.Ctx, d importPage) error {
	p := s.staffPage(c, "", d)
	p.Title = s.Cat.T(lang(c), "import.title", "Group", d.Group.Name.In(lang(c)))
	if len(d.Problems) > 0 {
		c.Status(fiber.StatusUnprocessableEntity)
		p.Errors = map[string]string{"file": s.Cat.T(lang(c), "import.file.problems")}
	}
	return s.render(c, "staff_import", p)
}

// importProblem writes one problem in words; a field's own message (an e-mail address that is none) gets the
// row and column before it.
func (s *Server) importProblem(l string, p app.ImportProblem) string {
	if strings.HasPrefix(p.Key, "import.") {
		return s.Cat.T(l, p.Key, "Row", p.Row, "Column", p.Column, "Value", p.Value, "Limit", importLimitText())
	}
	return s.Cat.T(l, "import.cell.field", "Row", p.Row, "Column", p.Column, "Message", s.Cat.T(l, p.Key))
}

// staffImportConfirm imports the list checked in the preview (carried sealed in the confirm form), all or
// nothing, and says what was done.
func (s *Server) staffImportConfirm(c *fiber.Ctx) error {
	gd, err := s.groupParam(c)
	if err != nil {
		return err
	}
	d := importPage{Group: gd.Group, Limit: importLimitText()}
	l := lang(c)
	data, err := s.App.OpenImport(c.UserContext(), actor(c), gd.Group.ID, c.FormValue("upload"))
	if errors.Is(err, app.ErrExpired) || errors.Is(err, app.ErrDecrypt) {
		return s.importFieldError(c, d, s.Cat.T(l, "import.expired"))
	} else if err != nil {
		return err
	}
	plan, res, err := s.App.Import(c.UserContext(), actor(c), gd.Group.ID, data)
	switch {
	case errors.Is(err, app.ErrImportProblems):
		// The group changed since the check (someone joined, a session moved): the new problems are shown.
		s.fillPreview(c, &d, plan)
		return s.renderChecked(c, d)
	case errors.Is(err, app.ErrClosed):
		return s.importFieldError(c, d, s.Cat.T(l, "import.closed"))
	case errors.Is(err, app.ErrSeparated):
		return s.importFieldError(c, d, s.Cat.T(l, "import.separated"))
	case err != nil:
		return err
	}
	d.Done = s.Cat.T(l, "import.done", "People", s.Cat.T(l, "import.count.people", "Count", res.People),
		"Added", res.Added, "Marks", s.Cat.T(l, "import.count.marks", "Count", res.Marks))
	return s.renderImport(c, d)
}

// staffImportTemplate sends the workbook to fill in for a group: its headers and sessions, and an explanation.
func (s *Server) staffImportTemplate(c *fiber.Ctx) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	g, tables, err := s.App.ImportTemplate(c.UserContext(), actor(c), s.Cat, lang(c), id)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := export.WriteXLSX(&buf, tables); err != nil {
		return err
	}
	return download(c, xlsxType, "lijst-"+g.Slug+".xlsx", buf.Bytes())
}
