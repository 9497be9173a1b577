package app

import (
	"context"
	"fmt"
	"time"
)

// QueueItem is one open request or waiting person in the intake queue. A household shows once, through the
// parent who filled in the form.
type QueueItem struct {
	RegistrationID int64      `db:"registration_id"`
	PersonID       int64      `db:"person_id"`
	Alias          string     `db:"alias"`
	OfferingSlug   string     `db:"offering_slug"`
	OfferingName   Text       `db:"offering_name"`
	GroupID        *int64     `db:"group_id"`
	GroupName      *Text      `db:"group_name"`
	Status         string     `db:"status"`
	Role           string     `db:"role"`
	Children       int        `db:"children"`
	Referrer       *string    `db:"referrer"`
	Municipality   string     `db:"municipality"`
	CreatedAt      time.Time  `db:"created_at"`
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
	var out []QueueItem
	err := a.Store.DB.SelectContext(ctx, &out, `SELECT r.id AS registration_id, r.person_id, p.display_name AS alias,
			o.slug AS offering_slug, o.name AS offering_name, r.group_id, g.name AS group_name, r.status, r.role,
			(SELECT count(*) FROM registrations c WHERE c.household_id = r.household_id AND c.role = 'child'
			   AND r.household_id IS NOT NULL) AS children,
			r.referrer, p.municipality, r.created_at, r.intake_at, r.offer_expires_at
		FROM registrations r
		JOIN people p ON p.id = r.person_id
		JOIN offerings o ON o.id = r.offering_id
		LEFT JOIN groups g ON g.id = r.group_id
		WHERE r.status IN ('requested', 'intake_planned', 'waitlisted', 'offered') AND r.role <> 'child'
		  AND (r.household_id IS NULL OR r.id = (SELECT min(h.id) FROM registrations h WHERE h.household_id = r.household_id))
		  AND ($2 = '' OR o.slug = $2)
		  AND (EXISTS (SELECT 1 FROM staff_users u WHERE u.id = $1 AND u.role IN ('admin', 'coordinator'))
		       OR (r.group_id IS NOT NULL AND `+GroupScopeSQL("r.group_id", "$1")+`))
		ORDER BY r.status = 'offered' DESC, r.status = 'waitlisted', COALESCE(r.waitlisted_at, r.created_at), r.id`,
		actor.ID(), offering)
	if err != nil {
		return nil, fmt.Errorf("store: unable to read the queue: %w", err)
	}
	var people []int64
	for _, it := range out {
		people = append(people, it.PersonID)
	}
	by := actor.ID()
	if err := a.Audit(ctx, a.Store.DB, AuditEntry{StaffID: &by, Action: "queue.view",
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
	var out []OfferingCount
	err := a.Store.DB.SelectContext(ctx, &out, `SELECT o.slug, o.name, o.admission,
			(SELECT count(*) FROM groups g WHERE g.offering_id = o.id AND g.status = 'open'
			   AND EXISTS (SELECT 1 FROM sessions s WHERE s.group_id = g.id AND s.status = 'planned' AND s.ends_at > $1)) AS active_groups,
			(SELECT count(*) FROM registrations r WHERE r.offering_id = o.id AND r.status IN ('waitlisted', 'offered')
			   AND r.role <> 'child') AS waiting,
			(SELECT count(*) FROM registrations r WHERE r.offering_id = o.id AND r.status IN ('requested', 'intake_planned')
			   AND r.role <> 'child' AND (r.household_id IS NULL OR r.id = (SELECT min(h.id) FROM registrations h
			   WHERE h.household_id = r.household_id))) AS open_requests
		FROM offerings o WHERE o.active ORDER BY o.position, o.id`, a.Now())
	if err != nil {
		return nil, fmt.Errorf("store: unable to count offerings: %w", err)
	}
	return out, nil
}
