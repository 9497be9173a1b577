package app

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"

	"github.com/jmoiron/sqlx"
)

var submissionKeyPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{16,64}$`)

// claimSubmission marks a form submission as being handled. When the same key was submitted before, it waits
// for that submission's transaction to end and returns its stored result (repeat = true).
func claimSubmission(ctx context.Context, tx *sqlx.Tx, key, kind string, result any) (repeat bool, err error) {
	if key == "" {
		return false, nil
	}
	if !submissionKeyPattern.MatchString(key) {
		return false, &ValidationError{Fields: map[string]string{"form": "form.expired"}}
	}
	var got string
	err = tx.GetContext(ctx, &got, `INSERT INTO form_submissions (key, kind) VALUES ($1, $2)
		ON CONFLICT (key) DO NOTHING RETURNING key`, key, kind)
	if err == nil {
		return false, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return false, fmt.Errorf("store: unable to claim submission: %w", err)
	}
	var stored []byte
	if err := tx.GetContext(ctx, &stored, `SELECT result FROM form_submissions WHERE key = $1 AND kind = $2`, key, kind); err != nil {
		return false, fmt.Errorf("store: unable to read submission: %w", err)
	}
	return true, json.Unmarshal(stored, result)
}

// storeSubmission keeps the result of a submission for its repeats. Secrets are never part of it.
func storeSubmission(ctx context.Context, tx *sqlx.Tx, key string, result any) error {
	if key == "" {
		return nil
	}
	b, err := json.Marshal(result)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE form_submissions SET result = $2 WHERE key = $1`, key, b); err != nil {
		return fmt.Errorf("store: unable to store submission: %w", err)
	}
	return nil
}
