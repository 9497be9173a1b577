package app

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
)

// Work item kinds: what a staff member must do. Each is made in the same transaction as its cause.
const (
	WorkCodeLocked       = "code_locked"       // someone tried to open a personal page with wrong codes
	WorkMomentUnsuitable = "moment_unsuitable" // "dit moment past niet", for an intake (no session) or a session
	WorkContactMe        = "contact_me"        // "ik wil dat jullie me contacteren"
	WorkContactChanged   = "contact_changed"   // contact details changed online, waiting for confirmation
	WorkRequestContact   = "request_contact"   // without a code: a contact change, to confirm by her safe channel
	WorkRequestNewLink   = "request_new_link"  // without a code: retire the old links
	WorkRequestCancel    = "request_cancel"    // without a code: give up the seat
	WorkSeatFree         = "seat_free"         // a group with an intake has a free seat while this person waits longest
	WorkAbsenceAlert     = "absence_alert"     // two unexcused absences in a row: call her (closed after the call)
)

// WorkItem is one thing for staff to do, with the person's name and the session it is about, if any.
type WorkItem struct {
	ID             int64      `db:"id"`
	Kind           string     `db:"kind"`
	RegistrationID *int64     `db:"registration_id"`
	PersonID       *int64     `db:"person_id"`
	GroupID        *int64     `db:"group_id"`
	SessionID      *int64     `db:"session_id"`
	DetailEnc      []byte     `db:"detail_enc"`
	CreatedAt      time.Time  `db:"created_at"`
	DoneAt         *time.Time `db:"done_at"`
	DoneBy         *int64     `db:"done_by"`
	PersonNameEnc  []byte     `db:"display_name_enc"`
	PersonName     string     `db:"-"`
	SessionStart   *time.Time `db:"session_starts_at"`
	// Detail is the person's own words or wishes, decrypted (empty when none).
	Detail string `db:"-"`
}

// OpenWorkItems lists what staff must still do, oldest first, with the details decrypted. Office roles only.
func (a *App) OpenWorkItems(ctx context.Context, actor Actor) ([]WorkItem, error) {
	if err := actor.Allow(OfficeRoles); err != nil {
		return nil, err
	}
	items, err := a.openWorkItems(ctx, a.Store.DB)
	if err != nil {
		return nil, err
	}
	for i := range items {
		items[i].Detail = a.workDetail(items[i])
	}
	return items, nil
}

// CloseWorkItem marks work item id as done by the actor, audited. Closing a "changed online" item confirms the
// change: the previous details are forgotten. Office roles only; ErrNotFound when the item is not open.
func (a *App) CloseWorkItem(ctx context.Context, actor Actor, id int64) error {
	if err := actor.Allow(OfficeRoles); err != nil {
		return err
	}
	return a.Store.tx(ctx, func(tx *sqlx.Tx) error {
		w, err := a.markWorkItemDone(ctx, tx, actor.ID(), id)
		if err != nil {
			return err
		}
		if w.Kind == WorkContactChanged && w.PersonID != nil {
			if err := a.confirmContactChange(ctx, tx, *w.PersonID); err != nil {
				return err
			}
		}
		staffID := actor.ID()
		return a.Audit(ctx, tx, AuditEntry{StaffID: &staffID, Action: AuditWorkItemDone, PersonID: w.PersonID,
			RegistrationID: w.RegistrationID, GroupID: w.GroupID, Detail: map[string]any{"kind": w.Kind, "id": w.ID}})
	})
}

// CodeStatus is what office staff see of a registration's personal code and of an online contact change.
type CodeStatus struct {
	Discreet, CodeSet, Locked bool
	// ChangedAt is when the contact details were changed online, zero when staff confirmed the change (or there
	// was none); Previous holds the details from before, until then.
	ChangedAt time.Time
	Previous  *Contact
	// Open are the registration's open work items.
	Open []WorkItem
}

// CodeStatusForStaff reads the code status, an unconfirmed online contact change and the open work items of
// registration regID. Office roles only; ErrNotFound for an unknown registration.
func (a *App) CodeStatusForStaff(ctx context.Context, actor Actor, regID int64) (CodeStatus, error) {
	if err := actor.Allow(OfficeRoles); err != nil {
		return CodeStatus{}, err
	}
	st, err := a.codeStateOf(ctx, a.Store.DB, regID)
	if err != nil {
		return CodeStatus{}, err
	}
	out := CodeStatus{Discreet: st.Discreet, CodeSet: st.HasCode(), Locked: st.Locked()}
	changed, previous, err := a.contactChangeOf(ctx, a.Store.DB, regID)
	if err != nil {
		return out, err
	}
	if changed != nil {
		out.ChangedAt = *changed
		if text, err := a.Keys.Decrypt(previous); err == nil && text != "" {
			var c Contact
			if json.Unmarshal([]byte(text), &c) == nil {
				out.Previous = &c
			}
		}
	}
	items, err := a.openWorkItems(ctx, a.Store.DB)
	if err != nil {
		return out, err
	}
	for _, w := range items {
		if w.RegistrationID != nil && *w.RegistrationID == regID {
			w.Detail = a.workDetail(w)
			out.Open = append(out.Open, w)
		}
	}
	return out, nil
}

// workDetail is the decrypted detail of a work item as staff read it: the contact details she asked for, one
// line; an unreadable detail shows as none.
func (a *App) workDetail(w WorkItem) string {
	text, err := a.Keys.Decrypt(w.DetailEnc)
	if err != nil || text == "" {
		return ""
	}
	if w.Kind != WorkRequestContact {
		return text
	}
	var c ContactInput
	if json.Unmarshal([]byte(text), &c) != nil {
		return ""
	}
	var parts []string
	for _, v := range []string{c.Email, c.Phone, c.SafeTimes} {
		if v != "" {
			parts = append(parts, v)
		}
	}
	return strings.Join(parts, " · ")
}
