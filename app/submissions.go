package app

import (
	"context"
	"encoding/json"
	"errors"
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
	claimed, err := insertSubmission(ctx, tx, key, kind)
	if err != nil || claimed {
		return false, err
	}
	stored, err := submissionResult(ctx, tx, key, kind)
	if errors.Is(err, ErrNotFound) {
		// The key belongs to another form: not a repeat of this one, and not to be trusted.
		return false, &ValidationError{Fields: map[string]string{"form": "form.expired"}}
	}
	if err != nil {
		return false, err
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
	return setSubmissionResult(ctx, tx, key, b)
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
