package app

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

// Queries on staff_tokens: single-use password links, by the hash of the token.

// insertPasswordToken stores a password link's hash for a staff member.
func insertPasswordToken(ctx context.Context, e sqlx.ExecerContext, hash []byte, staffID int64, expires time.Time) error {
	if _, err := e.ExecContext(ctx, `INSERT INTO staff_tokens (token_hash, staff_id, purpose, expires_at)
		VALUES ($1, $2, 'password_reset', $3)`, hash, staffID, expires); err != nil {
		return fmt.Errorf("store: unable to save reset token: %w", err)
	}
	return nil
}

// passwordTokenState returns when a password link expires and when it was used (nil: not yet), for an active
// account's link; ErrNotFound otherwise.
func passwordTokenState(ctx context.Context, q sqlx.QueryerContext, hash []byte) (expires time.Time, used *time.Time, err error) {
	var t struct {
		ExpiresAt time.Time  `db:"expires_at"`
		UsedAt    *time.Time `db:"used_at"`
	}
	err = sqlx.GetContext(ctx, q, &t, `SELECT t.expires_at, t.used_at FROM staff_tokens t
		JOIN staff_users u ON u.id = t.staff_id
		WHERE t.token_hash = $1 AND t.purpose = 'password_reset' AND u.active`, hash)
	if err != nil {
		return time.Time{}, nil, notFoundOr(err, "store: unable to fetch reset token")
	}
	return t.ExpiresAt, t.UsedAt, nil
}

// usePasswordToken marks an unused, unexpired link of an active account used and returns the account's id;
// ErrNotFound when there is no such link.
func usePasswordToken(ctx context.Context, q sqlx.QueryerContext, hash []byte, now time.Time) (int64, error) {
	var staffID int64
	err := sqlx.GetContext(ctx, q, &staffID, `UPDATE staff_tokens t SET used_at = $2
			FROM staff_users u
			WHERE t.token_hash = $1 AND t.purpose = 'password_reset' AND t.used_at IS NULL AND t.expires_at > $2
			  AND u.id = t.staff_id AND u.active
			RETURNING t.staff_id`, hash, now)
	if err != nil {
		return 0, notFoundOr(err, "store: unable to use reset token")
	}
	return staffID, nil
}

// retirePasswordTokens uses up every other link of a staff member.
func retirePasswordTokens(ctx context.Context, e sqlx.ExecerContext, staffID int64, now time.Time) error {
	if _, err := e.ExecContext(ctx, `UPDATE staff_tokens SET used_at = $2 WHERE staff_id = $1 AND used_at IS NULL`,
		staffID, now); err != nil {
		return fmt.Errorf("store: unable to retire reset tokens: %w", err)
	}
	return nil
}
