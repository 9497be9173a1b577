package app

import (
	"strconv"
	"time"
)

// Link purposes for signed links.
const (
	purposeExcuse = "excuse"
	purposeOffer  = "offer"
)

// The addresses the portal puts in mail, built from BASE_URL, or from DISCREET_BASE_URL in discreet mail.
// Personal tokens are random and stored hashed; excuse and offer links are signed, so mail composed later (a
// reminder) needs no stored token.

// LinkBase is where the links of a mail start: the neutral DISCREET_BASE_URL for discreet mail (whoever reads
// the mailbox reads the links too), BASE_URL otherwise.
func (a *App) LinkBase(discreet bool) string {
	if discreet && a.Config.DiscreetBaseURL != "" {
		return a.Config.DiscreetBaseURL
	}
	return a.Config.BaseURL
}

// PersonalLink is the private page of a registration: its sessions, cancel, excuse, contact wishes.
func (a *App) PersonalLink(token string) string { return a.personalLink(a.Config.BaseURL, token) }

// DiscreetPersonalLink is PersonalLink on the neutral host, for the people of discreet offerings.
func (a *App) DiscreetPersonalLink(token string) string {
	return a.personalLink(a.LinkBase(true), token)
}

func (a *App) personalLink(base, token string) string { return base + "/mijn/" + token }

// LinkRequestURL is where anyone can ask for their personal link again.
func (a *App) LinkRequestURL() string { return a.linkRequestURL(a.Config.BaseURL) }

func (a *App) linkRequestURL(base string) string { return base + "/mijn-link" }

// ExcuseLink lets a person say "I can't come" to one session, from a reminder; it works until the session starts.
func (a *App) ExcuseLink(registrationID, sessionID int64, sessionStart time.Time) string {
	return a.excuseLink(a.Config.BaseURL, registrationID, sessionID, sessionStart)
}

func (a *App) excuseLink(base string, registrationID, sessionID int64, sessionStart time.Time) string {
	return base + "/afmelden/" + a.Keys.Sign(purposeExcuse, sessionStart, registrationID, sessionID)
}

// OfferLink lets a person accept or refuse a place offered from the waiting list, until the offer expires.
func (a *App) OfferLink(registrationID int64, expires time.Time) string {
	return a.offerLink(a.Config.BaseURL, registrationID, expires)
}

func (a *App) offerLink(base string, registrationID int64, expires time.Time) string {
	return base + "/plaats/" + a.Keys.Sign(purposeOffer, expires, registrationID)
}

// WaakvlamStatusLink is the status page of an organisation's Waakvlam request.
func (a *App) WaakvlamStatusLink(token string) string { return a.Config.BaseURL + "/waakvlam/" + token }

// StaffSignupLink is the private signup page of a planned Waakvlam session, for the organisation's staff.
func (a *App) StaffSignupLink(token string) string { return a.Config.BaseURL + "/inschrijven/" + token }

// PasswordResetLink lets a staff member choose a new password.
func (a *App) PasswordResetLink(token string) string {
	return a.Config.BaseURL + "/beheer/wachtwoord/" + token
}

// AttendanceLink is the roll call of a session, for its facilitators.
func (a *App) AttendanceLink(sessionID int64) string {
	return a.Config.BaseURL + "/beheer/sessies/" + strconv.FormatInt(sessionID, 10) + "/aanwezigheid"
}
