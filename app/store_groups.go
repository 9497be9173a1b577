package app

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

// Queries about groups: one running group of an offering.

const groupColumns = `id, offering_id, slug, name, municipality, place_name, address, place_private, capacity,
	child_capacity, closed_after_session, discreet, status, visibility, offer_hours, description, created_at`

// GroupByID is groupByID on the database, for callers outside a transaction.
func (s *Store) GroupByID(ctx context.Context, id int64) (Group, error) {
	return groupByID(ctx, s.DB, id)
}

// groupByID returns one group, or ErrNotFound.
func groupByID(ctx context.Context, q sqlx.QueryerContext, id int64) (Group, error) {
	var g Group
	if err := sqlx.GetContext(ctx, q, &g, `SELECT `+groupColumns+` FROM groups WHERE id = $1`, id); err != nil {
		return g, notFoundOr(err, "store: unable to fetch group")
	}
	return g, nil
}

// GroupBySlug is groupBySlug on the database, for callers outside a transaction.
func (s *Store) GroupBySlug(ctx context.Context, slug string) (Group, error) {
	return groupBySlug(ctx, s.DB, slug)
}

// groupBySlug returns one group, or ErrNotFound.
func groupBySlug(ctx context.Context, q sqlx.QueryerContext, slug string) (Group, error) {
	var g Group
	if err := sqlx.GetContext(ctx, q, &g, `SELECT `+groupColumns+` FROM groups WHERE slug = $1`, slug); err != nil {
		return g, notFoundOr(err, "store: unable to fetch group")
	}
	return g, nil
}

// publicGroups lists the groups of an offering that the public may see (not drafts, not private links).
func publicGroups(ctx context.Context, q sqlx.QueryerContext, offeringID int64) ([]Group, error) {
	var out []Group
	err := sqlx.SelectContext(ctx, q, &out, `SELECT `+groupColumns+` FROM groups
		WHERE offering_id = $1 AND visibility = 'public' AND status IN ('open', 'closed')
		ORDER BY (SELECT min(starts_at) FROM sessions WHERE group_id = groups.id AND starts_at > now()) NULLS LAST, id`,
		offeringID)
	if err != nil {
		return nil, fmt.Errorf("store: unable to list groups: %w", err)
	}
	return out, nil
}

// groupsOfOffering lists every group of an offering, drafts and cancelled ones too.
func groupsOfOffering(ctx context.Context, q sqlx.QueryerContext, offeringID int64) ([]Group, error) {
	var out []Group
	err := sqlx.SelectContext(ctx, q, &out, `SELECT `+groupColumns+` FROM groups WHERE offering_id = $1
		ORDER BY name->>'nl', id`, offeringID)
	if err != nil {
		return nil, fmt.Errorf("store: unable to list groups: %w", err)
	}
	return out, nil
}

// visibleGroups lists the groups staff member staffID may see (groupScopeSQL), by offering and name; with
// active, only the running ones: not cancelled, of an active offering, and with no sessions yet or a session
// ending after two weeks before now.
func visibleGroups(ctx context.Context, q sqlx.QueryerContext, staffID int64, active bool, now time.Time) ([]StaffGroup, error) {
	var out []StaffGroup
	err := sqlx.SelectContext(ctx, q, &out, `SELECT g.id, g.offering_id, g.slug, g.name, g.municipality,
			g.place_name, g.address, g.place_private, g.capacity, g.child_capacity, g.closed_after_session,
			g.discreet, g.status, g.visibility, g.offer_hours, g.description, g.created_at,
			o.name AS offering_name, o.slug AS offering_slug,
			(SELECT min(starts_at) FROM sessions s WHERE s.group_id = g.id AND s.status = 'planned' AND s.starts_at > $3) AS next_session,
			(SELECT count(*) FROM sessions s WHERE s.group_id = g.id AND s.status = 'planned' AND s.starts_at > $3) AS upcoming
		FROM groups g JOIN offerings o ON o.id = g.offering_id
		WHERE `+groupScopeSQL("g.id", "$1")+`
		  AND (NOT $2 OR (g.status <> 'cancelled' AND o.active
		       AND (NOT EXISTS (SELECT 1 FROM sessions s WHERE s.group_id = g.id)
		            OR EXISTS (SELECT 1 FROM sessions s WHERE s.group_id = g.id AND s.ends_at > $3 - interval '14 days'))))
		ORDER BY o.position, o.id, g.name->>'nl', g.id`, staffID, active, now)
	if err != nil {
		return nil, fmt.Errorf("store: unable to list groups: %w", err)
	}
	return out, nil
}

// insertGroup stores a new group of offering offeringID from a checked form and returns its id; ErrNotFound
// when the offering does not exist, a validation error on the slug when it is taken.
func insertGroup(ctx context.Context, tx *sqlx.Tx, offeringID int64, f GroupForm) (int64, error) {
	var id int64
	err := tx.GetContext(ctx, &id, `INSERT INTO groups (offering_id, slug, name, municipality, place_name, address,
			place_private, capacity, child_capacity, closed_after_session, discreet, status, visibility, description)
		SELECT o.id, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14 FROM offerings o WHERE o.id = $1
		RETURNING id`, offeringID, f.Slug, cleanText(f.Name), f.Municipality, f.PlaceName, f.Address, f.PlacePrivate,
		f.capacity, f.childCapacity, f.closedAfter, f.discreet, f.Status, f.Visibility, cleanText(f.Description))
	if pgCode(err) == "23505" {
		return 0, &ValidationError{Fields: map[string]string{"slug": "staff.offer.slug.taken"}}
	}
	if err != nil {
		return 0, notFoundOr(err, "store: unable to create group")
	}
	return id, nil
}

