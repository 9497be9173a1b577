package app

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
)

// linkGrace is how long a personal link keeps working after the group's last session (or after a request
// without a group ended), so people can still look back.
const linkGrace = 30 * 24 * time.Hour

// SessionView is one session as a participant sees it behind their link.
type SessionView struct {
	Session
	Excused   bool
	CanExcuse bool
}

// Member is someone of the same household, as the contacting parent sees them.
type Member struct {
	Name   string
	Role   string
	Age    *int
	Status string
}

// PersonalView is everything the personal page shows: nothing about anyone outside the person's household.
type PersonalView struct {
	Registration Registration
	Person       Person
	Contact      Contact
	Offering     Offering
	Group        *Group
	Sessions     []SessionView
	// ShowPlace is true when the person may know where the group meets (closed groups: admitted only).
	ShowPlace bool
	Household []Member
	// CancelUntil is the last moment to cancel online; zero when cancelling is not (or no longer) possible.
	CancelUntil time.Time
	OfferLink   string
	// Limited is true when the page may show only what the person's mails already show: the dates and times of
	// her appointments, nothing else (a discreet registration without the code given).
	Limited bool
	// CodeSet and Locked tell whether the person chose a personal code, and whether wrong codes locked the page.
	CodeSet, Locked bool
	// StatusOnly is true for a registration that ended (withdrawn, declined, completed): the page shows the
	// status and nothing of the group.
	StatusOnly bool
}

// PersonalPage reads what the personal page behind token shows to a visitor holding unlock (the proof of the
// code, or ""). For a discreet registration without the code given, it holds only the dates and times her mails
// already show (Limited): no offering, group, place, household, contact details or name.
func (a *App) PersonalPage(ctx context.Context, token, unlock string) (PersonalView, error) {
	r, err := a.registrationByToken(ctx, a.Store.DB, token, false)
	if err != nil {
		return PersonalView{}, err
	}
	st, err := a.codeStateOf(ctx, a.Store.DB, r.ID)
	if err != nil {
		return PersonalView{}, err
	}
	if a.fullAccess(st, r.ID, unlock) {
		v, err := a.Personal(ctx, token)
		v.CodeSet = st.HasCode()
		return v, err
	}
	v := PersonalView{Limited: true, CodeSet: st.HasCode(), Locked: st.Locked(), StatusOnly: !r.Active()}
	v.Registration = Registration{ID: r.ID, Status: r.Status}
	if r.Status == StatusIntakePlanned {
		v.Registration.IntakeAt = r.IntakeAt
	}
	if r.Status != StatusAdmitted || r.GroupID == nil {
		return v, nil
	}
	upcoming, err := a.Store.UpcomingSessions(ctx, *r.GroupID, a.Now())
	if err != nil {
		return v, err
	}
	excused, err := a.excusedOf(ctx, r.PersonID)
	if err != nil {
		return v, err
	}
	for _, s := range upcoming {
		// Without a code set she can excuse herself here as from her reminder (see gateAnswer); with one, the
		// code opens the full page first.
		v.Sessions = append(v.Sessions, SessionView{Session: Session{ID: s.ID, StartsAt: s.StartsAt, EndsAt: s.EndsAt},
			Excused: excused[s.ID], CanExcuse: !st.HasCode() && !st.Locked()})
	}
	return v, nil
}

// registrationByToken finds the registration of a personal link that still works.
func (a *App) registrationByToken(ctx context.Context, q sqlx.QueryerContext, token string, lock bool) (Registration, error) {
	if len(token) < 20 || len(token) > 100 {
		return Registration{}, ErrNotFound
	}
	return registrationByTokenHash(ctx, q, HashToken(token), a.Now(), linkGrace, lock)
}

