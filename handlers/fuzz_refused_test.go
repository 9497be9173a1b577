package handlers_test

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"portal/handlers"
	"portal/internal/testenv"
	"portal/internal/testserver"

	"github.com/jmoiron/sqlx"
)

// FuzzRefusedFormsChangeNothing posts arbitrary bodies (with a valid CSRF pair) to every form a visitor can
// reach without an account, the staff sign-in and "forgot password" among them: the answer is never a server
// error, and an answer that refuses the input (400, 403, 413, 422) leaves every table as it was, row by row (see
// tableDigest). Input that no form should take (invalid UTF-8, a NUL) must be refused before it reaches
// PostgreSQL.
func FuzzRefusedFormsChangeNothing(f *testing.F) {
	srv := testserver.Start(f, testserver.Options{Seed: true, Limits: handlers.Limits{Forms: 1 << 30, Window: time.Minute}})
	c := testserver.Client()
	form := formFor(f, c, srv.URL+"/beheer/login")
	csrf := "_csrf=" + url.QueryEscape(form.Get("_csrf"))
	for _, s := range []string{"email=a%00b%40example.org&password=x", "email=%ff%fe&password=x", "email=%ff%fe",
		"email=a%00b%40example.org", "name=An&email=an@example.be&consent=ja", "alias=%ff%fe&channels=email",
		"email=" + strings.Repeat("x", 300) + "@example.org&password=y", "organisation=CAW%ff&name=An&email=a@b.be&consent=ja",
		"alias=%ff%fe&channels=email&channels=sms", "child_name_1=Lina&child_age_1=-1", "expected_staff=99999999999999999999",
		"_key=" + strings.Repeat("a", 80), "group=-5", "%%%", "a=" + strings.Repeat("x", 5000),
		"channels=email&email=a%00b@example.be"} {
		for which := range uint8(9) {
			f.Add(s, which)
		}
	}
	paths := []string{"/beheer/login", "/beheer/wachtwoord-vergeten", "/aanbod/intervisie/inschrijven/intervisie-bornem",
		"/aanbod/activiteiten/inschrijven/orange-the-world", "/aanbod/lotgenotengroepen/aanvragen", "/aanbod/rotonde/aanvragen",
		"/aanbod/blaffen-of-schuilen/aanvragen", "/aanbod/waakvlam/aanvragen", "/mijn-link"}
	digest := tableDigest(f, srv.DB)
	f.Fuzz(func(t *testing.T, body string, which uint8) {
		path := paths[int(which)%len(paths)]
		before := digest(t)
		switch s := postBody(t, c, srv.URL+path, csrf+"&"+body); {
		case s >= 500:
			t.Fatalf("%s with %q: status %d", path, body, s)
		case s == 400 || s == 403 || s == 413 || s == 422:
			after := digest(t)
			for table, sum := range before {
				if after[table] != sum {
					t.Errorf("%s with %q refused (%d) but changed %s", path, body, s, table)
				}
			}
		}
	})
}

// unwatchedTables change on requests that change nothing a person did: rate-limit counters count refused posts
// too, and the schema's version is the migrator's.
var unwatchedTables = map[string]bool{"rate_limits": true, "schema_version": true}

// tableDigest returns a function that gives an md5 of every row of every table (rate limits aside), by table,
// in one query. A staff session's last_seen_at is left out: every signed-in request moves it on. So are audit
// rows of views (`*.view`): a refused form shows its page again, with the participant's data on it, and that
// showing is audited as any other.
func tableDigest(t testing.TB, db *sqlx.DB) func(t *testing.T) map[string]string {
	t.Helper()
	var tables []string
	testenv.MustSelect(t, db, &tables, `SELECT table_name FROM information_schema.tables
		WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name`)
	var parts []string
	for _, table := range tables {
		if unwatchedTables[table] {
			continue
		}
		// Table names come from the catalogue, never from input.
		row, where := `(to_jsonb(t) - 'last_seen_at')::text`, ""
		if table == "audit_log" {
			where = ` WHERE t.action NOT LIKE '%.view'`
		}
		parts = append(parts, `SELECT '`+table+`' AS name, md5(coalesce(string_agg(`+row+`, '|' ORDER BY `+row+`), '')) AS sum
			FROM "`+table+`" t`+where)
	}
	if len(parts) < 10 {
		t.Fatalf("only %d tables to watch: %v", len(parts), tables)
	}
	query := strings.Join(parts, " UNION ALL ")
	return func(t *testing.T) map[string]string {
		t.Helper()
		var rows []struct {
			Name string `db:"name"`
			Sum  string `db:"sum"`
		}
		testenv.MustSelect(t, db, &rows, query)
		out := make(map[string]string, len(rows))
		for _, r := range rows {
			out[r.Name] = r.Sum
		}
		return out
	}
}
