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

// Queries about sessions: one meeting of a group.

const sessionColumns = `id, group_id, starts_at, ends_at, status, topic, place_name, address`

// sessionByID reads one session, or ErrNotFound.
func sessionByID(ctx context.Context, q sqlx.QueryerContext, id int64) (Session, error) {
	var s Session
	err := sqlx.GetContext(ctx, q, &s, `SELECT `+sessionColumns+` FROM sessions WHERE id = $1`, id)
	if errors.Is(err, sql.ErrNoRows) {
		return s, ErrNotFound
	}
	if err != nil {
		return s, fmt.Errorf("store: unable to read session: %w", err)
	}
	return s, nil
}

// lockedSession is a session row locked for a change.
type lockedSession struct {
	GroupID  int64     `db:"group_id"`
	StartsAt time.Time `db:"starts_at"`
	EndsAt   time.Time `db:"ends_at"`
	Status   string    `db:"status"`
}

// lockSession locks a session's group, then the session, for a change; ErrNotFound when there is none. Group
// first is the order of every change that touches seats, reminders or mail (group, session, registrations,
// outbox): a session moved while a member of its group withdraws would otherwise wait for each other.
func lockSession(ctx context.Context, tx *sqlx.Tx, sessionID int64) (lockedSession, error) {
	var s lockedSession
	var groupID int64
	err := tx.GetContext(ctx, &groupID, `SELECT group_id FROM sessions WHERE id = $1`, sessionID)
	if errors.Is(err, sql.ErrNoRows) {
		return s, ErrNotFound
	}
	if err != nil {
		return s, fmt.Errorf("store: unable to read session: %w", err)
	}
	if _, err := lockGroup(ctx, tx, groupID); err != nil {
		return s, err
	}
	err = tx.GetContext(ctx, &s, `SELECT group_id, starts_at, ends_at, status FROM sessions WHERE id = $1 FOR UPDATE`,
		sessionID)
	if errors.Is(err, sql.ErrNoRows) {
		return s, ErrNotFound
	}
	if err != nil {
		return s, fmt.Errorf("store: unable to lock session: %w", err)
	}
	return s, nil
}

// insertSession adds a planned session (no topic, at the group's place) to group groupID, created at now (the
// portal's clock, so tests that travel in time see it), and returns its id. The one way a session is made: staff
// planning a series, a planned Waakvlam, and the demo data.
func insertSession(ctx context.Context, q sqlx.QueryerContext, groupID int64, start, end, now time.Time) (int64, error) {
	var id int64
	if err := sqlx.GetContext(ctx, q, &id, `INSERT INTO sessions (group_id, starts_at, ends_at, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $4) RETURNING id`, groupID, start, end, now); err != nil {
		return 0, fmt.Errorf("store: unable to add session: %w", err)
	}
	return id, nil
}

// setSessionTimes gives a session a new start and end.
func setSessionTimes(ctx context.Context, tx *sqlx.Tx, sessionID int64, start, end time.Time) error {
	if _, err := tx.ExecContext(ctx, `UPDATE sessions SET starts_at = $2, ends_at = $3, updated_at = now()
		WHERE id = $1`, sessionID, start, end); err != nil {
		return fmt.Errorf("store: unable to move session: %w", err)
	}
	return nil
}

// setSessionCancelled marks a session cancelled.
func setSessionCancelled(ctx context.Context, tx *sqlx.Tx, sessionID int64) error {
	if _, err := tx.ExecContext(ctx, `UPDATE sessions SET status = 'cancelled', updated_at = now() WHERE id = $1`,
		sessionID); err != nil {
		return fmt.Errorf("store: unable to cancel session: %w", err)
	}
	return nil
}

// GroupSessions is groupSessions on the database, for callers outside a transaction.
func (s *Store) GroupSessions(ctx context.Context, groupID int64) ([]Session, error) {
	return groupSessions(ctx, s.DB, groupID)
}

// groupSessions lists every session of a group, cancelled ones included, in time order.
func groupSessions(ctx context.Context, q sqlx.QueryerContext, groupID int64) ([]Session, error) {
	var out []Session
	err := sqlx.SelectContext(ctx, q, &out, `SELECT `+sessionColumns+` FROM sessions WHERE group_id = $1
		ORDER BY starts_at, id`, groupID)
	if err != nil {
		return nil, fmt.Errorf("store: unable to list sessions: %w", err)
	}
	return out, nil
}

// UpcomingSessions is upcomingSessions on the database, for callers outside a transaction.
func (s *Store) UpcomingSessions(ctx context.Context, groupID int64, now time.Time) ([]Session, error) {
	return upcomingSessions(ctx, s.DB, groupID, now)
}

