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

// GroupFacilitators is groupFacilitators on the database, for callers outside a transaction.
func (s *Store) GroupFacilitators(ctx context.Context, groupID int64) ([]Facilitator, error) {
	return groupFacilitators(ctx, s.DB, groupID)
}

// groupFacilitators lists who leads a group.
func groupFacilitators(ctx context.Context, q sqlx.QueryerContext, groupID int64) ([]Facilitator, error) {
	var out []Facilitator
	err := sqlx.SelectContext(ctx, q, &out, `SELECT u.id, u.name, u.email FROM group_facilitators gf
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

// groupsLedBy lists the ids of the groups a staff member leads (group_facilitators), sorted.
func groupsLedBy(ctx context.Context, q sqlx.QueryerContext, staffID int64) ([]int64, error) {
	var ids []int64
	if err := sqlx.SelectContext(ctx, q, &ids, `SELECT group_id FROM group_facilitators WHERE staff_id = $1 ORDER BY group_id`,
		staffID); err != nil {
		return nil, fmt.Errorf("store: unable to load led groups: %w", err)
	}
	return ids, nil
}

// groupScopeSQL returns an SQL condition that holds when the active staff member whose id is the query
// parameter param (for example "$2") may see the group whose id is in column col (for example "g.id"): the rule
// of Actor.AllowGroup, in SQL, for the lists (visibleGroups, the agenda, the queue). The role is read from the
// database, so a changed role counts at once. Both arguments are fixed strings in the code, never user input.
func groupScopeSQL(col, param string) string {
	return `EXISTS (SELECT 1 FROM staff_users scope_u WHERE scope_u.id = ` + param + ` AND scope_u.active
		AND (scope_u.role IN ('admin', 'coordinator')
		     OR EXISTS (SELECT 1 FROM group_facilitators scope_gf
		                WHERE scope_gf.group_id = ` + col + ` AND scope_gf.staff_id = scope_u.id)))`
}
