package app

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
)

// Staff roles.
const (
	RoleAdmin       = "admin"
	RoleCoordinator = "coordinator"
	RoleFacilitator = "facilitator"
)

// Roles lists the staff roles, most powerful first.
var Roles = []string{RoleAdmin, RoleCoordinator, RoleFacilitator}

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

// SeesAllGroups reports whether the staff member's role reaches every group (admins and coordinators);
// facilitators see only the groups they lead. Actor.AllowGroup is the rule to use; this is for menus.
func (s Staff) SeesAllGroups() bool { return s.Role == RoleAdmin || s.Role == RoleCoordinator }

// DisplayName is the name to greet the staff member by, or the address when no name was given.
func (s Staff) DisplayName() string {
	if s.Name != "" {
		return s.Name
	}
	return s.Email
}

const staffColumns = `id, email, name, role, password_hash, totp_secret_enc, totp_enabled, totp_last_step, active,
	language, created_at, password_changed_at`

// MinPasswordLength is the shortest password staff may choose; length beats complexity rules.
const MinPasswordLength = 12

// MaxPasswordLength bounds the work argon2 does for one login.
const MaxPasswordLength = 200

// NewStaff is what it takes to create a staff account.
type NewStaff struct {
	Email, Name, Role, Password string
}

// AddStaff creates a staff account (or, for an existing address, sets its role, name and password). It is the
// command line's way in (`user add`); the admin pages use CreateStaff.
func (a *App) AddStaff(ctx context.Context, in NewStaff) (int64, error) {
	v := &ValidationError{}
	email := checkStaffEmail(v, in.Email)
	checkRole(v, in.Role)
	checkPassword(v, "password", in.Password)
	if err := v.OrNil(); err != nil {
		return 0, err
	}
	hash, err := HashPassword(in.Password)
	if err != nil {
		return 0, err
	}
	var id int64
	err = a.Store.tx(ctx, func(tx *sqlx.Tx) error {
		err := tx.GetContext(ctx, &id, `INSERT INTO staff_users (email, name, role, password_hash, password_changed_at)
			VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (lower(email)) DO UPDATE SET name = COALESCE(NULLIF(EXCLUDED.name, ''), staff_users.name),
				role = EXCLUDED.role, password_hash = EXCLUDED.password_hash, password_changed_at = EXCLUDED.password_changed_at,
				active = true
			RETURNING id`, email, strings.TrimSpace(in.Name), in.Role, hash, a.Now())
		if err != nil {
			return fmt.Errorf("store: unable to save staff member: %w", err)
		}
		if err := a.endStaffSessions(ctx, tx, id); err != nil {
			return err
		}
		return a.Audit(ctx, tx, AuditEntry{Actor: ActorSystem, Action: AuditStaffCreate,
			Detail: map[string]any{"staff": id, "role": in.Role, "via": "cli"}})
	})
	return id, err
}

// checkStaffEmail validates and normalises a staff address.
func checkStaffEmail(v *ValidationError, raw string) string {
	addr, err := mail.ParseAddress(strings.TrimSpace(raw))
	if err != nil || addr.Name != "" || len(addr.Address) > 254 {
		v.Add("email", "form.email.invalid")
		return ""
	}
	return strings.ToLower(addr.Address)
}

func checkRole(v *ValidationError, role string) {
	switch role {
	case RoleAdmin, RoleCoordinator, RoleFacilitator:
	default:
		v.Add("role", "form.role.invalid")
	}
}

func checkPassword(v *ValidationError, field, password string) {
	n := len([]rune(password))
	if n < MinPasswordLength {
		v.Add(field, "form.password.short")
	} else if n > MaxPasswordLength {
		v.Add(field, "form.toolong")
	}
}

// StaffByID returns a staff account, or ErrNotFound.
func (s *Store) StaffByID(ctx context.Context, id int64) (Staff, error) {
	var st Staff
	err := s.DB.GetContext(ctx, &st, `SELECT `+staffColumns+` FROM staff_users WHERE id = $1`, id)
	if errors.Is(err, sql.ErrNoRows) {
		return st, ErrNotFound
	}
	if err != nil {
		return st, fmt.Errorf("store: unable to fetch staff member: %w", err)
	}
	return st, nil
}

// staffByEmail returns the account with this address (any case), or ErrNotFound.
func (s *Store) staffByEmail(ctx context.Context, email string) (Staff, error) {
	var st Staff
	err := s.DB.GetContext(ctx, &st, `SELECT `+staffColumns+` FROM staff_users WHERE lower(email) = lower($1)`,
		strings.TrimSpace(email))
	if errors.Is(err, sql.ErrNoRows) {
		return st, ErrNotFound
	}
	if err != nil {
		return st, fmt.Errorf("store: unable to fetch staff member: %w", err)
	}
	return st, nil
}

// ListStaff returns every staff account, active ones first, by name.
func (s *Store) ListStaff(ctx context.Context) ([]Staff, error) {
	var out []Staff
	err := s.DB.SelectContext(ctx, &out, `SELECT `+staffColumns+` FROM staff_users
		ORDER BY active DESC, lower(name), lower(email)`)
	if err != nil {
		return nil, fmt.Errorf("store: unable to list staff: %w", err)
	}
	return out, nil
}

// notFoundOr turns "no rows" into ErrNotFound and wraps any other error with msg.
func notFoundOr(err error, msg string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	return fmt.Errorf("%s: %w", msg, err)
}
