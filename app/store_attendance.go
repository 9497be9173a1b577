package app

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"
)

// attendedCount counts the sessions person personID was at (present or late), in any group.
func attendedCount(ctx context.Context, q sqlx.QueryerContext, personID int64) (int, error) {
	var n int
	if err := sqlx.GetContext(ctx, q, &n, `SELECT count(*) FROM attendance WHERE person_id = $1
		AND status IN ('present', 'late')`, personID); err != nil {
		return 0, fmt.Errorf("store: unable to count attendance: %w", err)
	}
	return n, nil
}
