package app

import (
	"context"
)

// FinishDayForTest records the daily job of today as done.
func (a *App) FinishDayForTest(ctx context.Context, job string) error {
	return a.Store.finishJobRun(ctx, job, a.today(), a.Now())
}

// StaleJobRun is how long an unfinished daily run waits before it is run again.
const StaleJobRun = staleJobRun

// RunJobsOnceForTest runs one tick of the background jobs, as RunJobs does every minute.
func (a *App) RunJobsOnceForTest(ctx context.Context) {
	a.runJobsOnce(ctx, &Outage{What: "jobs: database", Log: a.Log})
}
