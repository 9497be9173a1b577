package app

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

// Queries of the yearly figures: the closed years (years_closed), their frozen rows (figures_frozen), and the live
// counts read from sessions, the attendance tallies, registrations, referrals and Waakvlam requests.

// yearClosedAt returns when a year was closed, nil when it is open.
func yearClosedAt(ctx context.Context, q sqlx.QueryerContext, year int) (*time.Time, error) {
	var closedAt []time.Time
	if err := sqlx.SelectContext(ctx, q, &closedAt, `SELECT closed_at FROM years_closed WHERE year = $1`, year); err != nil {
		return nil, fmt.Errorf("store: unable to read closed years: %w", err)
	}
	if len(closedAt) == 0 {
		return nil, nil
	}
	return &closedAt[0], nil
}

// frozenFigures reads the rows frozen when a year was closed.
func frozenFigures(ctx context.Context, q sqlx.QueryerContext, year int) ([]FigureRow, error) {
	var rows []FigureRow
	if err := sqlx.SelectContext(ctx, q, &rows, `SELECT metric, scope, dimension, value FROM figures_frozen WHERE year = $1`,
		year); err != nil {
		return nil, fmt.Errorf("store: unable to read figures: %w", err)
	}
	return rows, nil
}

// figureYears lists the years that have figures, newest first: every year from FirstYear up to thisYear with a
// planned session, and every closed year. The sessions are probed a year at a time through their index on
// starts_at. A session stored outside the years FirstYear–LastYear (before the date rule held) is left out
// rather than breaking the list: make_timestamptz refuses year 0.
func figureYears(ctx context.Context, q sqlx.QueryerContext, thisYear int) ([]int, error) {
	var years []int
	err := sqlx.SelectContext(ctx, q, &years, `
		SELECT y FROM generate_series(GREATEST((SELECT figures_year(min(starts_at)) FROM sessions), $2),
		                              LEAST((SELECT figures_year(max(starts_at)) FROM sessions), $1, $3)) AS y
		WHERE EXISTS (SELECT 1 FROM sessions s WHERE s.status = 'planned'
		              AND s.starts_at >= make_timestamptz(y, 1, 1, 0, 0, 0, 'Europe/Brussels')
		              AND s.starts_at < make_timestamptz(y + 1, 1, 1, 0, 0, 0, 'Europe/Brussels'))
		UNION SELECT year FROM years_closed
		ORDER BY 1 DESC`, thisYear, FirstYear, LastYear)
	if err != nil {
		return nil, fmt.Errorf("store: unable to list years: %w", err)
	}
	return years, nil
}

// openYearsBefore lists the years (Brussels) from FirstYear until before from with planned sessions that are not
// closed (a session stored outside the years of the date rule cannot hold every later year open).
func openYearsBefore(ctx context.Context, q sqlx.QueryerContext, from time.Time) ([]int, error) {
	var open []int
	if err := sqlx.SelectContext(ctx, q, &open, `SELECT DISTINCT extract(year FROM s.starts_at AT TIME ZONE 'Europe/Brussels')::int AS y
		FROM sessions s WHERE s.starts_at < $1 AND s.starts_at >= $2 AND s.status = 'planned'
		  AND NOT EXISTS (SELECT 1 FROM years_closed c
		                  WHERE c.year = extract(year FROM s.starts_at AT TIME ZONE 'Europe/Brussels')::int)
		ORDER BY 1`, from, windowStart); err != nil {
		return nil, fmt.Errorf("store: unable to check earlier years: %w", err)
	}
	return open, nil
}

