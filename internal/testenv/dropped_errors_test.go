package testenv_test

import (
	"go/ast"
	"go/token"
	"go/types"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/tools/go/packages"
)

// TestNoTestDropsAnError keeps the tests honest: a test that throws an error away passes while the thing it
// names is broken. Across every test file of the module and the test helpers in internal/, an error may not be
// assigned to _ nor returned by a call whose result is left unused, unless a comment at the end of that line
// says why (a process killed on purpose, a body a fault cut short). Close is left to the code that needs
// it (a deferred Close of a response body has nothing to report), and so are fmt's printers and writes to an
// in-memory buffer, which do not fail.
func TestNoTestDropsAnError(t *testing.T) {
	if testing.Short() {
		t.Skip("type-checks the whole module")
	}
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	cfg := &packages.Config{Dir: root, Tests: true,
		Mode: packages.NeedName | packages.NeedFiles | packages.NeedSyntax | packages.NeedTypes | packages.NeedTypesInfo}
	pkgs, err := packages.Load(cfg, "./...")
	if err != nil {
		t.Fatal(err)
	}
	errorType := types.Universe.Lookup("error").Type()
	returnsError := func(info *types.Info, e ast.Expr) (*ast.CallExpr, []bool) {
		call, ok := ast.Unparen(e).(*ast.CallExpr)
		if !ok {
			return nil, nil
		}
		var isErr []bool
		switch typ := info.TypeOf(call).(type) {
		case *types.Tuple:
			for v := range typ.Variables() {
				isErr = append(isErr, types.Identical(v.Type(), errorType))
			}
		case nil:
		default:
			isErr = []bool{types.Identical(typ, errorType)}
		}
		return call, isErr
	}
	exempt := func(info *types.Info, call *ast.CallExpr) bool {
		sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr)
		if !ok {
			return false
		}
		if sel.Sel.Name == "Close" {
			return true
		}
		if fn, ok := info.Uses[sel.Sel].(*types.Func); ok && fn.Pkg() != nil {
			if fn.Pkg().Path() == "fmt" {
				return true
			}
			if recv := fn.Signature().Recv(); recv != nil {
				r := types.TypeString(recv.Type(), nil)
				return r == "*bytes.Buffer" || r == "*strings.Builder"
			}
		}
		return false
	}
	files, seen := 0, map[string]bool{}
	for _, pkg := range pkgs {
		for _, file := range pkg.Syntax {
			name := pkg.Fset.File(file.Pos()).Name()
			helper := strings.Contains(filepath.ToSlash(name), "/internal/")
			if seen[name] || (!strings.HasSuffix(name, "_test.go") && !helper) {
				continue
			}
			seen[name] = true
			files++
			explained := map[int]bool{} // lines that end in a comment
			for _, g := range file.Comments {
				explained[pkg.Fset.Position(g.Pos()).Line] = true
			}
			report := func(at token.Pos, what string) {
				p := pkg.Fset.Position(at)
				if explained[p.Line] {
					return
				}
				if rel, err := filepath.Rel(root, p.Filename); err == nil {
					p.Filename = filepath.ToSlash(rel)
				}
				t.Errorf("%s:%d: %s: check it (t.Fatal), or say at the end of the line why it does not matter", p.Filename, p.Line, what)
			}
			ast.Inspect(file, func(n ast.Node) bool {
				switch s := n.(type) {
				case *ast.AssignStmt:
					if len(s.Rhs) != 1 {
						return true
					}
					call, isErr := returnsError(pkg.TypesInfo, s.Rhs[0])
					if call == nil || len(isErr) != len(s.Lhs) {
						return true
					}
					for i, lhs := range s.Lhs {
						if id, ok := lhs.(*ast.Ident); ok && id.Name == "_" && isErr[i] {
							report(s.Pos(), "an error assigned to _")
						}
					}
				case *ast.ExprStmt:
					call, isErr := returnsError(pkg.TypesInfo, s.X)
					if call != nil && len(isErr) > 0 && isErr[len(isErr)-1] && !exempt(pkg.TypesInfo, call) {
						report(s.Pos(), "an error left unused")
					}
				}
				return true
			})
		}
	}
	if files < 50 {
		t.Fatalf("only %d files checked: the package loading is broken", files)
	}
}
