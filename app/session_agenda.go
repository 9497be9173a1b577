package app

import (
	"context"
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
	return agendaSessions(ctx, a.Store.DB, actor.ID(), from, to)
}
