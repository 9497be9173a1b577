package app

import (
	"context"
	"strconv"
	"strings"
	"time"

	"portal/app/locale"
)

// Attest is a certificate of attendance for a professional: the intervision sessions they attended in a year,
// or the Waakvlam session of their organisation, with the hours.
type Attest struct {
	Person   Person
	Group    Group
	Offering Offering
	// Year is the intervision year attested; 0 for Waakvlam, whose group is one training.
	Year int
	// Years lists the years in which the person attended a session of the group, newest first.
	Years []int
	// Sessions are the sessions attended (present or late), in time order.
	Sessions []Session
	// Eligible is false for anyone but a professional in an intervision group or at a Waakvlam training.
	Eligible bool
	IssuedOn time.Time
}

// Hours is the total length of the sessions attended.
func (t Attest) Hours() time.Duration {
	var d time.Duration
	for _, s := range t.Sessions {
		d += s.EndsAt.Sub(s.StartsAt)
	}
	return d
}

// HoursText writes a duration in hours the way lang writes decimals: "7,5" (nl) or "7.5" (en).
func HoursText(lang string, d time.Duration) string {
	s := strconv.FormatFloat(d.Hours(), 'f', -1, 64)
	if i := strings.IndexByte(s, '.'); i >= 0 && len(s) > i+3 {
		s = strconv.FormatFloat(d.Hours(), 'f', 2, 64)
	}
	if lang != "en" {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

// attestKinds are the offerings a certificate of attendance exists for.
func attestKind(kind string) bool { return kind == KindIntervision || kind == KindWaakvlam }

// attestOf returns the certificate of person personID in group groupID for year (0: the last year they
// attended). ErrNotFound when the person never registered for the group; an attest that is not Eligible, or
// has no sessions, says so on its page. The caller checks that its reader may see the group.
func (a *App) attestOf(ctx context.Context, groupID, personID int64, year int) (Attest, error) {
	var t Attest
	member, err := everRegistered(ctx, a.Store.DB, groupID, personID)
	if err != nil {
		return t, err
	}
	if !member {
		return t, ErrNotFound
	}
	if t.Person, err = a.personByID(ctx, a.Store.DB, personID); err != nil {
		return t, err
	}
	if t.Group, err = groupByID(ctx, a.Store.DB, groupID); err != nil {
		return t, err
	}
	if t.Offering, err = offeringByID(ctx, a.Store.DB, t.Group.OfferingID); err != nil {
		return t, err
	}
	t.IssuedOn = a.Now()
	t.Eligible = t.Person.Kind == PersonProfessional && attestKind(t.Offering.Kind)
	attended, err := attendedSessions(ctx, a.Store.DB, groupID, personID, t.IssuedOn)
	if err != nil {
		return t, err
	}
	for i := len(attended) - 1; i >= 0; i-- {
		y := attended[i].StartsAt.In(locale.Brussels).Year()
		if len(t.Years) == 0 || t.Years[len(t.Years)-1] != y {
			t.Years = append(t.Years, y)
		}
	}
	if t.Offering.Kind == KindWaakvlam {
		t.Sessions = attended
		return t, nil
	}
	t.Year = year
	if year == 0 {
		t.Year = DefaultYear(t.Years, t.IssuedOn)
	}
	for _, s := range attended {
		if s.StartsAt.In(locale.Brussels).Year() == t.Year {
			t.Sessions = append(t.Sessions, s)
		}
	}
	return t, nil
}

// ViewAttest is a person's certificate (see attestOf) for an actor who may see the group (ErrForbidden
// otherwise), recorded in the audit trail (the page shows a person's name).
func (a *App) ViewAttest(ctx context.Context, actor Actor, groupID, personID int64, year int) (Attest, error) {
	if err := actor.AllowGroup(AllRoles, groupID); err != nil {
		return Attest{}, err
	}
	t, err := a.attestOf(ctx, groupID, personID, year)
	if err != nil {
		return t, err
	}
	err = a.Audit(ctx, a.Store.DB, AuditEntry{StaffID: &actor.Staff.ID, Action: AuditAttestView, PersonID: &personID,
		GroupID: &groupID, Detail: map[string]any{"year": t.Year}})
	return t, err
}

// AttestByToken returns the certificate behind a personal link: only for a professional of an intervision group
// or a Waakvlam training who attended at least once (ErrNotFound otherwise).
func (a *App) AttestByToken(ctx context.Context, token string, year int) (Attest, error) {
	r, err := a.registrationByToken(ctx, a.Store.DB, token, false)
	if err != nil {
		return Attest{}, err
	}
	if r.GroupID == nil {
		return Attest{}, ErrNotFound
	}
	t, err := a.attestOf(ctx, *r.GroupID, r.PersonID, year)
	if err != nil {
		return t, err
	}
	if !t.Eligible || len(t.Years) == 0 {
		return t, ErrNotFound
	}
	return t, nil
}

// HasAttest reports whether the person of registration r may print a certificate of attendance from their
// personal page: a professional of an intervision group or a Waakvlam training who attended at least once.
func (a *App) HasAttest(ctx context.Context, r Registration) (bool, error) {
	if r.GroupID == nil {
		return false, nil
	}
	return attestable(ctx, a.Store.DB, r.PersonID, *r.GroupID, a.Now())
}

// AttestMember is a professional of a group, with how many sessions they attended in a year.
type AttestMember struct {
	PersonID     int64  `db:"id"`
	NameEnc      []byte `db:"display_name_enc"`
	Name         string `db:"-"`
	Organisation string `db:"organisation"`
	Attended     int    `db:"attended"`
}

// AttestMembers lists the professionals of an intervision group or Waakvlam training who attended in year (for
// Waakvlam: ever), for the staff page that links to their certificates. The list holds names: ErrForbidden
// unless the actor may see the group; the view is audited.
func (a *App) AttestMembers(ctx context.Context, actor Actor, groupID int64, year int) ([]AttestMember, error) {
	if err := actor.AllowGroup(AllRoles, groupID); err != nil {
		return nil, err
	}
	from, to := yearRange(year)
	out, err := attestMembers(ctx, a.Store.DB, a.Keys, groupID, from, to, a.Now())
	if err != nil {
		return nil, err
	}
	err = a.Audit(ctx, a.Store.DB, AuditEntry{StaffID: &actor.Staff.ID, Action: AuditAttestList, GroupID: &groupID,
		Detail: map[string]any{"year": year}})
	return out, err
}
