package db_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"portal/internal/testenv"
)

// fixture creates one offering, one group with the given capacities, one session and n people.
func fixture(t *testing.T, conn *sqlx.DB, capacity, childCapacity, people int) (groupID, sessionID int64, personIDs []int64) {
	t.Helper()
	var offeringID int64
	conn.MustExec(`INSERT INTO offerings (slug, kind, audience, admission, retention_days, name)
		VALUES ('o', 'event', 'public', 'open', 90, '{"nl":"O"}')`)
	if err := conn.Get(&offeringID, `SELECT id FROM offerings WHERE slug = 'o'`); err != nil {
		t.Fatal(err)
	}
	if err := conn.Get(&groupID, `INSERT INTO groups (offering_id, slug, name, capacity, child_capacity)
		VALUES ($1, 'g', '{"nl":"G"}', $2, $3) RETURNING id`, offeringID, capacity, childCapacity); err != nil {
		t.Fatal(err)
	}
	if err := conn.Get(&sessionID, `INSERT INTO sessions (group_id, starts_at, ends_at)
		VALUES ($1, now() + interval '1 day', now() + interval '1 day 2 hours') RETURNING id`, groupID); err != nil {
		t.Fatal(err)
	}
	for range people {
		var id int64
		if err := conn.Get(&id, `INSERT INTO people (kind) VALUES ('participant') RETURNING id`); err != nil {
			t.Fatal(err)
		}
		personIDs = append(personIDs, id)
	}
	return groupID, sessionID, personIDs
}

func register(conn *sqlx.DB, person, group int64, role, status string) (int64, error) {
	var id int64
	err := conn.Get(&id, `INSERT INTO registrations (person_id, offering_id, group_id, role, status)
		VALUES ($1, (SELECT offering_id FROM groups WHERE id = $2), $2, $3, $4) RETURNING id`, person, group, role, status)
	return id, err
}

func code(err error) string {
	var pqErr *pq.Error
	if errors.As(err, &pqErr) {
		return string(pqErr.Code)
	}
	return ""
}

func TestConstraintsRejectWhatTheyMust(t *testing.T) {
	conn := testenv.DB(t)
	group, session, p := fixture(t, conn, 2, 1, 6)

	if _, err := register(conn, p[0], group, "participant", "admitted"); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		run  func() error
		want string // SQLSTATE
	}{
		{"second active registration of one person in one group", func() error {
			_, err := register(conn, p[0], group, "participant", "waitlisted")
			return err
		}, "23505"},
		{"unknown registration status", func() error {
			_, err := register(conn, p[1], group, "participant", "maybe")
			return err
		}, "23514"},
		{"unknown role", func() error {
			_, err := register(conn, p[1], group, "uncle", "requested")
			return err
		}, "23514"},
		{"admitted without a group", func() error {
			_, err := conn.Exec(`INSERT INTO registrations (person_id, offering_id, status)
				VALUES ($1, (SELECT offering_id FROM groups WHERE id = $2), 'admitted')`, p[1], group)
			return err
		}, "23514"},
		{"unknown offering kind", func() error {
			_, err := conn.Exec(`INSERT INTO offerings (slug, kind, audience, admission, retention_days, name)
				VALUES ('x', 'party', 'public', 'open', 90, '{}')`)
			return err
		}, "23514"},
		{"negative capacity", func() error {
			_, err := conn.Exec(`UPDATE groups SET capacity = -1 WHERE id = $1`, group)
			return err
		}, "23514"},
		{"session ending before it starts", func() error {
			_, err := conn.Exec(`INSERT INTO sessions (group_id, starts_at, ends_at) VALUES ($1, now(), now() - interval '1 hour')`, group)
			return err
		}, "23514"},
		{"attendance twice for one person and session", func() error {
			conn.MustExec(`INSERT INTO attendance (session_id, person_id, status) VALUES ($1, $2, 'present')`, session, p[0])
			_, err := conn.Exec(`INSERT INTO attendance (session_id, person_id, status) VALUES ($1, $2, 'late')`, session, p[0])
			return err
		}, "23505"},
		{"unknown attendance status", func() error {
			_, err := conn.Exec(`INSERT INTO attendance (session_id, person_id, status) VALUES ($1, $2, 'asleep')`, session, p[1])
			return err
		}, "23514"},
		{"staff role outside the fixed set", func() error {
			_, err := conn.Exec(`INSERT INTO staff_users (email, role) VALUES ('a@b.be', 'king')`)
			return err
		}, "23514"},
		{"two staff accounts differing only in case", func() error {
			conn.MustExec(`INSERT INTO staff_users (email, role) VALUES ('Sofie@vh.be', 'admin')`)
			_, err := conn.Exec(`INSERT INTO staff_users (email, role) VALUES ('sofie@VH.be', 'admin')`)
			return err
		}, "23505"},
		{"separation stored the wrong way round", func() error {
			_, err := conn.Exec(`INSERT INTO separations (person_a, person_b) VALUES ($1, $2)`, p[2], p[1])
			return err
		}, "23514"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := code(tc.run()); got != tc.want {
				t.Errorf("SQLSTATE %q, want %q", got, tc.want)
			}
		})
	}
}

