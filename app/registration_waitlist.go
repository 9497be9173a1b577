package app

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

// reconcileSeats brings the seats of group groupID in step with its waiting list, in the caller's transaction.
// Every change that can free or add a seat, or add someone waiting, calls it before it commits: a seat freed
// (cancel, withdraw, decline, erase, a move out, an offer refused or expired), capacity raised, a group reopened
// or closing later, a session added or moved. It locks the group row; a caller that locks registrations must lock
// their group first (group, then registrations, everywhere), or two changes could wait for each other.
//
// In a group open to signup, each free seat, on each track (adults, children), goes at once as an offer to whoever
// waits longest (first come, first served) and can be placed (not separated from someone in the group); the offer
// holds the seat until it expires after the group's offer_hours. In a group with an intake staff decide who is
// ready: a "free seat, people waiting" work item, naming who waits longest, is open exactly while a seat is free
// and someone waits. A group that takes nobody now (not open, or past its closing session) offers nothing and
// has no such item.
func (a *App) reconcileSeats(ctx context.Context, tx *sqlx.Tx, groupID int64) error {
	g, err := lockGroup(ctx, tx, groupID)
	if err != nil {
		return err
	}
	o, err := a.Store.OfferingByID(ctx, g.OfferingID)
	if err != nil {
		return err
	}
	var heads []Registration // per track, who waits longest for a free seat (intake groups)
	if a.joinable(ctx, tx, g) == nil {
		for _, child := range []bool{false, true} {
			capacity := g.Capacity
			if child {
				capacity = g.ChildCapacity
			}
			if takesSignups(o, g) {
				if err := a.offerSeats(ctx, tx, g, child, capacity); err != nil {
					return err
				}
				continue
			}
			taken, _, err := seatState(ctx, tx, g.ID, child)
			if err != nil {
				return err
			}
			if taken >= capacity {
				continue
			}
			r, found, err := nextOnWaitingList(ctx, tx, g.ID, child)
			if err != nil {
				return err
			}
			if found {
				heads = append(heads, r)
			}
		}
	}
	return a.keepSeatFreeItems(ctx, tx, g.ID, heads)
}

// offerSeats offers the free seats of one track of group g, while someone waits, each to the next in line.
func (a *App) offerSeats(ctx context.Context, tx *sqlx.Tx, g Group, child bool, capacity int) error {
	for {
		taken, _, err := seatState(ctx, tx, g.ID, child)
		if err != nil {
			return err
		}
		if taken >= capacity {
			return nil
		}
		r, found, err := nextOnWaitingList(ctx, tx, g.ID, child)
		if err != nil || !found {
			return err
		}
		expires := a.Now().Add(time.Duration(g.OfferHours) * time.Hour)
		if err := offerSeat(ctx, tx, r.ID, expires, a.Now()); err != nil {
			return err
		}
		if err := a.recordTransition(ctx, tx, r.ID, r.Status, StatusOffered, nil); err != nil {
			return err
		}
		if err := a.enqueue(ctx, tx, Mail{DedupeKey: fmt.Sprintf("%s:%d:%d", MailOffer, r.ID, expires.Unix()),
			Kind: MailOffer, PersonID: &r.PersonID, RegistrationID: &r.ID,
			Params: map[string]any{"expires_at": expires.Format(time.RFC3339)}}); err != nil {
			return err
		}
	}
}

// keepSeatFreeItems makes the open "free seat, people waiting" work items of group groupID exactly one per
// registration in heads: items about anyone else are closed (by nobody: the portal saw the seat taken or the
// person gone), missing ones are opened.
func (a *App) keepSeatFreeItems(ctx context.Context, tx *sqlx.Tx, groupID int64, heads []Registration) error {
	keep := make([]int64, len(heads))
	for i, r := range heads {
		keep[i] = r.ID
	}
	if err := closeSeatFreeItems(ctx, tx, groupID, keep, a.Now()); err != nil {
		return err
	}
	for _, r := range heads {
		if err := a.addWorkItem(ctx, tx, WorkItem{Kind: WorkSeatFree, RegistrationID: &r.ID, PersonID: &r.PersonID,
			GroupID: &groupID}, ""); err != nil {
			return err
		}
	}
	return nil
}

// takesSignups reports whether people join group g of offering o by signing up (first come, first served)
// rather than after an intake: open offerings, and a Waakvlam session through its private link.
func takesSignups(o Offering, g Group) bool {
	return o.Admission == AdmissionOpen || (o.Kind == KindWaakvlam && g.Visibility == VisibilityPrivate)
}

// ReconcileAllSeats runs the seat reconciliation (see reconcileSeats) for every open group where a seat is free
// while someone waits, or where a "free seat, people waiting" item is open: a safety net the minute job runs, so
// a group whose state was left behind (by an older version, or a change made in the database by hand) heals
// within a minute. It returns how many groups it reconciled.
func (a *App) ReconcileAllSeats(ctx context.Context) (int, error) {
	ids, err := groupsToReconcile(ctx, a.Store.DB)
	if err != nil {
		return 0, err
	}
	for i, id := range ids {
		if err := a.Store.tx(ctx, func(tx *sqlx.Tx) error { return a.reconcileSeats(ctx, tx, id) }); err != nil {
			return i, err
		}
	}
	return len(ids), nil
}

// OfferView is what the page behind an offer link shows.
type OfferView struct {
	Registration Registration
	Group        Group
	Offering     Offering
	Upcoming     []Session
	Expires      time.Time
	AnswerGuard
}

