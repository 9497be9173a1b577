package cli

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"portal/app"
)

// userCommand handles "user add --email E --role R [--name N]" with the password on stdin.
func userCommand(ctx context.Context, cfg app.Config, schema string, args []string, log *slog.Logger) error {
	if len(args) == 0 || args[0] != "add" {
		return errors.New("usage: portal user add --email E --role admin|coordinator|facilitator [--name N] < password")
	}
	fs := flag.NewFlagSet("user add", flag.ContinueOnError)
	email := fs.String("email", "", "e-mail address (the login)")
	role := fs.String("role", "", "admin, coordinator or facilitator")
	name := fs.String("name", "", "display name")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if st, err := os.Stdin.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
		fmt.Fprint(os.Stderr, "password: ")
	}
	line, err := bufio.NewReader(os.Stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return err
	}
	password := strings.TrimRight(line, "\r\n")
	// A running portal (make run) lends its database: the first admin is made without stopping it.
	return withDatabase(ctx, cfg, schema, log, true, func(a *app.App) error {
		id, err := a.AddStaff(ctx, app.NewStaff{Email: *email, Name: *name, Role: *role, Password: password})
		if v, ok := app.AsValidation(err); ok {
			var msgs []string
			for field, msg := range v.Fields {
				msgs = append(msgs, field+": "+msg)
			}
			return fmt.Errorf("invalid: %s (passwords need at least %d characters)", strings.Join(msgs, ", "), app.MinPasswordLength)
		}
		if err != nil {
			return err
		}
		fmt.Printf("staff member %d saved: %s (%s)\n", id, strings.ToLower(*email), *role)
		return nil
	})
}
