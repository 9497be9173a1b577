package app

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

// offerFreedSeats gives free seats of an open group to the people who wait longest: each gets an offer that
// expires after the group's offer_hours, and holds the seat meanwhile. The group must be locked by the caller.
// Groups with an intake are left to staff, who decide who is ready.
func (a *App) offerFreedSeats(ctx context.Context, tx *sqlx.Tx, g Group, child bool) error {
	o, err := a.Store.OfferingByID(ctx, g.OfferingID)
	if err != nil {
		return err
	}
	if o.Admission != AdmissionOpen && !(o.Kind == KindWaakvlam && g.Visibility == "private") {
		return nil
	}
	if a.joinable(ctx, tx, g) != nil {
		return nil // a closed group offers nobody a place any more
	}
	capacity := g.Capacity
	if child {
		capacity = g.ChildCapacity
	}
	for {
		taken, waiting, err := seatState(ctx, tx, g.ID, child)
		if err != nil {
			return err
		}
		if taken >= capacity || waiting == 0 {
			return nil
		}
		r, err := nextOnWaitingList(ctx, tx, g.ID, child)
		if err != nil {
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

// OfferView is what the page behind an offer link shows.
type OfferView struct {
	Registration Registration
	Group        Group
	Offering     Offering
	Upcoming     []Session
	Expires      time.Time
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
	return OfferView{Registration: r, Group: g, Offering: o, Upcoming: sessions, Expires: *r.OfferExpiresAt}, nil
}

// AnswerOffer accepts or refuses the place behind a signed offer link. Accepting gives the seat for good (and a
// fresh personal link by mail); refusing passes it on to the next person waiting.
func (a *App) AnswerOffer(ctx context.Context, signed string, accept bool) error {
	ids, err := a.Keys.Verify(purposeOffer, signed, a.Now(), 1)
	if err != nil {
		return err
	}
	return a.Store.tx(ctx, func(tx *sqlx.Tx) error {
		r, err := registrationByID(ctx, tx, ids[0], false)
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
		if r, err = registrationByID(ctx, tx, ids[0], true); err != nil {
			return err
		}
		if r.Status != StatusOffered || r.OfferExpiresAt == nil || a.Now().After(*r.OfferExpiresAt) {
			return ErrExpired
		}
		if !accept {
			if err := a.setStatus(ctx, tx, r, StatusWithdrawn, nil); err != nil {
				return err
			}
			return a.offerFreedSeats(ctx, tx, g, r.Role == RoleChild)
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
			return a.offerFreedSeats(ctx, tx, g, r.Role == RoleChild)
		})
		if err != nil {
			return n, err
		}
	}
	return n, nil
}
