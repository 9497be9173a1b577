package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"portal/app"
)

// group is a group the bench signs people up for.
type group struct {
	ID       int64
	Offering string // offering slug
	Slug     string
	Capacity int
}

// groupSet is a run of groups with consecutive ids, so pgbench can pick one at random.
type groupSet []group

func (s groupSet) ids() []int64 {
	out := make([]int64, len(s))
	for i, g := range s {
		out[i] = g.ID
	}
	return out
}

// The bench copies the seeded intervision offering and its Bornem group (with its sessions, reminders and
// all), so its groups behave like real ones; each offering holds a few groups, as real offerings do.
const (
	templateOffering = "intervisie"
	templateGroup    = "intervisie-bornem"
	groupsPerOffer   = 4
)

// makeGroups adds n groups of the given capacity under new offerings named prefix-1, prefix-2, ...
func makeGroups(ctx context.Context, db *sqlx.DB, prefix string, n, capacity int) (groupSet, error) {
	offCols, err := columnsExcept(ctx, db, "offerings", "id", "slug", "created_at")
	if err != nil {
		return nil, err
	}
	grpCols, err := columnsExcept(ctx, db, "groups", "id", "offering_id", "slug", "capacity", "signup_token_hash", "created_at")
	if err != nil {
		return nil, err
	}
	sesCols, err := columnsExcept(ctx, db, "sessions", "id", "group_id", "created_at", "updated_at", "attendance_mailed_at")
	if err != nil {
		return nil, err
	}
	var tmplGroup int64
	if err := db.GetContext(ctx, &tmplGroup, `SELECT id FROM groups WHERE slug = $1`, templateGroup); err != nil {
		return nil, fmt.Errorf("bench: the demo offer must be loaded (group %s): %w", templateGroup, err)
	}
	tx, err := db.BeginTxx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	var set groupSet
	offerings := (n + groupsPerOffer - 1) / groupsPerOffer
	offeringIDs := make([]int64, offerings)
	for i := range offerings {
		slug := fmt.Sprintf("%s-%d", prefix, i+1)
		// Column names come from the catalogue of the database itself, never from input.
		err := tx.GetContext(ctx, &offeringIDs[i], `INSERT INTO offerings (slug, `+offCols+`)
			SELECT $1, `+offCols+` FROM offerings WHERE slug = $2 RETURNING id`, slug, templateOffering)
		if err != nil {
			return nil, fmt.Errorf("bench: copying the offering: %w", err)
		}
	}
	// Groups go in one after the other, so their ids follow each other.
	for i := range n {
		off := fmt.Sprintf("%s-%d", prefix, i/groupsPerOffer+1)
		g := group{Offering: off, Slug: fmt.Sprintf("%s-groep-%d", off, i%groupsPerOffer+1), Capacity: capacity}
		err := tx.GetContext(ctx, &g.ID, `INSERT INTO groups (offering_id, slug, capacity, `+grpCols+`)
			SELECT $1, $2, $3, `+grpCols+` FROM groups WHERE id = $4 RETURNING id`,
			offeringIDs[i/groupsPerOffer], g.Slug, capacity, tmplGroup)
		if err != nil {
			return nil, fmt.Errorf("bench: copying the group: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO sessions (group_id, `+sesCols+`)
			SELECT $1, `+sesCols+` FROM sessions WHERE group_id = $2`, g.ID, tmplGroup); err != nil {
			return nil, fmt.Errorf("bench: copying the sessions: %w", err)
		}
		set = append(set, g)
	}
	if set[len(set)-1].ID-set[0].ID != int64(len(set)-1) {
		return nil, fmt.Errorf("bench: the group ids of %s do not follow each other", prefix)
	}
	return set, tx.Commit()
}

// columnsExcept lists the columns of a table (from the database's own catalogue) without the given ones.
func columnsExcept(ctx context.Context, db *sqlx.DB, table string, except ...string) (string, error) {
	var cols []string
	err := db.SelectContext(ctx, &cols, `SELECT quote_ident(column_name) FROM information_schema.columns
		WHERE table_schema = current_schema() AND table_name = $1 AND column_name <> ALL($2)
		ORDER BY ordinal_position`, table, pq.Array(except))
	if err != nil {
		return "", fmt.Errorf("bench: reading the columns of %s: %w", table, err)
	}
	return strings.Join(cols, ", "), nil
}

// overbooked counts the groups among ids that hold more seats than their capacity, and the seats and waiting
// places in all.
func overbooked(ctx context.Context, db *sqlx.DB, ids []int64) (over, seats, waiting int, err error) {
	err = db.QueryRowxContext(ctx, `SELECT
			count(*) FILTER (WHERE c.seats > c.capacity), coalesce(sum(c.seats), 0), coalesce(sum(c.waiting), 0)
		FROM (SELECT g.capacity,
				count(r.id) FILTER (WHERE r.status IN ('admitted', 'offered') AND r.role <> 'child') AS seats,
				count(r.id) FILTER (WHERE r.status = 'waitlisted') AS waiting
			FROM groups g LEFT JOIN registrations r ON r.group_id = g.id
			WHERE g.id = ANY($1) GROUP BY g.id) c`, pq.Array(ids)).Scan(&over, &seats, &waiting)
	return over, seats, waiting, err
}

// dropMail cancels the mail queued by signups in groups ids (pgbench's), so the portal's mail worker does not
// spend the next phases sending it.
func dropMail(ctx context.Context, db *sqlx.DB, ids []int64) error {
	_, err := db.ExecContext(ctx, `UPDATE outbox SET status = 'cancelled', last_error = 'bench'
		WHERE status IN ('queued', 'retrying')
		  AND registration_id IN (SELECT id FROM registrations WHERE group_id = ANY($1))`, pq.Array(ids))
	return err
}

// linkPeople signs n people up through the app itself and returns their personal-link tokens.
func linkPeople(ctx context.Context, a *app.App, g group, n int, consent app.Consent) ([]string, error) {
	var tokens []string
	for i := range n {
		res, err := a.SignUp(ctx, app.SignupInput{GroupID: g.ID, Name: fmt.Sprintf("Persoon %d", i),
			Email: fmt.Sprintf("link-%d@bench.example", i), Organisation: "CAW", Sector: "caw", Consent: true,
			ConsentText: consent, Language: "nl"})
		if err != nil {
			return nil, fmt.Errorf("bench: signing up: %w", err)
		}
		tokens = append(tokens, res.Token)
	}
	return tokens, nil
}

// rollCall returns the people with a seat in a group and the group's sessions under way.
func rollCall(ctx context.Context, db *sqlx.DB, g group) (persons, sessions []int64, err error) {
	if err := db.SelectContext(ctx, &persons, `SELECT person_id FROM registrations WHERE group_id = $1
		AND status = 'admitted' ORDER BY id`, g.ID); err != nil {
		return nil, nil, err
	}
	// Marks are taken only once a session has started, and the copied sessions lie ahead: the group's first
	// session is moved to now, so the bench marks a session under way.
	if _, err := db.ExecContext(ctx, `UPDATE sessions SET starts_at = now() - interval '1 hour', ends_at = now() + interval '1 hour'
		WHERE id = (SELECT id FROM sessions WHERE group_id = $1 ORDER BY starts_at LIMIT 1)`, g.ID); err != nil {
		return nil, nil, err
	}
	if err := db.SelectContext(ctx, &sessions, `SELECT id FROM sessions WHERE group_id = $1 AND starts_at <= now()
		ORDER BY starts_at`, g.ID); err != nil {
		return nil, nil, err
	}
	if len(persons) == 0 || len(sessions) == 0 {
		return nil, nil, fmt.Errorf("bench: group %s has no one to mark", g.Slug)
	}
	return persons, sessions, nil
}
