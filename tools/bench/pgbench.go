package main

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"portal/app/db"
)

// signupScript is the portal's signup transaction (app.SignUp for a professional with a new address) as a
// pgbench script: the same statements in the same order, with values of the same size. Where the portal
// passes a value computed in Go (a hash, an encrypted address, a submission key), the script computes it from
// its random number with an immutable expression, so indexes are used as they are for the portal.
// Variables: group_lo and group_n (the groups to spread over; 1 for one hot group), consent (the text).
//
// Keep it in step with app/registration_signup.go: pgbench_test.go checks that both leave the same rows.
const signupScript = `\set g :group_lo + random(0, :group_n - 1)
\set n random(1, 1000000000000000)
SELECT id, offering_id, slug, name, municipality, place_name, address, place_private, capacity,
	child_capacity, closed_after_session, discreet, status, visibility, offer_hours, description, created_at
	FROM groups WHERE id = :g \gset grp_
SELECT id, slug, kind, audience, admission, discreet, retention_days, reminder_offsets,
	cancel_hours, position, name, summary, description, for_whom, how_to_join, partner, active, created_at
	FROM offerings WHERE id = :grp_offering_id;
BEGIN;
INSERT INTO form_submissions (key, kind) VALUES ('pgb' || :client_id::bigint || '-' || :n::bigint, 'signup')
	ON CONFLICT (key) DO NOTHING RETURNING key;
SELECT id, offering_id, slug, name, municipality, place_name, address, place_private, capacity,
	child_capacity, closed_after_session, discreet, status, visibility, offer_hours, description, created_at
	FROM groups WHERE id = :g FOR UPDATE \gset lock_
SELECT count(*) FILTER (WHERE starts_at <= now()), count(*) FILTER (WHERE starts_at > now())
	FROM sessions WHERE group_id = :g AND status = 'planned';
SELECT count(*) FILTER (WHERE status IN ('admitted', 'offered') AND NOT over_capacity) AS taken,
	count(*) FILTER (WHERE status = 'waitlisted') AS waiting
	FROM registrations WHERE group_id = :g AND (role = 'child') = false \gset
\set admitted 0
\if :taken < :lock_capacity and :waiting = 0
\set admitted 1
\endif
SELECT count(*) FROM registrations r JOIN people p ON p.id = r.person_id
	WHERE r.group_id = :g AND p.email_hash = ANY(ARRAY[sha256(('e' || :client_id::bigint || '-' || :n::bigint)::bytea)])
	AND r.status IN ('admitted', 'waitlisted', 'offered');
UPDATE people SET display_name_enc = sha256(('n' || :n::bigint)::bytea) || sha256(('m' || :n::bigint)::bytea), organisation = 'CAW Bench', sector = 'caw', language = 'nl'
	WHERE id = (SELECT id FROM people WHERE kind = 'professional'
	            AND email_hash = ANY(ARRAY[sha256(('e' || :client_id::bigint || '-' || :n::bigint)::bytea)]) AND anonymised_at IS NULL
	            ORDER BY id LIMIT 1)
	RETURNING id;
INSERT INTO people (kind, household_id, display_name_enc, email_enc, email_hash, phone_enc, organisation, sector,
		municipality, age, contact_email, contact_phone, contact_sms, voicemail_ok, safe_times_enc, ics_opt_in, language)
	VALUES ('professional', NULL, sha256(('n' || :n::bigint)::bytea) || sha256(('m' || :n::bigint)::bytea),
		sha256(('a' || :n::bigint)::bytea) || sha256(('b' || :n::bigint)::bytea), sha256(('e' || :client_id::bigint || '-' || :n::bigint)::bytea),
		NULL, 'CAW Bench', 'caw', '', NULL, true, false, false, false, NULL, false, 'nl')
	RETURNING id AS person_id \gset
INSERT INTO registrations (person_id, offering_id, group_id, household_id, role, status, referrer, referrer_detail_enc,
		message_enc, waitlisted_at, offer_expires_at, over_capacity, walk_in, registered_by, token_hash, created_at, updated_at)
	VALUES (:person_id, :grp_offering_id, :g, NULL, 'participant',
		CASE WHEN :admitted = 1 THEN 'admitted' ELSE 'waitlisted' END, NULL, NULL, NULL,
		CASE WHEN :admitted = 1 THEN NULL ELSE now() END, NULL, false, false, NULL,
		sha256(('t' || :client_id::bigint || '-' || :n::bigint)::bytea), now(), now())
	RETURNING id AS reg_id \gset
INSERT INTO registration_events (registration_id, from_status, to_status, staff_id, at)
	VALUES (:reg_id, NULL, CASE WHEN :admitted = 1 THEN 'admitted' ELSE 'waitlisted' END, NULL, now());
INSERT INTO consents (person_id, registration_id, text_version, text, via, staff_id)
	VALUES (:person_id, :reg_id, '2026-11/professional/nl', :consent, 'form', NULL);
INSERT INTO outbox (dedupe_key, kind, due_at, offset_minutes, person_id, staff_id, registration_id, session_id,
		waakvlam_request_id, params, secret_enc)
	VALUES (CASE WHEN :admitted = 1 THEN 'signup_confirmed:' ELSE 'waitlisted:' END || :reg_id::bigint,
		CASE WHEN :admitted = 1 THEN 'signup_confirmed' ELSE 'waitlisted' END, now(), NULL, :person_id, NULL, :reg_id,
		NULL, NULL, '{}', sha256(('s' || :n::bigint)::bytea) || sha256(('u' || :n::bigint)::bytea))
	ON CONFLICT (dedupe_key) DO NOTHING;
\if :admitted = 1
` + reminderPlanSQL + `;
\endif
UPDATE form_submissions SET result = jsonb_build_object('registration_id', :reg_id::bigint,
		'status', CASE WHEN :admitted = 1 THEN 'admitted' ELSE 'waitlisted' END, 'mailed', true)
	WHERE key = 'pgb' || :client_id::bigint || '-' || :n::bigint;
COMMIT;
`

