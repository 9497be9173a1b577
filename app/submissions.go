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
	err = tx.GetContext(ctx, &stored, `SELECT result FROM form_submissions WHERE key = $1 AND kind = $2`, key, kind)
	if errors.Is(err, sql.ErrNoRows) {
		// The key belongs to another form: not a repeat of this one, and not to be trusted.
		return false, &ValidationError{Fields: map[string]string{"form": "form.expired"}}
	}
	if err != nil {
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

// linkForRepeat gives a repeated submission (a double click, a reload) a fresh personal link when the first one
// was only shown on the page (no mail), so the person does not lose it; err is passed through.
func (a *App) linkForRepeat(ctx context.Context, tx *sqlx.Tx, err error, mailed bool, regID int64, token *string) error {
	if err != nil || mailed || regID == 0 {
		return err
	}
	t, err := a.addToken(ctx, tx, regID)
	*token = t
	return err
}
