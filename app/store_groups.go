package app

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/jmoiron/sqlx"
)

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
