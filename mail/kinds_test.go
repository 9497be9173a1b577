package mail

import (
	"bytes"
	"go/ast"
	"go/parser"
	"go/token"
	"strconv"
	"strings"
	"testing"

	"portal/app"
	"portal/app/locale"
)

// Every mail kind is declared once, in app/mail_kinds.go, and has its label for the staff pages, its subject
// and introduction in both languages, and comes out of the text and HTML templates. A kind added without
// them fails here, before a mail of it is queued (enqueue refuses a kind that is not declared).
func TestEveryMailKindHasLabelsCopyAndTemplates(t *testing.T) {
	cat, err := locale.Load()
	if err != nil {
		t.Fatal(err)
	}
	c, err := NewComposer(cat, app.Config{MailFrom: "Portaal <noreply@example.org>", MailFromDiscreet: "Afspraken <a@example.net>"})
	if err != nil {
		t.Fatal(err)
	}
	kinds := app.MailKinds()
	if len(kinds) < 20 {
		t.Fatalf("only %d mail kinds", len(kinds))
	}
	for _, k := range kinds {
		for _, lang := range locale.Languages {
			for _, id := range []string{"staff.mail.kind." + k.Name, "mail." + k.Name + ".subject", "mail." + k.Name + ".intro"} {
				if !cat.Has(id) || strings.TrimSpace(cat.T(lang, id)) == "" || strings.Contains(cat.T(lang, id), id) {
					t.Errorf("%s: no %s in %s", k.Name, id, lang)
				}
			}
			m, err := c.content(app.MailData{Kind: k.Name, Lang: lang, Name: "Mira"})
			if err != nil {
				t.Errorf("%s in %s: %v", k.Name, lang, err)
				continue
			}
			var text, html bytes.Buffer
			if err := c.text.ExecuteTemplate(&text, "text", m); err != nil || !strings.Contains(text.String(), m.Paragraphs[0]) {
				t.Errorf("%s in %s: the text template gave %q (%v)", k.Name, lang, text.String(), err)
			}
			if err := c.html.ExecuteTemplate(&html, "html", m); err != nil || !strings.Contains(html.String(), "<html") {
				t.Errorf("%s in %s: the HTML template gave %q (%v)", k.Name, lang, html.String(), err)
			}
		}
	}
}

// Every Mail* constant of app/mail_kinds.go is a kind of the table: a name cannot be added without its row.
func TestEveryMailKindNameIsInTheTable(t *testing.T) {
	file, err := parser.ParseFile(token.NewFileSet(), "../app/mail_kinds.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	names := 0
	for _, decl := range file.Decls {
		g, ok := decl.(*ast.GenDecl)
		if !ok || g.Tok != token.CONST {
			continue
		}
		for _, spec := range g.Specs {
			v := spec.(*ast.ValueSpec)
			for i, name := range v.Names {
				if !strings.HasPrefix(name.Name, "Mail") || i >= len(v.Values) {
					continue
				}
				lit, ok := v.Values[i].(*ast.BasicLit)
				if !ok || lit.Kind != token.STRING {
					continue
				}
				kind, err := strconv.Unquote(lit.Value)
				if err != nil {
					t.Fatal(err)
				}
				names++
				if _, ok := app.MailKindOf(kind); !ok {
					t.Errorf("%s (%q) has no row in mailKinds", name.Name, kind)
				}
			}
		}
	}
	if names != len(app.MailKinds()) {
		t.Errorf("%d Mail* names, %d kinds in the table", names, len(app.MailKinds()))
	}
}
