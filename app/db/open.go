// Package db opens and migrates the portal's PostgreSQL database, and runs a private PostgreSQL server when
// no DATABASE_URL is configured.
package db

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
	_ "github.com/lib/pq" // the PostgreSQL driver, registered as "postgres"
)

// Open connects to PostgreSQL at url and checks the connection.
func Open(ctx context.Context, url string) (*sqlx.DB, error) {
	conn, err := sqlx.Open("postgres", url)
	if err != nil {
		return nil, fmt.Errorf("db: unable to open: %w", err)
	}
	conn.SetMaxOpenConns(20)
	conn.SetMaxIdleConns(10)
	conn.SetConnMaxIdleTime(5 * time.Minute)
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := conn.PingContext(pctx); err != nil {
		conn.Close()
		return nil, fmt.Errorf("db: unable to reach PostgreSQL: %w", err)
	}
	return conn, nil
}