// reminderPlanSQL is app.reminderPlan for one registration, now being now().
const reminderPlanSQL = `INSERT INTO outbox (dedupe_key, kind, due_at, offset_minutes, person_id, registration_id, session_id)
	SELECT 'reminder:' || r.id || ':' || s.id || ':' || m.off, 'reminder', s.starts_at - m.off * interval '1 minute',
		m.off, r.person_id, r.id, s.id
	FROM registrations r
	JOIN groups g ON g.id = r.group_id
	JOIN offerings f ON f.id = g.offering_id
	JOIN sessions s ON s.group_id = g.id
	CROSS JOIN LATERAL unnest(f.reminder_offsets) AS m(off)
	WHERE r.id = :reg_id
	  AND r.status = 'admitted' AND r.role <> 'child' AND s.status = 'planned' AND g.status <> 'cancelled'
	  AND s.starts_at - m.off * interval '1 minute' > now()
	  AND NOT EXISTS (SELECT 1 FROM attendance at
	                  WHERE at.session_id = s.id AND at.person_id = r.person_id AND at.status = 'excused')
	ON CONFLICT (dedupe_key) DO UPDATE
	SET status = 'queued', due_at = EXCLUDED.due_at, attempts = 0, last_error = ''
	WHERE outbox.status = 'cancelled'`

// pgbenchRun is one pgbench phase.
type pgbenchRun struct {
	DatabaseURL string
	Clients     int
	Duration    time.Duration
	// Transactions, when set, runs that many transactions per client instead of running for Duration.
	Transactions int
	Vars         map[string]string
	Dir          string // for the script and the per-transaction logs
}

// findPgbench finds pgbench beside the PostgreSQL server programs, else on the PATH.
func findPgbench() (string, error) {
	if dir, err := db.FindServerBinaries(); err == nil {
		if p := filepath.Join(dir, "pgbench"); fileExists(p) {
			return p, nil
		}
	}
	p, err := exec.LookPath("pgbench")
	if err != nil {
		return "", fmt.Errorf("pgbench not found: it comes with PostgreSQL (Debian: apt-get install postgresql-contrib or postgresql): %w", err)
	}
	return p, nil
}

