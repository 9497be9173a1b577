package faultproxy_test

import (
	"context"
	"log/slog"
	"net"
	"strings"
	"sync/atomic"
)

func listen() (net.Listener, error) { return net.Listen("tcp", "127.0.0.1:0") }

// logCounter is a slog handler that counts the portals' warnings and errors: outages must be logged once,
// not once per request or mail.
type logCounter struct {
	outages, recoveries, other atomic.Int64
	last                       atomic.Value // the last other warning, for the report
}

func (l *logCounter) Enabled(_ context.Context, level slog.Level) bool {
	return level >= slog.LevelInfo
}
func (l *logCounter) Handle(_ context.Context, r slog.Record) error {
	switch {
	case strings.HasSuffix(r.Message, " unavailable") && r.Level == slog.LevelWarn:
		l.outages.Add(1)
	case strings.HasSuffix(r.Message, " available again"):
		l.recoveries.Add(1)
	case r.Level >= slog.LevelWarn:
		l.other.Add(1)
		r.Attrs(func(a slog.Attr) bool { l.last.Store(r.Message + " " + a.String()); return false })
	}
	return nil
}
func (l *logCounter) WithAttrs([]slog.Attr) slog.Handler { return l }
func (l *logCounter) WithGroup(string) slog.Handler      { return l }
