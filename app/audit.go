package app

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

// Audit actions. An action is "thing.verb"; the viewer translates the ones it knows and shows the others as
// they are, so a new action needs no change here.
const (
	AuditLogin          = "login"          // signed in with password and code
	AuditLoginFailed    = "login.failed"   // a password or code was refused (detail: reason)
	AuditLogout         = "logout"         // signed out (detail: everywhere)
	AuditTOTPEnrolled   = "totp.enrol"     // set up the authenticator app
	AuditTOTPReset      = "totp.reset"     // an admin cleared someone's authenticator
	AuditPasswordMail   = "password.mail"  // a password reset mail was queued
	AuditPasswordReset  = "password.reset" // a new password was chosen through a reset link
	AuditStaffCreate    = "staff.create"   // a staff account was made
	AuditStaffRole      = "staff.role"     // a staff member's role changed (detail: from, to)
	AuditStaffDeactive  = "staff.deactivate"
	AuditStaffReactive  = "staff.activate"
	AuditOfferingCreate = "offering.create"
	AuditOfferingUpdate = "offering.update" // detail: fields that changed
	AuditGroupCreate    = "group.create"
	AuditGroupUpdate    = "group.update" // detail: fields that changed
	AuditSessionCreate  = "session.create"
	AuditPersonView     = "person.view" // a staff member opened a participant's data
	AuditAuditView      = "audit.view"  // an admin read the audit log
)

// Actors: who did it.
const (
	ActorStaff       = "staff"
	ActorParticipant = "participant"
	ActorSystem      = "system"
)

// AuditEntry is one line of the audit trail: who did what to which person, registration or group. Detail holds
// codes and ids only, never personal data (no names, addresses, free text): the trail outlives a purge.
type AuditEntry struct {
	// StaffID is the staff member who acted; nil for a participant, the system or an unknown account.
	StaffID *int64
	// Actor is ActorStaff (the default when StaffID is set), ActorParticipant or ActorSystem.
	Actor          string
	Action         string
	PersonID       *int64
	RegistrationID *int64
	GroupID        *int64
	Detail         map[string]any
}

// Audit writes e to the audit log through q: pass the transaction of the change it records (so both commit or
// neither does), or a.Store.DB for a view.
func (a *App) Audit(ctx context.Context, q sqlx.ExecerContext, e AuditEntry) error {
	if e.Actor == "" {
		e.Actor = ActorSystem
		if e.StaffID != nil {
			e.Actor = ActorStaff
		}
	}
	detail := e.Detail
	if detail == nil {
		detail = map[string]any{}
	}
	d, err := json.Marshal(detail)
	if err != nil {
		return fmt.Errorf("audit: unable to encode detail: %w", err)
	}
	return insertAuditRow(ctx, q, a.Now(), e, d)
}

// AuditRow is one line of the audit log as the viewer shows it.
type AuditRow struct {
	ID             int64     `db:"id"`
	At             time.Time `db:"at"`
	StaffID        *int64    `db:"staff_id"`
	StaffName      *string   `db:"staff_name"`
	Actor          string    `db:"actor"`
	Action         string    `db:"action"`
	PersonID       *int64    `db:"person_id"`
	RegistrationID *int64    `db:"registration_id"`
	GroupID        *int64    `db:"group_id"`
	Detail         string    `db:"detail"`
}

// AuditFilter narrows the audit log. Zero values do not filter. From and To are whole days in Brussels time,
// both included.
type AuditFilter struct {
	PersonID int64
	StaffID  int64
	From, To time.Time
	// Page counts from 1.
	Page int
}

// AuditPageSize is the number of lines on one page of the viewer.
const AuditPageSize = 50

// AuditPage is one page of the audit log as the viewer shows it, with every staff account for its filter.
type AuditPage struct {
	Rows []AuditRow
	// More is true when an older page exists.
	More  bool
	Staff []Staff
}

// AuditLog returns one page of the audit log, newest first, and records that the actor read it (with the
// filter's person, staff member and page). Admins only (ErrForbidden).
func (a *App) AuditLog(ctx context.Context, actor Actor, f AuditFilter) (AuditPage, error) {
	if err := actor.Allow(AdminRoles); err != nil {
		return AuditPage{}, err
	}
	var p AuditPage
	var err error
	if p.Rows, p.More, err = a.Store.AuditLog(ctx, f); err != nil {
		return p, err
	}
	if p.Staff, err = a.Store.ListStaff(ctx); err != nil {
		return p, err
	}
	detail := map[string]any{}
	if f.StaffID != 0 {
		detail["staff"] = f.StaffID
	}
	if f.Page > 1 {
		detail["page"] = f.Page
	}
	var person *int64
	if f.PersonID != 0 {
		person = &f.PersonID
	}
	staffID := actor.ID()
	return p, a.Audit(ctx, a.Store.DB, AuditEntry{StaffID: &staffID, Action: AuditAuditView, PersonID: person, Detail: detail})
}

// auditChange records a change to a registration inside its transaction: by a staff member (staffID > 0), or
// by the participant themselves through their link (staffID 0).
func (a *App) auditChange(ctx context.Context, tx sqlx.ExecerContext, staffID int64, action string, r Registration, detail map[string]any) error {
	e := AuditEntry{Action: action, PersonID: &r.PersonID, RegistrationID: &r.ID, GroupID: r.GroupID, Detail: detail}
	if staffID > 0 {
		e.StaffID = &staffID
	} else {
		e.Actor = ActorParticipant
	}
	return a.Audit(ctx, tx, e)
}
