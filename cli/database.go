package cli

import (
	"context"
	"log/slog"

	"github.com/jmoiron/sqlx"

	"portal/app"
	"portal/app/db"
)

// openDatabase connects to DATABASE_URL, or starts the private PostgreSQL server under DATA_DIR, and brings
// the schema up to date. close releases the connection and stops a private server.
func openDatabase(ctx context.Context, cfg app.Config, schema string, log *slog.Logger) (conn *sqlx.DB, close func(), err error) {
	url := cfg.DatabaseURL
	var server *db.Server
	if url == "" {
		server, err = db.StartServer(ctx, db.ServerOptions{DataDir: cfg.DataDir, Logger: log}, "portal")
		if err != nil {
			return nil, nil, err
		}
		url = server.URL("portal")
	}
	stopServer := func() {
		if server != nil {
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
	return conn, func() { conn.Close(); stopServer() }, nil
}

// withDatabase runs fn with an App on the configured database.
func withDatabase(ctx context.Context, cfg app.Config, schema string, log *slog.Logger, fn func(*app.App) error) error {
	conn, closeDB, err := openDatabase(ctx, cfg, schema, log)
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
