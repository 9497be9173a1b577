package app

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// Queries about who leads which group (group_facilitators).

// Facilitator is a staff member who leads a group.
type Facilitator struct {
	ID    int64  `db:"id"`
	Name  string `db:"name"`
	Email string `db:"email"`
}

// GroupFacilitators lists who leads a group.
func (s *Store) GroupFacilitators(ctx context.Context, groupID int64) ([]Facilitator, error) {
	var out []Facilitator
	err := s.DB.SelectContext(ctx, &out, `SELECT u.id, u.name, u.email FROM group_facilitators gf
		JOIN staff_users u ON u.id = gf.staff_id WHERE gf.group_id = $1 ORDER BY lower(u.name), u.id`, groupID)
	if err != nil {
		return nil, fmt.Errorf("store: unable to list facilitators: %w", err)
	}
	return out, nil
}

// facilitatorIDs lists the ids of the staff members who lead a group, in order.
func facilitatorIDs(ctx context.Context, q sqlx.QueryerContext, groupID int64) ([]int64, error) {
	var out []int64
	if err := sqlx.SelectContext(ctx, q, &out, `SELECT staff_id FROM group_facilitators WHERE group_id = $1 ORDER BY staff_id`,
		groupID); err != nil {
		return nil, fmt.Errorf("store: unable to list facilitators: %w", err)
	}
	return out, nil
}

// replaceFacilitators makes ids (not nil) the facilitators of a group: the others are removed, the new ones added.
func replaceFacilitators(ctx context.Context, tx *sqlx.Tx, groupID int64, ids []int64) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM group_facilitators WHERE group_id = $1 AND NOT staff_id = ANY($2)`,
		groupID, pq.Int64Array(ids)); err != nil {
		return fmt.Errorf("store: unable to change facilitators: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO group_facilitators (group_id, staff_id)
		SELECT $1, unnest($2::bigint[]) ON CONFLICT DO NOTHING`, groupID, pq.Int64Array(ids)); err != nil {
		return fmt.Errorf("store: unable to change facilitators: %w", err)
	}
	return nil
}
