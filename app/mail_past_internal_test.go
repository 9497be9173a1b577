package app

import (
	"testing"
	"time"
)

// Every mail kind says what moment it concerns, so a new kind cannot forget the rule about the past.
func TestEveryMailKindSaysWhatMomentItConcerns(t *testing.T) {
	for _, k := range mailKinds {
		if k.Moment == momentUnset {
			t.Errorf("mail kind %q declares no Moment in app/mail_kinds.go", k.Name)
		}
	}
}

// The rule per mail kind, with the clock at today and the moment it concerns in the past or in the future:
// a mail about a past moment is not sent; one about no moment always is. The expected moment of each kind is
// written out here, so changing a kind's declaration or the rule fails this test.
func TestAMailAboutThePastIsNotSent(t *testing.T) {
	now := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	const (
		session = "session"
		group   = "group"
		intake  = "intake"
		offer   = "offer"
		none    = ""
	)
	cases := []struct {
		kind   string
		moment string
		grace  time.Duration // how long after the moment the mail still goes
	}{
		{MailSignupConfirmed, group, 0},
		{MailRequestReceived, group, 0},
		{MailHouseholdReceived, group, 0},
		{MailIntakePlanned, intake, 0},
		{MailAdmitted, group, 0},
		{MailDeclined, group, 0},
		{MailWaitlisted, group, 0},
		{MailOffer, offer, 0},
		{MailOfferExpired, group, 0},
		{MailPromoted, group, 0},
		{MailCancelled, group, 0},
		{MailSessionChanged, session, 0},
		{MailSessionCancelled, session, 0},
		{MailReminder, session, 0},
		{MailWaakvlamReceived, none, 0},
		{MailWaakvlamPlanned, session, 0},
		{MailLinkAgain, none, 0},
		{MailTakeAttendance, session, 8 * 24 * time.Hour},
		{MailAbsenceAlert, session, 14 * 24 * time.Hour},
		{MailPasswordReset, none, 0},
		{MailContactChanged, none, 0},
		{MailEnded, group, 0},
		{MailWorkDigest, none, 0},
		{MailGroupMoved, group, 0},
	}
	if len(cases) != len(mailKinds) {
		t.Fatalf("%d kinds here, %d in app/mail_kinds.go: add the new kind to this table", len(cases), len(mailKinds))
	}
	// at puts every time of a mail's moments at t, except the one that matters, which is at m.
	at := func(moment string, m, other time.Time) mailMoments {
		mm := mailMoments{SessionStart: other, GroupEnd: other, IntakeAt: other, OfferExpires: other}
		switch moment {
		case session:
			mm.SessionStart = m
		case group:
			mm.GroupEnd = m
		case intake:
			mm.IntakeAt = m
		case offer:
			mm.OfferExpires = m
		}
		return mm
	}
	future, longAgo := now.Add(time.Hour), now.AddDate(-1, 0, 0)
	for _, c := range cases {
		k, ok := MailKindOf(c.kind)
		if !ok {
			t.Fatalf("%q is no kind", c.kind)
		}
		for _, w := range []struct {
			name   string
			moment mailMoments
			past   bool
		}{
			{"moment ahead, the rest long ago", at(c.moment, future, longAgo), false},
			{"moment now", at(c.moment, now, future), c.moment != none && c.grace == 0},
			{"moment an hour ago", at(c.moment, now.Add(-time.Hour), future), c.moment != none && c.grace == 0},
			{"moment just within its grace", at(c.moment, now.Add(-c.grace+time.Minute), future), false},
			{"moment last year", at(c.moment, longAgo, future), c.moment != none},
			{"no moment known", at(c.moment, time.Time{}, longAgo), false},
		} {
			if c.moment == none && w.name == "moment ahead, the rest long ago" {
				w.moment = mailMoments{SessionStart: longAgo, GroupEnd: longAgo, IntakeAt: longAgo, OfferExpires: longAgo}
			}
			if got := mailInPast(k, w.moment, now); got != w.past {
				t.Errorf("%s, %s: in the past %v, want %v", c.kind, w.name, got, w.past)
			}
		}
	}
}
