package app

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// Queries about attendance: one mark per person and session.

// rollCallPeople lists the people on the roll call of session sessionID of group groupID, with their mark: everyone
// with a place in the group, and whoever was marked at this session (walk-ins only then); adults first, by name.
func rollCallPeople(ctx context.Context, q sqlx.QueryerContext, k *Keys, sessionID, groupID int64) ([]Expected, error) {
	var out []Expected
	err := sqlx.SelectContext(ctx, q, &out, `SELECT r.person_id, r.id AS registration_id, p.display_name_enc, r.role, p.age,
			r.walk_in, att.status AS mark, COALESCE(att.by_self, false) AS by_self
		FROM registrations r
		JOIN people p ON p.id = r.person_id
		LEFT JOIN attendance att ON att.session_id = $1 AND att.person_id = r.person_id
		WHERE r.group_id = $2 AND (r.status IN ('admitted', 'completed') OR att.status IS NOT NULL)
		  AND (NOT r.walk_in OR att.status IS NOT NULL)`, sessionID, groupID)
	if err != nil {
		return nil, fmt.Errorf("store: unable to read roll call: %w", err)
	}
	openNames(k, out, func(e *Expected) ([]byte, *string) { return e.NameEnc, &e.Name })
	sortByName(out, func(e Expected) (int, string, int64) { return boolRank(e.Role == RoleChild), e.Name, e.PersonID })
	return out, nil
}

// markOf reads a person's mark at a session; nil when there is none.
func markOf(ctx context.Context, q sqlx.QueryerContext, sessionID, personID int64) (*string, error) {
	var mark *string
	if err := sqlx.GetContext(ctx, q, &mark, `SELECT status FROM attendance WHERE session_id = $1 AND person_id = $2`,
		sessionID, personID); err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("store: unable to read attendance: %w", err)
	}
	return mark, nil
}

// setMark records a mark given by staff member staffID, replacing the one there was.
func setMark(ctx context.Context, tx *sqlx.Tx, sessionID, personID, regID int64, mark string, staffID int64) error {
	if _, err := tx.ExecContext(ctx, `INSERT INTO attendance (session_id, person_id, registration_id, status, by_self, recorded_by)
		VALUES ($1, $2, $3, $4, false, $5)
		ON CONFLICT (session_id, person_id) DO UPDATE SET status = EXCLUDED.status, by_self = false,
			recorded_by = EXCLUDED.recorded_by, recorded_at = now()`,
		sessionID, personID, regID, mark, staffID); err != nil {
		return fmt.Errorf("store: unable to record attendance: %w", err)
	}
	return nil
}

// insertWalkInMark marks a walk-in present at the session they came to.
func insertWalkInMark(ctx context.Context, tx *sqlx.Tx, sessionID, personID, regID, staffID int64) error {
	if _, err := tx.ExecContext(ctx, `INSERT INTO attendance (session_id, person_id, registration_id, status, recorded_by)
		VALUES ($1, $2, $3, 'present', $4)`, sessionID, personID, regID, staffID); err != nil {
		return fmt.Errorf("store: unable to record walk-in: %w", err)
	}
	return nil
}

// lastTwoMarks reads the marks of registration regID's person at the last two planned sessions of group groupID
// that began by at, newest first; "" for a session without a mark.
func lastTwoMarks(ctx context.Context, q sqlx.QueryerContext, regID, groupID int64, at time.Time) ([]string, error) {
	var out []string
	if err := sqlx.SelectContext(ctx, q, &out, `SELECT COALESCE(att.status, '') FROM sessions x
		JOIN registrations r ON r.id = $1
		LEFT JOIN attendance att ON att.session_id = x.id AND att.person_id = r.person_id
		WHERE x.group_id = $2 AND x.status = 'planned' AND x.starts_at <= $3
		ORDER BY x.starts_at DESC LIMIT 2`, regID, groupID, at); err != nil {
		return nil, fmt.Errorf("store: unable to read absences: %w", err)
	}
	return out, nil
}

// markCount is how many marks of one status a session has.
type markCount struct {
	SessionID int64  `db:"session_id"`
	Status    string `db:"status"`
	N         int    `db:"n"`
}

