package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"time"

	"portal/app"
	"portal/app/locale"
	"portal/handlers"
	"portal/views"
)

// serve runs the portal until SIGINT or SIGTERM, then shuts down in order: stop taking requests and finish
// those in flight, stop the workers, close the database, stop the private PostgreSQL.
func serve(ctx context.Context, cfg app.Config, schema string, args []string, log *slog.Logger) error {
	seedIfEmpty := len(args) > 0 && args[0] == "--seed-if-empty"
	started := time.Now()

	cat, err := locale.Load()
	if err != nil {
		return err
	}
	renderer, err := views.New(cat)
	if err != nil {
		return err
	}
	// Listen before starting PostgreSQL, so a port in use is reported before anything else is touched.
	ln, err := net.Listen("tcp", listenAddress(cfg))
	if err != nil {
		return fmt.Errorf("unable to listen on port %d (is another portal running?): %w", cfg.Port, err)
	}
	defer ln.Close()

	conn, closeDB, err := openDatabase(ctx, cfg, schema, log)
	if err != nil {
		return err
	}
	defer closeDB()
	a, err := app.New(conn, cfg, log)
	if err != nil {
		return err
	}
	if seedIfEmpty {
		if seeded, err := a.SeedIfEmpty(ctx); err != nil {
			return err
		} else if seeded {
			log.Info("empty database: demo offer loaded")
		}
	}

	web := handlers.New(&handlers.Server{App: a, Views: renderer, Cat: cat, Log: log})
	served := make(chan error, 1)
	go func() { served <- web.Listener(ln) }()
	log.Info("portal ready", "url", cfg.BaseURL, "listen", ln.Addr().String(), "startup_ms", time.Since(started).Milliseconds())

	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	if err := web.ShutdownWithTimeout(15 * time.Second); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		log.Error("shutdown", "err", err.Error())
	}
	return nil
}

// listenAddress binds to loopback when the portal is only reachable locally (development, tests), and to every
// interface when it has a public BASE_URL (a container behind a proxy).
func listenAddress(cfg app.Config) string {
	if cfg.LocalBase() {
		return net.JoinHostPort("127.0.0.1", strconv.Itoa(cfg.Port))
	}
	return net.JoinHostPort("", strconv.Itoa(cfg.Port))
}
