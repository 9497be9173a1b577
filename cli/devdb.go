package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"

	"portal/app/db"
)

// devdb runs a command with DATABASE_URL pointing at a throwaway private PostgreSQL server, which is removed
// afterwards. With DATABASE_URL already set, it runs the command against that server instead.
func devdb(ctx context.Context, args []string, log *slog.Logger) int {
	if len(args) > 0 && args[0] == "--" {
		args = args[1:]
	}
	if len(args) == 0 {
		fmt.Fprintln(os.Stderr, "usage: portal devdb -- COMMAND [ARGS]")
		return 2
	}
	env := os.Environ()
	if os.Getenv("DATABASE_URL") == "" {
		server, err := db.StartServer(ctx, db.ServerOptions{Ephemeral: true, Logger: log}, "portal")
		if err != nil {
			fmt.Fprintln(os.Stderr, "portal:", err)
			return 1
		}
		defer func() {
			if err := server.Stop(); err != nil {
				fmt.Fprintln(os.Stderr, "portal:", err)
			}
		}()
		env = append(env, "DATABASE_URL="+server.URL("portal"))
	}
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr, cmd.Env = os.Stdin, os.Stdout, os.Stderr, env
	if err := cmd.Run(); err != nil {
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			return exit.ExitCode()
		}
		fmt.Fprintln(os.Stderr, "portal:", err)
		return 1
	}
	return 0
}
