package app

import (
	"context"
	"fmt"
	"time"
)

// staleJobRun is how long a daily run may go unfinished before another process runs the job again: the run's
// process died or lost the database midway. A run takes seconds.
const staleJobRun = 15 * time.Minute

// claimJobRun lets exactly one of several portal processes run job on day (a date, 2006-01-02): the first to
// record it, or the first after a run that started more than staleJobRun before now and never finished. It
// reports whether this process has the run.
func (s *Store) claimJobRun(ctx context.Context, job, day string, now time.Time) (bool, error) {
	res, err := s.DB.ExecContext(ctx, `INSERT INTO job_runs (job, day, started_at) VALUES ($1, $2, $3)
		ON CONFLICT (job, day) DO UPDATE SET started_at = EXCLUDED.started_at
		WHERE job_runs.done_at IS NULL AND job_runs.started_at < $4`, job, day, now, now.Add(-staleJobRun))
	if err != nil {
		return false, fmt.Errorf("store: unable to claim job: %w", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// finishJobRun records that a claimed run is done.
func (s *Store) finishJobRun(ctx context.Context, job, day string, now time.Time) error {
	_, err := s.DB.ExecContext(ctx, `UPDATE job_runs SET done_at = $3 WHERE job = $1 AND day = $2`, job, day, now)
	if err != nil {
		return fmt.Errorf("store: unable to finish job: %w", err)
	}
	return nil
}

// releaseJobRun gives up a claimed run that did not finish, so the next tick (of any process) runs it again.
func (s *Store) releaseJobRun(ctx context.Context, job, day string) error {
	_, err := s.DB.ExecContext(ctx, `DELETE FROM job_runs WHERE job = $1 AND day = $2 AND done_at IS NULL`, job, day)
	if err != nil {
		return fmt.Errorf("store: unable to release job: %w", err)
	}
	return nil
}
