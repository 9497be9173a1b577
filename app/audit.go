package app

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

// Audit actions: everything the audit log records, each declared once here as "thing.verb" and listed in
// AuditActions. The audit page shows an action's label from the catalogue (staff.audit.action.<action>, in
// both languages); a test fails on an action that is written without a constant here, is missing from
// AuditActions, or has no label. Detail holds codes and ids only.
const (
	// Signing in and accounts.
	AuditLogin         = "login"            // signed in with password and code
	AuditLoginFailed   = "login.failed"     // a password or code was refused (detail: reason)
	AuditLogout        = "logout"           // signed out (detail: everywhere)
	AuditTOTPEnrolled  = "totp.enrol"       // set up the authenticator app
	AuditTOTPReset     = "totp.reset"       // an admin cleared someone's authenticator
	AuditPasswordMail  = "password.mail"    // a password reset mail was queued
	AuditPasswordReset = "password.reset"   // a new password was chosen through a reset link
	AuditStaffCreate   = "staff.create"     // a staff account was made
	AuditStaffRole     = "staff.role"       // a staff member's role changed (detail: from, to)
	AuditStaffDeactive = "staff.deactivate" // an account was deactivated, its sessions ended
	AuditStaffReactive = "staff.activate"   // an account was activated again
	AuditAuditView     = "audit.view"       // an admin read the audit log

	// The offer.
	AuditOfferingCreate = "offering.create"
	AuditOfferingUpdate = "offering.update" // detail: fields that changed
	AuditGroupCreate    = "group.create"
	AuditGroupUpdate    = "group.update" // detail: fields that changed
	AuditGroupComplete  = "group.complete"
	AuditGroupMembers   = "group.members_view" // staff opened a group's member list (detail: people)
	AuditSessionCreate  = "session.create"
	AuditSessionMove    = "session.move"   // detail: session_id, from, to
	AuditSessionCancel  = "session.cancel" // detail: session_id

	// Requests and registrations.
	AuditQueueView            = "queue.view" // staff opened the list of requests
	AuditRegistrationIntake   = "registration.intake"
	AuditRegistrationAdmit    = "registration.admit"
	AuditRegistrationDecline  = "registration.decline"
	AuditRegistrationWaitlist = "registration.waitlist"
	AuditRegistrationPromote  = "registration.promote"
	AuditRegistrationWithdraw = "registration.withdraw"
	AuditRegistrationCancel   = "registration.cancel"       // the participant cancelled through their link
	AuditRegistrationMove     = "registration.move"         // staff moved a registration to another group
	AuditRegistrationDate     = "registration.request_date" // staff set the day a request came in (detail: from, to)
	AuditSeparationCreate     = "separation.create"         // two people may not be in one group
	AuditReferralCreate       = "referral.create"           // an onward referral was recorded

	// Attendance.
	AuditAttendanceView     = "attendance.view" // a roll call shown to staff (detail: session_id, people)
	AuditAttendanceUpdate   = "attendance.update"
	AuditAttendanceLateEdit = "attendance.late_edit" // a correction after the edit window (detail: reason)
	AuditAttendanceWalkIn   = "attendance.walk_in"
	AuditAttendanceExcuse   = "attendance.excuse" // the participant reported an absence through their link
	AuditAttendanceExport   = "attendance.export" // a group's attendance list with names was exported (detail: format, year)
	AuditGroupImport        = "group.import"      // a list was imported into a group (detail: people, added, marks, sessions)

	// People and their data.
	AuditPersonView             = "person.view"                 // a staff member opened a participant's data
	AuditPersonContact          = "person.contact"              // the person changed their contact details
	AuditPersonRotateLinks      = "person.rotate_links"         // the person renewed their personal links
	AuditPersonAskContact       = "person.ask_contact"          // the person asked through their link to be contacted
	AuditPersonMomentUnsuitable = "person.report_unsafe_moment" // the person said a moment is not safe for them
	AuditPersonExport           = "person.export"               // an admin exported everything about a person
	AuditPersonErase            = "person.erase"                // an admin erased a person
	AuditPersonCodeLock         = "person.code_lock"            // the personal code was locked after too many tries
	AuditPersonRequest          = "person.request"              // the person asked something through their link (detail: kind)
	AuditRegistrationCodeReset  = "registration.code_reset"     // staff reset a personal code
	AuditWorkItemDone           = "work_item.done"              // staff closed a work item
	AuditPeopleSearch           = "people.search"               // staff searched people (detail: kind of key, people found; never the term)
	AuditWorkQueueView          = "work_queue.view"             // staff saw their work queue (detail: people listed)
	AuditWorkDigest             = "work_queue.digest"           // a staff member turned the daily digest mail on or off

	// Figures and certificates.
	AuditYearClose      = "figures.close"   // a year's figures were frozen (detail: year)
	AuditYearReopen     = "figures.reopen"  // an admin reopened a closed year: its frozen figures were dropped (detail: year)
	AuditRetentionPurge = "retention.purge" // a run of the retention purge, daily (system) or by an admin (detail: id, people, waakvlam_contacts)
	AuditAttestView     = "attest.view"     // staff opened a professional's certificate of attendance
	AuditAttestList     = "attest.list"     // staff listed a group's professionals to print their certificates

	// Waakvlam and mail.
	AuditWaakvlamView   = "waakvlam.view" // staff saw a request's contact details
	AuditWaakvlamPlan   = "waakvlam.plan"
	AuditWaakvlamGive   = "waakvlam.give" // the training was given
	AuditWaakvlamCancel = "waakvlam.cancel"
	AuditMailResend     = "mail.resend"      // staff put a mail back in the queue
	AuditCaughtMailView = "caught_mail.view" // staff read a message the mail catcher received
)