// markCountsOfGroup counts the marks of every session of a group, by session and status.
func markCountsOfGroup(ctx context.Context, q sqlx.QueryerContext, groupID int64) ([]markCount, error) {
	var out []markCount
	if err := sqlx.SelectContext(ctx, q, &out, `SELECT att.session_id, att.status, count(*) AS n
		FROM attendance att JOIN sessions s ON s.id = att.session_id
		WHERE s.group_id = $1 GROUP BY 1, 2`, groupID); err != nil {
		return nil, fmt.Errorf("store: unable to count attendance: %w", err)
	}
	return out, nil
}

// sheetPeople lists the rows of an attendance sheet: everyone with a place in the group (walk-ins not), and
// whoever was marked at one of sessionIDs, with the role of their latest registration; adults first, the
// anonymised last, by name.
func sheetPeople(ctx context.Context, q sqlx.QueryerContext, k *Keys, groupID int64, sessionIDs []int64) ([]AttendanceRow, error) {
	var out []AttendanceRow
	if err := sqlx.SelectContext(ctx, q, &out, `
		WITH people_on AS (
			SELECT person_id FROM registrations WHERE group_id = $1 AND status IN ('admitted', 'completed') AND NOT walk_in
			UNION SELECT person_id FROM attendance WHERE session_id = ANY($2))
		SELECT p.id, p.display_name_enc, p.anonymised_at IS NOT NULL AS anonymised, COALESCE(r.role, 'participant') AS role,
			r.referrer, r.requested_on
		FROM people_on o JOIN people p ON p.id = o.person_id
		LEFT JOIN LATERAL (SELECT r.role, r.referrer, r.requested_on FROM registrations r WHERE r.group_id = $1 AND r.person_id = p.id
		                   ORDER BY r.status = 'admitted' DESC, r.id DESC LIMIT 1) r ON true`,
		groupID, pq.Array(sessionIDs)); err != nil {
		return nil, fmt.Errorf("store: unable to list people: %w", err)
	}
	openNames(k, out, func(r *AttendanceRow) ([]byte, *string) { return r.NameEnc, &r.Name })
	sortByName(out, func(r AttendanceRow) (int, string, int64) {
		return 2*boolRank(r.Role == RoleChild) + boolRank(r.Anonymised), r.Name, r.PersonID
	})
	return out, nil
}

// sessionMark is one mark: who, at which session, which status.
type sessionMark struct {
	Session int64  `db:"session_id"`
	Person  int64  `db:"person_id"`
	Status  string `db:"status"`
}

// marksOfSessions reads every mark of sessionIDs.
func marksOfSessions(ctx context.Context, q sqlx.QueryerContext, sessionIDs []int64) ([]sessionMark, error) {
	var out []sessionMark
	if err := sqlx.SelectContext(ctx, q, &out, `SELECT session_id, person_id, status FROM attendance
		WHERE session_id = ANY($1)`, pq.Array(sessionIDs)); err != nil {
		return nil, fmt.Errorf("store: unable to read attendance: %w", err)
	}
	return out, nil
}

// attendedSessions lists the planned sessions of group groupID that began by now at which person personID was
// present or late, in time order.
func attendedSessions(ctx context.Context, q sqlx.QueryerContext, groupID, personID int64, now time.Time) ([]Session, error) {
	var out []Session
	if err := sqlx.SelectContext(ctx, q, &out, `SELECT `+prefixed("s.", sessionColumns)+`
		FROM sessions s JOIN attendance att ON att.session_id = s.id
		WHERE s.group_id = $1 AND att.person_id = $2 AND s.status = 'planned' AND att.status IN ('present', 'late')
		  AND s.starts_at <= $3
		ORDER BY s.starts_at, s.id`, groupID, personID, now); err != nil {
		return nil, fmt.Errorf("store: unable to read attendance: %w", err)
	}
	return out, nil
}

// attestable reports whether person personID is a professional of group groupID, an intervision group or a
// Waakvlam training, who attended at least one of its planned sessions that began by now.
func attestable(ctx context.Context, q sqlx.QueryerContext, personID, groupID int64, now time.Time) (bool, error) {
	var ok bool
	err := sqlx.GetContext(ctx, q, &ok, `SELECT EXISTS (
		SELECT 1 FROM people p JOIN groups g ON g.id = $2 JOIN offerings o ON o.id = g.offering_id
		WHERE p.id = $1 AND p.kind = 'professional' AND o.kind IN ('intervision', 'waakvlam')
		  AND EXISTS (SELECT 1 FROM attendance att JOIN sessions s ON s.id = att.session_id
		              WHERE att.person_id = p.id AND s.group_id = g.id AND s.status = 'planned'
		                AND att.status IN ('present', 'late') AND s.starts_at <= $3))`, personID, groupID, now)
	if err != nil {
		return false, fmt.Errorf("store: unable to check attendance: %w", err)
	}
	return ok, nil
}

