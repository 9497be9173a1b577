//go:build pprof

package cli

import (
	"log/slog"
	"net/http"
	_ "net/http/pprof" // the profiles, on their own loopback listener
	"os"
	"runtime"
	"strconv"
)

// A portal built with -tags pprof serves Go's profiles on PPROF_ADDR (for example 127.0.0.1:6060), so
// `go tool pprof` can look inside it under load. The ordinary build has none of this.
func init() {
	addr := os.Getenv("PPROF_ADDR")
	if addr == "" {
		return
	}
	// PPROF_MEMRATE samples the heap more finely than every 512 KiB (1 records every allocation).
	if n, err := strconv.Atoi(os.Getenv("PPROF_MEMRATE")); err == nil && n > 0 {
		runtime.MemProfileRate = n
	}
	go func() {
		if err := http.ListenAndServe(addr, nil); err != nil {
			slog.Error("pprof", "err", err.Error())
		}
	}()
}
