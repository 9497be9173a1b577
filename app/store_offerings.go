package app

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

const offeringColumns = `id, slug, kind, audience, admission, discreet, retention_days, reminder_offsets,
	cancel_hours, position, name, summary, description, for_whom, how_to_join, partner, active, created_at`

// activeOfferings lists the active offerings in catalogue order.
func activeOfferings(ctx context.Context, q sqlx.QueryerContext) ([]Offering, error) {
	var out []Offering
	err := sqlx.SelectContext(ctx, q, &out, `SELECT `+offeringColumns+` FROM offerings WHERE active ORDER BY position, id`)
	if err != nil {
		return nil, fmt.Errorf("store: unable to list offerings: %w", err)
	}
	return out, nil
}

// OfferingBySlug is offeringBySlug on the database, for callers outside a transaction.
func (s *Store) OfferingBySlug(ctx context.Context, slug string) (Offering, error) {
	return offeringBySlug(ctx, s.DB, slug)
}

// offeringBySlug returns one offering, or ErrNotFound.
func offeringBySlug(ctx context.Context, q sqlx.QueryerContext, slug string) (Offering, error) {
	var o Offering
	if err := sqlx.GetContext(ctx, q, &o, `SELECT `+offeringColumns+` FROM offerings WHERE slug = $1`, slug); err != nil {
		return o, notFoundOr(err, "store: unable to fetch offering")
	}
	return o, nil
}

// OfferingByID is offeringByID on the database, for callers outside a transaction.
func (s *Store) OfferingByID(ctx context.Context, id int64) (Offering, error) {
	return offeringByID(ctx, s.DB, id)
}

// offeringByID returns one offering, or ErrNotFound.
func offeringByID(ctx context.Context, q sqlx.QueryerContext, id int64) (Offering, error) {
	var o Offering
	if err := sqlx.GetContext(ctx, q, &o, `SELECT `+offeringColumns+` FROM offerings WHERE id = $1`, id); err != nil {
		return o, notFoundOr(err, "store: unable to fetch offering")
	}
	return o, nil
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

// allOfferings lists every offering, active or not, in catalogue order.
func allOfferings(ctx context.Context, q sqlx.QueryerContext) ([]OfferingSummary, error) {
	var out []OfferingSummary
	err := sqlx.SelectContext(ctx, q, &out, `SELECT `+prefixColumns("o", offeringColumns)+`,
			(SELECT count(*) FROM groups g WHERE g.offering_id = o.id) AS groups
		FROM offerings o ORDER BY o.position, o.id`)
	if err != nil {
		return nil, fmt.Errorf("store: unable to list offerings: %w", err)
	}
	return out, nil
}

// insertOffering stores a new offering from a checked form and returns its id; a taken slug is a validation
// error on the slug field.
func insertOffering(ctx context.Context, tx *sqlx.Tx, f OfferingForm) (int64, error) {
	var id int64
	err := tx.GetContext(ctx, &id, `INSERT INTO offerings (slug, kind, audience, admission, discreet, retention_days,
			reminder_offsets, cancel_hours, position, name, summary, description, for_whom, how_to_join, partner, active)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) RETURNING id`,
		f.Slug, f.Kind, f.Audience, f.Admission, f.Discreet, f.retention, f.offsets, f.cancel, f.position,
		cleanText(f.Name), cleanText(f.Summary), cleanText(f.Description), cleanText(f.ForWhom), cleanText(f.HowToJoin),
		f.Partner, f.Active)
	if pgCode(err) == "23505" {
		return 0, &ValidationError{Fields: map[string]string{"slug": "staff.offer.slug.taken"}}
	}
	if err != nil {
		return 0, fmt.Errorf("store: unable to create offering: %w", err)
	}
	return id, nil
}

// lockOffering reads an offering and locks its row for the rest of the transaction; ErrNotFound when there is
// none.
func lockOffering(ctx context.Context, tx *sqlx.Tx, id int64) (Offering, error) {
	var o Offering
	if err := tx.GetContext(ctx, &o, `SELECT `+offeringColumns+` FROM offerings WHERE id = $1 FOR UPDATE`, id); err != nil {
		return o, notFoundOr(err, "store: unable to fetch offering")
	}
	return o, nil
}

// updateOffering saves the texts and settings of a checked form; slug, kind, audience and admission stay.
func updateOffering(ctx context.Context, tx *sqlx.Tx, id int64, f OfferingForm) error {
	_, err := tx.ExecContext(ctx, `UPDATE offerings SET discreet = $2, retention_days = $3, reminder_offsets = $4,
			cancel_hours = $5, position = $6, name = $7, summary = $8, description = $9, for_whom = $10,
			how_to_join = $11, partner = $12, active = $13
		WHERE id = $1`, id, f.Discreet, f.retention, f.offsets, f.cancel, f.position, cleanText(f.Name),
		cleanText(f.Summary), cleanText(f.Description), cleanText(f.ForWhom), cleanText(f.HowToJoin), f.Partner, f.Active)
	if err != nil {
		return fmt.Errorf("store: unable to save offering: %w", err)
	}
	return nil
}