// updateGroup saves a group from a checked form; a taken slug is a validation error on the slug field.
func updateGroup(ctx context.Context, tx *sqlx.Tx, groupID int64, f GroupForm) error {
	_, err := tx.ExecContext(ctx, `UPDATE groups SET slug = $2, name = $3, municipality = $4, place_name = $5,
			address = $6, place_private = $7, capacity = $8, child_capacity = $9, closed_after_session = $10,
			discreet = $11, status = $12, visibility = $13, description = $14
		WHERE id = $1`, groupID, f.Slug, cleanText(f.Name), f.Municipality, f.PlaceName, f.Address, f.PlacePrivate,
		f.capacity, f.childCapacity, f.closedAfter, f.discreet, f.Status, f.Visibility, cleanText(f.Description))
	if pgCode(err) == "23505" {
		return &ValidationError{Fields: map[string]string{"slug": "staff.offer.slug.taken"}}
	}
	if err != nil {
		return fmt.Errorf("store: unable to save group: %w", err)
	}
	return nil
}

// lockGroup reads a group and locks its row for the rest of the transaction: every change to a group's seats
// goes through this lock, so concurrent signups queue up and none can overbook.
func lockGroup(ctx context.Context, tx *sqlx.Tx, id int64) (Group, error) {
	var g Group
	err := tx.GetContext(ctx, &g, `SELECT `+groupColumns+` FROM groups WHERE id = $1 FOR UPDATE`, id)
	if errors.Is(err, sql.ErrNoRows) {
		return g, ErrNotFound
	}
	if err != nil {
		return g, fmt.Errorf("store: unable to lock group: %w", err)
	}
	return g, nil
}

// placeOptions lists the open groups of offering offeringID by name, each with the seats left on both tracks
// (an over-capacity seat does not count).
func placeOptions(ctx context.Context, q sqlx.QueryerContext, offeringID int64) ([]PlaceOption, error) {
	var out []PlaceOption
	err := sqlx.SelectContext(ctx, q, &out, `SELECT `+prefixed("g.", groupColumns)+`,
			g.capacity - (SELECT count(*) FROM registrations x WHERE x.group_id = g.id AND x.status IN ('admitted', 'offered')
			              AND NOT x.over_capacity AND x.role <> 'child') AS seats_left,
			g.child_capacity - (SELECT count(*) FROM registrations x WHERE x.group_id = g.id AND x.status IN ('admitted', 'offered')
			              AND NOT x.over_capacity AND x.role = 'child') AS child_seats_left
		FROM groups g WHERE g.offering_id = $1 AND g.status = 'open' ORDER BY g.name->>'nl', g.id`, offeringID)
	if err != nil {
		return nil, fmt.Errorf("store: unable to list groups to place in: %w", err)
	}
	return out, nil
}

// insertSeedGroup adds a demo group to offering offeringID and returns its id, or 0 when a group with its slug is
// there already (then it stays as staff left it).
func insertSeedGroup(ctx context.Context, tx sqlx.QueryerContext, offeringID int64, g seedGroup, closedAfter *int) (int64, error) {
	var id int64
	err := sqlx.GetContext(ctx, tx, &id, `INSERT INTO groups (offering_id, slug, name, municipality, place_name,
			address, place_private, capacity, child_capacity, closed_after_session, discreet, description)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
		ON CONFLICT (slug) DO NOTHING RETURNING id`,
		offeringID, g.slug, Text{"nl": g.nl, "en": g.en}, g.municipality, g.placeName, g.address, g.placePrivate,
		g.capacity, g.children, closedAfter, g.discreet, Text{"nl": g.descriptionNL, "en": g.descEN})
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("store: unable to seed group %s: %w", g.slug, err)
	}
	return id, nil
}

// Queries on groups.

// insertPrivateGroup creates a group reached only through a signup link (its hash given), and returns its id.
// The slug is stored in lower case.
func insertPrivateGroup(ctx context.Context, q sqlx.QueryerContext, offeringID int64, slug string, name Text,
	municipality, placeName, address string, capacity int, signupHash []byte) (int64, error) {
	var id int64
	err := sqlx.GetContext(ctx, q, &id, `INSERT INTO groups (offering_id, slug, name, municipality, place_name, address,
			capacity, visibility, signup_token_hash)
		VALUES ($1, lower($2), $3, $4, $5, $6, $7, 'private', $8) RETURNING id`,
		offeringID, slug, name, municipality, placeName, address, capacity, signupHash)
	if err != nil {
		return 0, fmt.Errorf("store: unable to create private group: %w", err)
	}
	return id, nil
}

// groupBySignupTokenHash returns the private group behind a signup link, or ErrNotFound.
func groupBySignupTokenHash(ctx context.Context, q sqlx.QueryerContext, hash []byte) (Group, error) {
	var g Group
	if err := sqlx.GetContext(ctx, q, &g, `SELECT `+groupColumns+` FROM groups WHERE signup_token_hash = $1`, hash); err != nil {
		return g, notFoundOr(err, "store: unable to read group")
	}
	return g, nil
}

// cancelPrivateGroup cancels a group and stops its signup link.
func cancelPrivateGroup(ctx context.Context, e sqlx.ExecerContext, id int64) error {
	if _, err := e.ExecContext(ctx, `UPDATE groups SET status = 'cancelled', signup_token_hash = NULL WHERE id = $1`, id); err != nil {
		return fmt.Errorf("store: unable to close the group: %w", err)
	}
	return nil
}
