package app

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

const offeringColumns = `id, slug, kind, audience, admission, discreet, retention_days, reminder_offsets,
	cancel_hours, position, name, summary, description, for_whom, how_to_join, partner, active, created_at`

const groupColumns = `id, offering_id, slug, name, municipality, place_name, address, place_private, capacity,
	child_capacity, closed_after_session, discreet, status, visibility, offer_hours, description, created_at`

// ActiveOfferings lists the active offerings in catalogue order.
func (s *Store) ActiveOfferings(ctx context.Context) ([]Offering, error) {
	var out []Offering
	err := s.DB.SelectContext(ctx, &out, `SELECT `+offeringColumns+` FROM offerings WHERE active ORDER BY position, id`)
	if err != nil {
		return nil, fmt.Errorf("store: unable to list offerings: %w", err)
	}
	return out, nil
}

// OfferingBySlug returns one offering, or ErrNotFound.
func (s *Store) OfferingBySlug(ctx context.Context, slug string) (Offering, error) {
	var o Offering
	err := s.DB.GetContext(ctx, &o, `SELECT `+offeringColumns+` FROM offerings WHERE slug = $1`, slug)
	if errors.Is(err, sql.ErrNoRows) {
		return o, ErrNotFound
	}
	if err != nil {
		return o, fmt.Errorf("store: unable to fetch offering: %w", err)
	}
	return o, nil
}

// OfferingByID returns one offering, or ErrNotFound.
func (s *Store) OfferingByID(ctx context.Context, id int64) (Offering, error) {
	var o Offering
	err := s.DB.GetContext(ctx, &o, `SELECT `+offeringColumns+` FROM offerings WHERE id = $1`, id)
	if errors.Is(err, sql.ErrNoRows) {
		return o, ErrNotFound
	}
	if err != nil {
		return o, fmt.Errorf("store: unable to fetch offering: %w", err)
	}
	return o, nil
}

// PublicGroups lists the groups of an offering that the public may see (not drafts, not private links).
func (s *Store) PublicGroups(ctx context.Context, offeringID int64) ([]Group, error) {
	var out []Group
	err := s.DB.SelectContext(ctx, &out, `SELECT `+groupColumns+` FROM groups
		WHERE offering_id = $1 AND visibility = 'public' AND status IN ('open', 'closed')
		ORDER BY (SELECT min(starts_at) FROM sessions WHERE group_id = groups.id AND starts_at > now()) NULLS LAST, id`,
		offeringID)
	if err != nil {
		return nil, fmt.Errorf("store: unable to list groups: %w", err)
	}
	return out, nil
}

// GroupByID returns one group, or ErrNotFound.
func (s *Store) GroupByID(ctx context.Context, id int64) (Group, error) {
	var g Group
	err := s.DB.GetContext(ctx, &g, `SELECT `+groupColumns+` FROM groups WHERE id = $1`, id)
	if errors.Is(err, sql.ErrNoRows) {
		return g, ErrNotFound
	}
	if err != nil {
		return g, fmt.Errorf("store: unable to fetch group: %w", err)
	}
	return g, nil
}

// SessionsOfOffering returns the sessions of every group of an offering, by group, in time order.
func (s *Store) SessionsOfOffering(ctx context.Context, offeringID int64) (map[int64][]Session, error) {
	var rows []Session
	err := s.DB.SelectContext(ctx, &rows, `SELECT s.id, s.group_id, s.starts_at, s.ends_at, s.status, s.topic,
			s.place_name, s.address
		FROM sessions s JOIN groups g ON g.id = s.group_id
		WHERE g.offering_id = $1 ORDER BY s.starts_at`, offeringID)
	if err != nil {
		return nil, fmt.Errorf("store: unable to list sessions: %w", err)
	}
	out := map[int64][]Session{}
	for _, r := range rows {
		out[r.GroupID] = append(out[r.GroupID], r)
	}
	return out, nil
}

