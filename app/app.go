// Package app is the portal's core: its domain (offerings, groups, sessions, registrations, attendance,
// figures), the workflows that change it, and the store that keeps it in PostgreSQL. It knows nothing of HTTP:
// it returns domain errors that the handlers turn into pages.
package app

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/jmoiron/sqlx"

	"portal/app/db"
)

// App holds what every workflow needs.
type App struct {
	Store  *Store
	Config Config
	Keys   *Keys
	Log    *slog.Logger
	// Now is the clock; tests replace it to travel in time.
	Now func() time.Time
}

// New wires an App to its database.
func New(conn *sqlx.DB, cfg Config, log *slog.Logger) (*App, error) {
	if log == nil {
		log = slog.Default()
	}
	keys, err := NewKeys(cfg.SecretKey, cfg.PreviousSecretKeys...)
	if err != nil {
		return nil, fmt.Errorf("app: %w", err)
	}
	return &App{Store: &Store{DB: conn}, Config: cfg, Keys: keys, Log: log, Now: time.Now}, nil
}

// Ready reports whether PostgreSQL answers within a second and takes writes (db.ErrReadOnly when it does not).
func (a *App) Ready(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	return db.Ready(ctx, a.Store.DB)
}
