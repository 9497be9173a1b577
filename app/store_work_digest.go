package app

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/jmoiron/sqlx"
)

// workDigestOf reads whether staff member id chose the daily digest; ErrNotFound for an unknown account.
func workDigestOf(ctx context.Context, q sqlx.QueryerContext, id int64) (bool, error) {
	var on bool
	err := sqlx.GetContext(ctx, q, &on, `SELECT work_digest FROM staff_users WHERE id = $1`, id)
	if errors.Is(err, sql.ErrNoRows) {
		return false, ErrNotFound
	}
	if err != nil {
		return false, fmt.Errorf("store: unable to read the digest choice: %w", err)
	}
	return on, nil
}

// setWorkDigest records staff member id's choice of the daily digest.
func setWorkDigest(ctx context.Context, q sqlx.ExecerContext, id int64, on bool) error {
	if _, err := q.ExecContext(ctx, `UPDATE staff_users SET work_digest = $2 WHERE id = $1`, id, on); err != nil {
		return fmt.Errorf("store: unable to save the digest choice: %w", err)
	}
	return nil
}

// workDigestReaders lists, in id order, the active office staff who chose the daily digest.
func workDigestReaders(ctx context.Context, q sqlx.QueryerContext) ([]int64, error) {
	var ids []int64
	if err := sqlx.SelectContext(ctx, q, &ids, `SELECT id FROM staff_users
		WHERE work_digest AND active AND role IN ('admin', 'coordinator') ORDER BY id`); err != nil {
		return nil, fmt.Errorf("store: unable to list the digest's readers: %w", err)
	}
	return ids, nil
}
