package app

import (
	"context"
	"fmt"
	"time"

	"portal/app/locale"
)

// claimDay lets exactly one of several portal processes run a daily job: the first to record (job, day) runs it.
func (a *App) claimDay(ctx context.Context, job string) (bool, error) {
	day := a.Now().In(locale.Brussels).Format("2006-01-02")
	res, err := a.Store.DB.ExecContext(ctx, `INSERT INTO job_runs (job, day) VALUES ($1, $2) ON CONFLICT DO NOTHING`, job, day)
	if err != nil {
		return false, fmt.Errorf("store: unable to claim job: %w", err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// finishDay records that a claimed daily job is done.
func (a *App) finishDay(ctx context.Context, job string) error {
	day := a.Now().In(locale.Brussels).Format("2006-01-02")
	_, err := a.Store.DB.ExecContext(ctx, `UPDATE job_runs SET done_at = now() WHERE job = $1 AND day = $2`, job, day)
	return err
}

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
	if n, err := a.Purge(ctx); err != nil {
		a.Log.Error("job: retention purge", "err", err.Error())
	} else if n > 0 {
		a.Log.Info("job: retention purge", "people", n)
	}
	if err := a.Store.ForgetRateLimits(ctx, a.Now()); err != nil {
		a.Log.Error("job: rate limits", "err", err.Error())
	}
	if _, err := a.Store.DB.ExecContext(ctx, `DELETE FROM form_submissions WHERE created_at < $1`, a.Now().AddDate(0, 0, -2)); err != nil {
		a.Log.Error("job: submissions", "err", err.Error())
	}
	if err := a.finishDay(ctx, "daily"); err != nil {
		a.Log.Error("job: finish", "err", err.Error())
	}
}
