package app

import (
	"context"
	"errors"
	"strings"
	"time"

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
		if _, err := staffByEmail(ctx, a.Store.DB, email); err == nil {
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
		var changed *time.Time
		if hash != "" {
			changed = ref(a.Now())
		}
		var err error
		id, err = insertStaff(ctx, tx, email, name, in.Role, hash, changed, a.Now())
		if errors.Is(err, errStaffEmailTaken) {
			v.Add("email", "staff.accounts.email.taken")
			return v
		}
		if err != nil {
			return err
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
		from, err := lockStaffRole(ctx, tx, staffID)
		if err != nil {
			return err
		}
		if from == role {
			return nil
		}
		if err := setStaffRole(ctx, tx, staffID, role); err != nil {
			return err
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
		if err := setStaffActive(ctx, tx, staffID, active); err != nil {
			return err
		}
		action := AuditStaffReactive
		if !active {
			action = AuditStaffDeactive
			if err := deleteStaffSessions(ctx, tx, staffID); err != nil {
				return err
			}
		}
		return a.Audit(ctx, tx, AuditEntry{StaffID: &adminID, Action: action, Detail: map[string]any{"staff": staffID}})
	})
}

// StaffList returns every staff account, active ones first, by name. Admins only (ErrForbidden).
func (a *App) StaffList(ctx context.Context, actor Actor) ([]Staff, error) {
	if err := actor.Allow(AdminRoles); err != nil {
		return nil, err
	}
	return listStaff(ctx, a.Store.DB)
}

// StaffAccountView is one account as an admin sees it: the account and how many sessions it has open.
type StaffAccountView struct {
	Account  Staff
	Sessions int
}

// StaffAccount returns one account with its open sessions. Admins only (ErrForbidden); ErrNotFound for an
// unknown id.
func (a *App) StaffAccount(ctx context.Context, actor Actor, id int64) (StaffAccountView, error) {
	if err := actor.Allow(AdminRoles); err != nil {
		return StaffAccountView{}, err
	}
	st, err := staffByID(ctx, a.Store.DB, id)
	if err != nil {
		return StaffAccountView{}, err
	}
	n, err := countStaffSessions(ctx, a.Store.DB, id, a.Now())
	return StaffAccountView{Account: st, Sessions: n}, err
}

// MyAccount returns the actor's own account with its open sessions; every active staff member may see theirs.
func (a *App) MyAccount(ctx context.Context, actor Actor) (StaffAccountView, error) {
	if err := actor.Allow(AllRoles); err != nil {
		return StaffAccountView{}, err
	}
	n, err := countStaffSessions(ctx, a.Store.DB, actor.ID(), a.Now())
	return StaffAccountView{Account: actor.Staff, Sessions: n}, err
}