// Personal reads what the personal page behind token shows.
func (a *App) Personal(ctx context.Context, token string) (PersonalView, error) {
	r, err := a.registrationByToken(ctx, a.Store.DB, token, false)
	if err != nil {
		return PersonalView{}, err
	}
	v := PersonalView{Registration: r}
	if v.Person, err = a.personByID(ctx, a.Store.DB, r.PersonID); err != nil {
		return v, err
	}
	v.Contact = a.contactOf(v.Person)
	if v.Offering, err = a.Store.OfferingByID(ctx, r.OfferingID); err != nil {
		return v, err
	}
	if !r.Active() {
		// Withdrawn, declined or completed: the status only, no place, no sessions, no household.
		v.StatusOnly = true
		return v, nil
	}
	if r.HouseholdID != nil {
		members, err := householdMembers(ctx, a.Store.DB, a.Keys, r)
		if err != nil {
			return v, err
		}
		for _, m := range members {
			v.Household = append(v.Household, Member{Name: m.Name, Role: m.Role, Age: m.Age, Status: m.Status})
		}
	}
	if r.GroupID == nil {
		return v, nil
	}
	g, err := a.Store.GroupByID(ctx, *r.GroupID)
	if err != nil {
		return v, err
	}
	v.Group = &g
	v.ShowPlace = r.Status == StatusAdmitted || !g.PlacePrivate
	if r.Status == StatusOffered && r.OfferExpiresAt != nil {
		v.OfferLink = a.OfferLink(r.ID, *r.OfferExpiresAt)
	}
	upcoming, err := a.Store.UpcomingSessions(ctx, g.ID, a.Now())
	if err != nil {
		return v, err
	}
	excused, err := a.excusedOf(ctx, r.PersonID)
	if err != nil {
		return v, err
	}
	for _, s := range upcoming {
		v.Sessions = append(v.Sessions, SessionView{Session: s, Excused: excused[s.ID], CanExcuse: r.Status == StatusAdmitted})
	}
	if r.Active() && len(upcoming) > 0 {
		v.CancelUntil = a.cancelDeadline(v.Offering, upcoming[0])
		if a.Now().After(v.CancelUntil) {
			v.CancelUntil = time.Time{}
		}
	} else if r.Active() {
		v.CancelUntil = a.Now().Add(linkGrace) // a request without sessions yet can always be withdrawn
	}
	return v, nil
}

// excusedOf returns the sessions person personID excused themselves from.
func (a *App) excusedOf(ctx context.Context, personID int64) (map[int64]bool, error) {
	rows, err := excusedSessions(ctx, a.Store.DB, personID)
	if err != nil {
		return nil, err
	}
	excused := make(map[int64]bool, len(rows))
	for _, id := range rows {
		excused[id] = true
	}
	return excused, nil
}

// cancelDeadline is the last moment to cancel online: the offering's cancel_hours before the next session.
func (a *App) cancelDeadline(o Offering, next Session) time.Time {
	return next.StartsAt.Add(-time.Duration(o.CancelHours) * time.Hour)
}

// Cancel withdraws the registration behind a personal link (and the rest of its household), frees its seat for
// the next person waiting, drops its reminders and confirms by mail. For a discreet registration it needs the
// code (unlock): without it, ErrCodeNeeded, or ErrRequested when she has no code (staff get the request).
func (a *App) Cancel(ctx context.Context, token, unlock string) error {
	view, err := a.Personal(ctx, token)
	if err != nil {
		return err
	}
	if err := a.gate(ctx, view.Registration, unlock, WorkRequestCancel, ""); err != nil {
		return err
	}
	if view.CancelUntil.IsZero() {
		return ErrExpired
	}
	r := view.Registration
	return a.Store.tx(ctx, func(tx *sqlx.Tx) error {
		if r.GroupID != nil {
			if _, err = lockGroup(ctx, tx, *r.GroupID); err != nil {
				return err
			}
		}
		members := []int64{r.ID}
		if r.HouseholdID != nil {
			if members, err = householdRegistrationIDs(ctx, tx, *r.HouseholdID); err != nil {
				return err
			}
		}
		for _, id := range members {
			m, err := registrationByID(ctx, tx, id, true)
			if err != nil {
				return err
			}
			if !m.Active() {
				continue
			}
			if err := a.setStatus(ctx, tx, m, StatusWithdrawn, nil); err != nil {
				return err
			}
			if err := a.dropReminders(ctx, tx, m.ID, nil); err != nil {
				return err
			}
		}
		if err := a.enqueue(ctx, tx, Mail{DedupeKey: fmt.Sprintf("%s:%d", MailCancelled, r.ID), Kind: MailCancelled,
			PersonID: &r.PersonID, RegistrationID: &r.ID}); err != nil {
			return err
		}
		if err := a.auditChange(ctx, tx, 0, AuditRegistrationCancel, r, nil); err != nil {
			return err
		}
		if r.GroupID == nil {
			return nil
		}
		return a.reconcileSeats(ctx, tx, *r.GroupID)
	})
}