// insertYearClosed marks a year closed by staff member staffID at now; false when it was closed already.
func insertYearClosed(ctx context.Context, tx *sqlx.Tx, year int, staffID int64, now time.Time) (bool, error) {
	res, err := tx.ExecContext(ctx, `INSERT INTO years_closed (year, closed_by, closed_at) VALUES ($1, $2, $3)
		ON CONFLICT DO NOTHING`, year, staffID, now)
	if err != nil {
		return false, fmt.Errorf("store: unable to close year: %w", err)
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}

// freezeFigures stores a closed year's rows.
func freezeFigures(ctx context.Context, tx *sqlx.Tx, year int, rows []FigureRow) error {
	for _, r := range rows {
		if _, err := tx.ExecContext(ctx, `INSERT INTO figures_frozen (year, metric, scope, dimension, value)
			VALUES ($1, $2, $3, $4, $5)`, year, r.Metric, r.Scope, r.Dimension, r.Value); err != nil {
			return fmt.Errorf("store: unable to freeze figures: %w", err)
		}
	}
	return nil
}

// figureMonth is one group's month: sessions held, attendances (present or late) and marks.
type figureMonth struct {
	Offering string `db:"offering"`
	Group    string `db:"grp"`
	Month    string `db:"month"`
	Sessions int64  `db:"sessions"`
	Attended int64  `db:"attended"`
	Marked   int64  `db:"marked"`
}

// figureMonths counts, per group and month (MM, Brussels) of [from, to), the planned sessions that began by now,
// with their attendances and marks from the session tally; by offering, group and month.
func figureMonths(ctx context.Context, q sqlx.QueryerContext, from, to, now time.Time) ([]figureMonth, error) {
	var months []figureMonth
	if err := sqlx.SelectContext(ctx, q, &months, `SELECT o.id::text AS offering, g.id::text AS grp, x.month, x.sessions,
			x.attended, x.marked
		FROM (SELECT s.group_id, to_char(s.starts_at AT TIME ZONE 'Europe/Brussels', 'MM') AS month, count(*) AS sessions,
		             COALESCE(sum(t.attended), 0) AS attended, COALESCE(sum(t.marked), 0) AS marked
		      FROM sessions s LEFT JOIN attendance_session_tally t ON t.session_id = s.id
		      WHERE s.status = 'planned' AND s.starts_at >= $1 AND s.starts_at < $2 AND s.starts_at <= $3
		      GROUP BY 1, 2) x
		JOIN groups g ON g.id = x.group_id JOIN offerings o ON o.id = g.offering_id
		ORDER BY 1, 2, 3`, from, to, now); err != nil {
		return nil, fmt.Errorf("store: unable to compute figures: %w", err)
	}
	return months, nil
}

// figureCounts computes the rows of a year [from, to) other than the monthly ones: participants per group and
// offering (parents and children apart), referrers, municipalities, sectors, Waakvlam organisations and onward
// referrals. Each query is bounded by the person tally's year, the year's dates or its sessions (index on
// sessions.starts_at).
func figureCounts(ctx context.Context, q sqlx.QueryerContext, year int, from, to, now time.Time) ([]FigureRow, error) {
	queries := []struct {
		sql  string
		args []any
	}{
		// Distinct participants (attended at least once) per group and per offering; parents and children apart,
		// by the role of the registration their marks were recorded with.
		{`SELECT m.metric, m.scope, '' AS dimension, m.value FROM (
			SELECT o.id AS offering, g.id AS grp, GROUPING(g.id) = 1 AS whole,
			       count(DISTINCT t.person_id) AS participants,
			       count(DISTINCT t.person_id) FILTER (WHERE r.role = 'parent') AS parents,
			       count(DISTINCT t.person_id) FILTER (WHERE r.role = 'child') AS children
			FROM attendance_person_tally t JOIN groups g ON g.id = t.group_id JOIN offerings o ON o.id = g.offering_id
			LEFT JOIN registrations r ON r.id = t.registration_id
			WHERE t.year = $1 AND t.attended > 0
			GROUP BY GROUPING SETS ((o.id), (o.id, g.id))) x
		CROSS JOIN LATERAL (VALUES
			(true, 'participants', 'offering:' || x.offering, x.participants),
			(true, 'parents', 'offering:' || x.offering, x.parents),
			(true, 'children', 'offering:' || x.offering, x.children),
			(false, 'participants', 'group:' || x.grp, x.participants)) AS m(whole, metric, scope, value)
		WHERE m.whole = x.whole`, []any{year}},
		// Who referred the people of this year's groups: every adult (a family counts once per parent) with a place
		// in a group that met this year (or who came to it and left), by the referrer of that registration. The
		// year is the group's, not the day the request was typed in: a December request for a January group counts
		// in January's year, and a past year entered afterwards counts in its own year. Walk-ins were referred by
		// nobody.
		{`SELECT 'referrer' AS metric, 'offering:' || o.id AS scope, COALESCE(r.referrer, 'unknown') AS dimension,
		        count(DISTINCT r.person_id) AS value
		FROM registrations r JOIN groups g ON g.id = r.group_id JOIN offerings o ON o.id = g.offering_id
		WHERE r.role <> 'child' AND o.audience <> 'professionals' AND NOT r.walk_in
		  AND EXISTS (SELECT 1 FROM sessions s WHERE s.group_id = g.id AND s.status = 'planned'
		              AND s.starts_at >= $1 AND s.starts_at < $2 AND s.starts_at <= $3)
		  AND (r.status IN ('admitted', 'completed')
		       OR EXISTS (SELECT 1 FROM attendance_person_tally t WHERE t.registration_id = r.id AND t.year = $4
		                  AND t.attended > 0)) -- who came and left later still came
		GROUP BY 2, 3`, []any{from, to, now, year}},
		// Distinct participants (not professionals) by municipality.
		{`SELECT 'municipality' AS metric, '' AS scope, COALESCE(NULLIF(p.municipality, ''), 'onbekend') AS dimension,
		        count(DISTINCT p.id) AS value
		FROM attendance_person_tally t JOIN groups g ON g.id = t.group_id JOIN offerings o ON o.id = g.offering_id
		JOIN people p ON p.id = t.person_id
		WHERE t.year = $1 AND t.attended > 0 AND o.audience <> 'professionals'
		GROUP BY 3`, []any{year}},
		// Intervision members by sector: admitted to a group that met this year.
		{`SELECT 'sector' AS metric, '' AS scope, COALESCE(p.sector, 'other') AS dimension, count(DISTINCT p.id) AS value
		FROM registrations r JOIN people p ON p.id = r.person_id JOIN groups g ON g.id = r.group_id
		JOIN offerings o ON o.id = g.offering_id
		WHERE o.kind = 'intervision' AND r.status IN ('admitted', 'completed')
		  AND EXISTS (SELECT 1 FROM sessions s WHERE s.group_id = g.id AND s.status = 'planned'
		              AND s.starts_at >= $1 AND s.starts_at < $2 AND s.starts_at <= $3)
		GROUP BY 3`, []any{from, to, now}},
		// Organisations that received Waakvlam this year.
		{`SELECT DISTINCT 'waakvlam_org' AS metric, '' AS scope, w.organisation AS dimension, 1::bigint AS value
		FROM waakvlam_requests w JOIN sessions s ON s.group_id = w.group_id
		WHERE s.status = 'planned' AND s.starts_at >= $1 AND s.starts_at < $2 AND s.starts_at <= $3`, []any{from, to, now}},
		// Onward referrals by destination and offering.
		{`SELECT 'referral' AS metric, COALESCE('offering:' || o.id, '') AS scope, f.destination AS dimension,
		        count(DISTINCT f.person_id) AS value
		FROM onward_referrals f LEFT JOIN registrations r ON r.id = f.registration_id
		LEFT JOIN offerings o ON o.id = r.offering_id
		WHERE f.referred_on >= $1::date AND f.referred_on < $2::date
		GROUP BY 2, 3`, []any{fmt.Sprintf("%d-01-01", year), fmt.Sprintf("%d-01-01", year+1)}}, // dates, not instants
	}
	var rows []FigureRow
	for _, query := range queries {
		var part []FigureRow
		if err := sqlx.SelectContext(ctx, q, &part, query.sql, query.args...); err != nil {
			return nil, fmt.Errorf("store: unable to compute figures: %w", err)
		}
		rows = append(rows, part...)
	}
	return rows, nil
}

// everyOffering lists every offering, active or not, in catalogue order.
func everyOffering(ctx context.Context, q sqlx.QueryerContext) ([]Offering, error) {
	var out []Offering
	if err := sqlx.SelectContext(ctx, q, &out, `SELECT `+offeringColumns+` FROM offerings ORDER BY position, id`); err != nil {
		return nil, fmt.Errorf("store: unable to list offerings: %w", err)
	}
	return out, nil
}

// groupFirst is a group with its offering and its first planned session of a year (nil when none).
type groupFirst struct {
	Group
	OfferingID int64      `db:"offering_id_of"`
	First      *time.Time `db:"first_session"`
}

// groupsWithFirstSession lists every group with its first planned session of year, those that met first.
func groupsWithFirstSession(ctx context.Context, q sqlx.QueryerContext, year int) ([]groupFirst, error) {
	var out []groupFirst
	from, to := yearRange(year)
	if err := sqlx.SelectContext(ctx, q, &out, `SELECT `+prefixed("g.", groupColumns)+`, o.id AS offering_id_of,
			(SELECT min(starts_at) FROM sessions s WHERE s.group_id = g.id AND s.status = 'planned'
			 AND s.starts_at >= $1 AND s.starts_at < $2) AS first_session
		FROM groups g JOIN offerings o ON o.id = g.offering_id ORDER BY first_session NULLS LAST, g.id`, from, to); err != nil {
		return nil, fmt.Errorf("store: unable to read groups: %w", err)
	}
	return out, nil
}
