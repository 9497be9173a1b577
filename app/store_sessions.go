package app

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// sessionCounts returns how many planned sessions of a group have started by now and how many are ahead.
func sessionCounts(ctx context.Context, q sqlx.QueryerContext, groupID int64, now time.Time) (held, ahead int, err error) {
	row := q.QueryRowxContext(ctx, `SELECT count(*) FILTER (WHERE starts_at <= $2), count(*) FILTER (WHERE starts_at > $2)
		FROM sessions WHERE group_id = $1 AND status = 'planned'`, groupID, now)
	if err := row.Scan(&held, &ahead); err != nil {
		return 0, 0, fmt.Errorf("store: unable to count sessions: %w", err)
	}
	return held, ahead, nil
}

// groupSession is a planned session with its group, for mail that lists what is coming.
type groupSession struct {
	GroupID int64     `db:"group_id"`
	ID      int64     `db:"id"`
	Start   time.Time `db:"starts_at"`
	End     time.Time `db:"ends_at"`
	Made    time.Time `db:"created_at"`
	Edit    time.Time `db:"updated_at"`
}

// upcomingOfGroups lists the planned sessions of groups that start after now, in time order.
func upcomingOfGroups(ctx context.Context, q sqlx.QueryerContext, groups []int64, now time.Time) ([]groupSession, error) {
	var out []groupSession
	err := sqlx.SelectContext(ctx, q, &out, `SELECT group_id, id, starts_at, ends_at, created_at, updated_at
		FROM sessions WHERE group_id = ANY($1) AND status = 'planned' AND starts_at > $2
		ORDER BY starts_at, id`, pq.Int64Array(groups), now)
	if err != nil {
		return nil, fmt.Errorf("store: unable to load sessions for mail: %w", err)
	}
	return out, nil
}

// insertSession adds a planned session to group groupID.
func insertSession(ctx context.Context, tx sqlx.ExecerContext, groupID int64, starts, ends time.Time) error {
	if _, err := tx.ExecContext(ctx, `INSERT INTO sessions (group_id, starts_at, ends_at) VALUES ($1, $2, $3)`,
		groupID, starts, ends); err != nil {
		return fmt.Errorf("store: unable to add session: %w", err)
	}
	return nil
}
