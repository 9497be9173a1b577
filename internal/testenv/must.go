package testenv

import (
	"context"
	"database/sql"
	"testing"

	"github.com/jmoiron/sqlx"
)

// A test that ignores a database error proves nothing: a misspelt column or a refused row leaves the value it
// checks at zero, and the check may pass. These helpers fail the test at the call instead, naming the statement.
// They run under context.Background() so they work in t.Cleanup too (t.Context() is cancelled by then).
// They call t.Fatal, so use them only on the test's own goroutine.

// MustExec runs a statement (db is a *sqlx.DB, *sqlx.Tx or *sql.DB) and fails the test on an error. It returns
// the result for callers that check the rows affected.
func MustExec(t testing.TB, db sqlx.ExecerContext, query string, args ...any) sql.Result {
	t.Helper()
	res, err := db.ExecContext(context.Background(), query, args...)
	if err != nil {
		t.Fatalf("database: %v\nin: %s", err, query)
	}
	return res
}

// MustGet scans the one row of a query into dest (a pointer to a value or a struct, as sqlx.Get) and fails the
// test on an error, sql.ErrNoRows included.
func MustGet(t testing.TB, db sqlx.QueryerContext, dest any, query string, args ...any) {
	t.Helper()
	if err := sqlx.GetContext(context.Background(), db, dest, query, args...); err != nil {
		t.Fatalf("database: %v\nin: %s", err, query)
	}
}

// MustSelect scans every row of a query into dest (a pointer to a slice, as sqlx.Select) and fails the test on
// an error. No rows is not an error: dest is then empty.
func MustSelect(t testing.TB, db sqlx.QueryerContext, dest any, query string, args ...any) {
	t.Helper()
	if err := sqlx.SelectContext(context.Background(), db, dest, query, args...); err != nil {
		t.Fatalf("database: %v\nin: %s", err, query)
	}
}

// MustScan scans the one row of a query into dest..., as QueryRow(...).Scan, and fails the test on an error.
func MustScan(t testing.TB, db sqlx.QueryerContext, query string, args []any, dest ...any) {
	t.Helper()
	if err := db.QueryRowxContext(context.Background(), query, args...).Scan(dest...); err != nil {
		t.Fatalf("database: %v\nin: %s", err, query)
	}
}