// Offer reads the offer behind a signed offer link.
func (a *App) Offer(ctx context.Context, signed string) (OfferView, error) {
	ids, err := a.Keys.Verify(purposeOffer, signed, a.Now(), 1)
	if err != nil {
		return OfferView{}, err
	}
	r, err := registrationByID(ctx, a.Store.DB, ids[0], false)
	if err != nil {
		return OfferView{}, err
	}
	if r.Status != StatusOffered || r.OfferExpiresAt == nil || r.GroupID == nil {
		return OfferView{}, ErrExpired
	}
	g, err := a.Store.GroupByID(ctx, *r.GroupID)
	if err != nil {
		return OfferView{}, err
	}
	o, err := a.Store.OfferingByID(ctx, g.OfferingID)
	if err != nil {
		return OfferView{}, err
	}
	sessions, err := a.Store.UpcomingSessions(ctx, g.ID, a.Now())
	if err != nil {
		return OfferView{}, err
	}
	guard, err := a.answerGuard(ctx, r.ID)
	if err != nil {
		return OfferView{}, err
	}
	return OfferView{Registration: r, Group: g, Offering: o, Upcoming: sessions, Expires: *r.OfferExpiresAt,
		AnswerGuard: guard}, nil
}

// refusalRequest is the staff request that refusing an offered place becomes when it cannot be done online.
func refusalRequest(accept bool) string {
	if accept {
		return ""
	}
	return WorkRequestCancel
}

// AnswerOffer accepts or refuses the place behind a signed offer link. Accepting gives the seat for good (and a
// fresh personal link by mail); refusing passes it on to the next person waiting. A page guarded by a code needs
// it (code, as typed on the page): see gateAnswer for the errors.
func (a *App) AnswerOffer(ctx context.Context, signed, code string, accept bool) error {
	ids, err := a.Keys.Verify(purposeOffer, signed, a.Now(), 1)
	if err != nil {
		return err
	}
	r, err := registrationByID(ctx, a.Store.DB, ids[0], false)
	if err != nil {
		return err
	}
	if r.Status != StatusOffered || r.OfferExpiresAt == nil || a.Now().After(*r.OfferExpiresAt) {
		return ErrExpired // before the code: an answer that is too late costs no try
	}
	if err := a.gateAnswer(ctx, r, "", code, refusalRequest(accept)); err != nil {
		return err
	}
	return a.answerOffer(ctx, r.ID, accept)
}

// answerOffer accepts or refuses the place offered to registration regID, once its answer was allowed.
func (a *App) answerOffer(ctx context.Context, regID int64, accept bool) error {
	return a.Store.tx(ctx, func(tx *sqlx.Tx) error {
		r, err := registrationByID(ctx, tx, regID, false)
		if err != nil {
			return err
		}
		if r.GroupID == nil {
			return ErrExpired
		}
		g, err := lockGroup(ctx, tx, *r.GroupID)
		if err != nil {
			return err
		}
		if r, err = registrationByID(ctx, tx, regID, true); err != nil {
			return err
		}
		if r.Status != StatusOffered || r.OfferExpiresAt == nil || a.Now().After(*r.OfferExpiresAt) {
			return ErrExpired
		}
		if !accept {
			if err := a.setStatus(ctx, tx, r, StatusWithdrawn, nil); err != nil {
				return err
			}
			return a.reconcileSeats(ctx, tx, g.ID)
		}
		if err := a.joinable(ctx, tx, g); err != nil {
			return err // the group passed its closing session while the offer waited
		}
		if err := a.setStatus(ctx, tx, r, StatusAdmitted, nil); err != nil {
			return err
		}
		token, err := a.addToken(ctx, tx, r.ID)
		if err != nil {
			return err
		}
		if err := a.enqueue(ctx, tx, Mail{DedupeKey: fmt.Sprintf("%s:%d:accepted", MailSignupConfirmed, r.ID),
			Kind: MailSignupConfirmed, PersonID: &r.PersonID, RegistrationID: &r.ID, Secret: token}); err != nil {
			return err
		}
		return a.planReminders(ctx, tx, r.ID)
	})
}

// ExpireOffers ends the offers whose time has passed and passes each seat on. It is safe to run from several
// processes at once: each offer is claimed with SKIP LOCKED.
func (a *App) ExpireOffers(ctx context.Context) (int, error) {
	ids, err := expiredOffers(ctx, a.Store.DB, a.Now())
	if err != nil {
		return 0, err
	}
	n := 0
	for _, it := range ids {
		err := a.Store.tx(ctx, func(tx *sqlx.Tx) error {
			g, err := lockGroup(ctx, tx, it.GroupID)
			if err != nil {
				return err
			}
			r, found, err := claimExpiredOffer(ctx, tx, it.ID, a.Now())
			if err != nil || !found {
				return err // not found: answered or taken by another process meanwhile
			}
			if err := a.setStatus(ctx, tx, r, StatusWithdrawn, nil); err != nil {
				return err
			}
			if err := a.enqueue(ctx, tx, Mail{DedupeKey: fmt.Sprintf("%s:%d", MailOfferExpired, r.ID), Kind: MailOfferExpired,
				PersonID: &r.PersonID, RegistrationID: &r.ID}); err != nil {
				return err
			}
			n++
			return a.reconcileSeats(ctx, tx, g.ID)
		})
		if err != nil {
			return n, err
		}
	}
	return n, nil
}
