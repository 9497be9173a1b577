package app

import (
	"context"
	"time"

	"portal/app/db"
	"portal/app/locale"
)

// claimDay lets exactly one of several portal processes run a daily job: the first to record (job, day) runs
// it, and another runs it again the same day when that run did not finish (see claimJobRun).
func (a *App) claimDay(ctx context.Context, job string) (bool, error) {
	return a.Store.claimJobRun(ctx, job, a.today(), a.Now())
}

func (a *App) today() string { return a.Now().In(locale.Brussels).Format("2006-01-02") }

// RunJobs runs the portal's background jobs until ctx ends: every minute the offers that expired and the seat
// reconciliation's safety net (ReconcileAllSeats); once a day (in one process only) the retention purge and the
// clean-up of rate-limit counters and old submissions, and from DigestHour the digest of new work items
// (SendWorkDigests).
func (a *App) RunJobs(ctx context.Context) {
	tick := time.NewTicker(time.Minute)
	defer tick.Stop()
	// A database outage shows once (a warning, then a line when it is back), not as an error every minute.
	outage := &Outage{What: "jobs: database", Log: a.Log}
	for {
		a.runJobsOnce(ctx, outage)
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// runJobsOnce runs what is due. A failure because the database is unavailable goes to outage; any other is
// logged as an error.
func (a *App) runJobsOnce(ctx context.Context, outage *Outage) {
	report := func(step string, err error) {
		if ctx.Err() != nil {
			return
		}
		if db.Unavailable(err) {
			outage.Fail(err)
			return
		}
		a.Log.Error("job: "+step, "err", err.Error())
	}
	if _, err := a.ExpireOffers(ctx); err != nil {
		report("expire offers", err)
	} else if _, err := a.ReconcileAllSeats(ctx); err != nil {
		report("reconcile seats", err)
	} else {
		outage.OK()
	}
	if n, err := a.SendWorkDigests(ctx); err != nil {
		report("work digest", err)
	} else if n > 0 {
		a.Log.Info("job: work digest", "mails", n)
	}
	claimed, err := a.claimDay(ctx, "daily")
	if err != nil {
		report("daily", err)
	}
	if err != nil || !claimed {
		return
	}
	day, failed := a.today(), false
	fail := func(step string, err error) {
		failed = true
		report(step, err)
	}
	if n, err := a.Purge(ctx); err != nil {
		fail("retention purge", err)
	} else if n > 0 {
		a.Log.Info("job: retention purge", "people", n)
	}
	if err := a.Store.ForgetRateLimits(ctx, a.Now()); err != nil {
		fail("rate limits", err)
	}
	if err := a.Store.forgetSubmissions(ctx, a.Now().AddDate(0, 0, -2)); err != nil {
		fail("submissions", err)
	}
	// A run that did not finish is run again (every step is safe to repeat); a finished one not before tomorrow.
	done := a.Store.finishJobRun
	if failed {
		done = func(ctx context.Context, job, day string, _ time.Time) error {
			return a.Store.releaseJobRun(ctx, job, day)
		}
	}
	if err := done(context.WithoutCancel(ctx), "daily", day, a.Now()); err != nil {
		a.Log.Error("job: finish", "err", err.Error())
	}
}
