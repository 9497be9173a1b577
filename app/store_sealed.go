package app

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"
)

// Queries on the sealed (encrypted) columns of every table, for key rotation. Table and column names come from
// encryptedColumns and rehashEmails, never from input.

// sealedValue is one sealed value with its row id, and the row's e-mail hash when asked for.
type sealedValue struct {
	ID     int64  `db:"id"`
	Sealed []byte `db:"sealed"`
	Hash   []byte `db:"hash"`
}

// sealedValues lists every non-null value of table.column, with hashColumn's value when it is not "".
func sealedValues(ctx context.Context, q sqlx.QueryerContext, table, column, hashColumn string) ([]sealedValue, error) {
	hash := "NULL::bytea"
	if hashColumn != "" {
		hash = hashColumn
	}
	var rows []sealedValue
	if err := sqlx.SelectContext(ctx, q, &rows, fmt.Sprintf(`SELECT id, %s AS sealed, %s AS hash FROM %s WHERE %s IS NOT NULL`,
		column, hash, table, column)); err != nil {
		return nil, fmt.Errorf("store: unable to read %s.%s: %w", table, column, err)
	}
	return rows, nil
}

// rewriteSealed replaces the sealed value of one row, unless it changed since it was read (old).
func rewriteSealed(ctx context.Context, e sqlx.ExecerContext, table, column string, id int64, sealed, old []byte) error {
	upd := fmt.Sprintf(`UPDATE %s SET %s = $2 WHERE id = $1 AND %s = $3`, table, column, column)
	if _, err := e.ExecContext(ctx, upd, id, sealed, old); err != nil {
		return fmt.Errorf("store: unable to rewrite %s.%s: %w", table, column, err)
	}
	return nil
}

// setEmailHash stores one row's recomputed e-mail hash.
func setEmailHash(ctx context.Context, e sqlx.ExecerContext, table, column string, id int64, hash []byte) error {
	if _, err := e.ExecContext(ctx, fmt.Sprintf(`UPDATE %s SET %s = $2 WHERE id = $1`, table, column), id, hash); err != nil {
		return fmt.Errorf("store: unable to rehash %s: %w", table, err)
	}
	return nil
}
