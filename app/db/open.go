// Package db opens and migrates the portal's PostgreSQL database, and runs a private PostgreSQL server when
// no DATABASE_URL is configured.
package db

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// Timeouts every connection gets unless the URL sets its own.
const (
	// ConnectTimeout bounds connecting, TLS and the start-up handshake (lib/pq's connect_timeout).
	ConnectTimeout = 5 * time.Second
	// StatementTimeout is PostgreSQL's statement_timeout on every connection: the server ends a statement
	// that runs longer. Requests have a shorter deadline of their own.
	StatementTimeout = 30 * time.Second
	// idleInTransaction is idle_in_transaction_session_timeout: a transaction left open by a process that
	// hangs gives its locks back.
	idleInTransaction = 30 * time.Second
	// KeepAlive is the TCP keepalive period, so a connection to a machine that vanished is noticed.
	KeepAlive = 15 * time.Second
	// PoolSize is the most connections one process opens.
	PoolSize = 20
)

// Open connects to PostgreSQL at url and checks the connection. Every connection it opens has a connect
// timeout, a statement timeout and TCP keepalive, and every call is bounded on the socket by its context's
// deadline (or, without one, by StatementTimeout and a margin), so a frozen or unreachable server makes a call
// fail at its deadline instead of hanging: lib/pq's own cancel needs the server to answer, which a stopped
// server never does.
func Open(ctx context.Context, url string) (*sqlx.DB, error) {
	c, err := newConnector(url)
	if err != nil {
		return nil, fmt.Errorf("db: unable to open: %w", err)
	}
	conn := sqlx.NewDb(sqlOpenDB(c), "postgres")
	conn.SetMaxOpenConns(PoolSize)
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

// config reads url and adds the portal's timeouts where the URL sets none.
func config(url string) (pq.Config, error) {
	cfg, err := pq.NewConfig(url)
	if err != nil {
		return cfg, err
	}
	if cfg.ConnectTimeout == 0 {
		cfg.ConnectTimeout = ConnectTimeout
	}
	if cfg.Runtime == nil {
		cfg.Runtime = map[string]string{}
	}
	for k, v := range map[string]time.Duration{"statement_timeout": StatementTimeout,
		"idle_in_transaction_session_timeout": idleInTransaction} {
		if _, set := cfg.Runtime[k]; !set {
			cfg.Runtime[k] = fmt.Sprint(v.Milliseconds())
		}
	}
	return cfg, nil
}
