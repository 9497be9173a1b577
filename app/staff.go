package app

import (
	"context"
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
		var err error
		if id, err = upsertStaff(ctx, tx, email, strings.TrimSpace(in.Name), in.Role, hash, a.Now()); err != nil {
			return err
		}
		if err := deleteStaffSessions(ctx, tx, id); err != nil {
			return err
		}
		return a.Audit(ctx, tx, AuditEntry{Actor: ActorSystem, Action: AuditStaffCreate,
			Detail: map[string]any{"staff": id, "role": in.Role, "via": "cli"}})
	})
	return id, err
}

// NeedsFirstAdmin reports whether the portal has no staff account yet, so nobody can sign in to /beheer: serve
// then says how to make the first admin (`user add`).
func (a *App) NeedsFirstAdmin(ctx context.Context) (bool, error) {
	has, err := a.Store.HasStaff(ctx)
	return !has, err
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
