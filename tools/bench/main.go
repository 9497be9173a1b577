// Command bench measures the portal against this machine's own limits, in one run on loopback (make bench):
// the ceilings (a minimal Fiber handler; pgbench running the portal's signup transaction), the portal under the
// same load generator (catalogue, offering page, signups on one hot group and spread over many, the personal
// page, a staff attendance save), and its footprint (start to ready, memory, binary, page weight). It ends
// with a table: each figure, what it is compared with, the ratio and the target.
//
// It needs DATABASE_URL (an empty database it may fill: make bench runs it under `portal devdb`) and the
// portal binary as it ships. Every phase runs for a fixed time; the whole run takes about a minute and a half.
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == "ceiling" {
		fs := flag.NewFlagSet("ceiling", flag.ExitOnError)
		addr := fs.String("addr", "127.0.0.1:0", "address to listen on")
		size := fs.Int("size", 10000, "bytes in every answer")
		fs.Parse(os.Args[2:])
		if err := serveCeiling(*addr, *size); err != nil {
			fmt.Fprintln(os.Stderr, "bench ceiling:", err)
			os.Exit(1)
		}
		return
	}
	var o options
	flag.StringVar(&o.Portal, "portal", "bin/portal-release", "the portal binary, built as it ships")
	flag.DurationVar(&o.Duration, "duration", 5*time.Second, "how long each load phase measures (after a 1 s warm-up)")
	flag.IntVar(&o.Conns, "conns", 64, "HTTP connections of the load generator")
	flag.IntVar(&o.PgClients, "pgclients", 20, "pgbench clients: the portal's database pool size")
	flag.IntVar(&o.Spread, "groups", 32, "groups the spread signups go to")
	flag.IntVar(&o.Starts, "starts", 5, "how many times to start the portal to time start to ready (the median counts)")
	flag.StringVar(&o.PortalLog, "portal-log", "", "keep the serving portal's output in this file")
	flag.Func("env", "extra environment for the portal, NAME=value (repeatable), e.g. -env GOGC=50", func(v string) error {
		if !strings.Contains(v, "=") {
			return errors.New("want NAME=value")
		}
		o.Env = append(o.Env, v)
		return nil
	})
	flag.Parse()
	if err := run(o, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

// waitForSignal waits for SIGTERM or SIGINT (then calls shutdown) or for the server to stop by itself.
func waitForSignal(stopped <-chan error, shutdown func() error) error {
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, os.Interrupt)
	select {
	case err := <-stopped:
		return err
	case <-sig:
		return shutdown()
	}
}
