package app

import (
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestSeedCopyIsPlain holds the offerings' own texts to the rules of the catalogues (app/locale/copy_test.go):
// no sentence over 25 words, no part in brackets glued to a word ("(ex-)partner"), and every abbreviation
// written out in the text that uses it.
func TestSeedCopyIsPlain(t *testing.T) {
	explained := map[string]string{"CAW": "welzijnswerk", "CKG": "kinderzorg"}
	explainedEN := map[string]string{"CAW": "welfare work", "CKG": "childcare"}
	glued := regexp.MustCompile(`\p{L}\(|\)\p{L}|\(\p{L}+-\)`)
	acronym := regexp.MustCompile(`\b\p{Lu}{2,}\b`)
	end := regexp.MustCompile(`[.?!]+(\s|$)`)
	for _, o := range seedData(time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)) {
		for _, text := range []Text{o.name, o.summary, o.description, o.forWhom, o.howToJoin} {
			for lang, s := range text {
				for _, sentence := range end.Split(s, -1) {
					if n := len(strings.Fields(sentence)); n > 25 {
						t.Errorf("%s (%s): a sentence of %d words: %q", o.slug, lang, n, sentence)
					}
				}
				if glued.MatchString(s) {
					t.Errorf("%s (%s): brackets glued to a word: %q", o.slug, lang, s)
				}
				words := explained
				if lang == "en" {
					words = explainedEN
				}
				for _, a := range acronym.FindAllString(s, -1) {
					if w, ok := words[a]; !ok || !strings.Contains(strings.ToLower(s), w) {
						t.Errorf("%s (%s): %s is not written out: %q", o.slug, lang, a, s)
					}
				}
			}
		}
	}
}
