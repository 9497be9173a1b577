package testenv

import (
	"encoding/hex"
	"fmt"
	"strings"
	"testing"

	"github.com/jmoiron/sqlx"
)

// InClear reads every row of every table of the database as PostgreSQL prints it (row::text: text as it is,
// bytea as hex, json as written) and returns, per table, each secret found in it: as text, case-insensitively,
// or as the hex of its bytes (a clear value in a bytea column). It is what someone holding a dump of the
// database would see. secrets should be unique enough not to occur by chance (a test's own markers).
func InClear(t testing.TB, db sqlx.QueryerContext, secrets ...string) []string {
	t.Helper()
	var tables []string
	MustSelect(t, db, &tables, `SELECT quote_ident(table_name) FROM information_schema.tables
		WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1`)
	if len(tables) < 10 {
		t.Fatalf("InClear: only %d tables: is this the portal's database?", len(tables))
	}
	var found []string
	for _, table := range tables {
		var rows []string
		// The names come from the catalogue, quoted by PostgreSQL: nothing typed by anyone.
		MustSelect(t, db, &rows, `SELECT lower(t::text) FROM `+table+` t`)
		for _, s := range secrets {
			text, bytes := strings.ToLower(s), hex.EncodeToString([]byte(s))
			for _, row := range rows {
				if strings.Contains(row, text) || strings.Contains(row, bytes) {
					found = append(found, fmt.Sprintf("%s holds %q", table, s))
					break
				}
			}
		}
	}
	return found
}
