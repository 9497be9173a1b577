package app

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// Queries of the staff search (search.go, search_index.go).

// searchCandidate is a person whose indexed pieces hold every piece of the term, fields still sealed.
type searchCandidate struct {
	ID       int64  `db:"id"`
	Kind     string `db:"kind"`
	NameEnc  []byte `db:"display_name_enc"`
	EmailEnc []byte `db:"email_enc"`
	PhoneEnc []byte `db:"phone_enc"`
}

// searchCandidateRows returns up to limit people (not anonymised), newest first, who hold every one of name, or
// every one of email, or every one of phone (hashed pieces; an empty list matches no one), and whom the actor may
// see: everyone when all, else only people with a registration in one of the groups leads.
func searchCandidateRows(ctx context.Context, q sqlx.QueryerContext, name, email, phone [][]byte, all bool,
	leads []int64, limit int) ([]searchCandidate, error) {
	var out []searchCandidate
	err := sqlx.SelectContext(ctx, q, &out, `
		WITH hits AS (
			SELECT person_id FROM people_search WHERE gram = ANY($1::bytea[])
			GROUP BY person_id HAVING count(*) = cardinality($1::bytea[])
			UNION
			SELECT person_id FROM people_search WHERE gram = ANY($2::bytea[])
			GROUP BY person_id HAVING count(*) = cardinality($2::bytea[])
			UNION
			SELECT person_id FROM people_search WHERE gram = ANY($3::bytea[])
			GROUP BY person_id HAVING count(*) = cardinality($3::bytea[]))
		SELECT p.id, p.kind, p.display_name_enc, p.email_enc, p.phone_enc
		FROM hits JOIN people p ON p.id = hits.person_id
		WHERE p.anonymised_at IS NULL
		  AND ($4 OR EXISTS (SELECT 1 FROM registrations r WHERE r.person_id = p.id AND r.group_id = ANY($5)))
		ORDER BY p.id DESC
		LIMIT $6`, byteaArray(name), byteaArray(email), byteaArray(phone), all, pq.Array(leads), limit)
	if err != nil {
		return nil, fmt.Errorf("store: unable to search people: %w", err)
	}
	return out, nil
}

// foundRegistrations lists the registrations of people, newest first: all when all, else only those in one of
// the groups leads.
func foundRegistrations(ctx context.Context, q sqlx.QueryerContext, people []int64, all bool, leads []int64) ([]FoundRegistration, error) {
	var out []FoundRegistration
	if len(people) == 0 {
		return out, nil
	}
	err := sqlx.SelectContext(ctx, q, &out, `SELECT r.id, r.person_id, r.status, r.role, o.name AS offering_name,
			r.group_id, g.name AS group_name, r.created_at
		FROM registrations r
		JOIN offerings o ON o.id = r.offering_id
		LEFT JOIN groups g ON g.id = r.group_id
		WHERE r.person_id = ANY($1) AND ($2 OR r.group_id = ANY($3))
		ORDER BY r.created_at DESC, r.id DESC`, pq.Array(people), all, pq.Array(leads))
	if err != nil {
		return nil, fmt.Errorf("store: unable to read found registrations: %w", err)
	}
	return out, nil
}

// waakvlamByReferencePrefix lists up to limit Waakvlam requests whose reference starts with prefix, newest first.
func waakvlamByReferencePrefix(ctx context.Context, q sqlx.QueryerContext, prefix string, limit int) ([]FoundWaakvlam, error) {
	var out []FoundWaakvlam
	err := sqlx.SelectContext(ctx, q, &out, `SELECT id, reference, organisation, status FROM waakvlam_requests
		WHERE reference LIKE $1 || '%' ORDER BY id DESC LIMIT $2`, prefix, limit)
	if err != nil {
		return nil, fmt.Errorf("store: unable to find Waakvlam requests: %w", err)
	}
	return out, nil
}
