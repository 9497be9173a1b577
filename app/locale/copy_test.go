package locale

import (
	"io/fs"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"
)

// publicAreas are the catalogues whose text people outside the organisation read: the public pages, the forms
// and personal pages (join), the statements (info) and the mails to participants and professionals.
var publicAreas = []string{"public", "join", "info", "mail"}

// maxWords is the longest sentence we allow. Flemish plain-language guidance ("klare taal",
// B1) aims at about 15 words on average; 25 leaves room for a list of options without letting a sentence run on.
const maxWords = 25

// acronyms are the abbreviations public copy may use, each with the words that must stand in the same message
// to explain it (a message may be read alone: an option, a hint, a mail). Any other abbreviation of two or
// more capitals fails the test, so a new one is written out or added here with its explanation.
var acronyms = map[string]map[string]string{
	"nl": {
		"CAW":  "Centrum Algemeen Welzijnswerk",
		"OCMW": "Openbaar Centrum voor Maatschappelijk Welzijn",
		"CLB":  "Centrum voor Leerlingenbegeleiding",
		"CKG":  "Centrum voor Kinderzorg en Gezinsondersteuning",
		"GGZ":  "Geestelijke gezondheidszorg",
		"WCAG": "Web Content Accessibility Guidelines",
		"AA":   "WCAG",
		"AAA":  "WCAG",
		"PV":   "proces-verbaal",
		"VHR":  "Veilig Huis Rivierenland",
		"ICS":  "agenda",
		"GDPR": "privacy",
		"URL":  "link",
		"EU":   "Europese",
	},
	"en": {
		"CAW":  "Centre for General Welfare Work",
		"OCMW": "Public Centre for Social Welfare",
		"CLB":  "Pupil Guidance Centre",
		"CKG":  "Centre for Childcare and Family Support",
		"GGZ":  "mental health care",
		"WCAG": "Web Content Accessibility Guidelines",
		"AA":   "WCAG",
		"AAA":  "WCAG",
		"EU":   "European",
	},
}

// words that are no acronym but need the same care: the reader must be told what they mean.
var jargon = map[string]map[string]string{
	"nl": {"parket": "openbaar ministerie"},
}

// message is one text of a catalogue: "area.lang.toml id" and its text (a plural form gets its form in the id).
type message struct{ where, text string }

func messages(t *testing.T, lang string, areas ...string) []message {
	t.Helper()
	var out []message
	names, err := fs.Glob(catalogues, "*."+lang+".toml")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range names {
		area := strings.SplitN(name, ".", 2)[0]
		if len(areas) > 0 && !contains(areas, area) {
			continue
		}
		raw, err := fs.ReadFile(catalogues, name)
		if err != nil {
			t.Fatal(err)
		}
		var doc map[string]any
		if _, err := toml.Decode(string(raw), &doc); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		var walk func(prefix string, v any)
		walk = func(prefix string, v any) {
			switch v := v.(type) {
			case string:
				out = append(out, message{where: name + " " + prefix, text: v})
			case map[string]any:
				keys := make([]string, 0, len(v))
				for k := range v {
					keys = append(keys, k)
				}
				sort.Strings(keys)
				for _, k := range keys {
					walk(strings.TrimPrefix(prefix+"."+k, "."), v[k])
				}
			default:
				t.Fatalf("%s %s: unexpected %T", name, prefix, v)
			}
		}
		walk("", doc)
	}
	if len(out) == 0 {
		t.Fatalf("no messages in %s for %v", lang, areas)
	}
	return out
}

func contains(list []string, s string) bool {
	for _, l := range list {
		if l == s {
			return true
		}
	}
	return false
}

var (
	// A plural or optional part glued to a word in brackets: "ouder(s)", "kind(eren)", "child(ren)", "(schuil)naam";
	// or a hedge in brackets: "niet (meer)", "(nog) geen", "(yet)".
	bracketPlural = regexp.MustCompile(`\p{L}\(\p{L}+\)|\(\p{L}+\)\p{L}|\((meer|nog|more|any more|or no longer|yet|still)\)`)
	// Template code makes one word of whatever it holds.
	templateCode = regexp.MustCompile(`\{\{[^}]*\}\}`)
	sentenceEnd  = regexp.MustCompile(`[.?!]+(\s|$)`)
	acronym      = regexp.MustCompile(`\b\p{Lu}{2,}\b`)
)

// TestCopyHasRealPlurals: no "(s)" or "(en)" plurals in any catalogue; a count takes the catalogue's plural forms.
func TestCopyHasRealPlurals(t *testing.T) {
	for _, lang := range Languages {
		for _, m := range messages(t, lang) {
			if bracketPlural.MatchString(m.text) {
				t.Errorf("%s: %q writes a plural or optional part in brackets (%q): use the plural forms (one, other)",
					m.where, m.text, bracketPlural.FindString(m.text))
			}
		}
	}
}

// TestCopySpeaksOneWay: the Dutch copy says "je" and "je kunt" / "kun je", never "u" or the spoken "kan je".
func TestCopySpeaksOneWay(t *testing.T) {
	never := regexp.MustCompile(`\b([Kk]an (je|jij)|[Jj]e kan|[Jj]ij kan|[Uu]w|[Uu])\b`)
	for _, m := range messages(t, "nl") {
		if w := never.FindString(m.text); w != "" {
			t.Errorf("%s: %q says %q: write \"je kunt\" or \"kun je\"", m.where, m.text, w)
		}
		if strings.Contains(m.text, "de portaal") {
			t.Errorf("%s: %q: it is \"het portaal\"", m.where, m.text)
		}
	}
}

// TestCopyIsShort: no sentence in any catalogue is longer than maxWords (staff read in a hurry too).
func TestCopyIsShort(t *testing.T) {
	for _, lang := range Languages {
		for _, m := range messages(t, lang) {
			for _, s := range sentenceEnd.Split(templateCode.ReplaceAllString(m.text, "X"), -1) {
				if n := len(strings.Fields(s)); n > maxWords {
					t.Errorf("%s: a sentence of %d words (at most %d): %q", m.where, n, maxWords, strings.TrimSpace(s))
				}
			}
		}
	}
}

// TestPublicCopyIsExplained: in public copy every abbreviation (and the word "parket") is explained in the
// message that uses it. Staff pages may use the field's abbreviations: their readers are professionals.
func TestPublicCopyIsExplained(t *testing.T) {
	for _, lang := range Languages {
		for _, m := range messages(t, lang, publicAreas...) {
			text := templateCode.ReplaceAllString(m.text, "X")
			for _, a := range acronym.FindAllString(text, -1) {
				explained, known := acronyms[lang][a]
				switch {
				case !known:
					t.Errorf("%s: %q uses %s, which is not in the list of explained abbreviations", m.where, m.text, a)
				case !strings.Contains(strings.ToLower(text), strings.ToLower(explained)):
					t.Errorf("%s: %q uses %s without %q", m.where, m.text, a, explained)
				}
			}
			for word, explained := range jargon[lang] {
				low := strings.ToLower(text)
				if strings.Contains(low, word) && !strings.Contains(low, strings.ToLower(explained)) {
					t.Errorf("%s: %q uses %q without %q", m.where, m.text, word, explained)
				}
			}
		}
	}
}
