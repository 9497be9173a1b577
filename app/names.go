package app

import (
	"bytes"
	"cmp"
	"slices"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"
)

// Names and aliases are kept encrypted (people.display_name_enc), so the database cannot sort by them: lists
// read the rows within what the staff member may see, decrypt them and sort here. At this organisation's scale
// (thousands of people, a group of a few dozen) that is cheap: see BenchmarkOpenAndSortNames.

// openNames decrypts the sealed name of every row in place; field returns a row's sealed and clear name.
func openNames[T any](k *Keys, rows []T, field func(*T) (sealed []byte, name *string)) {
	for i := range rows {
		sealed, name := field(&rows[i])
		*name = k.MustDecrypt(sealed)
	}
}

// sortByName sorts rows by first (what comes before the name: adults before children, ...), then name as a
// Dutch reader expects it (case does not count, accents only break ties), then id. Each name's collation key
// is computed once, so a list of n names costs n keys and n log n byte comparisons.
func sortByName[T any](rows []T, key func(T) (first int, name string, id int64)) {
	c := collate.New(language.Dutch, collate.IgnoreCase) // not safe for concurrent use: one per list
	var buf collate.Buffer
	type keyed struct {
		first int
		name  []byte
		id    int64
		at    int
	}
	all := make([]keyed, len(rows))
	for i, r := range rows {
		first, name, id := key(r)
		all[i] = keyed{first, c.KeyFromString(&buf, name), id, i}
	}
	slices.SortFunc(all, func(a, b keyed) int {
		return cmp.Or(cmp.Compare(a.first, b.first), bytes.Compare(a.name, b.name), cmp.Compare(a.id, b.id))
	})
	sorted := make([]T, len(rows))
	for i, k := range all {
		sorted[i] = rows[k.at]
	}
	copy(rows, sorted)
}

// boolRank is 1 for true, 0 for false: for sorting the trues last.
func boolRank(b bool) int {
	if b {
		return 1
	}
	return 0
}
