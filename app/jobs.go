package app

import (
	"context"
	"time"

	"portal/app/locale"
)

// claimDay lets exactly one of several portal processes run a daily job: the first to record (job, day) runs
// it, and another runs it again the same day when that run did not finish (see claimJobRun).
func (a *App) claimDay(ctx context.Context, job string) (bool, error) {
	return a.Store.claimJobRun(ctx, job, a.today(), a.Now())
}

func (a *App) today() string { return a.Now().In(locale.Brussels).Format("2006-01-02") }

// RunJobs runs the portal's background jobs until ctx ends: every minute the offers that expired; once a day
// (in one process only) the retention purge and the clean-up of rate-limit counters and old submissions.
func (a *App) RunJobs(ctx context.Context) {
	tick := time.NewTicker(time.Minute)
	defer tick.Stop()
	for {
		a.runJobsOnce(ctx)
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

func (a *App) runJobsOnce(ctx context.Context) {
	if _, err := a.ExpireOffers(ctx); err != nil && ctx.Err() == nil {
		a.Log.Error("job: expire offers", "err", err.Error())
	}
	claimed, err := a.claimDay(ctx, "daily")
	if err != nil || !claimed {
		return
	}
	day, failed := a.today(), false
	fail := func(step string, err error) {
		failed = true
		a.Log.Error("job: "+step, "err", err.Error())
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
