// Command portal is the registration portal of Veilig Huis Rivierenland. See README.md for its commands.
package main

import (
	_ "embed"
	"os"

	"portal/cli"
)

//go:embed schema.sql
var schema string

func main() {
	os.Exit(cli.Run(os.Args[1:], schema))
}
