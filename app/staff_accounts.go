package app

import (
	"context"
	"fmt"
	"strings"

	"github.com/jmoiron/sqlx"
)

// StaffAccount is what an admin fills in to make an account: either an initial password, or none, in which
// case the new colleague gets a mail with a link to choose one.
type StaffAccount struct {
	Email, Name, Role, Password string
}

// CreateStaff makes a staff account (admins only: ErrForbidden for anyone else). An address that already has an
// account is refused.
func (a *App) CreateStaff(ctx context.Context, actor Actor, in StaffAccount) (int64, error) {
	if err := actor.Allow(AdminRoles); err != nil {
		return 0, err
	}
	adminID := actor.ID()
	v := &ValidationError{}
	email := checkStaffEmail(v, in.Email)
	name := strings.TrimSpace(in.Name)
	if name == "" {
		v.Add("name", "form.required")
	} else if len([]rune(name)) > 200 {
		v.Add("name", "form.toolong")
	}
	checkRole(v, in.Role)
	if in.Password != "" {
		checkPassword(v, "password", in.Password)
	}
	if email != "" {
		if _, err := a.Store.staffByEmail(ctx, email); err == nil {
			v.Add("email", "staff.accounts.email.taken")
		}
	}
	if err := v.OrNil(); err != nil {
		return 0, err
	}
	hash := ""
	if in.Password != "" {
		var err error
		if hash, err = HashPassword(in.Password); err != nil {
			return 0, err
		}
	}
	var id int64
	err := a.Store.tx(ctx, func(tx *sqlx.Tx) error {
		var changed any
		if hash != "" {
			changed = a.Now()
		}
		err := tx.GetContext(ctx, &id, `INSERT INTO staff_users (email, name, role, password_hash, password_changed_at, created_at)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, email, name, in.Role, hash, changed, a.Now())
		if pgCode(err) == "23505" {
			v.Add("email", "staff.accounts.email.taken")
			return v
		}
		if err != nil {
			return fmt.Errorf("store: unable to create staff member: %w", err)
		}
		if err := a.Audit(ctx, tx, AuditEntry{StaffID: &adminID, Action: AuditStaffCreate,
			Detail: map[string]any{"staff": id, "role": in.Role, "invited": hash == ""}}); err != nil {
			return err
		}
		if hash == "" {
			return a.queuePasswordMail(ctx, tx, id, &adminID, NewAccountLinkValidity)
		}
		return nil
	})
	return id, err
}

// ChangeStaffRole gives a staff member another role. Admins cannot change their own role, so the portal
// always keeps the admin who is acting. Admins only (ErrForbidden).
func (a *App) ChangeStaffRole(ctx context.Context, actor Actor, staffID int64, role string) error {
	if err := actor.Allow(AdminRoles); err != nil {
		return err
	}
	adminID := actor.ID()
	v := &ValidationError{}
	checkRole(v, role)
	if staffID == adminID {
		v.Add("role", "staff.accounts.self")
	}
	if err := v.OrNil(); err != nil {
		return err
	}
	return a.Store.tx(ctx, func(tx *sqlx.Tx) error {
		var from string
		if err := tx.GetContext(ctx, &from, `SELECT role FROM staff_users WHERE id = $1 FOR UPDATE`, staffID); err != nil {
			return notFoundOr(err, "store: unable to fetch staff member")
		}
		if from == role {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE staff_users SET role = $2 WHERE id = $1`, staffID, role); err != nil {
			return fmt.Errorf("store: unable to change role: %w", err)
		}
		return a.Audit(ctx, tx, AuditEntry{StaffID: &adminID, Action: AuditStaffRole,
			Detail: map[string]any{"staff": staffID, "from": from, "to": role}})
	})
}

// SetStaffActive deactivates (ending every session at once) or reactivates a staff account. Admins cannot
// deactivate themselves. Admins only (ErrForbidden).
func (a *App) SetStaffActive(ctx context.Context, actor Actor, staffID int64, active bool) error {
	if err := actor.Allow(AdminRoles); err != nil {
		return err
	}
	adminID := actor.ID()
	if staffID == adminID && !active {
		return &ValidationError{Fields: map[string]string{"active": "staff.accounts.self"}}
	}
	return a.Store.tx(ctx, func(tx *sqlx.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE staff_users SET active = $2 WHERE id = $1`, staffID, active)
		if err != nil {
			return fmt.Errorf("store: unable to change account: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		action := AuditStaffReactive
		if !active {
			action = AuditStaffDeactive
			if err := a.endStaffSessions(ctx, tx, staffID); err != nil {
				return err
			}
		}
		return a.Audit(ctx, tx, AuditEntry{StaffID: &adminID, Action: action, Detail: map[string]any{"staff": staffID}})
	})
}

// ActiveStaff lists the active staff members, for choosing a group's facilitators.
func (s *Store) ActiveStaff(ctx context.Context) ([]Staff, error) {
	var out []Staff
	err := s.DB.SelectContext(ctx, &out, `SELECT `+staffColumns+` FROM staff_users WHERE active
		ORDER BY lower(name), lower(email)`)
	if err != nil {
		return nil, fmt.Errorf("store: unable to list staff: %w", err)
	}
	return out, nil
}
