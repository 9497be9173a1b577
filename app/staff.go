package app

import (
	"context"
	"fmt"
	"net/mail"
	"strings"
	"time"
)

// Staff roles.
const (
	RoleAdmin       = "admin"
	RoleCoordinator = "coordinator"
	RoleFacilitator = "facilitator"
)

// Staff is a staff member's account.
type Staff struct {
	ID           int64      `db:"id"`
	Email        string     `db:"email"`
	Name         string     `db:"name"`
	Role         string     `db:"role"`
	PasswordHash string     `db:"password_hash"`
	TOTPSecret   []byte     `db:"totp_secret_enc"`
	TOTPEnabled  bool       `db:"totp_enabled"`
	TOTPLastStep int64      `db:"totp_last_step"`
	Active       bool       `db:"active"`
	Language     string     `db:"language"`
	CreatedAt    time.Time  `db:"created_at"`
	PasswordAt   *time.Time `db:"password_changed_at"`
}

// MinPasswordLength is the shortest password staff may choose; length beats complexity rules.
const MinPasswordLength = 12

// NewStaff is what it takes to create a staff account.
type NewStaff struct {
	Email, Name, Role, Password string
}

// AddStaff creates a staff account (or, for an existing address, sets its role, name and password).
func (a *App) AddStaff(ctx context.Context, in NewStaff) (int64, error) {
	v := &ValidationError{}
	addr, err := mail.ParseAddress(strings.TrimSpace(in.Email))
	if err != nil || addr.Name != "" {
		v.Add("email", "form.email.invalid")
	}
	switch in.Role {
	case RoleAdmin, RoleCoordinator, RoleFacilitator:
	default:
		v.Add("role", "form.role.invalid")
	}
	if len([]rune(in.Password)) < MinPasswordLength {
		v.Add("password", "form.password.short")
	}
	if err := v.OrNil(); err != nil {
		return 0, err
	}
	hash, err := HashPassword(in.Password)
	if err != nil {
		return 0, err
	}
	return a.Store.UpsertStaff(ctx, strings.ToLower(addr.Address), strings.TrimSpace(in.Name), in.Role, hash)
}

// UpsertStaff inserts a staff account or updates the one with the same address.
func (s *Store) UpsertStaff(ctx context.Context, email, name, role, hash string) (int64, error) {
	var id int64
	err := s.DB.GetContext(ctx, &id, `INSERT INTO staff_users (email, name, role, password_hash, password_changed_at)
		VALUES ($1, $2, $3, $4, now())
		ON CONFLICT (lower(email)) DO UPDATE SET name = COALESCE(NULLIF(EXCLUDED.name, ''), staff_users.name),
			role = EXCLUDED.role, password_hash = EXCLUDED.password_hash, password_changed_at = now(), active = true
		RETURNING id`, email, name, role, hash)
	if err != nil {
		return 0, fmt.Errorf("store: unable to save staff member: %w", err)
	}
	return id, nil
}
