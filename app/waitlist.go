package app

import (
	"context"
	"database/sql"
	"errors"
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
		var r Registration
		if err := tx.GetContext(ctx, &r, `SELECT `+registrationColumns+` FROM registrations
			WHERE group_id = $1 AND status = 'waitlisted' AND (role = 'child') = $2
			ORDER BY waitlisted_at, id LIMIT 1 FOR UPDATE`, g.ID, child); err != nil {
			return fmt.Errorf("store: unable to find the next on the waiting list: %w", err)
		}
		expires := a.Now().Add(time.Duration(g.OfferHours) * time.Hour)
		if _, err := tx.ExecContext(ctx, `UPDATE registrations SET status = 'offered', offer_expires_at = $2,
			updated_at = $3 WHERE id = $1`, r.ID, expires, a.Now()); err != nil {
			return guardError(err, "store: unable to offer a place")
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
	var ids []struct {
		ID      int64 `db:"id"`
		GroupID int64 `db:"group_id"`
	}
	if err := a.Store.DB.SelectContext(ctx, &ids, `SELECT id, group_id FROM registrations
		WHERE status = 'offered' AND offer_expires_at < $1 ORDER BY offer_expires_at LIMIT 100`, a.Now()); err != nil {
		return 0, fmt.Errorf("store: unable to list expired offers: %w", err)
	}
	n := 0
	for _, it := range ids {
		err := a.Store.tx(ctx, func(tx *sqlx.Tx) error {
			g, err := lockGroup(ctx, tx, it.GroupID)
			if err != nil {
				return err
			}
			var r Registration
			err = tx.GetContext(ctx, &r, `SELECT `+registrationColumns+` FROM registrations
				WHERE id = $1 AND status = 'offered' AND offer_expires_at < $2 FOR UPDATE SKIP LOCKED`, it.ID, a.Now())
			if errors.Is(err, sql.ErrNoRows) {
				return nil // answered or taken by another process meanwhile
			}
			if err != nil {
				return fmt.Errorf("store: unable to read offer: %w", err)
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
