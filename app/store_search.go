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

// searchCandidateRows returns up to limit people (not anonymised) who hold every one of name, or every one of
// email, or every one of phone (hashed pieces; an empty list matches no one), and whom the actor may see:
// everyone when all, else only people with a registration in one of the groups leads.
//
// Some pieces are held by nearly everyone ("mai" of every address at a mail provider, "een" of many names), so
// the query does not gather every piece's people and count them: per kind it first counts, up to a cap, how many
// people hold each piece, walks the people of the rarest one, and checks the other pieces person by person
// through the primary key. It stops at limit, so a vague term costs no more than a precise one. The people are
// read in a second query by id: joined in the first, the planner could not know how few rows come and scanned
// the whole table for each.
func searchCandidateRows(ctx context.Context, q sqlx.QueryerContext, name, email, phone [][]byte, all bool,
	leads []int64, limit int) ([]searchCandidate, error) {
	var ids []int64
	if err := sqlx.SelectContext(ctx, q, &ids, searchCandidatesSQL, byteaArray(name), byteaArray(email),
		byteaArray(phone), all, pq.Array(leads), limit); err != nil {
		return nil, fmt.Errorf("store: unable to search people: %w", err)
	}
	var out []searchCandidate
	if len(ids) == 0 {
		return out, nil
	}
	if err := sqlx.SelectContext(ctx, q, &out, `SELECT id, kind, display_name_enc, email_enc, phone_enc FROM people
		WHERE id = ANY($1) AND anonymised_at IS NULL`, pq.Array(ids)); err != nil {
		return nil, fmt.Errorf("store: unable to read people found: %w", err)
	}
	return out, nil
}

// searchCandidatesSQL finds the ids of searchCandidateRows: a person once per kind that matched.
var searchCandidatesSQL = `
		WITH hits AS (` + rarestFirst("$1") + ` UNION ALL ` + rarestFirst("$2") + ` UNION ALL ` + rarestFirst("$3") + `)
		SELECT h.person_id FROM hits h
		WHERE $4 OR EXISTS (SELECT 1 FROM registrations r WHERE r.person_id = h.person_id AND r.group_id = ANY($5))
		LIMIT $6`

// rarestFirst is the query of the people holding every piece of the array parameter param (a constant such as
// "$1", never input): the people of its rarest piece (counted up to 50: past that, how common a piece is
// matters little), each checked for the others.
func rarestFirst(param string) string {
	return `SELECT s.person_id FROM people_search s
		WHERE s.gram = (SELECT g FROM unnest(` + param + `::bytea[]) g
		                ORDER BY (SELECT count(*) FROM (SELECT 1 FROM people_search c WHERE c.gram = g LIMIT 50) n)
		                LIMIT 1)
		  AND NOT EXISTS (SELECT 1 FROM unnest(` + param + `::bytea[]) g
		                  WHERE NOT EXISTS (SELECT 1 FROM people_search t WHERE t.gram = g AND t.person_id = s.person_id))`
}

// foundRegistrations lists the registrations of people, newest first: all when all, else only those in one of
// the groups leads.
func foundRegistrations(ctx context.Context, q sqlx.QueryerContext, people []int64, all bool, leads []int64) ([]FoundRegistration, error) {
	var out []FoundRegistration
	if len(people) == 0 {
		return out, nil
	}
	err := sqlx.SelectContext(ctx, q, &out, `SELECT r.id, r.person_id, r.status, r.role, o.name AS offering_name,
			r.group_id, g.name AS group_name, r.created_at, r.requested_on
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