// Excuse records that the person behind a personal link (with their household) cannot come to one session, or,
// with excuse false, takes that back. The mark shows on the facilitator's roll call; the session's reminders stop.
// A page guarded by a code needs it (unlock): see gateAnswer.
func (a *App) Excuse(ctx context.Context, token, unlock string, sessionID int64, excuse bool) error {
	r, err := a.registrationByToken(ctx, a.Store.DB, token, false)
	if err != nil {
		return err
	}
	if err := a.gateAnswer(ctx, r, unlock, "", ""); err != nil {
		return err
	}
	return a.excuse(ctx, r, sessionID, excuse)
}

func (a *App) excuse(ctx context.Context, r Registration, sessionID int64, excuse bool) error {
	if r.Status != StatusAdmitted || r.GroupID == nil {
		return ErrForbidden
	}
	return a.Store.tx(ctx, func(tx *sqlx.Tx) error {
		// The group first, as every change that touches reminders (see lockSession).
		if _, err := lockGroup(ctx, tx, *r.GroupID); err != nil {
			return err
		}
		s, err := sessionOfGroup(ctx, tx, sessionID, *r.GroupID)
		if err != nil {
			return err
		}
		if s.Status != SessionPlanned {
			return ErrNotFound
		}
		if !s.StartsAt.After(a.Now()) {
			return ErrExpired
		}
		members := []Registration{r}
		if r.HouseholdID != nil {
			if members, err = admittedOfHousehold(ctx, tx, *r.HouseholdID); err != nil {
				return err
			}
		}
		if err := a.auditChange(ctx, tx, 0, AuditAttendanceExcuse, r, map[string]any{"session_id": sessionID, "excused": excuse}); err != nil {
			return err
		}
		for _, m := range members {
			if excuse {
				if err := recordExcuse(ctx, tx, sessionID, m.PersonID, m.ID); err != nil {
					return err
				}
				if err := a.dropReminders(ctx, tx, m.ID, &sessionID); err != nil {
					return err
				}
				continue
			}
			if err := undoExcuse(ctx, tx, sessionID, m.PersonID); err != nil {
				return err
			}
			if err := a.planReminders(ctx, tx, m.ID); err != nil {
				return err
			}
		}
		return nil
	})
}

// ExcuseView is what the page behind a reminder's "I can't come" link shows.
type ExcuseView struct {
	Session Session
	Excused bool
	// Offering is the session's offering: its audience decides whether the page carries the quick exit.
	Offering Offering
	AnswerGuard
}

// ExcuseLinkView reads the session behind a signed excuse link.
func (a *App) ExcuseLinkView(ctx context.Context, signed string) (ExcuseView, error) {
	ids, err := a.Keys.Verify(purposeExcuse, signed, a.Now(), 2)
	if err != nil {
		return ExcuseView{}, err
	}
	r, err := registrationByID(ctx, a.Store.DB, ids[0], false)
	if err != nil {
		return ExcuseView{}, err
	}
	var v ExcuseView
	if r.GroupID == nil {
		return v, ErrNotFound
	}
	if v.Session, err = sessionOfGroup(ctx, a.Store.DB, ids[1], *r.GroupID); err != nil {
		return v, err
	}
	if v.Excused, err = isExcused(ctx, a.Store.DB, ids[1], r.PersonID); err != nil {
		return v, err
	}
	g, err := a.Store.GroupByID(ctx, *r.GroupID)
	if err != nil {
		return v, err
	}
	if v.Offering, err = a.Store.OfferingByID(ctx, g.OfferingID); err != nil {
		return v, err
	}
	v.AnswerGuard, err = a.answerGuard(ctx, r.ID)
	return v, err
}

// ExcuseByLink records the excuse behind a signed link from a reminder. A page guarded by a code needs it
// (code, as typed on the page): see gateAnswer for the errors.
func (a *App) ExcuseByLink(ctx context.Context, signed, code string) error {
	ids, err := a.Keys.Verify(purposeExcuse, signed, a.Now(), 2)
	if err != nil {
		return err
	}
	r, err := registrationByID(ctx, a.Store.DB, ids[0], false)
	if err != nil {
		return err
	}
	if err := a.gateAnswer(ctx, r, "", code, ""); err != nil {
		return err
	}
	return a.excuse(ctx, r, ids[1], true)
}

