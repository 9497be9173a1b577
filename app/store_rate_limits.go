package app

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

// Queries on rate_limits: hit counters per key and window, shared by every portal process.

// countHit adds one to key's counter, starting a new window when the old one has ended.
func countHit(ctx context.Context, q sqlx.QueryerContext, key string, windowEnds, now time.Time) (int, error) {
	var hits int
	err := sqlx.GetContext(ctx, q, &hits, `INSERT INTO rate_limits (key, hits, window_ends) VALUES ($1, 1, $2)
		ON CONFLICT (key) DO UPDATE SET
			hits = CASE WHEN rate_limits.window_ends <= $3 THEN 1 ELSE rate_limits.hits + 1 END,
			window_ends = CASE WHEN rate_limits.window_ends <= $3 THEN EXCLUDED.window_ends ELSE rate_limits.window_ends END
		RETURNING hits`, key, windowEnds, now)
	if err != nil {
		return 0, fmt.Errorf("store: unable to count rate limit: %w", err)
	}
	return hits, nil
}

// uncountHit takes one back from key's counter when its window is still running.
func uncountHit(ctx context.Context, q sqlx.ExecerContext, key string, now time.Time) error {
	if _, err := q.ExecContext(ctx, `UPDATE rate_limits SET hits = hits - 1 WHERE key = $1 AND hits > 0 AND window_ends > $2`,
		key, now); err != nil {
		return fmt.Errorf("store: unable to refund rate limit: %w", err)
	}
	return nil
}

// ForgetRateLimits removes counters whose window has ended (a daily clean-up).
func (s *Store) ForgetRateLimits(ctx context.Context, now time.Time) error {
	if _, err := s.DB.ExecContext(ctx, `DELETE FROM rate_limits WHERE window_ends < $1`, now); err != nil {
		return fmt.Errorf("store: unable to clean rate limits: %w", err)
	}
	return nil
}
