// Package testenv gives tests a real PostgreSQL: a fresh database per test, cloned from a template that has
// schema.sql applied (pgtestdb). The server is DATABASE_URL when set (make test sets it), else a private
// throwaway server that Main starts for the test binary.
package testenv

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/jmoiron/sqlx"
	"github.com/peterldowns/pgtestdb"

	"portal/app/db"
)

// Main runs the tests of a package, starting a private PostgreSQL first when DATABASE_URL is not set.
// Use it from TestMain: func TestMain(m *testing.M) { testenv.Main(m) }.
func Main(m *testing.M) {
	code := func() int {
		if os.Getenv("DATABASE_URL") == "" {
			server, err := db.StartServer(context.Background(), db.ServerOptions{Ephemeral: true,
				Logger: slog.New(slog.DiscardHandler)}, "portal")
			if err != nil {
				fmt.Fprintln(os.Stderr, "testenv:", err)
				return 1
			}
			defer func() {
				if err := server.Stop(); err != nil {
					fmt.Fprintln(os.Stderr, "testenv: stopping PostgreSQL:", err)
				}
			}()
			if err := os.Setenv("DATABASE_URL", server.URL("portal")); err != nil {
				fmt.Fprintln(os.Stderr, "testenv:", err)
				return 1
			}
		}
		return m.Run()
	}()
	os.Exit(code)
}

var (
	schemaOnce sync.Once
	schemaText string
	schemaErr  error
)

// Schema returns the contents of the repository's schema.sql.
func Schema() (string, error) {
	schemaOnce.Do(func() {
		dir, err := os.Getwd()
		if err != nil {
			schemaErr = err
			return
		}
		for {
			if b, err := os.ReadFile(filepath.Join(dir, "schema.sql")); err == nil {
				if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
					schemaText = string(b)
					return
				}
			}
			parent := filepath.Dir(dir)
			if parent == dir {
				schemaErr = fmt.Errorf("testenv: schema.sql not found above the test's folder")
				return
			}
			dir = parent
		}
	})
	return schemaText, schemaErr
}

// migrator applies schema.sql to pgtestdb's template database.
type migrator struct{}

func (migrator) Hash() (string, error) {
	s, err := Schema()
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:]), nil
}

func (migrator) Migrate(ctx context.Context, conn *sql.DB, _ pgtestdb.Config) error {
	s, err := Schema()
	if err != nil {
		return err
	}
	x := sqlx.NewDb(conn, "postgres")
	if _, err = db.Migrate(ctx, x, s); err != nil {
		return err
	}
	// A fresh database has nothing to seal: the clear columns are only dropped, as at the portal's start.
	_, err = db.SealClearColumns(ctx, x, nil)
	return err
}

// ServerConfig describes the test server for pgtestdb.
func ServerConfig(t testing.TB) pgtestdb.Config {
	t.Helper()
	raw := os.Getenv("DATABASE_URL")
	if raw == "" {
		t.Fatal("testenv: DATABASE_URL is not set; call testenv.Main from TestMain")
	}
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatalf("testenv: DATABASE_URL: %v", err)
	}
	pw, _ := u.User.Password()
	q := u.Query()
	q.Del("dbname")
	if q.Get("sslmode") == "" {
		q.Set("sslmode", "disable")
	}
	return pgtestdb.Config{
		DriverName:                "postgres",
		Host:                      u.Hostname(),
		Port:                      u.Port(),
		User:                      u.User.Username(),
		Password:                  pw,
		Database:                  "postgres",
		Options:                   q.Encode(),
		ForceTerminateConnections: true,
	}
}

// URL returns the address of a fresh, migrated database of its own for this test (for tests that start
// several portal processes on one database).
func URL(t testing.TB) string {
	t.Helper()
	return pgtestdb.Custom(t, ServerConfig(t), migrator{}).URL()
}

// DB returns a connection to a fresh, migrated database of its own for this test.
func DB(t testing.TB) *sqlx.DB {
	t.Helper()
	conn, err := db.Open(context.Background(), URL(t))
	if err != nil {
		t.Fatalf("testenv: %v", err)
	}
	t.Cleanup(func() { conn.Close() })
	return conn
}
