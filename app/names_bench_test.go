package app

import (
	"fmt"
	"strings"
	"testing"
)

// BenchmarkOpenAndSortNames measures what encrypting names costs a list: decrypting and sorting 5,000 people
// (more than this organisation has in all its groups together), the work the database's ORDER BY did before.
func BenchmarkOpenAndSortNames(b *testing.B) {
	k, err := NewKeys(strings.Repeat("s", 32))
	if err != nil {
		b.Fatal(err)
	}
	sealed := make([]Expected, 5000)
	for i := range sealed {
		sealed[i] = Expected{PersonID: int64(i), NameEnc: k.Encrypt(fmt.Sprintf("Naam %d Élise", (i*7919)%5000)),
			Role: []string{RoleParticipant, RoleChild}[i%2]}
	}
	rows := make([]Expected, len(sealed))
	b.ReportAllocs()
	for b.Loop() {
		copy(rows, sealed)
		openNames(k, rows, func(e *Expected) ([]byte, *string) { return e.NameEnc, &e.Name })
		sortByName(rows, func(e Expected) (int, string, int64) { return boolRank(e.Role == RoleChild), e.Name, e.PersonID })
	}
	if rows[0].Role == RoleChild || rows[0].Name > rows[1].Name {
		b.Fatalf("not sorted: %q, %q", rows[0].Name, rows[1].Name)
	}
}
