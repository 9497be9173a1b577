package main

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/jmoiron/sqlx"

	"portal/app"
	"portal/app/db"
	"portal/internal/testenv"
)

func TestMain(m *testing.M) { testenv.Main(m) }

// tables are where a signup leaves rows.
var tables = []string{"people", "registrations", "registration_events", "consents", "outbox", "form_submissions"}

func rows(t *testing.T, conn *sqlx.DB) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, tb := range tables {
		var n int
		if err := conn.Get(&n, `SELECT count(*) FROM `+tb); err != nil {
			t.Fatal(err)
		}
		out[tb] = n
	}
	return out
}

func grew(before, after map[string]int) string {
	var b strings.Builder
	for _, tb := range tables {
		fmt.Fprintf(&b, "%s +%d ", tb, after[tb]-before[tb])
	}
	return b.String()
}

// The pgbench script does the work of app.SignUp: for a seat (with its reminders) and for a waiting-list place,
// the app and the script leave the same rows in the same tables, so pgbench's rate is a fair ceiling.
func TestSignupScriptLeavesWhatSignUpLeaves(t *testing.T) {
	bin, err := findPgbench()
	if err != nil {
		t.Skip(err)
	}
	dbURL := testenv.URL(t)
	conn, err := db.Open(context.Background(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	a, err := app.New(conn, app.Config{BaseURL: "http://localhost", SecretKey: strings.Repeat("k", 32)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Seed(t.Context()); err != nil {
		t.Fatal(err)
	}
	// Two groups alike, one seat each: one for the app, one for the script.
	groups, err := makeGroups(t.Context(), conn, "test", 2, 1)
	if err != nil {
		t.Fatal(err)
	}
	byApp := func(i int) string {
		before := rows(t, conn)
		_, err := a.SignUp(t.Context(), app.SignupInput{GroupID: groups[0].ID, Name: "Sofie Claes",
			Email: fmt.Sprintf("s%d@example.org", i), Organisation: "CAW", Sector: "caw", Consent: true,
			ConsentText: app.Consent{Version: "v", Text: "ok"}, Language: "nl", SubmissionKey: fmt.Sprintf("test-submission-key-%d", i)})
		if err != nil {
			t.Fatal(err)
		}
		return grew(before, rows(t, conn))
	}
	byScript := func() string {
		before := rows(t, conn)
		r, err := pgbenchRun{DatabaseURL: libpqURL(t, dbURL), Clients: 1, Transactions: 1, Dir: t.TempDir(),
			Vars: map[string]string{"group_lo": strconv.FormatInt(groups[1].ID, 10), "group_n": "1", "consent": "ok"}}.run(bin)
		if err != nil || r.Requests != 1 {
			t.Fatalf("pgbench: %v, %d done", err, r.Requests)
		}
		return grew(before, rows(t, conn))
	}
	var left []string
	for i, what := range []string{"a seat", "a waiting-list place"} {
		app, script := byApp(i), byScript()
		if app != script {
			t.Errorf("%s: the app left %s, the script %s", what, app, script)
		}
		left = append(left, app)
	}
	if left[0] == left[1] || strings.Contains(left[0], "outbox +1 ") {
		t.Errorf("a seat left %s, a waiting-list place %s: a seat should come with its reminders", left[0], left[1])
	}
}

// libpqURL turns pgtestdb's address (postgres://u:p@:/db?host=...&port=...) into one libpq's URI parser takes.
func libpqURL(t *testing.T, raw string) string {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	u.Host = ""
	return u.String()
}