// UpdateContact changes how the person behind a personal link may be contacted. For a discreet registration it
// needs the code (unlock); without a code the wish goes to staff as a request (ErrRequested), to be confirmed
// through her safe channel. A change made online shows to staff with the previous details until they confirm
// it, and a changed e-mail address is told to the old address too, discreetly.
func (a *App) UpdateContact(ctx context.Context, token, unlock string, in ContactInput, lang string) error {
	r, err := a.registrationByToken(ctx, a.Store.DB, token, false)
	if err != nil {
		return err
	}
	p, err := a.personByID(ctx, a.Store.DB, r.PersonID)
	if err != nil {
		return err
	}
	f := newFields()
	var c ContactInput
	if p.Kind == PersonProfessional {
		// A professional's address is how we reach them at all; only the calendar wish and language change here.
		c = ContactInput{CalendarInvites: in.CalendarInvites}
	} else {
		c = checkContact(f, in)
	}
	if err := f.err(); err != nil {
		return err
	}
	if p.Kind == PersonProfessional {
		return a.Store.tx(ctx, func(tx *sqlx.Tx) error {
			if err := setCalendarAndLanguage(ctx, tx, p.ID, c.CalendarInvites, normLang(lang)); err != nil {
				return err
			}
			return a.auditChange(ctx, tx, 0, AuditPersonContact, r, nil)
		})
	}
	wish, err := json.Marshal(c)
	if err != nil {
		return err
	}
	if err := a.gate(ctx, r, unlock, WorkRequestContact, string(wish)); err != nil {
		return err
	}
	old := a.contactOf(p)
	previous, err := json.Marshal(old)
	if err != nil {
		return err
	}
	return a.Store.tx(ctx, func(tx *sqlx.Tx) error {
		stored := storedContact{EmailEnc: a.Keys.Encrypt(c.Email), EmailHash: hashOrNil(a, c.Email),
			PhoneEnc: a.Keys.Encrypt(c.Phone), SafeTimesEnc: a.Keys.Encrypt(c.SafeTimes), ByEmail: c.ByEmail,
			ByPhone: c.ByPhone, BySMS: c.BySMS, VoicemailOK: c.VoicemailOK, ICSOpt: c.CalendarInvites,
			Language: normLang(lang)}
		if err := setContactChangedOnline(ctx, tx, p.ID, stored, a.Now(), a.Keys.Encrypt(string(previous))); err != nil {
			return err
		}
		if err := a.writeSearchGrams(ctx, tx, p.ID, p.DisplayName, c.Email, c.Phone); err != nil {
			return err
		}
		if err := a.addWorkItem(ctx, tx, WorkItem{Kind: WorkContactChanged, RegistrationID: &r.ID, PersonID: &p.ID,
			GroupID: r.GroupID}, ""); err != nil {
			return err
		}
		if old.Email != "" && !strings.EqualFold(old.Email, c.Email) {
			// The old address learns of the change: if she did not make it, she knows now.
			if err := a.enqueue(ctx, tx, Mail{DedupeKey: fmt.Sprintf("%s:%d:%d", MailContactChanged, p.ID, a.Now().UnixNano()),
				Kind: MailContactChanged, PersonID: &p.ID, RegistrationID: &r.ID, Secret: old.Email,
				Params: map[string]any{"changed_at": a.Now().Format(time.RFC3339)}}); err != nil {
				return err
			}
		}
		return a.auditChange(ctx, tx, 0, AuditPersonContact, r, map[string]any{"email_changed": !strings.EqualFold(old.Email, c.Email)})
	})
}

// AskContact records "ik wil dat jullie me contacteren" from the personal page as a work item for staff, who
// contact her through her safe channel. It needs no code: it changes nothing and tells nothing.
func (a *App) AskContact(ctx context.Context, token string) error {
	r, err := a.registrationByToken(ctx, a.Store.DB, token, false)
	if err != nil {
		return err
	}
	return a.Store.tx(ctx, func(tx *sqlx.Tx) error {
		if err := a.addWorkItem(ctx, tx, WorkItem{Kind: WorkContactMe, RegistrationID: &r.ID, PersonID: &r.PersonID,
			GroupID: r.GroupID}, ""); err != nil {
			return err
		}
		return a.auditChange(ctx, tx, 0, AuditPersonAskContact, r, nil)
	})
}

