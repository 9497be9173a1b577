// Package cli runs the portal's commands: serve (the default), migrate, seed, user add, and devdb, which runs
// another command against a throwaway private PostgreSQL (used by make test).
package cli

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"portal/app"
)

const usage = `usage: portal [command]

commands:
  serve [--seed-if-empty]    run the portal (default)
  migrate                    apply schema.sql and exit
  seed                       load the demo offer of Veilig Huis Rivierenland (idempotent)
  user add --email E --role admin|coordinator|facilitator [--name N]
                             create a staff account; the password is read from stdin
  rekey                      re-encrypt data sealed with SECRET_KEY_PREVIOUS under SECRET_KEY
  devdb -- COMMAND [ARGS]    run COMMAND with DATABASE_URL set to a throwaway private PostgreSQL

environment: DATABASE_URL PORT BASE_URL DATA_DIR SECRET_KEY SECRET_KEY_PREVIOUS SMTP_URL MAIL_FROM MAIL_FROM_DISCREET DISCREET_BASE_URL
             MAIL_RATE_PER_SECOND CLIENT_IP_HEADER FORM_RATE_LIMIT LOG_LEVEL (see README.md)
`

// Run executes the command in args and returns the process exit code.
func Run(args []string, schema string) int {
	// The level is raised or lowered once the configuration (LOG_LEVEL) is read.
	level := new(slog.LevelVar)
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
	slog.SetDefault(log)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	cmd := "serve"
	if len(args) > 0 {
		cmd, args = args[0], args[1:]
	}
	if cmd == "devdb" {
		return devdb(ctx, args, log)
	}
	if cmd == "help" || cmd == "-h" || cmd == "--help" {
		fmt.Print(usage)
		return 0
	}
	cfg, err := app.LoadConfig(os.Getenv)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	level.Set(cfg.LogLevel)
	switch cmd {
	case "serve":
		err = serve(ctx, cfg, schema, args, log)
	case "migrate":
		err = withDatabase(ctx, cfg, schema, log, false, func(a *app.App) error { return nil })
	case "seed":
		err = withDatabase(ctx, cfg, schema, log, false, func(a *app.App) error { return a.Seed(ctx) })
	case "user":
		err = userCommand(ctx, cfg, schema, args, log)
	case "rekey":
		err = withDatabase(ctx, cfg, schema, log, false, func(a *app.App) error {
			n, err := a.Rekey(ctx)
			fmt.Printf("re-encrypted %d values with the current SECRET_KEY\n", n)
			return err
		})
	default:
		fmt.Fprint(os.Stderr, usage)
		return 2
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "portal:", err)
		return 1
	}
	return 0
}
