package db

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// ClearColumn is a column that once held personal text in clear and now lives encrypted in Sealed.
type ClearColumn struct{ Table, Clear, Sealed string }

// ClearColumns are the columns schema versions 6 and 8 encrypt: names and aliases (children's first names too,
// they are people; a Waakvlam request's contact person), the free-text referral detail and the reason a request
// was declined. The schema adds the sealed columns; only the application holds the key, so SealClearColumns
// moves the values and drops the clear columns.
var ClearColumns = []ClearColumn{
	{"people", "display_name", "display_name_enc"},
	{"registrations", "referrer_detail", "referrer_detail_enc"},
	{"waakvlam_requests", "contact_name", "contact_name_enc"},
	{"registrations", "decline_reason", "decline_reason_enc"},
}

// SealClearColumns encrypts, with seal, every value still in a clear column of ClearColumns into its sealed
// column, then drops the clear column, in one transaction under the migration lock: it runs after Migrate at
// every start and costs one query once done. seal may be nil where no row can exist yet (a fresh database);
// a value to seal then is an error. It returns the number of values sealed.
func SealClearColumns(ctx context.Context, conn *sqlx.DB, seal func(string) []byte) (int, error) {
	var left []string
	if err := conn.SelectContext(ctx, &left, `SELECT table_name || '.' || column_name FROM information_schema.columns
		WHERE table_schema = current_schema() AND (table_name || '.' || column_name) = ANY($1)`, clearNames()); err != nil {
		return 0, fmt.Errorf("db: unable to inspect clear columns: %w", err)
	}
	if len(left) == 0 {
		return 0, nil
	}
	ctx, cancel := context.WithTimeout(ctx, migrationTimeout)
	defer cancel()
	tx, err := conn.BeginTxx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("db: unable to begin sealing: %w", err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `SET LOCAL statement_timeout = 0`); err != nil {
		return 0, fmt.Errorf("db: unable to lift the statement timeout: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, migrationLock); err != nil {
		return 0, fmt.Errorf("db: unable to take migration lock: %w", err)
	}
	sealed := 0
	for _, c := range ClearColumns {
		// Another process may have sealed this column while we waited for the lock.
		var exists bool
		if err := tx.GetContext(ctx, &exists, `SELECT EXISTS (SELECT 1 FROM information_schema.columns
			WHERE table_schema = current_schema() AND table_name = $1 AND column_name = $2)`, c.Table, c.Clear); err != nil {
			return sealed, fmt.Errorf("db: unable to inspect %s.%s: %w", c.Table, c.Clear, err)
		}
		if !exists {
			continue
		}
		table, clear, enc := pq.QuoteIdentifier(c.Table), pq.QuoteIdentifier(c.Clear), pq.QuoteIdentifier(c.Sealed)
		var rows []struct {
			ID    int64  `db:"id"`
			Value string `db:"value"`
		}
		if err := tx.SelectContext(ctx, &rows, `SELECT id, `+clear+` AS value FROM `+table+` WHERE `+clear+` <> ''
			AND `+enc+` IS NULL FOR UPDATE`); err != nil {
			return sealed, fmt.Errorf("db: unable to read %s.%s: %w", c.Table, c.Clear, err)
		}
		if len(rows) > 0 && seal == nil {
			return sealed, fmt.Errorf("db: %s.%s holds values in clear and no key was given to seal them", c.Table, c.Clear)
		}
		for _, r := range rows {
			if _, err := tx.ExecContext(ctx, `UPDATE `+table+` SET `+enc+` = $2 WHERE id = $1`, r.ID, seal(r.Value)); err != nil {
				return sealed, fmt.Errorf("db: unable to seal %s.%s: %w", c.Table, c.Clear, err)
			}
			sealed++
		}
		if _, err := tx.ExecContext(ctx, `ALTER TABLE `+table+` DROP COLUMN `+clear); err != nil {
			return sealed, fmt.Errorf("db: unable to drop %s.%s: %w", c.Table, c.Clear, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("db: unable to commit sealing: %w", err)
	}
	return sealed, nil
}

func clearNames() pq.StringArray {
	var out pq.StringArray
	for _, c := range ClearColumns {
		out = append(out, c.Table+"."+c.Clear)
	}
	return out
}
