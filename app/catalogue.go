package app

import (
	"context"
)

// GroupView is a group as the public sees it: its upcoming sessions and whether one can still join.
type GroupView struct {
	Group
	Upcoming []Session
	// SessionsHeld counts sessions that have started; a closed group stops admitting after a set number.
	SessionsHeld int
	// SeatsLeft is the number of free adult seats (children separately in ChildSeatsLeft).
	SeatsLeft      int
	ChildSeatsLeft int
	// Closed means the group takes no one new: it is closed, or has passed its closing session.
	Closed bool
}

// OfferingView is an offering with its public groups.
type OfferingView struct {
	Offering
	Groups []GroupView
}

// Over reports whether all the group's sessions are past: it belongs to what was, not to what one can join.
func (g GroupView) Over() bool { return g.SessionsHeld > 0 && len(g.Upcoming) == 0 }

// Current lists the groups that are not over, for the public offering page: a group of last year, recorded by
// staff, is not shown as "closed, dates to follow".
func (v OfferingView) Current() []GroupView {
	var out []GroupView
	for _, g := range v.Groups {
		if !g.Over() {
			out = append(out, g)
		}
	}
	return out
}

// AudienceSection is one block of the catalogue: the offerings for one audience.
type AudienceSection struct {
	Audience  string
	Offerings []Offering
}

// ActiveOfferings lists the active offerings in catalogue order (the privacy page names each with its retention).
func (a *App) ActiveOfferings(ctx context.Context) ([]Offering, error) {
	return activeOfferings(ctx, a.Store.DB)
}

// Catalogue returns the active offerings grouped by audience, in catalogue order.
func (a *App) Catalogue(ctx context.Context) ([]AudienceSection, error) {
	offerings, err := activeOfferings(ctx, a.Store.DB)
	if err != nil {
		return nil, err
	}
	var sections []AudienceSection
	for _, aud := range Audiences {
		sec := AudienceSection{Audience: aud}
		for _, o := range offerings {
			if o.Audience == aud {
				sec.Offerings = append(sec.Offerings, o)
			}
		}
		if len(sec.Offerings) > 0 {
			sections = append(sections, sec)
		}
	}
	return sections, nil
}

// OfferingPage returns an offering with its public groups and their upcoming sessions.
func (a *App) OfferingPage(ctx context.Context, slug string) (OfferingView, error) {
	o, err := offeringBySlug(ctx, a.Store.DB, slug)
	if err != nil {
		return OfferingView{}, err
	}
	if !o.Active {
		return OfferingView{}, ErrNotFound
	}
	now := a.Now()
	groups, err := publicGroups(ctx, a.Store.DB, o.ID)
	if err != nil {
		return OfferingView{}, err
	}
	sessions, err := sessionsOfOffering(ctx, a.Store.DB, o.ID)
	if err != nil {
		return OfferingView{}, err
	}
	seats, err := seatsTaken(ctx, a.Store.DB, o.ID)
	if err != nil {
		return OfferingView{}, err
	}
	view := OfferingView{Offering: o}
	for _, g := range groups {
		gv := GroupView{Group: g}
		for _, s := range sessions[g.ID] {
			if s.Status != SessionPlanned {
				continue
			}
			if s.StartsAt.After(now) {
				gv.Upcoming = append(gv.Upcoming, s)
			} else {
				gv.SessionsHeld++
			}
		}
		taken := seats[g.ID]
		gv.SeatsLeft = max(0, g.Capacity-taken.Adults)
		gv.ChildSeatsLeft = max(0, g.ChildCapacity-taken.Children)
		gv.Closed = groupClosed(g, gv.SessionsHeld, len(gv.Upcoming))
		view.Groups = append(view.Groups, gv)
	}
	return view, nil
}

// groupClosed says whether a group takes no one new: it is not open, it has no sessions ahead (an event that
// is over), or it has held the session after which it closes.
func groupClosed(g Group, held, upcoming int) bool {
	if g.Status != GroupOpen {
		return true
	}
	if held > 0 && upcoming == 0 {
		return true
	}
	return g.ClosedAfterSession != nil && held >= *g.ClosedAfterSession
}

// SeatCount is the number of seats taken in a group, per track.
type SeatCount struct {
	Adults   int `db:"adults"`
	Children int `db:"children"`
}

// SignupGroup returns a public group open to signup, with its offering and what is left of it, or ErrNotFound.
func (a *App) SignupGroup(ctx context.Context, offeringSlug, groupSlug string) (OfferingView, GroupView, error) {
	view, err := a.OfferingPage(ctx, offeringSlug)
	if err != nil {
		return view, GroupView{}, err
	}
	return view.SignupGroup(groupSlug)
}

// SignupGroup picks the group of an offering open to signup: ErrNotFound when there is none by that slug (or
// the offering takes no signups), ErrClosed when it takes no one new.
func (view OfferingView) SignupGroup(groupSlug string) (OfferingView, GroupView, error) {
	if view.Admission != AdmissionOpen {
		return view, GroupView{}, ErrNotFound
	}
	for _, g := range view.Groups {
		if g.Slug == groupSlug {
			if g.Closed {
				return view, g, ErrClosed
			}
			return view, g, nil
		}
	}
	return view, GroupView{}, ErrNotFound
}