// AuditActions lists every audit action, in the order of the declarations above.
var AuditActions = []string{
	AuditLogin, AuditLoginFailed, AuditLogout, AuditTOTPEnrolled, AuditTOTPReset, AuditPasswordMail,
	AuditPasswordReset, AuditStaffCreate, AuditStaffRole, AuditStaffDeactive, AuditStaffReactive, AuditAuditView,
	AuditOfferingCreate, AuditOfferingUpdate, AuditGroupCreate, AuditGroupUpdate, AuditGroupComplete, AuditGroupMembers, AuditSessionCreate,
	AuditSessionMove, AuditSessionCancel,
	AuditQueueView, AuditRegistrationIntake, AuditRegistrationAdmit, AuditRegistrationDecline,
	AuditRegistrationWaitlist, AuditRegistrationPromote, AuditRegistrationWithdraw, AuditRegistrationCancel,
	AuditRegistrationMove, AuditRegistrationDate, AuditSeparationCreate, AuditReferralCreate,
	AuditAttendanceView, AuditAttendanceUpdate, AuditAttendanceLateEdit, AuditAttendanceWalkIn,
	AuditAttendanceExcuse, AuditAttendanceExport, AuditGroupImport,
	AuditPersonView, AuditPersonContact, AuditPersonRotateLinks, AuditPersonAskContact, AuditPersonMomentUnsuitable,
	AuditPersonExport, AuditPersonErase, AuditPersonCodeLock, AuditPersonRequest, AuditRegistrationCodeReset,
	AuditWorkItemDone, AuditPeopleSearch, AuditWorkQueueView, AuditWorkDigest,
	AuditYearClose, AuditYearReopen, AuditRetentionPurge, AuditAttestView, AuditAttestList,
	AuditWaakvlamView, AuditWaakvlamPlan, AuditWaakvlamGive, AuditWaakvlamCancel, AuditMailResend,
	AuditCaughtMailView,
}

// AuditActionLabel is the catalogue id of an action's label.
func AuditActionLabel(action string) string { return "staff.audit.action." + action }

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
	if p.Rows, p.More, err = auditLogPage(ctx, a.Store.DB, f); err != nil {
		return p, err
	}
	if p.Staff, err = listStaff(ctx, a.Store.DB); err != nil {
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
