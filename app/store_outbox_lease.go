package app

import (
	"context"
	"fmt"
	"time"

	"github.com/lib/pq"
)

// RenewMail confirms that worker is alive and still sending the mails ids: their claimed_at moves to now, so
// they do not stall while it works. It returns the ids that are still this worker's; one missing was taken
// over by another worker (this one had not renewed it for the stall timeout) or is no longer in sending.
func (s *Store) RenewMail(ctx context.Context, worker string, now time.Time, ids []int64) ([]int64, error) {
	var mine []int64
	err := s.DB.SelectContext(ctx, &mine, `UPDATE outbox SET claimed_at = $2
		WHERE id = ANY($3) AND status = 'sending' AND claimed_by = $1 RETURNING id`, worker, now, pq.Int64Array(ids))
	if err != nil {
		return nil, fmt.Errorf("store: unable to renew the mail claims: %w", err)
	}
	return mine, nil
}