// upcomingSessions lists a group's planned sessions that start after now.
func upcomingSessions(ctx context.Context, q sqlx.QueryerContext, groupID int64, now time.Time) ([]Session, error) {
	var out []Session
	err := sqlx.SelectContext(ctx, q, &out, `SELECT `+sessionColumns+` FROM sessions
		WHERE group_id = $1 AND status = 'planned' AND starts_at > $2 ORDER BY starts_at`, groupID, now)
	if err != nil {
		return nil, fmt.Errorf("store: unable to list sessions: %w", err)
	}
	return out, nil
}

// sessionsOfOffering returns the sessions of every group of an offering, by group, in time order.
func sessionsOfOffering(ctx context.Context, q sqlx.QueryerContext, offeringID int64) (map[int64][]Session, error) {
	var rows []Session
	err := sqlx.SelectContext(ctx, q, &rows, `SELECT `+prefixed("s.", sessionColumns)+`
		FROM sessions s JOIN groups g ON g.id = s.group_id
		WHERE g.offering_id = $1 ORDER BY s.starts_at`, offeringID)
	if err != nil {
		return nil, fmt.Errorf("store: unable to list sessions: %w", err)
	}
	out := map[int64][]Session{}
	for _, r := range rows {
		out[r.GroupID] = append(out[r.GroupID], r)
	}
	return out, nil
}

// plannedSessionsBetween lists a group's planned sessions that start in [from, to), in time order.
func plannedSessionsBetween(ctx context.Context, q sqlx.QueryerContext, groupID int64, from, to time.Time) ([]Session, error) {
	var out []Session
	if err := sqlx.SelectContext(ctx, q, &out, `SELECT `+sessionColumns+`
		FROM sessions WHERE group_id = $1 AND status = 'planned' AND starts_at >= $2 AND starts_at < $3
		ORDER BY starts_at, id`, groupID, from, to); err != nil {
		return nil, fmt.Errorf("store: unable to list sessions: %w", err)
	}
	return out, nil
}

// groupYears lists the years (Brussels) in which a group has planned sessions, newest first; only the years
// FirstYear–LastYear, so a session stored before the date rule held cannot offer a year no page takes.
func groupYears(ctx context.Context, q sqlx.QueryerContext, groupID int64) ([]int, error) {
	var years []int
	if err := sqlx.SelectContext(ctx, q, &years, `SELECT DISTINCT figures_year(starts_at) AS y FROM sessions
		WHERE group_id = $1 AND status = 'planned' AND starts_at >= $2 AND starts_at < $3 ORDER BY 1 DESC`,
		groupID, windowStart, windowEnd); err != nil {
		return nil, fmt.Errorf("store: unable to list years: %w", err)
	}
	return years, nil
}

// agendaSessions lists the sessions in [from, to) of the groups, not cancelled, that staff member staffID may
// see (groupScopeSQL), in time order.
func agendaSessions(ctx context.Context, q sqlx.QueryerContext, staffID int64, from, to time.Time) ([]AgendaItem, error) {
	var out []AgendaItem
	err := sqlx.SelectContext(ctx, q, &out, `SELECT s.id AS session_id, g.id AS group_id, g.name AS group_name,
			o.name AS offering_name, s.starts_at, s.ends_at, s.status,
			COALESCE(NULLIF(s.place_name, ''), g.place_name) AS place_name,
			COALESCE(NULLIF(s.address, ''), g.address) AS address
		FROM sessions s JOIN groups g ON g.id = s.group_id JOIN offerings o ON o.id = g.offering_id
		WHERE s.starts_at >= $2 AND s.starts_at < $3 AND g.status <> 'cancelled'
		  AND `+groupScopeSQL("g.id", "$1")+`
		ORDER BY s.starts_at, g.id`, staffID, from, to)
	if err != nil {
		return nil, fmt.Errorf("store: unable to read agenda: %w", err)
	}
	return out, nil
}

// queueTakeAttendance marks the planned sessions that ended in the last seven days before now, were not
// handled yet and have no attendance recorded by staff (nobody needs asking for what is done; a participant's
// own excuse is no roll call), and queues a take_attendance mail to each of their group's facilitators, in one statement.
// Sessions another worker holds are skipped (SKIP LOCKED); the dedupe key makes a second run harmless.
func queueTakeAttendance(ctx context.Context, q sqlx.ExecerContext, now time.Time) error {
	_, err := q.ExecContext(ctx, `WITH ended AS (
			UPDATE sessions SET attendance_mailed_at = $1
			WHERE id IN (SELECT id FROM sessions s
			             WHERE status = 'planned' AND attendance_mailed_at IS NULL
			               AND ends_at <= $1 AND ends_at > $1 - interval '7 days'
			               AND NOT EXISTS (SELECT 1 FROM attendance a WHERE a.session_id = s.id AND NOT a.by_self)
			             FOR UPDATE SKIP LOCKED)
			RETURNING id, group_id)
		INSERT INTO outbox (dedupe_key, kind, due_at, staff_id, session_id)
		SELECT 'take_attendance:' || e.id || ':' || gf.staff_id, 'take_attendance', $1, gf.staff_id, e.id
		FROM ended e JOIN group_facilitators gf ON gf.group_id = e.group_id
		ON CONFLICT (dedupe_key) DO NOTHING`, now)
	if err != nil {
		return fmt.Errorf("store: unable to queue attendance mails: %w", err)
	}
	return nil
}

