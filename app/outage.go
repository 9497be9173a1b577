package app

import (
	"log/slog"
	"sync"
	"time"
)

// Outage makes a fault show in the log without flooding it: the first failure of an outage is a warning, the
// ones after it are counted, and the first success after it says how long it lasted and how many failed. It
// is safe for concurrent use; the zero value needs What and Log set before use.
type Outage struct {
	// What names the failing dependency in the log ("database", "SMTP server").
	What string
	Log  *slog.Logger

	mu       sync.Mutex
	since    time.Time // zero while all is well
	failures int
}

// Fail records a failed attempt; the first of an outage is logged as a warning with its error (which must
// hold no personal data).
func (o *Outage) Fail(err error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.failures++
	if !o.since.IsZero() {
		return
	}
	o.since = time.Now()
	o.Log.Warn(o.What+" unavailable", "err", err.Error())
}

// OK records a successful attempt, and logs the end of an outage.
func (o *Outage) OK() {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.since.IsZero() {
		return
	}
	o.Log.Info(o.What+" available again", "down_s", time.Since(o.since).Round(100*time.Millisecond).Seconds(),
		"failed_attempts", o.failures)
	o.since, o.failures = time.Time{}, 0
}

// Down reports whether the last attempt failed.
func (o *Outage) Down() bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	return !o.since.IsZero()
}
