package app

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// Store is the portal's PostgreSQL access. Every query lives in a store_<table>.go file of this package, named
// after the table the statement is mainly about (store_staff_users.go, store_outbox.go, ...): small functions that
// take the database or a transaction (sqlx.QueryerContext, sqlx.ExecerContext, *sqlx.Tx) so a workflow can run
// several in one transaction. App methods hold the workflow and the permission checks; they write no SQL
// themselves. Handlers go through App methods only.
//
// The one caller outside app is the mail worker (package mail): mail leaves the portal as app → outbox table →
// worker → SMTP, and the worker owns the outbox's delivery columns, so it claims, renews, records and releases
// its mail through the exported Store methods of store_outbox.go and store_outbox_lease.go (ClaimMail,
// RenewMail, RecordMail, ReleaseMail), and the built-in catcher keeps its own table (SaveCaughtMail,
// PurgeCaughtMail). No person acts there, so there is no actor to check; what a mail says is read through
// App.LoadMailData. The other Store methods are the background jobs' own (the claim of a daily run, the daily
// clean-ups), and one-line wrappers such as GroupByID that run a package function on the database, for callers
// outside a transaction and for tests.
type Store struct {
	DB *sqlx.DB
}

// tx runs fn in a transaction, committing when it returns nil.
func (s *Store) tx(ctx context.Context, fn func(tx *sqlx.Tx) error) error {
	if outer, ok := ctx.Value(outerTx{}).(*sqlx.Tx); ok {
		return nestedTx(ctx, outer, fn)
	}
	tx, err := s.DB.BeginTxx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: unable to begin transaction: %w", err)
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: unable to commit: %w", err)
	}
	return nil
}

// outerTx is the context key of a transaction that workflows called within it join (see within).
type outerTx struct{}

// within runs fn in one transaction, and every workflow fn calls with the context it is given joins that
// transaction instead of opening its own: an import made of many workflow steps is then all or nothing. Each
// joined workflow runs under a savepoint, so one that fails leaves the rest of the transaction usable.
func (s *Store) within(ctx context.Context, fn func(ctx context.Context, tx *sqlx.Tx) error) error {
	return s.tx(ctx, func(tx *sqlx.Tx) error {
		return fn(context.WithValue(ctx, outerTx{}, tx), tx)
	})
}

// nestedTx runs fn in outer under a savepoint: rolled back to it when fn fails, released when fn succeeds.
func nestedTx(ctx context.Context, outer *sqlx.Tx, fn func(tx *sqlx.Tx) error) error {
	if _, err := outer.ExecContext(ctx, `SAVEPOINT workflow`); err != nil {
		return fmt.Errorf("store: unable to set a savepoint: %w", err)
	}
	if err := fn(outer); err != nil {
		if _, rbErr := outer.ExecContext(ctx, `ROLLBACK TO SAVEPOINT workflow`); rbErr != nil {
			return errors.Join(err, fmt.Errorf("store: unable to roll back to the savepoint: %w", rbErr))
		}
		return err
	}
	if _, err := outer.ExecContext(ctx, `RELEASE SAVEPOINT workflow`); err != nil {
		return fmt.Errorf("store: unable to release the savepoint: %w", err)
	}
	return nil
}

// pgCode returns the SQLSTATE of a PostgreSQL error, or "".
func pgCode(err error) string {
	var pqErr *pq.Error
	if errors.As(err, &pqErr) {
		return string(pqErr.Code)
	}
	return ""
}

// byteaArray passes a list of byte strings as a PostgreSQL bytea[] parameter.
func byteaArray(b [][]byte) any { return pq.ByteaArray(b) }

// prefixed puts a table alias before every column of a column list ("id, name" → "r.id, r.name").
func prefixed(alias, columns string) string {
	parts := strings.Split(columns, ",")
	for i, p := range parts {
		parts[i] = alias + strings.TrimSpace(p)
	}
	return strings.Join(parts, ", ")
}

// notFoundOr turns "no rows" into ErrNotFound and wraps any other error with msg.
func notFoundOr(err error, msg string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	return fmt.Errorf("%s: %w", msg, err)
}
