// Package locale holds the portal's languages: the message catalogues (go-i18n, Dutch first, English second)
// and the Belgian-Dutch way of writing dates, times and numbers.
package locale

import (
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strings"

	"github.com/BurntSushi/toml"
	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

// The catalogues: one file per area and language, named AREA.LANG.toml (public.nl.toml, staff.en.toml, ...).
//
//go:embed *.toml
var catalogues embed.FS

// Languages lists the supported languages, the default first.
var Languages = []string{"nl", "en"}

// Default is the language of anyone who has not chosen another.
const Default = "nl"

// Supported reports whether lang is one of Languages.
func Supported(lang string) bool {
	for _, l := range Languages {
		if l == lang {
			return true
		}
	}
	return false
}

// Catalogue resolves message ids to text for every language.
type Catalogue struct {
	localizers map[string]*i18n.Localizer
	plain      map[string]map[string]string // messages without parameters, resolved once at start
	ids        map[string][]string
}

// Load reads the embedded catalogues. It fails when a language misses a message that Dutch has, so a
// missing translation stops the boot rather than a request.
func Load() (*Catalogue, error) {
	bundle := i18n.NewBundle(language.Dutch)
	bundle.RegisterUnmarshalFunc("toml", toml.Unmarshal)
	c := &Catalogue{localizers: map[string]*i18n.Localizer{}, plain: map[string]map[string]string{}, ids: map[string][]string{}}
	for _, lang := range Languages {
		c.localizers[lang] = i18n.NewLocalizer(bundle, lang)
		c.plain[lang] = map[string]string{}
	}
	names, err := fs.Glob(catalogues, "*.toml")
	if err != nil {
		return nil, err
	}
	seen := map[string]string{} // lang/id → file, to catch a message defined in two files
	for _, name := range names {
		file, err := bundle.LoadMessageFileFS(catalogues, name)
		if err != nil {
			return nil, fmt.Errorf("locale: unable to load %s: %w", name, err)
		}
		lang := file.Tag.String()
		if !Supported(lang) {
			return nil, fmt.Errorf("locale: %s is in an unsupported language %q", name, lang)
		}
		for _, m := range file.Messages {
			if other, dup := seen[lang+"/"+m.ID]; dup {
				return nil, fmt.Errorf("locale: %s defines %q again (also in %s)", name, m.ID, other)
			}
			seen[lang+"/"+m.ID] = name
			c.ids[lang] = append(c.ids[lang], m.ID)
			if !strings.Contains(m.Other, "{{") {
				c.plain[lang][m.ID] = m.Other
			}
		}
	}
	for _, lang := range Languages {
		sort.Strings(c.ids[lang])
	}
	for _, lang := range Languages[1:] {
		if missing := diff(c.ids[Default], c.ids[lang]); len(missing) > 0 {
			return nil, fmt.Errorf("locale: %s lacks %d messages: %s", lang, len(missing), strings.Join(missing, ", "))
		}
		if extra := diff(c.ids[lang], c.ids[Default]); len(extra) > 0 {
			return nil, fmt.Errorf("locale: %s has messages Dutch lacks: %s", lang, strings.Join(extra, ", "))
		}
	}
	return c, nil
}

func diff(want, have []string) []string {
	set := map[string]bool{}
	for _, h := range have {
		set[h] = true
	}
	var out []string
	for _, w := range want {
		if !set[w] {
			out = append(out, w)
		}
	}
	return out
}

// Has reports whether id exists in the catalogue.
func (c *Catalogue) Has(id string) bool {
	i := sort.SearchStrings(c.ids[Default], id)
	return i < len(c.ids[Default]) && c.ids[Default][i] == id
}

// T returns message id in lang. args are name/value pairs for the message's template ("Count", 3). A message
// that does not exist comes back as its id between brackets, which tests look for.
func (c *Catalogue) T(lang, id string, args ...any) string {
	if !Supported(lang) {
		lang = Default
	}
	if len(args) == 0 {
		if s, ok := c.plain[lang][id]; ok {
			return s
		}
	}
	data := map[string]any{}
	for i := 0; i+1 < len(args); i += 2 {
		data[fmt.Sprint(args[i])] = args[i+1]
	}
	cfg := &i18n.LocalizeConfig{MessageID: id, TemplateData: data}
	if n, ok := data["Count"]; ok {
		cfg.PluralCount = n
	}
	s, err := c.localizers[lang].Localize(cfg)
	if err != nil {
		return "[" + id + "]"
	}
	return s
}
