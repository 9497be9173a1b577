package app

import (
	"context"
	"slices"
	"time"

	"portal/app/locale"
)

// The work queue: everything a staff member must do, per role, oldest first, each one click from its action.
// Two sorts of item make it up.
//
// Stored items (the work_items table, see workitems.go) are made in the transaction of their cause and closed by
// the action that does the work: what a person asked through her personal page (the moment does not suit,
// please contact me, a locked link, a request without a code), a free seat in an intake group while people wait
// (kept in step by the seat reconciliation) and two unexcused absences in a row (the roll call raises it; the
// coordinator closes it after calling). Their cause is an event that leaves no trace in the data otherwise, so
// they must be stored.
//
// Derived items are read by a query each time the queue is shown: their cause is a state the data already holds
// (a registration waiting for contact, an intake today, an offer about to expire, a Waakvlam request not yet
// planned, a session that ended without roll call, a mail that failed). A query cannot get out of step with that
// state, and the item is gone as soon as the state changes, whichever page changed it.
const (
	QueueNewRequest      = "new_request"      // a request (status requested): contact her and plan the intake
	QueueIntakeToday     = "intake_today"     // an intake talk planned for today
	QueueIntakePast      = "intake_past"      // an intake talk that is past without a decision: decide, or plan again
	QueueOfferExpiring   = "offer_expiring"   // a waiting-list offer that expires within OfferExpiringWithin
	QueueWaakvlamRequest = "waakvlam_request" // an organisation's Waakvlam request to plan
	QueueRollCallMissing = "rollcall_missing" // a session that ended (within EditWindow) without a roll call
	QueueMailFailed      = "mail_failed"      // a mail that failed for good (within FailedMailWindow)
)

// OfferExpiringWithin is how close to its end an open offer shows in the queue.
const OfferExpiringWithin = 24 * time.Hour

// FailedMailWindow is how long a failed mail stays in the queue: after that resending it rarely makes sense (a
// reminder for a past session); the mail page still lists it.
const FailedMailWindow = 14 * 24 * time.Hour

// QueueKinds lists every kind of the work queue, stored and derived, in the order the digest mail lists them.
var QueueKinds = []string{QueueNewRequest, QueueIntakeToday, QueueIntakePast, WorkSeatFree, QueueOfferExpiring,
	WorkAbsenceAlert, WorkMomentUnsuitable, WorkContactMe, WorkCodeLocked, WorkContactChanged, WorkRequestContact,
	WorkRequestNewLink, WorkRequestCancel, QueueWaakvlamRequest, QueueRollCallMissing, QueueMailFailed}

// WorkQueueItem is one line of the work queue. Only the ids that its kind needs are set; the page builds the link
// to the action from them.
type WorkQueueItem struct {
	Kind string `db:"kind"`
	// Since is when the work arose (a request's arrival, the end of a session, the start of today for an intake
	// today); the queue is sorted on it, oldest first.
	Since time.Time `db:"since"`
	// At is the moment the item is about, if any: the session's start, the intake, the offer's end.
	At *time.Time `db:"at"`
	// WorkItemID is a stored item's id (it can be closed with CloseWorkItem), 0 for a derived item.
	WorkItemID     int64  `db:"work_item_id"`
	RegistrationID *int64 `db:"registration_id"`
	PersonID       *int64 `db:"person_id"`
	GroupID        *int64 `db:"group_id"`
	SessionID      *int64 `db:"session_id"`
	WaakvlamID     *int64 `db:"waakvlam_id"`
	OutboxID       *int64 `db:"outbox_id"`
	// GroupName (or else OfferingName) says where the item belongs; empty when nowhere.
	GroupName    Text `db:"group_name"`
	OfferingName Text `db:"offering_name"`
	// Organisation is a Waakvlam request's organisation; MailKind a failed mail's kind.
	Organisation string `db:"organisation"`
	MailKind     string `db:"mail_kind"`
	// Free and Waiting are, for a free seat, the free seats and the people waiting on its track.
	Free    int `db:"free"`
	Waiting int `db:"waiting"`

	PersonNameEnc []byte `db:"display_name_enc"`
	DetailEnc     []byte `db:"detail_enc"`
	// PersonName is the person's name or alias, decrypted; Detail a stored item's detail as workDetail reads it.
	PersonName string `db:"-"`
	Detail     string `db:"-"`
}

// Stored reports whether the item is a work item someone closes by hand ("Gedaan").
func (w WorkQueueItem) Stored() bool { return w.WorkItemID != 0 }

// WorkQueue lists what the actor must do, oldest first: for office roles every kind, for a facilitator the roll
// calls not taken and the two-absences alerts of the groups they lead. Whose names were listed is written to the
// audit log (work_queue.view). ErrForbidden for an inactive account.
func (a *App) WorkQueue(ctx context.Context, actor Actor) ([]WorkQueueItem, error) {
	if err := actor.Allow(AllRoles); err != nil {
		return nil, err
	}
	items, err := a.workQueue(ctx, actor)
	if err != nil {
		return nil, err
	}
	var people []int64
	for _, it := range items {
		if it.PersonID != nil && !slices.Contains(people, *it.PersonID) {
			people = append(people, *it.PersonID)
		}
	}
	if len(people) > 0 {
		by := actor.ID()
		if err := a.Audit(ctx, a.Store.DB, AuditEntry{StaffID: &by, Action: AuditWorkQueueView,
			Detail: map[string]any{"people": people}}); err != nil {
			return nil, err
		}
	}
	return items, nil
}

// workQueue reads the actor's queue without auditing it (the digest counts it and shows no name).
func (a *App) workQueue(ctx context.Context, actor Actor) ([]WorkQueueItem, error) {
	now := a.Now()
	today := startOfDay(now)
	var out []WorkQueueItem
	add := func(rows []WorkQueueItem, err error) error {
		out = append(out, rows...)
		return err
	}
	office := actor.SeesAllGroups()
	if err := add(storedQueueItems(ctx, a.Store.DB, office, actor.Leads)); err != nil {
		return nil, err
	}
	if err := add(rollCallsMissing(ctx, a.Store.DB, actor.ID(), now)); err != nil {
		return nil, err
	}
	if office {
		if err := add(requestQueueItems(ctx, a.Store.DB, today, today.AddDate(0, 0, 1))); err != nil {
			return nil, err
		}
		if err := add(offersExpiring(ctx, a.Store.DB, now)); err != nil {
			return nil, err
		}
		if err := add(waakvlamToPlan(ctx, a.Store.DB)); err != nil {
			return nil, err
		}
		if err := add(mailsFailed(ctx, a.Store.DB, now)); err != nil {
			return nil, err
		}
	}
	openNames(a.Keys, out, func(w *WorkQueueItem) ([]byte, *string) { return w.PersonNameEnc, &w.PersonName })
	for i := range out {
		if out[i].Stored() {
			out[i].Detail = a.workDetail(WorkItem{Kind: out[i].Kind, DetailEnc: out[i].DetailEnc})
		}
	}
	slices.SortStableFunc(out, func(x, y WorkQueueItem) int { return x.Since.Compare(y.Since) })
	return out, nil
}

// startOfDay is midnight (Brussels) of the day of t.
func startOfDay(t time.Time) time.Time {
	l := t.In(locale.Brussels)
	return time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, locale.Brussels)
}
