package handlers

import (
	"context"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"

	"portal/app"
	"portal/app/db"
)

// readyTimeout is how long /readyz waits for PostgreSQL before it answers 503 on its own: a load balancer's
// check (fly.io: 2 s) must get an answer whatever the database does.
const readyTimeout = time.Second

// refusalWindow is how long a write that PostgreSQL refused (a full disk, an I/O error, read-only) keeps
// /readyz at 503: such a server still answers a check that only reads.
const refusalWindow = 30 * time.Second

// healthz answers 200 while the process lives.
func (s *Server) healthz(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.SendString("ok")
}

// readyz answers 200 only while PostgreSQL answers within readyTimeout, takes writes, and has refused no
// write in the last refusalWindow, so a load balancer stops sending traffic when it does not. It answers by
// its own timer even when a call to the database does not return.
func (s *Server) readyz(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, "no-store")
	ctx, cancel := context.WithTimeout(context.Background(), readyTimeout)
	defer cancel()
	answer := make(chan error, 1)
	go func() { answer <- s.App.Ready(ctx) }()
	var err error
	select {
	case err = <-answer:
	case <-ctx.Done():
		err = ctx.Err()
	}
	switch {
	case err != nil:
		s.database().Fail(err)
		return c.Status(fiber.StatusServiceUnavailable).SendString("database unavailable")
	case s.health.refusedSince(refusalWindow):
		return c.Status(fiber.StatusServiceUnavailable).SendString("database refuses writes")
	}
	s.database().OK()
	return c.SendString("ready")
}

// health is what the request side knows of the database between two checks.
type health struct {
	once    sync.Once
	outage  *app.Outage
	mu      sync.Mutex
	refused time.Time // when PostgreSQL last refused a write
}

// database is the outage log of the request side: a warning at the first request the database failed, a line
// when it answers again.
func (s *Server) database() *app.Outage {
	s.health.once.Do(func() { s.health.outage = &app.Outage{What: "database", Log: s.Log} })
	return s.health.outage
}

// noteDatabaseError records a request that failed because of the database.
func (s *Server) noteDatabaseError(err error) {
	s.database().Fail(err)
	if db.RefusesWrites(err) {
		s.health.mu.Lock()
		s.health.refused = time.Now()
		s.health.mu.Unlock()
	}
}

func (h *health) refusedSince(window time.Duration) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return !h.refused.IsZero() && time.Since(h.refused) < window
}

// DefaultRequestTimeout bounds the database work of one request: a database that is down or frozen gives a 503
// page after at most this long. It is shorter than the shutdown budget, so requests in flight end within it.
const DefaultRequestTimeout = 12 * time.Second

// deadline gives every request a context with its deadline, which every call to the database is bounded by;
// a change that went through after an outage ends the outage's log.
func (s *Server) deadline(c *fiber.Ctx) error {
	timeout := s.RequestTimeout
	if timeout <= 0 {
		timeout = DefaultRequestTimeout
	}
	ctx, cancel := context.WithTimeout(c.UserContext(), timeout)
	defer cancel()
	c.SetUserContext(ctx)
	err := c.Next()
	if err == nil && c.Method() == fiber.MethodPost && c.Response().StatusCode() < 500 && s.database().Down() {
		s.database().OK()
	}
	return err
}
