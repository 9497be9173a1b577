package cli

import (
	"fmt"
	"regexp"
	"strings"

	"portal/app"
)

// firstAdminHint is what serve prints when no staff account exists: the one command that makes the first admin,
// ready to paste into another terminal while the portal keeps running (user add shares its database). binary is
// how this process was started (os.Args[0]); dataDirFromEnv is DATA_DIR as set, empty when the default is used.
func firstAdminHint(binary, dataDirFromEnv string, cfg app.Config) string {
	cmd := firstAdminCommand(binary, dataDirFromEnv)
	var b strings.Builder
	b.WriteString("\nNo staff account yet. To make the first admin, run this in another terminal with your own address\n")
	fmt.Fprintf(&b, "and name (the portal keeps running; it asks for a password of at least %d characters):\n\n    %s\n\n",
		app.MinPasswordLength, cmd)
	if cfg.DatabaseURL != "" {
		b.WriteString("Run it with the same DATABASE_URL and SECRET_KEY as this portal.\n")
	}
	fmt.Fprintf(&b, "Then sign in at %s/beheer/login.\n\n", cfg.BaseURL)
	return b.String()
}

// firstAdminCommand is the command line of firstAdminHint, with DATA_DIR in front when the portal runs on a
// folder of its own (user add must find the same private server and local secret key).
func firstAdminCommand(binary, dataDirFromEnv string) string {
	parts := []string{}
	if dataDirFromEnv != "" {
		parts = append(parts, "DATA_DIR="+shellQuote(dataDirFromEnv))
	}
	parts = append(parts, shellQuote(binary), "user", "add", "--email", "you@example.org", "--role", "admin",
		"--name", shellQuote("Your Name"))
	return strings.Join(parts, " ")
}

var shellSafe = regexp.MustCompile(`^[A-Za-z0-9_./:@=+-]+$`)

// shellQuote quotes s for a POSIX shell when it holds anything but plain path characters.
func shellQuote(s string) string {
	if shellSafe.MatchString(s) {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
