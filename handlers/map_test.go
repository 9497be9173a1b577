package handlers_test

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"portal/app"
	"portal/handlers"
)

// The map (docs/map.md) is only useful while it is true. These tests read it as a newcomer would and check
// that every file and folder it names exists, every Go name it gives after a file is declared in that file (or,
// with no file before it in its cell, somewhere in the code), every route it lists is registered, and every
// registered route is listed.

var (
	mapCode    = regexp.MustCompile("`([^`]+)`")
	mapRoute   = regexp.MustCompile(`^((?:GET|POST)(?:\|(?:GET|POST))*) (/\S*)$`)
	mapPkgName = regexp.MustCompile(`^([a-z]+)\.([A-Z][A-Za-z0-9]*)$`)
	mapName    = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9]*$`)
	mapFile    = regexp.MustCompile(`\.(go|html|tmpl|toml|sql|md|css|js)$`)
)

// mapLines returns docs/map.md by line, and the repository's root.
func mapLines(t *testing.T) (lines []string, root string) {
	t.Helper()
	root = ".."
	b, err := os.ReadFile(filepath.Join(root, "docs", "map.md"))
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(string(b), "\n"), root
}

// mapRoutes returns the routes the map lists, as "METHOD /path".
func mapRoutes(t *testing.T) map[string]bool {
	t.Helper()
	lines, _ := mapLines(t)
	out := map[string]bool{}
	for _, line := range lines {
		for _, m := range mapCode.FindAllStringSubmatch(line, -1) {
			if r := mapRoute.FindStringSubmatch(m[1]); r != nil {
				for _, method := range strings.Split(r[1], "|") {
					out[method+" "+r[2]] = true
				}
			}
		}
	}
	return out
}

// registeredRoutes returns every route the portal registers, as "METHOD /path" (HEAD, which Fiber adds to
// every GET, left out).
func registeredRoutes(t *testing.T) map[string]bool {
	t.Helper()
	f := handlers.New(&handlers.Server{App: &app.App{}})
	out := map[string]bool{}
	for _, r := range f.GetRoutes(true) {
		if r.Method != "HEAD" {
			out[r.Method+" "+r.Path] = true
		}
	}
	if len(out) < 50 {
		t.Fatalf("only %d routes registered: the route listing is broken", len(out))
	}
	return out
}

func TestTheMapListsEveryRouteAndNoOther(t *testing.T) {
	listed, registered := mapRoutes(t), registeredRoutes(t)
	for r := range registered {
		if !listed[r] {
			t.Errorf("route %s is not in docs/map.md: add it to its feature", r)
		}
	}
	for r := range listed {
		if !registered[r] {
			t.Errorf("docs/map.md lists %s, which the portal does not register", r)
		}
	}
}

func TestTheMapNamesOnlyWhatExists(t *testing.T) {
	lines, root := mapLines(t)
	sources := map[string]string{} // file → contents, read once
	read := func(path string) string {
		if s, ok := sources[path]; ok {
			return s
		}
		b, err := os.ReadFile(filepath.Join(root, path))
		if err != nil {
			t.Fatal(err)
		}
		sources[path] = string(b)
		return sources[path]
	}
	var goFiles []string
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "node_modules" || strings.HasPrefix(d.Name(), ".")) && path != root {
			return filepath.SkipDir
		}
		if !d.IsDir() && strings.HasSuffix(path, ".go") {
			rel, err := filepath.Rel(root, path)
			if err != nil {
				return err
			}
			goFiles = append(goFiles, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	declares := func(file, name string) bool {
		return regexp.MustCompile(`(?m)^(func (\([^)]*\) )?|type |var |const |\t)` + name + `\b`).MatchString(read(file))
	}
	declaredIn := func(dir, name string) bool {
		for _, f := range goFiles {
			if (dir == "" || filepath.ToSlash(filepath.Dir(f)) == dir) && declares(f, name) {
				return true
			}
		}
		return false
	}
	packageDir := map[string]string{"app": "app", "mail": "mail", "handlers": "handlers", "views": "views", "cli": "cli",
		"export": "app/export", "locale": "app/locale", "db": "app/db", "fixtures": "internal/fixtures", "testenv": "internal/testenv"}
	checked := 0
	for n, line := range lines {
		where := func(format string, args ...any) {
			t.Helper()
			t.Errorf("docs/map.md:%d: "+format, append([]any{n + 1}, args...)...)
		}
		for _, cell := range strings.Split(line, "|") {
			file := "" // the Go file the names that follow belong to
			for _, m := range mapCode.FindAllStringSubmatch(cell, -1) {
				token := m[1]
				switch {
				case mapRoute.MatchString(token):
				case strings.Contains(token, "/") || mapFile.MatchString(token):
					if strings.ContainsAny(token, "<* ") {
						continue // a pattern such as app/store_<table>.go
					}
					if _, err := os.Stat(filepath.Join(root, token)); err != nil {
						where("%s does not exist (paths are from the repository's root)", token)
						continue
					}
					checked++
					file = ""
					if strings.HasSuffix(token, ".go") {
						file = token
					}
				case mapPkgName.MatchString(token):
					p := mapPkgName.FindStringSubmatch(token)
					dir, ok := packageDir[p[1]]
					if !ok {
						where("%s: unknown package %s", token, p[1])
					} else if !declaredIn(dir, p[2]) {
						where("%s is not declared in %s/", token, dir)
					}
					checked++
				case mapName.MatchString(token):
					if file != "" && !declares(file, token) {
						where("%s is not declared in %s", token, file)
					} else if file == "" && !declaredIn("", token) {
						where("%s is not declared anywhere in the code", token)
					}
					checked++
				}
			}
		}
	}
	if checked < 100 {
		t.Errorf("only %d names checked: is docs/map.md still written with names in backticks?", checked)
	}
	if !slices.Contains(goFiles, "handlers/routes.go") {
		t.Fatalf("the repository's root is not %s", root)
	}
}
