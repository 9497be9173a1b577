package app

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

// insertSubmission claims form submission key for a form of kind; claimed is false when the key was claimed
// before (by this form or another): then it waits for that claim's transaction to end.
func insertSubmission(ctx context.Context, tx sqlx.QueryerContext, key, kind string) (claimed bool, err error) {
	var got string
	err = sqlx.GetContext(ctx, tx, &got, `INSERT INTO form_submissions (key, kind) VALUES ($1, $2)
		ON CONFLICT (key) DO NOTHING RETURNING key`, key, kind)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("store: unable to claim submission: %w", err)
	}
	return true, nil
}

// submissionResult reads the stored result (JSON) of submission key of a form of kind; ErrNotFound when the key
// belongs to another kind of form.
func submissionResult(ctx context.Context, q sqlx.QueryerContext, key, kind string) ([]byte, error) {
	var stored []byte
	err := sqlx.GetContext(ctx, q, &stored, `SELECT result FROM form_submissions WHERE key = $1 AND kind = $2`, key, kind)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("store: unable to read submission: %w", err)
	}
	return stored, nil
}

// setSubmissionResult keeps the result (JSON, no secrets) of submission key for its repeats.
func setSubmissionResult(ctx context.Context, tx sqlx.ExecerContext, key string, result []byte) error {
	if _, err := tx.ExecContext(ctx, `UPDATE form_submissions SET result = $2 WHERE key = $1`, key, result); err != nil {
		return fmt.Errorf("store: unable to store submission: %w", err)
	}
	return nil
}

// forgetSubmissions deletes the submission keys of forms sent before before: a reload that late is a new form.
func (s *Store) forgetSubmissions(ctx context.Context, before time.Time) error {
	if _, err := s.DB.ExecContext(ctx, `DELETE FROM form_submissions WHERE created_at < $1`, before); err != nil {
		return fmt.Errorf("store: unable to forget submissions: %w", err)
	}
	return nil
}