// SeatsTaken counts the seats held (admitted or offered) per group of an offering.
func (s *Store) SeatsTaken(ctx context.Context, offeringID int64) (map[int64]SeatCount, error) {
	var rows []struct {
		GroupID int64 `db:"group_id"`
		SeatCount
	}
	err := s.DB.SelectContext(ctx, &rows, `SELECT group_id,
			count(*) FILTER (WHERE role <> 'child') AS adults,
			count(*) FILTER (WHERE role = 'child') AS children
		FROM registrations
		WHERE offering_id = $1 AND group_id IS NOT NULL AND status IN ('admitted', 'offered') AND NOT over_capacity
		GROUP BY group_id`, offeringID)
	if err != nil {
		return nil, fmt.Errorf("store: unable to count seats: %w", err)
	}
	out := map[int64]SeatCount{}
	for _, r := range rows {
		out[r.GroupID] = r.SeatCount
	}
	return out, nil
}

// UpcomingSessions lists a group's planned sessions that start after now.
func (s *Store) UpcomingSessions(ctx context.Context, groupID int64, now time.Time) ([]Session, error) {
	var out []Session
	err := s.DB.SelectContext(ctx, &out, `SELECT id, group_id, starts_at, ends_at, status, topic, place_name, address
		FROM sessions WHERE group_id = $1 AND status = 'planned' AND starts_at > $2 ORDER BY starts_at`, groupID, now)
	if err != nil {
		return nil, fmt.Errorf("store: unable to list sessions: %w", err)
	}
	return out, nil
}

// GroupBySlug returns one group, or ErrNotFound.
func (s *Store) GroupBySlug(ctx context.Context, slug string) (Group, error) {
	var g Group
	err := s.DB.GetContext(ctx, &g, `SELECT `+groupColumns+` FROM groups WHERE slug = $1`, slug)
	if errors.Is(err, sql.ErrNoRows) {
		return g, ErrNotFound
	}
	if err != nil {
		return g, fmt.Errorf("store: unable to fetch group: %w", err)
	}
	return g, nil
}

// offeringCounts gives, per active offering: groups running (open, with a planned session ending after now),
// people waiting (adults and households once) and open requests (a household counts once).
func offeringCounts(ctx context.Context, q sqlx.QueryerContext, now time.Time) ([]OfferingCount, error) {
	var out []OfferingCount
	err := sqlx.SelectContext(ctx, q, &out, `SELECT o.slug, o.name, o.admission,
			(SELECT count(*) FROM groups g WHERE g.offering_id = o.id AND g.status = 'open'
			   AND EXISTS (SELECT 1 FROM sessions s WHERE s.group_id = g.id AND s.status = 'planned' AND s.ends_at > $1)) AS active_groups,
			(SELECT count(*) FROM registrations r WHERE r.offering_id = o.id AND r.status IN ('waitlisted', 'offered')
			   AND r.role <> 'child') AS waiting,
			(SELECT count(*) FROM registrations r WHERE r.offering_id = o.id AND r.status IN ('requested', 'intake_planned')
			   AND r.role <> 'child' AND (r.household_id IS NULL OR r.id = (SELECT min(h.id) FROM registrations h
			   WHERE h.household_id = r.household_id))) AS open_requests
		FROM offerings o WHERE o.active ORDER BY o.position, o.id`, now)
	if err != nil {
		return nil, fmt.Errorf("store: unable to count offerings: %w", err)
	}
	return out, nil
}

// upsertSeedOffering adds a demo offering, or finds it by slug when it is there already (then it stays as staff
// left it), and returns its id.
func upsertSeedOffering(ctx context.Context, tx sqlx.QueryerContext, o seedOffering) (int64, error) {
	var id int64
	err := sqlx.GetContext(ctx, tx, &id, `INSERT INTO offerings (slug, kind, audience, admission, discreet,
			retention_days, reminder_offsets, position, partner, name, summary, description, for_whom, how_to_join)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
		ON CONFLICT (slug) DO UPDATE SET slug = EXCLUDED.slug
		RETURNING id`,
		o.slug, o.kind, o.audience, o.admission, o.discreet, o.retentionDays, pq.Int64Array(o.offsets), o.position,
		o.partner, o.name, o.summary, o.description, o.forWhom, o.howToJoin)
	if err != nil {
		return 0, fmt.Errorf("store: unable to seed offering %s: %w", o.slug, err)
	}
	return id, nil
}

// offeringTotal counts the offerings, active or not.
func offeringTotal(ctx context.Context, q sqlx.QueryerContext) (int, error) {
	var n int
	if err := sqlx.GetContext(ctx, q, &n, `SELECT count(*) FROM offerings`); err != nil {
		return 0, fmt.Errorf("store: unable to count offerings: %w", err)
	}
	return n, nil
}
