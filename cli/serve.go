package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"runtime/debug"
	"strconv"
	"sync"
	"time"

	"portal/app"
	"portal/app/locale"
	"portal/handlers"
	"portal/mail"
	"portal/views"
)

// serve runs the portal until SIGINT or SIGTERM, then shuts down in order: stop taking requests and finish
// those in flight, stop the workers, close the database, stop the private PostgreSQL.
func serve(ctx context.Context, cfg app.Config, schema string, args []string, log *slog.Logger) error {
	seedIfEmpty := len(args) > 0 && args[0] == "--seed-if-empty"
	started := time.Now()
	limitMemory()

	cat, err := locale.Load()
	if err != nil {
		return err
	}
	renderer, err := views.New(cat)
	if err != nil {
		return err
	}
	// Listen before starting PostgreSQL, so a port in use is reported before anything else is touched.
	ln, err := net.Listen("tcp", listenAddress(cfg))
	if err != nil {
		return fmt.Errorf("unable to listen on port %d (is another portal running?): %w", cfg.Port, err)
	}
	defer ln.Close()

	conn, closeDB, err := openDatabase(ctx, cfg, schema, log, false)
	if err != nil {
		return err
	}
	defer closeDB()
	a, err := app.New(conn, cfg, log)
	if err != nil {
		return err
	}
	if seedIfEmpty {
		if seeded, err := a.SeedIfEmpty(ctx); err != nil {
			return err
		} else if seeded {
			log.Info("empty database: demo offer loaded")
		}
	}

	stopMail, err := startMail(ctx, a, cat, log)
	if err != nil {
		return err
	}
	// Deferred after closeDB, so they run before it: the worker and the jobs stop, then the database closes.
	// Each runs once (the shutdown below starts them early, beside the HTTP shutdown).
	// When a stop ran out of budget (cut, below), the deferred calls are skipped: OnceFunc would wait for the
	// first call, which is what ran out.
	cut := false
	stopMail = sync.OnceFunc(stopMail)
	defer func() {
		if !cut {
			stopMail()
		}
	}()
	stopJobs := sync.OnceFunc(startJobs(ctx, a))
	defer func() {
		if !cut {
			stopJobs()
		}
	}()

	web := handlers.New(&handlers.Server{App: a, Views: renderer, Cat: cat, Log: log,
		Limits: handlers.Limits{Forms: cfg.FormRateLimit, Window: cfg.FormRateWindow}})
	served := make(chan error, 1)
	go func() { served <- web.Listener(ln) }()
	log.Info("portal ready", "url", cfg.BaseURL, "listen", ln.Addr().String(), "startup_ms", time.Since(started).Milliseconds())
	if needs, err := a.NeedsFirstAdmin(ctx); err != nil {
		log.Error("looking for staff accounts", "err", err.Error())
	} else if needs {
		fmt.Fprint(os.Stderr, firstAdminHint(os.Args[0], os.Getenv("DATA_DIR"), cfg))
	}

	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	stopping := time.Now()
	// Requests, the mail worker and the jobs stop side by side, each within the budget: a request's database
	// work ends at its deadline (handlers.DefaultRequestTimeout), the mail in hand gets mail.DefaultStopGrace
	// and its outcome as long again to be recorded.
	workers := make(chan struct{})
	go func() {
		stopMail()
		stopJobs()
		close(workers)
	}()
	if err := web.ShutdownWithTimeout(ShutdownBudget - time.Second); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		log.Error("shutdown", "err", err.Error())
	}
	// The budget is a hard cap: what still runs then ends with the process (a row left in sending is taken up
	// again after the stall timeout; a job's steps are safe to repeat).
	select {
	case <-workers:
	case <-time.After(time.Until(stopping.Add(ShutdownBudget))):
		cut = true
		log.Warn("stop: the shutdown budget ran out; the mail worker or a job was cut off",
			"budget_ms", ShutdownBudget.Milliseconds())
	}
	log.Info("stopped", "shutdown_ms", time.Since(stopping).Milliseconds())
	return nil
}

// ShutdownBudget is the most a stop (SIGTERM, Ctrl-C) takes before the database closes: requests in flight end
// (their deadline is shorter), the mail in hand is handed over or cut, outcomes are recorded. fly.toml's
// kill_timeout leaves a margin above it.
const ShutdownBudget = 15 * time.Second

// DefaultMemoryLimit is the Go runtime's soft memory limit for serve when GOMEMLIMIT is not set. The portal
// keeps about 10 MB live under load; with Go's default (collect when the heap has doubled) and idle memory handed
// back slowly, a busy portal held some 48 MB. With this limit the collector runs more often as the process nears
// it (about 2% of the CPU under make bench), and the process stays under 40 MB. It is soft: a larger need (an
// export of a big year) is met, with more collecting; give a bigger machine a bigger GOMEMLIMIT.
const DefaultMemoryLimit = 28 << 20

// limitMemory applies DefaultMemoryLimit unless the operator chose a limit with GOMEMLIMIT.
func limitMemory() {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(DefaultMemoryLimit)
	}
}

// startMail starts the mail worker, and the built-in mail catcher when no SMTP_URL is set. stop ends the
// worker (it finishes the mail in hand and hands the rest of its batch back), then the catcher.
func startMail(ctx context.Context, a *app.App, cat *locale.Catalogue, log *slog.Logger) (stop func(), err error) {
	composer, err := mail.NewComposer(cat, a.Config)
	if err != nil {
		return nil, err
	}
	smtpURL := a.Config.SMTPURL
	var catcher *mail.Catcher
	if smtpURL == "" {
		if catcher, err = mail.StartCatcher(ctx, a, log); err != nil {
			return nil, fmt.Errorf("unable to start the mail catcher: %w", err)
		}
		smtpURL = catcher.URL()
		log.Info("no SMTP_URL: mail goes to the built-in catcher, readable under /beheer", "smtp", smtpURL)
	}
	sender, err := mail.NewSender(smtpURL, mail.SenderOptions{RatePerSecond: a.Config.MailRatePerSecond})
	if err != nil {
		if catcher != nil {
			catcher.Close()
		}
		return nil, err
	}
	worker := mail.NewWorker(a, sender, composer, log)
	workerCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	done := make(chan struct{})
	go func() {
		defer close(done)
		worker.Run(workerCtx)
	}()
	return func() {
		cancel()
		<-done
		if catcher != nil {
			if err := catcher.Close(); err != nil {
				log.Error("stopping the mail catcher", "err", err.Error())
			}
		}
	}, nil
}

// startJobs runs the background jobs (expiring offers every minute; once a day, in one process only, the
// retention purge and clean-ups). stop waits for the job in hand to finish.
func startJobs(ctx context.Context, a *app.App) (stop func()) {
	jobsCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	done := make(chan struct{})
	go func() {
		defer close(done)
		a.RunJobs(jobsCtx)
	}()
	return func() {
		cancel()
		<-done
	}
}

// listenAddress binds to loopback when the portal is only reachable locally (development, tests), and to every
// interface when it has a public BASE_URL (a container behind a proxy).
func listenAddress(cfg app.Config) string {
	if cfg.LocalBase() {
		return net.JoinHostPort("127.0.0.1", strconv.Itoa(cfg.Port))
	}
	return net.JoinHostPort("", strconv.Itoa(cfg.Port))
}