func fileExists(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir()
}

// run runs pgbench with the extended query protocol (one unnamed statement per query, as lib/pq does) and
// returns the committed transactions per second and their latencies.
func (r pgbenchRun) run(bin string) (Result, error) {
	script := filepath.Join(r.Dir, "signup.sql")
	if err := os.WriteFile(script, []byte(signupScript), 0o644); err != nil {
		return Result{}, err
	}
	logs := filepath.Join(r.Dir, "log")
	if err := os.MkdirAll(logs, 0o755); err != nil {
		return Result{}, err
	}
	args := []string{"-n", "-M", "extended", "-c", strconv.Itoa(r.Clients), "-j", strconv.Itoa(min(2, r.Clients)),
		"-f", script, "-l", "--log-prefix", filepath.Join(logs, "pgb")}
	if r.Transactions > 0 {
		args = append(args, "-t", strconv.Itoa(r.Transactions))
	} else {
		args = append(args, "-T", strconv.Itoa(int(r.Duration.Seconds())))
	}
	for k, v := range r.Vars {
		args = append(args, "-D", k+"="+v)
	}
	args = append(args, r.DatabaseURL)
	out, err := exec.Command(bin, args...).CombinedOutput()
	if err != nil {
		return Result{}, fmt.Errorf("pgbench: %w: %s", err, out)
	}
	res, err := parsePgbench(string(out))
	if err != nil {
		return res, err
	}
	lat, err := readPgbenchLogs(logs)
	if err != nil {
		return res, err
	}
	res.P50, res.P99, res.Max = percentiles(lat)
	return res, nil
}

var (
	pgbenchTPS      = regexp.MustCompile(`(?m)^tps = ([0-9.]+) \(without initial connection time\)`)
	pgbenchDone     = regexp.MustCompile(`(?m)^number of transactions actually processed: (\d+)`)
	pgbenchFailed   = regexp.MustCompile(`(?m)^number of failed transactions: (\d+)`)
	pgbenchDuration = regexp.MustCompile(`(?m)^duration: (\d+) s`)
)

// parsePgbench reads the summary pgbench prints.
func parsePgbench(out string) (Result, error) {
	m := pgbenchTPS.FindStringSubmatch(out)
	d := pgbenchDone.FindStringSubmatch(out)
	if m == nil || d == nil {
		return Result{}, fmt.Errorf("pgbench: no summary in its output: %s", out)
	}
	tps, _ := strconv.ParseFloat(m[1], 64)
	var res Result
	res.Requests, _ = strconv.Atoi(d[1])
	if f := pgbenchFailed.FindStringSubmatch(out); f != nil {
		res.Failures, _ = strconv.Atoi(f[1])
	}
	// Result.Rate divides by Elapsed: take the elapsed time that gives pgbench's own figure.
	if tps > 0 {
		res.Elapsed = time.Duration(float64(res.Requests) / tps * float64(time.Second))
	} else if s := pgbenchDuration.FindStringSubmatch(out); s != nil {
		n, _ := strconv.Atoi(s[1])
		res.Elapsed = time.Duration(n) * time.Second
	}
	return res, nil
}

// readPgbenchLogs reads the latency (third field, microseconds) of every transaction in pgbench's logs.
func readPgbenchLogs(dir string) ([]time.Duration, error) {
	files, err := filepath.Glob(filepath.Join(dir, "pgb*"))
	if err != nil {
		return nil, err
	}
	var out []time.Duration
	for _, name := range files {
		f, err := os.Open(name)
		if err != nil {
			return nil, err
		}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			fields := strings.Fields(sc.Text())
			if len(fields) < 3 {
				continue
			}
			if us, err := strconv.ParseInt(fields[2], 10, 64); err == nil {
				out = append(out, time.Duration(us)*time.Microsecond)
			}
		}
		f.Close()
		os.Remove(name)
	}
	return out, nil
}
