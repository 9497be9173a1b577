package app

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// The work queue's queries (see work_queue.go). Each returns its kind's items in no particular order; every
// column a kind does not use comes back NULL or empty.

// storedQueueItems lists the open work items: all of them for the office (office true), else only the
// two-absences alerts of the groups in leads. A free seat carries the free seats and the people waiting on its
// track (adults or children), counted now.
func storedQueueItems(ctx context.Context, q sqlx.QueryerContext, office bool, leads []int64) ([]WorkQueueItem, error) {
	var out []WorkQueueItem
	err := sqlx.SelectContext(ctx, q, &out, `SELECT w.kind, w.created_at AS since, s.starts_at AS at,
			w.id AS work_item_id, w.registration_id, w.person_id, w.group_id, w.session_id,
			g.name AS group_name, o.name AS offering_name, p.display_name_enc, w.detail_enc,
			CASE WHEN w.kind = 'seat_free' THEN GREATEST(0,
				CASE WHEN r.role = 'child' THEN g.child_capacity ELSE g.capacity END
				- (SELECT count(*) FROM registrations x WHERE x.group_id = w.group_id
				     AND (x.role = 'child') = (r.role = 'child') AND x.status IN ('admitted', 'offered')
				     AND NOT x.over_capacity)) ELSE 0 END AS free,
			CASE WHEN w.kind = 'seat_free' THEN (SELECT count(*) FROM registrations x WHERE x.group_id = w.group_id
				AND (x.role = 'child') = (r.role = 'child') AND x.status = 'waitlisted') ELSE 0 END AS waiting
		FROM work_items w
		LEFT JOIN people p ON p.id = w.person_id
		LEFT JOIN sessions s ON s.id = w.session_id
		LEFT JOIN registrations r ON r.id = w.registration_id
		LEFT JOIN groups g ON g.id = COALESCE(w.group_id, r.group_id)
		LEFT JOIN offerings o ON o.id = r.offering_id
		WHERE w.done_at IS NULL AND ($1 OR (w.kind = 'absence_alert' AND w.group_id = ANY($2)))`,
		office, pq.Int64Array(leads))
	if err != nil {
		return nil, fmt.Errorf("store: unable to list work items: %w", err)
	}
	return out, nil
}

// requestQueueItems lists the requests to contact (requested), the intake talks planned in [today, tomorrow)
// and those before today still without a decision. A household shows once, through its adults.
func requestQueueItems(ctx context.Context, q sqlx.QueryerContext, today, tomorrow time.Time) ([]WorkQueueItem, error) {
	var out []WorkQueueItem
	err := sqlx.SelectContext(ctx, q, &out, `SELECT
			CASE WHEN r.status = 'requested' THEN 'new_request'
			     WHEN r.intake_at >= $1 THEN 'intake_today' ELSE 'intake_past' END AS kind,
			CASE WHEN r.status = 'requested' THEN r.created_at
			     WHEN r.intake_at >= $1 THEN $1::timestamptz ELSE r.intake_at END AS since,
			r.intake_at AS at, r.id AS registration_id, r.person_id, r.group_id, g.name AS group_name,
			o.name AS offering_name, p.display_name_enc
		FROM registrations r JOIN people p ON p.id = r.person_id JOIN offerings o ON o.id = r.offering_id
		LEFT JOIN groups g ON g.id = r.group_id
		WHERE r.role <> 'child' AND (r.status = 'requested'
		   OR (r.status = 'intake_planned' AND r.intake_at IS NOT NULL AND r.intake_at < $2))`, today, tomorrow)
	if err != nil {
		return nil, fmt.Errorf("store: unable to list requests: %w", err)
	}
	return out, nil
}

// offersExpiring lists the open waiting-list offers that end within OfferExpiringWithin of now; an item arises
// when the offer enters that window.
func offersExpiring(ctx context.Context, q sqlx.QueryerContext, now time.Time) ([]WorkQueueItem, error) {
	var out []WorkQueueItem
	err := sqlx.SelectContext(ctx, q, &out, `SELECT 'offer_expiring' AS kind,
			r.offer_expires_at - $2::float8 * interval '1 second' AS since, r.offer_expires_at AS at,
			r.id AS registration_id, r.person_id, r.group_id, g.name AS group_name, p.display_name_enc
		FROM registrations r JOIN people p ON p.id = r.person_id JOIN groups g ON g.id = r.group_id
		WHERE r.status = 'offered' AND r.offer_expires_at > $1 AND r.offer_expires_at <= $1::timestamptz + $2::float8 * interval '1 second'`,
		now, OfferExpiringWithin.Seconds())
	if err != nil {
		return nil, fmt.Errorf("store: unable to list expiring offers: %w", err)
	}
	return out, nil
}

// waakvlamToPlan lists the organisations' Waakvlam requests not planned yet.
func waakvlamToPlan(ctx context.Context, q sqlx.QueryerContext) ([]WorkQueueItem, error) {
	var out []WorkQueueItem
	err := sqlx.SelectContext(ctx, q, &out, `SELECT 'waakvlam_request' AS kind, created_at AS since,
			id AS waakvlam_id, organisation
		FROM waakvlam_requests WHERE status = 'requested'`)
	if err != nil {
		return nil, fmt.Errorf("store: unable to list Waakvlam requests: %w", err)
	}
	return out, nil
}

// rollCallsMissing lists the planned sessions of the groups staff member staffID may see (groupScopeSQL) that
// ended within EditWindow before now without a roll call: no mark recorded by staff (a participant's own excuse
// is none), as the take-attendance mail counts it. Older ones only an admin can still fill in, from the group.
func rollCallsMissing(ctx context.Context, q sqlx.QueryerContext, staffID int64, now time.Time) ([]WorkQueueItem, error) {
	var out []WorkQueueItem
	err := sqlx.SelectContext(ctx, q, &out, `SELECT 'rollcall_missing' AS kind, s.ends_at AS since,
			s.starts_at AS at, s.id AS session_id, g.id AS group_id, g.name AS group_name
		FROM sessions s JOIN groups g ON g.id = s.group_id
		WHERE s.status = 'planned' AND g.status <> 'cancelled'
		  AND s.ends_at <= $2 AND s.ends_at > $2::timestamptz - $3::float8 * interval '1 second'
		  AND NOT EXISTS (SELECT 1 FROM attendance a WHERE a.session_id = s.id AND NOT a.by_self)
		  AND `+groupScopeSQL("g.id", "$1"), staffID, now, EditWindow.Seconds())
	if err != nil {
		return nil, fmt.Errorf("store: unable to list roll calls not taken: %w", err)
	}
	return out, nil
}

// mailsFailed lists the mails whose last try, within FailedMailWindow before now, failed for good. Resending one (or
// cancelling it) takes it off the queue.
func mailsFailed(ctx context.Context, q sqlx.QueryerContext, now time.Time) ([]WorkQueueItem, error) {
	var out []WorkQueueItem
	err := sqlx.SelectContext(ctx, q, &out, `SELECT * FROM (SELECT 'mail_failed' AS kind,
			COALESCE((SELECT max(t.at) FROM outbox_attempts t WHERE t.outbox_id = m.id), m.created_at) AS since,
			m.id AS outbox_id, m.kind AS mail_kind
		FROM outbox m WHERE m.status = 'failed') f WHERE f.since > $1::timestamptz - $2::float8 * interval '1 second'`,
		now, FailedMailWindow.Seconds())
	if err != nil {
		return nil, fmt.Errorf("store: unable to list failed mails: %w", err)
	}
	return out, nil
}
