// Package views holds the portal's pages: html/template layouts, partials and pages, and the static files (one
// CSS file, one small script), all embedded in the binary and parsed once at start, for every language.
package views

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"path"
	"strings"
	"sync"

	"portal/app/locale"
)

//go:embed templates static
var files embed.FS

// Static holds the static files (CSS, script, icons) under "static/".
var Static fs.FS = files

// Renderer renders pages; it is safe for concurrent use.
type Renderer struct {
	sets   map[string]map[string]*template.Template // language → page → template
	assets map[string]string                        // static file → its address with a content hash
	pool   sync.Pool
}

// New parses every template for every language. A template that fails to parse, or a page that does not
// define "page", stops the boot.
func New(cat *locale.Catalogue) (*Renderer, error) {
	r := &Renderer{sets: map[string]map[string]*template.Template{}, assets: map[string]string{}}
	r.pool.New = func() any { return new(bytes.Buffer) }
	if err := r.hashAssets(); err != nil {
		return nil, err
	}
	pages, err := fs.Glob(files, "templates/pages/*.html")
	if err != nil {
		return nil, err
	}
	for _, lang := range locale.Languages {
		base := template.New("base").Funcs(funcs(cat, lang, r.assets))
		if _, err := base.ParseFS(files, "templates/layouts/*.html", "templates/partials/*.html"); err != nil {
			return nil, fmt.Errorf("views: %w", err)
		}
		r.sets[lang] = map[string]*template.Template{}
		for _, p := range pages {
			t, err := template.Must(base.Clone()).ParseFS(files, p)
			if err != nil {
				return nil, fmt.Errorf("views: %s: %w", p, err)
			}
			if t.Lookup("page") == nil {
				return nil, fmt.Errorf("views: %s does not define \"page\"", p)
			}
			r.sets[lang][strings.TrimSuffix(path.Base(p), ".html")] = t
		}
	}
	return r, nil
}

func (r *Renderer) hashAssets() error {
	return fs.WalkDir(files, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := files.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		name := strings.TrimPrefix(p, "static/")
		r.assets[name] = "/static/" + name + "?v=" + hex.EncodeToString(sum[:6])
		return nil
	})
}

// Has reports whether a page exists.
func (r *Renderer) Has(page string) bool {
	_, ok := r.sets[locale.Default][page]
	return ok
}

// Render writes page in lang to w. The page is rendered to a buffer first, so a failing template never sends
// half a page.
func (r *Renderer) Render(w io.Writer, lang, page string, data any) error {
	if !locale.Supported(lang) {
		lang = locale.Default
	}
	t, ok := r.sets[lang][page]
	if !ok {
		return fmt.Errorf("views: no page %q", page)
	}
	buf := r.pool.Get().(*bytes.Buffer)
	buf.Reset()
	defer r.pool.Put(buf)
	if err := t.ExecuteTemplate(buf, "page", data); err != nil {
		return fmt.Errorf("views: %s: %w", page, err)
	}
	_, err := w.Write(buf.Bytes())
	return err
}
