package app

import (
	"strconv"

	"portal/app/locale"
)

// Sentence is one figure written out in the style of the yearly report.
type Sentence struct {
	Offering string
	Text     string
}

// Sentences writes the year's figures as the report's sentences ("35 ouders en 21 kinderen namen deel aan de
// groepssessies."), in lang.
func Sentences(cat *locale.Catalogue, lang string, f Figures) []Sentence {
	var out []Sentence
	add := func(slug, id string, args ...any) {
		out = append(out, Sentence{Offering: slug, Text: cat.T(lang, id, args...)})
	}
	// A count inside a sentence takes its own plural form: "op 1 bijeenkomst", never "1 bijeenkomsten".
	sessions := func(n int) string { return cat.T(lang, "figures.attests.sessions", "Count", n) }
	year := strconv.Itoa(f.Year)
	for _, o := range f.Offerings {
		if o.GroupsRun == 0 && len(o.Groups) == 0 {
			continue
		}
		switch o.Kind {
		case KindIntervision:
			var towns []string
			for _, g := range o.Groups {
				towns = append(towns, g.Municipality)
			}
			add(o.Slug, "figures.s.intervision", "Year", year, "Count", o.GroupsRun, "Towns", joinList(lang, towns))
			add(o.Slug, "figures.s.members", "Count", o.Participants, "Sessions", sessions(o.SessionsHeld))
		case KindWaakvlam:
			if len(f.WaakvlamOrganisations) > 0 {
				add(o.Slug, "figures.s.waakvlam", "Year", year, "Organisations", joinList(lang, f.WaakvlamOrganisations))
			}
		case KindPeerGroup:
			add(o.Slug, "figures.s.peer", "Count", o.GroupsRun)
			add(o.Slug, "figures.s.peer.participants", "Count", o.Participants, "Sessions", sessions(o.SessionsHeld))
		case KindRotonde:
			for _, g := range o.Groups {
				add(o.Slug, "figures.s.rotonde", "Group", g.Name.In(lang), "Count", g.Participants)
			}
		case KindFamily:
			add(o.Slug, "figures.s.family", "Parents", cat.T(lang, "household.done.parents", "Count", o.Parents),
				"Children", cat.T(lang, "household.done.children", "Count", o.Children))
			add(o.Slug, "figures.s.family.caw", "Count", o.ReferredToCAW)
		case KindEvent:
			for _, g := range o.Groups {
				add(o.Slug, "figures.s.event", "Date", locale.ShortDate(lang, g.FirstSession), "Count", g.Participants,
					"Event", g.Name.In(lang))
			}
		}
	}
	return out
}
