package cli

import (
	"context"
	"log/slog"

	"github.com/jmoiron/sqlx"

	"portal/app"
	"portal/app/db"
)

// openDatabase connects to DATABASE_URL, or starts the private PostgreSQL server under DATA_DIR, and brings
// the schema up to date. close releases the connection and stops a private server. With share, a portal that
// already runs on DATA_DIR lends its server (user add while make run runs) instead of the command refusing;
// close then leaves that server running.
func openDatabase(ctx context.Context, cfg app.Config, schema string, log *slog.Logger, share bool) (conn *sqlx.DB, close func(), err error) {
	url := cfg.DatabaseURL
	var server *db.Server
	if url == "" {
		server, err = db.StartServer(ctx, db.ServerOptions{DataDir: cfg.DataDir, Logger: log, ShareRunning: share}, "portal")
		if err != nil {
			return nil, nil, err
		}
		url = server.URL("portal")
	}
	stopServer := func() {
		if server != nil && !server.Shared() {
			if err := server.Stop(); err != nil {
				log.Error("stopping the private PostgreSQL", "err", err.Error())
			} else {
				log.Info("private PostgreSQL stopped")
			}
		}
	}
	conn, err = db.Open(ctx, url)
	if err != nil {
		stopServer()
		return nil, nil, err
	}
	if applied, err := db.Migrate(ctx, conn, schema); err != nil {
		conn.Close()
		stopServer()
		return nil, nil, err
	} else if applied {
		log.Info("schema applied")
	}
	keys, err := app.NewKeys(cfg.SecretKey, cfg.PreviousSecretKeys...)
	if err != nil {
		conn.Close()
		stopServer()
		return nil, nil, err
	}
	if n, err := db.SealClearColumns(ctx, conn, keys.Encrypt); err != nil {
		conn.Close()
		stopServer()
		return nil, nil, err
	} else if n > 0 {
		log.Info("names and referral details encrypted", "values", n)
	}
	if n, err := app.IndexPeopleForSearch(ctx, conn, keys); err != nil {
		conn.Close()
		stopServer()
		return nil, nil, err
	} else if n > 0 {
		log.Info("people indexed for the staff search", "people", n)
	}
	return conn, func() { conn.Close(); stopServer() }, nil
}

// withDatabase runs fn with an App on the configured database. With share, fn may run on the private server
// of a portal already serving DATA_DIR (see openDatabase); only commands that add what a running portal
// expects to see (a staff account) share, never the ones that rewrite data under it (rekey).
func withDatabase(ctx context.Context, cfg app.Config, schema string, log *slog.Logger, share bool, fn func(*app.App) error) error {
	conn, closeDB, err := openDatabase(ctx, cfg, schema, log, share)
	if err != nil {
		return err
	}
	defer closeDB()
	a, err := app.New(conn, cfg, log)
	if err != nil {
		return err
	}
	return fn(a)
}
