package app

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"time"

	"github.com/jmoiron/sqlx"
)

// The organisation side of a planned Waakvlam: its colleagues sign up through the private link without typing
// the organisation again, and its contact person follows the signups on the status page and can have the private
// link sent again.

// serviceSectors gives the sector of a professional (Sectors, counted in the figures) for the service type an
// organisation chose when it asked for the training (ServiceTypes). A hospital is not a GP practice: "health"
// counts as "other".
var serviceSectors = map[string]string{
	"social_services": "ocmw", "police": "police", "caw": "caw", "youth_care": "youth_care", "ggz": "ggz",
	"asylum": "asylum", "ckg": "ckg", "education": "education", "health": "other", "other": "other",
}

// SectorOfService returns the sector of the professionals of an organisation of service type t, "other" for a
// type it does not know.
func SectorOfService(t string) string {
	if s, ok := serviceSectors[t]; ok {
		return s
	}
	return "other"
}

// WaakvlamOrganisation is the organisation behind a private Waakvlam group: what each colleague who signs up
// through its link would otherwise type again.
type WaakvlamOrganisation struct {
	Name   string
	Sector string // one of Sectors
}

// PrivateSignupOrganisation returns the organisation whose Waakvlam training is private group groupID, or
// ErrNotFound for a group that is no planned Waakvlam. The private link is the right to see it: the caller
// found groupID through that link (PrivateSignupGroup).
func (a *App) PrivateSignupOrganisation(ctx context.Context, groupID int64) (WaakvlamOrganisation, error) {
	var r struct {
		Organisation string `db:"organisation"`
		ServiceType  string `db:"service_type"`
	}
	err := sqlx.GetContext(ctx, a.Store.DB, &r, `SELECT organisation, service_type FROM waakvlam_requests WHERE group_id = $1`, groupID)
	if err != nil {
		return WaakvlamOrganisation{}, notFoundOr(err, "store: unable to read the organisation of a Waakvlam group")
	}
	return WaakvlamOrganisation{Name: r.Organisation, Sector: SectorOfService(r.ServiceType)}, nil
}

// colleaguesSignedUp returns the names of the people with a place or a waiting-list place in group groupID, in
// alphabetical order: the organisation's own staff, for its contact person.
func (a *App) colleaguesSignedUp(ctx context.Context, q sqlx.QueryerContext, groupID int64) ([]string, error) {
	var sealed [][]byte
	err := sqlx.SelectContext(ctx, q, &sealed, `SELECT p.display_name_enc FROM registrations r JOIN people p ON p.id = r.person_id
		WHERE r.group_id = $1 AND r.status IN ('admitted', 'waitlisted', 'offered')`, groupID)
	if err != nil {
		return nil, fmt.Errorf("store: unable to list who signed up: %w", err)
	}
	names := make([]string, 0, len(sealed))
	for _, s := range sealed {
		if n := a.Keys.MustDecrypt(s); n != "" {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	return names, nil
}

// WaakvlamLinkResends is how often a request's private signup link may be sent again per day: enough for a lost
// mail, too few to flood the contact person's mailbox.
const WaakvlamLinkResends = 3

// ResendWaakvlamLink sends the contact person of the request behind a status-page token a private signup link
// again. Only the link's hash is kept, so it cannot be read back: a new link is made and mailed, and the previous
// one stops working (whoever signed up with it keeps the place). It does nothing, without an error, for an
// unknown token, a request that is not planned, or after WaakvlamLinkResends sends that day: the page answers the
// same in every case. Errors are the database's only.
func (a *App) ResendWaakvlamLink(ctx context.Context, token string) error {
	r, err := waakvlamByTokenHash(ctx, a.Store.DB, HashToken(token))
	if err != nil || r.Status != "planned" || r.GroupID == nil {
		if err == ErrNotFound || err == nil {
			return nil
		}
		return err
	}
	ok, err := a.Allow(ctx, fmt.Sprintf("waakvlam-link:%d", r.ID), WaakvlamLinkResends, 24*time.Hour)
	if err != nil || !ok {
		return err
	}
	return a.Store.tx(ctx, func(tx *sqlx.Tx) error {
		locked, err := lockWaakvlamRequest(ctx, tx, r.ID)
		if err != nil || locked.Status != "planned" || locked.GroupID == nil {
			return err
		}
		sessions, err := groupSessions(ctx, tx, *locked.GroupID)
		if err != nil {
			return err
		}
		i := slices.IndexFunc(sessions, func(s Session) bool { return s.Status != SessionCancelled })
		if i < 0 {
			return nil
		}
		newToken, hash := NewToken()
		if _, err := tx.ExecContext(ctx, `UPDATE groups SET signup_token_hash = $2 WHERE id = $1`, *locked.GroupID, hash); err != nil {
			return fmt.Errorf("store: unable to renew the signup link: %w", err)
		}
		sessionID := sessions[i].ID
		// The dedupe key names this link by its hash (kept anyway), never by the token.
		return a.enqueue(ctx, tx, Mail{DedupeKey: fmt.Sprintf("%s:%d:%x", MailWaakvlamPlanned, r.ID, hash[:8]),
			Kind: MailWaakvlamPlanned, WaakvlamID: &r.ID, SessionID: &sessionID, Secret: newToken})
	})
}
