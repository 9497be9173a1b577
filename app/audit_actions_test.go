package app_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"portal/app"
	"portal/app/locale"
)

// TestEveryAuditActionHasALabel checks the registry of audit actions: each is listed once, and labelled in both
// languages, so the audit page never shows a raw code.
func TestEveryAuditActionHasALabel(t *testing.T) {
	cat, err := locale.Load()
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, action := range app.AuditActions {
		if seen[action] {
			t.Errorf("audit action %q is listed twice", action)
		}
		seen[action] = true
		id := app.AuditActionLabel(action)
		for _, lang := range locale.Languages {
			if label := cat.T(lang, id); label == "" || strings.HasPrefix(label, "[") {
				t.Errorf("audit action %q has no %s label (%s)", action, lang, id)
			}
		}
	}
}

// TestAuditActionsAreDeclaredOnce reads the source of app and handlers: every audit action constant of
// app/audit.go must be in app.AuditActions (so it has a label), and every audit row written anywhere must name
// its action by such a constant, never by a string of its own.
func TestAuditActionsAreDeclaredOnce(t *testing.T) {
	fset := token.NewFileSet()
	consts := map[string]string{} // constant name → action
	audit, err := parser.ParseFile(fset, "audit.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	ast.Inspect(audit, func(n ast.Node) bool {
		spec, ok := n.(*ast.ValueSpec)
		if !ok || len(spec.Values) != len(spec.Names) {
			return true
		}
		for i, name := range spec.Names {
			lit, ok := spec.Values[i].(*ast.BasicLit)
			if !strings.HasPrefix(name.Name, "Audit") || !ok || lit.Kind != token.STRING {
				continue
			}
			action, err := strconv.Unquote(lit.Value)
			if err != nil {
				t.Fatal(err)
			}
			consts[name.Name] = action
			if !slices.Contains(app.AuditActions, action) {
				t.Errorf("%s (%q) is not in app.AuditActions", name.Name, action)
			}
		}
		return true
	})
	if len(consts) != len(app.AuditActions) {
		t.Errorf("audit.go declares %d actions, AuditActions lists %d", len(consts), len(app.AuditActions))
	}
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	more, err := filepath.Glob("../handlers/*.go")
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, name := range append(files, more...) {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			var value ast.Expr
			switch n := n.(type) {
			case *ast.CompositeLit:
				if !isAuditEntry(n.Type) {
					return true
				}
				for _, elt := range n.Elts {
					if kv, ok := elt.(*ast.KeyValueExpr); ok {
						if key, ok := kv.Key.(*ast.Ident); ok && key.Name == "Action" {
							value = kv.Value
						}
					}
				}
			case *ast.CallExpr:
				// auditChange(ctx, q, staffID, action, ...) and sessionAudit(ctx, tx, staffID, action, ...)
				if sel, ok := n.Fun.(*ast.SelectorExpr); ok && (sel.Sel.Name == "auditChange" || sel.Sel.Name == "sessionAudit") && len(n.Args) > 3 {
					value = n.Args[3]
				}
			}
			if value == nil {
				return true
			}
			checked++
			switch v := value.(type) {
			case *ast.Ident: // a constant of audit.go, or a variable that holds one
				if strings.HasPrefix(v.Name, "Audit") {
					if _, ok := consts[v.Name]; !ok {
						t.Errorf("%s: %s is not an audit action of audit.go", fset.Position(v.Pos()), v.Name)
					}
				}
			case *ast.SelectorExpr: // app.AuditX in handlers
				if x, ok := v.X.(*ast.Ident); ok && x.Name == "app" {
					if _, ok := consts[v.Sel.Name]; !ok {
						t.Errorf("%s: app.%s is not an audit action of audit.go", fset.Position(v.Pos()), v.Sel.Name)
					}
				}
			default:
				t.Errorf("%s: an audit action written as an expression of its own; declare it in audit.go", fset.Position(value.Pos()))
			}
			return true
		})
	}
	if checked < 20 {
		t.Errorf("found only %d audit actions in the source: the scan looks in the wrong place", checked)
	}
}

// isAuditEntry reports whether a composite literal's type is AuditEntry (in app) or app.AuditEntry.
func isAuditEntry(typ ast.Expr) bool {
	switch t := typ.(type) {
	case *ast.Ident:
		return t.Name == "AuditEntry"
	case *ast.SelectorExpr:
		return t.Sel.Name == "AuditEntry"
	}
	return false
}
