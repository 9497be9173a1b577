package app

import (
	"portal/app/export"
	"portal/app/locale"
)

// Label names a code from the catalogue (prefix + code), or gives the code itself when the catalogue has no
// name for it (a municipality, an organisation).
func Label(cat *locale.Catalogue, lang, prefix, code string) string {
	if cat.Has(prefix + code) {
		return cat.T(lang, prefix+code)
	}
	return code
}

// Label prefixes of the figures' dimensions.
const (
	LabelReferrer     = "figures.referrer."
	LabelSector       = "sector."
	LabelDestination  = "figures.destination."
	LabelMunicipality = "figures.municipality."
)

// MonthNames are the short month names of the figures ("jan" ... "dec"), in lang.
func MonthNames(cat *locale.Catalogue, lang string) [12]string {
	var out [12]string
	for i := range out {
		out[i] = cat.T(lang, "figures.month."+[]string{"1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12"}[i])
	}
	return out
}

// FigureTables lays out a year's figures as the tables of the exports, one per topic, with headers in lang.
// They hold no names of people: only offerings, groups, municipalities, codes and the organisations that
// received Waakvlam.
func FigureTables(cat *locale.Catalogue, lang string, f Figures) []export.Table {
	col := func(ids ...string) []string {
		out := make([]string, len(ids))
		for i, id := range ids {
			out[i] = cat.T(lang, "figures.col."+id)
		}
		return out
	}
	sheet := func(id string) string { return cat.T(lang, "figures.sheet."+id) }

	offerings := export.Table{Name: sheet("offerings"), Keys: 1, Columns: col("offering", "groups", "sessions", "participants",
		"attendances", "marked", "rate", "parents", "children", "caw")}
	groups := export.Table{Name: sheet("groups"), Keys: 3, Columns: col("offering", "group", "municipality", "sessions",
		"participants", "attendances", "marked", "rate")}
	for _, m := range MonthNames(cat, lang) {
		groups.Columns = append(groups.Columns, m)
	}
	for _, o := range f.Offerings {
		name := o.Name.In(lang)
		offerings.Rows = append(offerings.Rows, []any{name, o.GroupsRun, o.SessionsHeld, o.Participants, o.Attendances,
			o.Marked, export.Percent(o.Rate()), o.Parents, o.Children, o.ReferredToCAW})
		for _, g := range o.Groups {
			row := []any{name, g.Name.In(lang), g.Municipality, g.SessionsHeld, g.Participants, g.Attendances, g.Marked,
				export.Percent(g.Rate())}
			for _, n := range g.Monthly {
				row = append(row, n)
			}
			groups.Rows = append(groups.Rows, row)
		}
	}
	counts := func(name string, cols []string, prefix string, cs []Count) export.Table {
		t := export.Table{Name: name, Keys: 1, Columns: cols}
		for _, c := range cs {
			t.Rows = append(t.Rows, []any{Label(cat, lang, prefix, c.Key), c.Value})
		}
		return t
	}
	waakvlam := export.Table{Name: sheet("waakvlam"), Keys: 1, Columns: col("organisation")}
	for _, o := range f.WaakvlamOrganisations {
		waakvlam.Rows = append(waakvlam.Rows, []any{o})
	}
	report := export.Table{Name: sheet("report"), Keys: 1, Columns: col("text")}
	for _, s := range Sentences(cat, lang, f) {
		report.Rows = append(report.Rows, []any{s.Text})
	}
	return []export.Table{
		offerings,
		groups,
		counts(sheet("referrers"), col("referrer", "count"), LabelReferrer, f.Referrers),
		counts(sheet("municipalities"), col("municipality", "participants"), LabelMunicipality, f.Municipalities),
		counts(sheet("sectors"), col("sector", "members"), LabelSector, f.Sectors),
		counts(sheet("referrals"), col("destination", "people"), LabelDestination, f.Referrals),
		waakvlam,
		report,
	}
}

// CSVHeader is the header of the figures' CSV file, in lang.
func CSVHeader(cat *locale.Catalogue, lang string) [4]string {
	return [4]string{cat.T(lang, "figures.csv.table"), cat.T(lang, "figures.csv.about"), cat.T(lang, "figures.csv.measure"),
		cat.T(lang, "figures.csv.value")}
}
