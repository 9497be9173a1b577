package app

import (
	"slices"
	"testing"

	"portal/internal/testenv"
)

// Every encrypted column of the schema is rewritten by Rekey: a column missing from encryptedColumns would keep
// its values under a key that is about to be dropped.
func TestRekeyCoversEveryEncryptedColumn(t *testing.T) {
	db := testenv.DB(t)
	var cols []string
	testenv.MustSelect(t, db, &cols, `SELECT table_name || '.' || column_name FROM information_schema.columns
		WHERE table_schema = current_schema() AND column_name LIKE '%\_enc' ORDER BY 1`)
	if len(cols) < 10 {
		t.Fatalf("only %d encrypted columns found", len(cols))
	}
	for _, c := range cols {
		if !slices.ContainsFunc(encryptedColumns, func(e struct{ table, column string }) bool { return e.table+"."+e.column == c }) {
			t.Errorf("%s is not in encryptedColumns", c)
		}
	}
}
