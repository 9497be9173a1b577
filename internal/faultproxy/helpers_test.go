package faultproxy_test

import (
	"context"
	"log/slog"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

func listen() (net.Listener, error) { return net.Listen("tcp", "127.0.0.1:0") }

// logCounter is a slog handler that counts the portals' warnings and errors: outages must be logged once,
// not once per request or mail.
type logCounter struct {
	outages, recoveries, other atomic.Int64
	takeovers                  atomic.Int64 // "mail handled after another worker took it over"
	last                       atomic.Value // the last other warning, for the report

	mu     sync.Mutex
	events map[int][]outageEvent // per portal, in order
	i      int                   // the portal of this handler
	root   *logCounter
}

// outageEvent is one "X unavailable" (down) or "X available again" line.
type outageEvent struct {
	what string
	down bool
	at   time.Time
}

// portal is the handler for portal i: the same counts, and its outage lines kept apart.
func (l *logCounter) portal(i int) *logCounter { return &logCounter{i: i, root: l} }

func (l *logCounter) top() *logCounter {
	if l.root != nil {
		return l.root
	}
	return l
}

func (l *logCounter) record(what string, down bool) {
	t := l.top()
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.events == nil {
		t.events = map[int][]outageEvent{}
	}
	t.events[l.i] = append(t.events[l.i], outageEvent{what, down, time.Now()})
}

// byPortal returns every portal's outage lines, in order.
func (l *logCounter) byPortal() map[int][]outageEvent {
	t := l.top()
	t.mu.Lock()
	defer t.mu.Unlock()
	out := map[int][]outageEvent{}
	for i, e := range t.events {
		out[i] = append([]outageEvent(nil), e...)
	}
	return out
}

// mailTakenOver is the mail worker's warning for an outcome it could not record because another worker had
// taken the mail over.
const mailTakenOver = "mail handled after another worker took it over"

func (l *logCounter) Enabled(_ context.Context, level slog.Level) bool {
	return level >= slog.LevelInfo
}
func (l *logCounter) Handle(_ context.Context, r slog.Record) error {
	t := l.top()
	switch {
	case strings.HasSuffix(r.Message, " unavailable") && r.Level == slog.LevelWarn:
		t.outages.Add(1)
		l.record(strings.TrimSuffix(r.Message, " unavailable"), true)
	case strings.HasSuffix(r.Message, " available again"):
		t.recoveries.Add(1)
		l.record(strings.TrimSuffix(r.Message, " available again"), false)
	case r.Level >= slog.LevelWarn:
		if r.Message == mailTakenOver {
			t.takeovers.Add(1)
		}
		t.other.Add(1)
		r.Attrs(func(a slog.Attr) bool { t.last.Store(r.Message + " " + a.String()); return false })
	}
	return nil
}
func (l *logCounter) WithAttrs([]slog.Attr) slog.Handler { return l }
func (l *logCounter) WithGroup(string) slog.Handler      { return l }
