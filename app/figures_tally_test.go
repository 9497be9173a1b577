package app_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"portal/app"
	"portal/app/locale"
	"portal/internal/testenv"
)

// tallies lists both attendance tallies (rows that count), sorted, for comparing.
func tallies(t *testing.T, db *sqlx.DB) string {
	t.Helper()
	var lines []string
	if err := db.Select(&lines, `SELECT format('session %s: %s/%s', session_id, attended, marked) FROM attendance_session_tally
		WHERE marked <> 0 OR attended <> 0
		UNION ALL
		SELECT format('person %s/%s/%s/%s: %s', year, group_id, person_id, registration_id, attended) FROM attendance_person_tally
		WHERE attended <> 0
		ORDER BY 1`); err != nil {
		t.Fatal(err)
	}
	return strings.Join(lines, "\n")
}

// checkTallies fails when the tallies the triggers kept differ from the ones computed from scratch.
func checkTallies(t *testing.T, db *sqlx.DB, when string) {
	t.Helper()
	kept := tallies(t, db)
	if _, err := db.Exec(`SELECT attendance_tally_rebuild()`); err != nil {
		t.Fatal(err)
	}
	if rebuilt := tallies(t, db); kept != rebuilt {
		t.Errorf("%s: the tallies kept by the triggers differ from a rebuild:\nkept:\n%s\nrebuilt:\n%s", when, kept, rebuilt)
	}
	if kept == "" {
		t.Errorf("%s: the tallies are empty", when)
	}
}

func TestAttendanceTalliesFollowEveryChange(t *testing.T) {
	a := seeded(t)
	ctx := t.Context()
	y := &yearBuilder{t: t, a: a, staff: app.Actor{Staff: app.Staff{ID: staffMember(t, a), Role: app.RoleAdmin, Active: true}}}
	d := func(m time.Month, day int) time.Time { return time.Date(2025, m, day, 19, 0, 0, 0, locale.Brussels) }
	y.at(time.Date(2025, 1, 6, 9, 0, 0, 0, locale.Brussels))
	group, sessions := y.group("lotgenotengroepen", "tally-peer", "Mechelen", 10, 0, d(12, 2), 4, 2) // 2 Dec .. 13 Jan
	var people []int64
	for _, alias := range []string{"Ann", "Bea", "Cis"} {
		r := request(t, a, "lotgenotengroepen", group, alias)
		y.admit(r.RegistrationID)
		people = append(people, y.person(r.RegistrationID))
	}
	y.mark(sessions[0], map[int64]string{people[0]: "present", people[1]: "late", people[2]: "absent"})
	y.mark(sessions[1], map[int64]string{people[0]: "present", people[1]: "excused", people[2]: "present"})
	y.mark(sessions[2], map[int64]string{people[0]: "present", people[1]: "present", people[2]: "present"})
	checkTallies(t, a.Store.DB, "after three roll calls")

	// A mark corrected, a roll call sent again unchanged, a walk-in.
	y.mark(sessions[0], map[int64]string{people[2]: "present", people[1]: "absent"})
	y.mark(sessions[0], map[int64]string{people[2]: "present", people[1]: "absent"})
	y.at(d(12, 16).Add(time.Hour)) // the walk-in comes to the second session, while it runs
	if _, err := a.AddWalkIn(ctx, y.staff, sessions[1], "Dora", app.RoleParticipant); err != nil {
		t.Fatal(err)
	}
	checkTallies(t, a.Store.DB, "after corrections and a walk-in")
	var n int
	testenv.MustGet(t, a.Store.DB, &n, `SELECT attended FROM attendance_session_tally WHERE session_id = $1`, sessions[0])
	if n != 2 {
		t.Errorf("first session: %d attended, want 2 (Ann and Cis)", n)
	}

	// A session cancelled and restored, one moved into the next year, one deleted.
	for _, q := range []string{
		`UPDATE sessions SET status = 'cancelled' WHERE id = $1`,
		`UPDATE sessions SET status = 'planned' WHERE id = $1`,
		`UPDATE sessions SET status = 'cancelled' WHERE id = $1`,
	} {
		a.Store.DB.MustExec(q, sessions[1])
		checkTallies(t, a.Store.DB, q)
	}
	a.Store.DB.MustExec(`UPDATE sessions SET starts_at = starts_at + interval '30 days', ends_at = ends_at + interval '30 days'
		WHERE id = $1`, sessions[0])
	checkTallies(t, a.Store.DB, "after a session moved to the next year")
	a.Store.DB.MustExec(`DELETE FROM sessions WHERE id = $1`, sessions[2])
	checkTallies(t, a.Store.DB, "after a session was deleted")

	// Erasure keeps the person (as a number); deleting a person and their registrations takes their marks along.
	if err := a.Erase(ctx, app.Actor{Staff: app.Staff{ID: y.staff.ID(), Role: app.RoleAdmin, Active: true}}, people[0]); err != nil {
		t.Fatal(err)
	}
	a.Store.DB.MustExec(`DELETE FROM people WHERE id = $1`, people[2])
	checkTallies(t, a.Store.DB, "after an erasure and a deletion")

	// A group deleted with its sessions leaves nothing counted.
	a.Store.DB.MustExec(`DELETE FROM registrations WHERE group_id = $1`, group)
	a.Store.DB.MustExec(`DELETE FROM groups WHERE id = $1`, group)
	if left := tallies(t, a.Store.DB); left != "" {
		t.Errorf("a deleted group is still counted:\n%s", left)
	}
}

func TestAttendanceTalliesUnderConcurrentRollCalls(t *testing.T) {
	a := seeded(t)
	ctx := t.Context()
	staff := app.Actor{Staff: app.Staff{ID: staffMember(t, a), Role: app.RoleAdmin, Active: true}}
	start := time.Date(2025, 3, 4, 19, 0, 0, 0, locale.Brussels)
	a.Now = func() time.Time { return start.AddDate(0, 0, -30) }
	y := &yearBuilder{t: t, a: a, staff: staff}
	group, sessions := y.group("intervisie", "tally-concurrent", "Lier", 40, 0, start, 5, 1)
	var people []int64
	for i := range 12 {
		res, err := a.SignUp(ctx, app.SignupInput{GroupID: group, Name: fmt.Sprintf("Pro %d", i), Email: fmt.Sprintf("c%d@example.be", i),
			Organisation: "Org", Sector: "police", Consent: true, ConsentText: consentText})
		if err != nil {
			t.Fatal(err)
		}
		people = append(people, y.person(res.RegistrationID))
	}
	a.Now = func() time.Time { return start.AddDate(0, 0, 40) }
	// Every session's roll call is sent by several phones at once, each with its own changes, many times.
	var wg sync.WaitGroup
	errs := make(chan error, 200)
	for w := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for round := range 5 {
				session := sessions[(w+round)%len(sessions)]
				marks := map[int64]string{}
				for i, p := range people {
					if (i+w+round)%3 != 0 {
						marks[p] = app.Marks[(i*7+w+round)%len(app.Marks)]
					}
				}
				if err := a.MarkManyWithReason(ctx, staff, session, marks, "paper_list"); err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	checkTallies(t, a.Store.DB, "after concurrent roll calls")
}