// sessionCounts returns how many planned sessions of a group have started by now and how many are ahead.
func sessionCounts(ctx context.Context, q sqlx.QueryerContext, groupID int64, now time.Time) (held, ahead int, err error) {
	row := q.QueryRowxContext(ctx, `SELECT count(*) FILTER (WHERE starts_at <= $2), count(*) FILTER (WHERE starts_at > $2)
		FROM sessions WHERE group_id = $1 AND status = 'planned'`, groupID, now)
	if err := row.Scan(&held, &ahead); err != nil {
		return 0, 0, fmt.Errorf("store: unable to count sessions: %w", err)
	}
	return held, ahead, nil
}

// groupSession is a planned session with its group, for mail that lists what is coming.
type groupSession struct {
	GroupID int64     `db:"group_id"`
	ID      int64     `db:"id"`
	Start   time.Time `db:"starts_at"`
	End     time.Time `db:"ends_at"`
	Made    time.Time `db:"created_at"`
	Edit    time.Time `db:"updated_at"`
}

// upcomingOfGroups lists the planned sessions of groups that start after now, in time order.
func upcomingOfGroups(ctx context.Context, q sqlx.QueryerContext, groups []int64, now time.Time) ([]groupSession, error) {
	var out []groupSession
	err := sqlx.SelectContext(ctx, q, &out, `SELECT group_id, id, starts_at, ends_at, created_at, updated_at
		FROM sessions WHERE group_id = ANY($1) AND status = 'planned' AND starts_at > $2
		ORDER BY starts_at, id`, pq.Int64Array(groups), now)
	if err != nil {
		return nil, fmt.Errorf("store: unable to load sessions for mail: %w", err)
	}
	return out, nil
}

// Queries on sessions.

// plannedSessionIDsAfter lists the ids of a group's planned sessions that start after now.
func plannedSessionIDsAfter(ctx context.Context, q sqlx.QueryerContext, groupID int64, now time.Time) ([]int64, error) {
	var ids []int64
	if err := sqlx.SelectContext(ctx, q, &ids, `SELECT id FROM sessions WHERE group_id = $1 AND status = 'planned'
		AND starts_at > $2`, groupID, now); err != nil {
		return nil, fmt.Errorf("store: unable to read sessions: %w", err)
	}
	return ids, nil
}

// sessionOfGroup reads session id when it belongs to group groupID, or ErrNotFound.
func sessionOfGroup(ctx context.Context, q sqlx.QueryerContext, id, groupID int64) (Session, error) {
	var s Session
	err := sqlx.GetContext(ctx, q, &s, `SELECT `+sessionColumns+` FROM sessions WHERE id = $1 AND group_id = $2`, id, groupID)
	if errors.Is(err, sql.ErrNoRows) {
		return s, ErrNotFound
	}
	if err != nil {
		return s, fmt.Errorf("store: unable to read session: %w", err)
	}
	return s, nil
}

// calendarRow is a planned session with what a calendar file needs: its versions (SEQUENCE), place and topic.
type calendarRow struct {
	ID        int64     `db:"id"`
	Start     time.Time `db:"starts_at"`
	End       time.Time `db:"ends_at"`
	Made      time.Time `db:"created_at"`
	Edit      time.Time `db:"updated_at"`
	PlaceName string    `db:"place_name"`
	Address   string    `db:"address"`
	Topic     Text      `db:"topic"`
}

// upcomingForCalendar lists the planned sessions of group groupID that start after now, in time order.
func upcomingForCalendar(ctx context.Context, q sqlx.QueryerContext, groupID int64, now time.Time) ([]calendarRow, error) {
	var out []calendarRow
	if err := sqlx.SelectContext(ctx, q, &out, `SELECT id, starts_at, ends_at, created_at, updated_at, place_name,
		address, topic FROM sessions WHERE group_id = $1 AND status = 'planned' AND starts_at > $2
		ORDER BY starts_at, id`, groupID, now); err != nil {
		return nil, fmt.Errorf("store: unable to load sessions for a calendar: %w", err)
	}
	return out, nil
}