func TestGuardKeepsCapacityPerTrack(t *testing.T) {
	conn := testenv.DB(t)
	group, _, p := fixture(t, conn, 2, 1, 6)
	for i, want := range []string{"", "", "VH001"} {
		_, err := register(conn, p[i], group, "parent", "admitted")
		if got := code(err); got != want {
			t.Fatalf("adult %d: SQLSTATE %q, want %q (%v)", i+1, got, want, err)
		}
	}
	// Children have their own seats.
	if _, err := register(conn, p[3], group, "child", "admitted"); err != nil {
		t.Fatalf("first child: %v", err)
	}
	if _, err := register(conn, p[4], group, "child", "admitted"); code(err) != "VH001" {
		t.Fatalf("second child beyond child capacity: %v", err)
	}
	// Staff may override on purpose.
	if _, err := conn.Exec(`INSERT INTO registrations (person_id, offering_id, group_id, role, status, over_capacity)
		VALUES ($1, (SELECT offering_id FROM groups WHERE id = $2), $2, 'parent', 'admitted', true)`, p[5], group); err != nil {
		t.Fatalf("override: %v", err)
	}
}

func TestGuardRefusesTransitionsOutsideTheStateMachine(t *testing.T) {
	conn := testenv.DB(t)
	group, _, p := fixture(t, conn, 5, 0, 2)
	id, err := register(conn, p[0], group, "participant", "requested")
	if err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		to   string
		want string
	}{
		{"completed", "VH003"}, // a request cannot be completed
		{"intake_planned", ""},
		{"admitted", ""},
		{"waitlisted", "VH003"}, // an admitted person is not put back on the list
		{"withdrawn", ""},
		{"admitted", "VH003"}, // withdrawn is final
	}
	for _, s := range steps {
		_, err := conn.Exec(`UPDATE registrations SET status = $1 WHERE id = $2`, s.to, id)
		if got := code(err); got != s.want {
			t.Fatalf("to %s: SQLSTATE %q, want %q (%v)", s.to, got, s.want, err)
		}
	}
}

func TestGuardKeepsSeparatedPeopleApart(t *testing.T) {
	conn := testenv.DB(t)
	group, _, p := fixture(t, conn, 5, 0, 3)
	conn.MustExec(`INSERT INTO separations (person_a, person_b) VALUES ($1, $2)`, p[0], p[1])
	if _, err := register(conn, p[0], group, "participant", "admitted"); err != nil {
		t.Fatal(err)
	}
	// A request is accepted (the form must never reveal who is in a group) ...
	id, err := register(conn, p[1], group, "participant", "requested")
	if err != nil {
		t.Fatalf("request: %v", err)
	}
	// ... but the seat is refused.
	_, err = conn.Exec(`UPDATE registrations SET status = 'admitted' WHERE id = $1`, id)
	if code(err) != "VH002" {
		t.Fatalf("admitting a separated person: %v, want VH002", err)
	}
	if !strings.Contains(err.Error(), "separated") {
		t.Errorf("message %q does not explain", err)
	}
	if _, err := register(conn, p[2], group, "participant", "admitted"); err != nil {
		t.Fatalf("an unrelated person: %v", err)
	}
}
