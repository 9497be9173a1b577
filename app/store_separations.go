package app

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"
)

// activeStatuses is the SQL list of registration statuses that hold or ask for a place (Registration.Active).
const activeStatuses = `('requested', 'intake_planned', 'admitted', 'waitlisted', 'offered')`

// insertSeparation records that people personA < personB must never share a group; recording it twice is
// harmless. ErrNotFound when either person does not exist.
func insertSeparation(ctx context.Context, tx sqlx.ExecerContext, personA, personB, staffID int64) error {
	if _, err := tx.ExecContext(ctx, `INSERT INTO separations (person_a, person_b, created_by) VALUES ($1, $2, $3)
		ON CONFLICT DO NOTHING`, personA, personB, staffID); err != nil {
		if pgCode(err) == "23503" {
			return ErrNotFound
		}
		return fmt.Errorf("store: unable to record separation: %w", err)
	}
	return nil
}

// sharedGroups lists the groups where both people are active right now.
func sharedGroups(ctx context.Context, q sqlx.QueryerContext, personA, personB int64) ([]int64, error) {
	var out []int64
	if err := sqlx.SelectContext(ctx, q, &out, `SELECT DISTINCT a.group_id FROM registrations a
		JOIN registrations b ON a.group_id = b.group_id
		WHERE a.person_id = $1 AND b.person_id = $2
		  AND a.status IN `+activeStatuses+` AND b.status IN `+activeStatuses, personA, personB); err != nil {
		return nil, fmt.Errorf("store: unable to find shared groups: %w", err)
	}
	return out, nil
}

// separationsOf lists the people personID must never share a group with, by name, each with the number of
// groups where both are active now.
func separationsOf(ctx context.Context, q sqlx.QueryerContext, k *Keys, personID int64) ([]SeparatedPerson, error) {
	var out []SeparatedPerson
	err := sqlx.SelectContext(ctx, q, &out, `SELECT p.id AS person_id, p.display_name_enc,
			(SELECT count(DISTINCT a.group_id) FROM registrations a JOIN registrations b ON a.group_id = b.group_id
			 WHERE a.person_id = $1 AND b.person_id = p.id
			   AND a.status IN `+activeStatuses+` AND b.status IN `+activeStatuses+`) AS shared
		FROM separations s JOIN people p ON p.id = CASE WHEN s.person_a = $1 THEN s.person_b ELSE s.person_a END
		WHERE s.person_a = $1 OR s.person_b = $1`, personID)
	if err != nil {
		return nil, fmt.Errorf("store: unable to read separations: %w", err)
	}
	openNames(k, out, func(s *SeparatedPerson) ([]byte, *string) { return s.NameEnc, &s.Name })
	sortByName(out, func(s SeparatedPerson) (int, string, int64) { return 0, s.Name, s.PersonID })
	return out, nil
}
