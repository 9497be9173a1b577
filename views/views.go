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
	base   map[string]*template.Template // language → layouts and partials
	files  map[string]string             // page → its file
	assets map[string]string             // static file → its address with a content hash
	pool   sync.Pool

	mu   sync.RWMutex
	sets map[string]*template.Template // language + page → the page with its own copy of the layouts
}

// New parses the layouts and partials for every language, and checks every page. A template that fails to
// parse, or a page that does not define "page", stops the boot.
//
// A page is joined to its copy of the layouts when it is first shown (html/template escapes each copy on its
// own, so every page needs one). Making all of them at start cost some 10 MB of memory for the life of the
// process, mostly for staff pages in the language nobody reads; now only the pages in use take room.
func New(cat *locale.Catalogue) (*Renderer, error) {
	r := &Renderer{base: map[string]*template.Template{}, files: map[string]string{}, assets: map[string]string{},
		sets: map[string]*template.Template{}}
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
		r.base[lang] = base
	}
	check := funcs(cat, locale.Default, r.assets)
	for _, p := range pages {
		t, err := template.New("check").Funcs(check).ParseFS(files, p)
		if err != nil {
			return nil, fmt.Errorf("views: %s: %w", p, err)
		}
		if t.Lookup("page") == nil {
			return nil, fmt.Errorf("views: %s does not define \"page\"", p)
		}
		r.files[strings.TrimSuffix(path.Base(p), ".html")] = p
	}
	return r, nil
}

// page returns a page in a language, joining it to its layouts on first use.
func (r *Renderer) page(lang, page string) (*template.Template, error) {
	key := lang + "/" + page
	r.mu.RLock()
	t, ok := r.sets[key]
	r.mu.RUnlock()
	if ok {
		return t, nil
	}
	file, ok := r.files[page]
	if !ok {
		return nil, fmt.Errorf("views: no page %q", page)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if t, ok := r.sets[key]; ok {
		return t, nil
	}
	base, err := r.base[lang].Clone()
	if err != nil {
		return nil, fmt.Errorf("views: %s: %w", page, err)
	}
	if t, err = base.ParseFS(files, file); err != nil {
		return nil, fmt.Errorf("views: %s: %w", page, err)
	}
	r.sets[key] = t
	return t, nil
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
	_, ok := r.files[page]
	return ok
}

// Render writes page in lang to w. The page is rendered to a buffer first, so a failing template never sends
// half a page.
func (r *Renderer) Render(w io.Writer, lang, page string, data any) error {
	if !locale.Supported(lang) {
		lang = locale.Default
	}
	t, err := r.page(lang, page)
	if err != nil {
		return err
	}
	buf := r.pool.Get().(*bytes.Buffer)
	buf.Reset()
	defer r.pool.Put(buf)
	if p, ok := data.(Page); ok && len(p.ErrorList) > 0 && p.Labels == nil {
		// The error summary stands above the form, so it is written before the fields it names. A first,
		// discarded pass lets every field note its visible label; the second pass names each field in the
		// summary with the very words of its label. Only a form shown again with errors pays for this.
		p.Labels = map[string]string{}
		if err := t.ExecuteTemplate(buf, "page", p); err != nil {
			return fmt.Errorf("views: %s: %w", page, err)
		}
		buf.Reset()
		data = p
	}
	if err := t.ExecuteTemplate(buf, "page", data); err != nil {
		return fmt.Errorf("views: %s: %w", page, err)
	}
	_, err = w.Write(buf.Bytes())
	return err
}
