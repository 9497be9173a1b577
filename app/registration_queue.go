package app

import (
	"context"
	"time"
)

// QueueItem is one open request or waiting person in the intake queue. A household shows once, through the
// parent who filled in the form.
type QueueItem struct {
	RegistrationID int64     `db:"registration_id"`
	PersonID       int64     `db:"person_id"`
	AliasEnc       []byte    `db:"alias_enc"`
	Alias          string    `db:"-"`
	OfferingSlug   string    `db:"offering_slug"`
	OfferingName   Text      `db:"offering_name"`
	GroupID        *int64    `db:"group_id"`
	GroupName      *Text     `db:"group_name"`
	Status         string    `db:"status"`
	Role           string    `db:"role"`
	Children       int       `db:"children"`
	Referrer       *string   `db:"referrer"`
	Municipality   string    `db:"municipality"`
	CreatedAt      time.Time `db:"created_at"`
	// RequestedOn is the request date (a day; staff may set it for a request typed in afterwards).
	RequestedOn    time.Time  `db:"requested_on"`
	IntakeAt       *time.Time `db:"intake_at"`
	OfferExpiresAt *time.Time `db:"offer_expires_at"`
}

// OfferingCount is what staff see of an offering at a glance.
type OfferingCount struct {
	Slug         string `db:"slug"`
	Name         Text   `db:"name"`
	Admission    string `db:"admission"`
	ActiveGroups int    `db:"active_groups"`
	Waiting      int    `db:"waiting"`
	OpenRequests int    `db:"open_requests"`
}

// Queue lists the open requests (requested, intake planned) and waiting people of the offerings with an intake
// or a waiting list, oldest first; for a facilitator only those of the groups they lead. offering "" means all.
// Who was listed is written to the audit log (queue.view). ErrForbidden for an inactive account.
func (a *App) Queue(ctx context.Context, actor Actor, offering string) ([]QueueItem, error) {
	if err := actor.Allow(AllRoles); err != nil {
		return nil, err
	}
	out, err := queueRows(ctx, a.Store.DB, a.Keys, actor.ID(), offering)
	if err != nil {
		return nil, err
	}
	var people []int64
	for _, it := range out {
		people = append(people, it.PersonID)
	}
	by := actor.ID()
	if err := a.Audit(ctx, a.Store.DB, AuditEntry{StaffID: &by, Action: AuditQueueView,
		Detail: map[string]any{"offering": offering, "people": people}}); err != nil {
		return nil, err
	}
	return out, nil
}

// OfferingCounts gives, per active offering: groups running, people waiting, open requests. For the office
// (OfficeRoles): the counts reach beyond any one group, so a facilitator gets ErrForbidden.
func (a *App) OfferingCounts(ctx context.Context, actor Actor) ([]OfferingCount, error) {
	if err := actor.Allow(OfficeRoles); err != nil {
		return nil, err
	}
	return offeringCounts(ctx, a.Store.DB, a.Now())
}