// MomentUnsuitable records "dit moment past niet" for her intake (sessionID 0) or one of her group's coming
// sessions, as a work item for staff. Like "contact me" it needs no code: it changes nothing (staff contact her
// through her safe channel to find another moment) and tells nothing the limited page does not show.
func (a *App) MomentUnsuitable(ctx context.Context, token string, sessionID int64) error {
	r, err := a.registrationByToken(ctx, a.Store.DB, token, false)
	if err != nil {
		return err
	}
	w := WorkItem{Kind: WorkMomentUnsuitable, RegistrationID: &r.ID, PersonID: &r.PersonID, GroupID: r.GroupID}
	switch {
	case sessionID == 0 && (r.Status != StatusIntakePlanned || r.IntakeAt == nil):
		return ErrExpired
	case sessionID != 0:
		if r.GroupID == nil || r.Status != StatusAdmitted {
			return ErrForbidden
		}
		upcoming, err := a.Store.UpcomingSessions(ctx, *r.GroupID, a.Now())
		if err != nil {
			return err
		}
		if !slices.ContainsFunc(upcoming, func(s Session) bool { return s.ID == sessionID }) {
			return ErrNotFound
		}
		w.SessionID = &sessionID
	}
	return a.Store.tx(ctx, func(tx *sqlx.Tx) error {
		if err := a.addWorkItem(ctx, tx, w, ""); err != nil {
			return err
		}
		return a.auditChange(ctx, tx, 0, AuditPersonMomentUnsuitable, r, map[string]any{"session_id": sessionID})
	})
}

// AnswerOfferByToken accepts or refuses an offered place from the personal page. A page guarded by a code needs
// it (unlock): see gateAnswer.
func (a *App) AnswerOfferByToken(ctx context.Context, token, unlock string, accept bool) error {
	r, err := a.registrationByToken(ctx, a.Store.DB, token, false)
	if err != nil {
		return err
	}
	if r.Status != StatusOffered || r.OfferExpiresAt == nil {
		return ErrExpired
	}
	if err := a.gateAnswer(ctx, r, unlock, "", refusalRequest(accept)); err != nil {
		return err
	}
	return a.answerOffer(ctx, r.ID, accept)
}

// LinksAgainPerHour is how often one address may ask for its links again in an hour; a request beyond it is
// answered as any other but sends nothing (a mailbox is not to be flooded through this form).
const LinksAgainPerHour = 3

// SendLinksAgain mails a fresh personal link for every active registration of the people with this address, at
// most LinksAgainPerHour times an hour per address. It answers the same whether or not the address is known or
// over its budget; the caller shows one message either way. A missing or malformed address is a
// *ValidationError (field "email"), checked before the budget so that a mistyped try never uses it up.
func (a *App) SendLinksAgain(ctx context.Context, email string) error {
	f := newFields()
	email = f.email("email", email, true)
	if err := f.err(); err != nil {
		return err
	}
	ok, err := a.Allow(ctx, "link:"+hex.EncodeToString(a.Keys.EmailHash(email)[:12]), LinksAgainPerHour, time.Hour)
	if err != nil || !ok {
		return err
	}
	return a.Store.tx(ctx, func(tx *sqlx.Tx) error {
		regs, err := activeRegistrationsByEmail(ctx, tx, a.Keys.EmailHashes(email))
		if err != nil {
			return err
		}
		for _, r := range regs {
			token, err := a.addToken(ctx, tx, r.ID)
			if err != nil {
				return err
			}
			if err := a.enqueue(ctx, tx, Mail{DedupeKey: fmt.Sprintf("%s:%d:%x", MailLinkAgain, r.ID, HashToken(token)[:8]), Kind: MailLinkAgain,
				PersonID: &r.PersonID, RegistrationID: &r.ID, Secret: token}); err != nil {
				return err
			}
		}
		return nil
	})
}

// RotateLinks retires every personal link of the registration behind token (for instance when someone else
// found it) and returns the one new link that works from now on. For a discreet registration it needs the code
// (unlock): without it, ErrCodeNeeded, or ErrRequested when she has no code (staff get the request).
func (a *App) RotateLinks(ctx context.Context, token, unlock string) (string, error) {
	r, err := a.registrationByToken(ctx, a.Store.DB, token, false)
	if err != nil {
		return "", err
	}
	if err := a.gate(ctx, r, unlock, WorkRequestNewLink, ""); err != nil {
		return "", err
	}
	var fresh string
	err = a.Store.tx(ctx, func(tx *sqlx.Tx) error {
		r, err := a.registrationByToken(ctx, tx, token, true)
		if err != nil {
			return err
		}
		raw, hash := NewToken()
		if err := replaceLinks(ctx, tx, r.ID, hash); err != nil {
			return err
		}
		fresh = raw
		return a.auditChange(ctx, tx, 0, AuditPersonRotateLinks, r, nil)
	})
	return fresh, err
}