// attestMembers lists the professionals of group groupID, an intervision group or a Waakvlam training, who were
// present or late at one of its planned sessions that began by now (for intervision: in [from, to)), with how
// many, by name.
func attestMembers(ctx context.Context, q sqlx.QueryerContext, k *Keys, groupID int64, from, to, now time.Time) ([]AttestMember, error) {
	var out []AttestMember
	err := sqlx.SelectContext(ctx, q, &out, `SELECT p.id, p.display_name_enc, p.organisation, count(*) AS attended
		FROM attendance att JOIN sessions s ON s.id = att.session_id JOIN people p ON p.id = att.person_id
		JOIN groups g ON g.id = s.group_id JOIN offerings o ON o.id = g.offering_id
		WHERE s.group_id = $1 AND s.status = 'planned' AND att.status IN ('present', 'late') AND s.starts_at <= $4
		  AND p.kind = 'professional' AND o.kind IN ('intervision', 'waakvlam')
		  AND (o.kind = 'waakvlam' OR (s.starts_at >= $2 AND s.starts_at < $3))
		GROUP BY p.id`, groupID, from, to, now)
	if err != nil {
		return nil, fmt.Errorf("store: unable to list attendees: %w", err)
	}
	openNames(k, out, func(m *AttestMember) ([]byte, *string) { return m.NameEnc, &m.Name })
	sortByName(out, func(m AttestMember) (int, string, int64) { return 0, m.Name, m.PersonID })
	return out, nil
}

// attendedCount counts the sessions person personID was at (present or late), in any group.
func attendedCount(ctx context.Context, q sqlx.QueryerContext, personID int64) (int, error) {
	var n int
	if err := sqlx.GetContext(ctx, q, &n, `SELECT count(*) FROM attendance WHERE person_id = $1
		AND status IN ('present', 'late')`, personID); err != nil {
		return 0, fmt.Errorf("store: unable to count attendance: %w", err)
	}
	return n, nil
}

// excusedSessions lists the sessions person personID excused themselves from.
func excusedSessions(ctx context.Context, q sqlx.QueryerContext, personID int64) ([]int64, error) {
	var ids []int64
	if err := sqlx.SelectContext(ctx, q, &ids, `SELECT session_id FROM attendance WHERE person_id = $1 AND status = 'excused'`,
		personID); err != nil {
		return nil, fmt.Errorf("store: unable to read excuses: %w", err)
	}
	return ids, nil
}

// isExcused reports whether person personID is excused from session sessionID.
func isExcused(ctx context.Context, q sqlx.QueryerContext, sessionID, personID int64) (bool, error) {
	var excused bool
	if err := sqlx.GetContext(ctx, q, &excused, `SELECT EXISTS (SELECT 1 FROM attendance
		WHERE session_id = $1 AND person_id = $2 AND status = 'excused')`, sessionID, personID); err != nil {
		return false, fmt.Errorf("store: unable to read excuse: %w", err)
	}
	return excused, nil
}

// recordExcuse marks person personID (registration regID) as excused from session sessionID by their own word,
// replacing an earlier mark.
func recordExcuse(ctx context.Context, tx sqlx.ExecerContext, sessionID, personID, regID int64) error {
	if _, err := tx.ExecContext(ctx, `INSERT INTO attendance (session_id, person_id, registration_id, status, by_self)
		VALUES ($1, $2, $3, 'excused', true)
		ON CONFLICT (session_id, person_id) DO UPDATE SET status = 'excused', by_self = true, recorded_at = now()`,
		sessionID, personID, regID); err != nil {
		return fmt.Errorf("store: unable to record excuse: %w", err)
	}
	return nil
}

// undoExcuse removes the excuse person personID gave themselves for session sessionID (a mark staff made stays).
func undoExcuse(ctx context.Context, tx sqlx.ExecerContext, sessionID, personID int64) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM attendance WHERE session_id = $1 AND person_id = $2 AND by_self`,
		sessionID, personID); err != nil {
		return fmt.Errorf("store: unable to undo excuse: %w", err)
	}
	return nil
}
