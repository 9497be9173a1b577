package app

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// Queries about staff accounts (staff_users).

// coordinatorIDs lists the active coordinators; when there is none, the active admins, who then stand in.
func coordinatorIDs(ctx context.Context, q sqlx.QueryerContext) ([]int64, error) {
	var out []int64
	if err := sqlx.SelectContext(ctx, q, &out, `SELECT id FROM staff_users WHERE active AND role = 'coordinator'
		UNION SELECT id FROM staff_users WHERE active AND role = 'admin'
		      AND NOT EXISTS (SELECT 1 FROM staff_users WHERE active AND role = 'coordinator')`); err != nil {
		return nil, fmt.Errorf("store: unable to find coordinators: %w", err)
	}
	return out, nil
}

// countActiveStaff counts how many of ids are active staff accounts.
func countActiveStaff(ctx context.Context, q sqlx.QueryerContext, ids []int64) (int, error) {
	var n int
	if err := sqlx.GetContext(ctx, q, &n, `SELECT count(*) FROM staff_users WHERE id = ANY($1) AND active`,
		pq.Int64Array(ids)); err != nil {
		return 0, fmt.Errorf("store: unable to check facilitators: %w", err)
	}
	return n, nil
}
