// Package app is the portal's core: its domain (offerings, groups, sessions, registrations, attendance,
// figures), the workflows that change it, and the store that keeps it in PostgreSQL. It knows nothing of HTTP:
// it returns domain errors that the handlers turn into pages.
package app

import (
	"context"
	"log/slog"
	"time"

	"github.com/jmoiron/sqlx"
)

// App holds what every workflow needs.
type App struct {
	Store  *Store
	Config Config
	Log    *slog.Logger
	// Now is the clock; tests replace it to travel in time.
	Now func() time.Time
}

// New wires an App to its database.
func New(conn *sqlx.DB, cfg Config, log *slog.Logger) *App {
	if log == nil {
		log = slog.Default()
	}
	return &App{Store: &Store{DB: conn}, Config: cfg, Log: log, Now: time.Now}
}

// Ready reports whether PostgreSQL answers within a second.
func (a *App) Ready(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	return a.Store.DB.PingContext(ctx)
}
