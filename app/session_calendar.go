package app

import (
	"context"
	"time"
)

// CalendarSession is a planned session as a calendar file shows it.
type CalendarSession struct {
	ID         int64
	Start, End time.Time
	// Sequence is the SEQUENCE mail gives the session too, so either file updates the event the other made.
	Sequence int
	// Place is the session's own place, else the group's, as one line. A private place (Group.PlacePrivate) is
	// for admitted members only: the caller leaves it out of anything others may see.
	Place string
	Topic Text
}

// CalendarSessions lists group g's planned sessions that have not started, in time order, for a calendar file
// or a confirmation. The caller leaves out place and topic for a discreet group, and a private place for
// anyone not admitted.
func (a *App) CalendarSessions(ctx context.Context, g Group) ([]CalendarSession, error) {
	rows, err := upcomingForCalendar(ctx, a.Store.DB, g.ID, a.Now())
	if err != nil {
		return nil, err
	}
	out := make([]CalendarSession, 0, len(rows))
	for _, r := range rows {
		s := CalendarSession{ID: r.ID, Start: r.Start, End: r.End, Sequence: sequence(r.Made, r.Edit), Topic: r.Topic}
		s.Place = placeLine(firstSet(r.PlaceName, g.PlaceName), firstSet(r.Address, g.Address))
		out = append(out, s)
	}
	return out, nil
}
