package db

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"time"

	"github.com/jmoiron/sqlx"
)

// migrationLock is the advisory lock key that serialises schema upgrades between portal processes.
const migrationLock = 7_204_311

var versionLine = regexp.MustCompile(`(?m)^-- schema-version: (\d+)\s*$`)

// SchemaVersion reads the version that schema.sql declares in its "-- schema-version: N" line.
func SchemaVersion(schema string) (int, error) {
	m := versionLine.FindStringSubmatch(schema)
	if m == nil {
		return 0, fmt.Errorf("db: schema has no '-- schema-version: N' line")
	}
	return strconv.Atoi(m[1])
}

// migrationTimeout bounds applying the schema, waiting for another process's migration included.
const migrationTimeout = 10 * time.Minute

// Migrate applies schema (the idempotent schema.sql) when the database is older than the version it declares.
// It runs in one transaction under an advisory lock, so two processes starting together apply it once; a
// database that is already current costs one query, which keeps start-up fast.
func Migrate(ctx context.Context, conn *sqlx.DB, schema string) (applied bool, err error) {
	want, err := SchemaVersion(schema)
	if err != nil {
		return false, err
	}
	if have, err := currentVersion(ctx, conn); err == nil && have >= want {
		return false, nil
	}
	// A schema change may rewrite a big table: it gets minutes, not the statement timeout of ordinary work.
	ctx, cancel := context.WithTimeout(ctx, migrationTimeout)
	defer cancel()
	tx, err := conn.BeginTxx(ctx, nil)
	if err != nil {
		return false, fmt.Errorf("db: unable to begin migration: %w", err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `SET LOCAL statement_timeout = 0`); err != nil {
		return false, fmt.Errorf("db: unable to lift the statement timeout: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, migrationLock); err != nil {
		return false, fmt.Errorf("db: unable to take migration lock: %w", err)
	}
	// Another process may have finished the upgrade while we waited for the lock.
	var exists bool
	if err := tx.GetContext(ctx, &exists, `SELECT to_regclass('schema_version') IS NOT NULL`); err != nil {
		return false, fmt.Errorf("db: unable to inspect schema: %w", err)
	}
	if exists {
		var have int
		if err := tx.GetContext(ctx, &have, `SELECT COALESCE(max(version), 0) FROM schema_version`); err != nil {
			return false, fmt.Errorf("db: unable to read schema version: %w", err)
		}
		if have >= want {
			return false, nil
		}
	}
	if _, err := tx.ExecContext(ctx, schema); err != nil {
		return false, fmt.Errorf("db: unable to apply schema: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO schema_version (version) VALUES ($1) ON CONFLICT DO NOTHING`, want); err != nil {
		return false, fmt.Errorf("db: unable to record schema version: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return false, fmt.Errorf("db: unable to commit migration: %w", err)
	}
	return true, nil
}

func currentVersion(ctx context.Context, conn *sqlx.DB) (int, error) {
	var v int
	err := conn.GetContext(ctx, &v, `SELECT COALESCE(max(version), 0) FROM schema_version`)
	return v, err
}
