package app

import (
	"context"
	"fmt"
	"time"

	"portal/app/locale"
)

// AgendaItem is a session on a staff member's dashboard.
type AgendaItem struct {
	SessionID    int64     `db:"session_id"`
	GroupID      int64     `db:"group_id"`
	GroupName    Text      `db:"group_name"`
	OfferingName Text      `db:"offering_name"`
	StartsAt     time.Time `db:"starts_at"`
	EndsAt       time.Time `db:"ends_at"`
	Status       string    `db:"status"`
	// PlaceName and Address are the session's own place, else the group's.
	PlaceName string `db:"place_name"`
	Address   string `db:"address"`
}

// Agenda returns the sessions of the groups the actor may see that start from the beginning of today (Brussels)
// for days days: "today and tomorrow" is 2. Open to every active staff member: the list is scoped to the actor.
func (a *App) Agenda(ctx context.Context, actor Actor, days int) ([]AgendaItem, error) {
	if err := actor.Allow(AllRoles); err != nil {
		return nil, err
	}
	now := a.Now().In(locale.Brussels)
	from := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, locale.Brussels)
	to := from.AddDate(0, 0, days)
	var out []AgendaItem
	err := a.Store.DB.SelectContext(ctx, &out, `SELECT s.id AS session_id, g.id AS group_id, g.name AS group_name,
			o.name AS offering_name, s.starts_at, s.ends_at, s.status,
			COALESCE(NULLIF(s.place_name, ''), g.place_name) AS place_name,
			COALESCE(NULLIF(s.address, ''), g.address) AS address
		FROM sessions s JOIN groups g ON g.id = s.group_id JOIN offerings o ON o.id = g.offering_id
		WHERE s.starts_at >= $2 AND s.starts_at < $3 AND g.status <> 'cancelled'
		  AND `+GroupScopeSQL("g.id", "$1")+`
		ORDER BY s.starts_at, g.id`, actor.ID(), from, to)
	if err != nil {
		return nil, fmt.Errorf("store: unable to read agenda: %w", err)
	}
	return out, nil
}
