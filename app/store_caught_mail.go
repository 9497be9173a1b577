package app

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// Queries on caught_mail: what the built-in mail catcher received.

// SaveCaughtMail stores a message received by the catcher.
func (s *Store) SaveCaughtMail(ctx context.Context, from string, rcpt []string, subject string, raw []byte) error {
	_, err := s.DB.ExecContext(ctx, `INSERT INTO caught_mail (mail_from, rcpt, subject, raw) VALUES ($1, $2, $3, $4)`,
		from, pq.StringArray(rcpt), cutBytes(subject, 1000), raw)
	if err != nil {
		return fmt.Errorf("store: unable to save caught mail: %w", err)
	}
	return nil
}

// PurgeCaughtMail deletes caught messages older than CaughtMailKept.
func (s *Store) PurgeCaughtMail(ctx context.Context, now time.Time) error {
	if _, err := s.DB.ExecContext(ctx, `DELETE FROM caught_mail WHERE received_at < $1`, now.Add(-CaughtMailKept)); err != nil {
		return fmt.Errorf("store: unable to purge caught mail: %w", err)
	}
	return nil
}

// caughtMailList returns the newest caught messages, at most limit, without their content.
func caughtMailList(ctx context.Context, q sqlx.QueryerContext, limit int) ([]CaughtMail, error) {
	var out []CaughtMail
	err := sqlx.SelectContext(ctx, q, &out, `SELECT id, mail_from, rcpt, subject, length(raw) AS size, received_at
		FROM caught_mail ORDER BY id DESC LIMIT $1`, limit)
	if err != nil {
		return nil, fmt.Errorf("store: unable to list caught mail: %w", err)
	}
	return out, nil
}

// caughtMessage returns one caught message and its raw content, or ErrNotFound.
func caughtMessage(ctx context.Context, q sqlx.QueryerContext, id int64) (CaughtMail, []byte, error) {
	var m struct {
		CaughtMail
		Raw []byte `db:"raw"`
	}
	err := sqlx.GetContext(ctx, q, &m, `SELECT id, mail_from, rcpt, subject, length(raw) AS size, received_at, raw
		FROM caught_mail WHERE id = $1`, id)
	if err != nil {
		return CaughtMail{}, nil, notFoundOr(err, "store: unable to fetch caught mail")
	}
	return m.CaughtMail, m.Raw, nil
}
