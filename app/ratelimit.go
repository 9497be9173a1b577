package app

import (
	"context"
	"fmt"
	"time"
)

// Allow counts one hit for key in a fixed window and reports whether the hit is within limit. The counter
// lives in PostgreSQL, so every portal process shares it.
func (a *App) Allow(ctx context.Context, key string, limit int, window time.Duration) (bool, error) {
	hits, err := a.Store.hit(ctx, key, a.Now().Add(window), a.Now())
	if err != nil {
		return false, err
	}
	return hits <= limit, nil
}

// hit adds one to key's counter, starting a new window when the old one has ended.
func (s *Store) hit(ctx context.Context, key string, windowEnds, now time.Time) (int, error) {
	var hits int
	err := s.DB.GetContext(ctx, &hits, `INSERT INTO rate_limits (key, hits, window_ends) VALUES ($1, 1, $2)
		ON CONFLICT (key) DO UPDATE SET
			hits = CASE WHEN rate_limits.window_ends <= $3 THEN 1 ELSE rate_limits.hits + 1 END,
			window_ends = CASE WHEN rate_limits.window_ends <= $3 THEN EXCLUDED.window_ends ELSE rate_limits.window_ends END
		RETURNING hits`, key, windowEnds, now)
	if err != nil {
		return 0, fmt.Errorf("store: unable to count rate limit: %w", err)
	}
	return hits, nil
}

// ForgetRateLimits removes counters whose window has ended (a daily clean-up).
func (s *Store) ForgetRateLimits(ctx context.Context, now time.Time) error {
	if _, err := s.DB.ExecContext(ctx, `DELETE FROM rate_limits WHERE window_ends < $1`, now); err != nil {
		return fmt.Errorf("store: unable to clean rate limits: %w", err)
	}
	return nil
}
