//go:build pprof

package cli

import (
	"log/slog"
	"net/http"
	_ "net/http/pprof" // the profiles, on their own loopback listener
	"os"
)

// A portal built with -tags pprof serves Go's profiles on PPROF_ADDR (for example 127.0.0.1:6060), so
// `go tool pprof` can look inside it under load. The ordinary build has none of this.
func init() {
	addr := os.Getenv("PPROF_ADDR")
	if addr == "" {
		return
	}
	go func() {
		if err := http.ListenAndServe(addr, nil); err != nil {
			slog.Error("pprof", "err", err.Error())
		}
	}()
}
