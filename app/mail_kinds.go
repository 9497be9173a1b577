package app

import "time"

// Mail kinds: what a mail is about. Each is declared once, in mailKinds below, with what it needs and shows;
// the outbox, the worker's data loading (LoadMailData) and the mail's wording (package mail) read that table.
// A kind's copy is in app/locale/mail.*.toml ("mail.<kind>.subject", "mail.<kind>.intro", optional ".outro" and
// ".discreet" variants) and its label on the staff mail pages in people.*.toml ("staff.mail.kind.<kind>"), in
// both languages; mail/kinds_test.go fails on a kind without them.
const (
	MailSignupConfirmed   = "signup_confirmed"       // open signup: you have a place
	MailRequestReceived   = "request_received"       // intake offering: we received your request
	MailIntakePlanned     = "intake_planned"         // an introductory talk is planned
	MailAdmitted          = "admitted"               // you are admitted, with the personal link
	MailDeclined          = "declined"               // the request is declined
	MailWaitlisted        = "waitlisted"             // you are on the waiting list
	MailOffer             = "waitlist_offer"         // a place is free: accept or refuse before it expires
	MailOfferExpired      = "offer_expired"          // the offer passed on
	MailPromoted          = "promoted"               // staff gave you a place from the waiting list
	MailCancelled         = "cancellation_confirmed" // your cancellation is recorded
	MailSessionChanged    = "session_changed"        // a session moved
	MailSessionCancelled  = "session_cancelled"      // a session was cancelled
	MailReminder          = "reminder"               // a session is coming up
	MailWaakvlamReceived  = "waakvlam_received"      // the organisation's request is received
	MailWaakvlamPlanned   = "waakvlam_planned"       // the training is planned, with the staff signup link
	MailLinkAgain         = "link_again"             // "send me my link again"
	MailTakeAttendance    = "take_attendance"        // to facilitators, after a session
	MailAbsenceAlert      = "absence_alert"          // to coordinators: two unexcused absences in a row
	MailPasswordReset     = "password_reset"         // to staff
	MailHouseholdReceived = "household_received"     // Blaffen of Schuilen: we received your family's request
	MailContactChanged    = "contact_changed"        // to the old address: your contact details were changed online
	MailEnded             = "registration_ended"     // staff ended a registration (never "we noted your cancellation")
	MailGroupMoved        = "group_moved"            // staff moved you to another group: its dates, the old ones off the calendar
	MailWorkDigest        = "work_digest"            // to office staff who chose it: new work items per kind, no names
)

// MailKind is what a mail of one kind needs and shows.
type MailKind struct {
	// Name is the outbox's kind ("reminder"), one of the Mail* constants.
	Name string
	// Details says which details the mail lays out under its introduction.
	Details MailDetails
	// ListsSessions: the mail lists the group's upcoming sessions.
	ListsSessions bool
	// Calendar: the mail may carry a calendar file (for a participant only when they opted in).
	Calendar bool
	// PersonalToken: the mail's Secret is a personal-link token, shown as the personal page's link.
	PersonalToken bool
	// LinkAtSend: the mail carries the personal page's link, made when it is sent (a reminder is planned long
	// before; only the hash of a link is kept, so the link is new). Also for a discreet offering: the link
	// uses the neutral host, and the page shows nothing more without the code.
	LinkAtSend bool
	// NeedsSession: the mail is about one session and is stale (cancelled) without it.
	NeedsSession bool
	// AboutRegistration: a mail to a participant about their registration; without their personal link in
	// it, it points to the page where the link can be asked again.
	AboutRegistration bool
	// Moment is the moment the mail is about. Once that moment (plus Grace) is past, the mail is never sent:
	// it is recorded as cancelled with the reason ReasonPast (see mailInPast). Every kind says it, also
	// MomentNone, so a new kind cannot forget it (TestEveryMailKindSaysWhatMomentItConcerns).
	Moment MailMoment
	// Grace is how long after its moment the mail still makes sense (an absence alert about last week's
	// session); zero for most.
	Grace time.Duration
}

// MailMoment is what moment a mail concerns, for the rule that nothing about a moment already past is mailed.
type MailMoment int

const (
	momentUnset MailMoment = iota // not declared: enqueue refuses the kind
	// MomentNone: the mail is about no moment and is always sent (a password reset, a received Waakvlam request).
	MomentNone
	// MomentSession: the start of the mail's session (a reminder, a changed or cancelled session).
	MomentSession
	// MomentGroup: the end of the last planned session of the mail's group (via its session or registration):
	// a place in, or the end of a place in, a group that is over concerns the past. Without a group or
	// without sessions there is no moment.
	MomentGroup
	// MomentIntake: the introductory talk's time (the mail's intake_at).
	MomentIntake
	// MomentOffer: when the waiting-list offer expires (the mail's expires_at).
	MomentOffer
)

// MailDetails is the block of details a mail lays out under its introduction.
type MailDetails int

const (
	DetailsNone     MailDetails = iota
	DetailsSession              // when (the session's date and times), where, and the topic unless discreet
	DetailsGroup                // where, and the list of upcoming sessions
	DetailsWaakvlam             // the organisation and the request's reference
	DetailsWork                 // the work digest's counts per kind
)

var mailKinds = []MailKind{
	{Name: MailSignupConfirmed, Details: DetailsGroup, ListsSessions: true, Calendar: true, PersonalToken: true, AboutRegistration: true, Moment: MomentGroup},
	{Name: MailRequestReceived, PersonalToken: true, AboutRegistration: true, Moment: MomentGroup},
	{Name: MailHouseholdReceived, PersonalToken: true, AboutRegistration: true, Moment: MomentGroup},
	{Name: MailIntakePlanned, LinkAtSend: true, AboutRegistration: true, Moment: MomentIntake},
	{Name: MailAdmitted, Details: DetailsGroup, ListsSessions: true, Calendar: true, PersonalToken: true, AboutRegistration: true, Moment: MomentGroup},
	{Name: MailDeclined, LinkAtSend: true, AboutRegistration: true, Moment: MomentGroup},
	{Name: MailWaitlisted, PersonalToken: true, AboutRegistration: true, Moment: MomentGroup},
	{Name: MailOffer, AboutRegistration: true, Moment: MomentOffer},
	{Name: MailOfferExpired, AboutRegistration: true, Moment: MomentGroup},
	{Name: MailPromoted, Details: DetailsGroup, ListsSessions: true, Calendar: true, LinkAtSend: true, AboutRegistration: true, Moment: MomentGroup},
	{Name: MailCancelled, LinkAtSend: true, AboutRegistration: true, Moment: MomentGroup},
	{Name: MailSessionChanged, Details: DetailsSession, Calendar: true, NeedsSession: true, AboutRegistration: true, Moment: MomentSession},
	{Name: MailSessionCancelled, Calendar: true, NeedsSession: true, Moment: MomentSession},
	{Name: MailReminder, Details: DetailsSession, Calendar: true, NeedsSession: true, LinkAtSend: true, AboutRegistration: true, Moment: MomentSession},
	{Name: MailWaakvlamReceived, Details: DetailsWaakvlam, Moment: MomentNone},
	{Name: MailWaakvlamPlanned, Details: DetailsSession, Calendar: true, NeedsSession: true, Moment: MomentSession},
	{Name: MailLinkAgain, PersonalToken: true, AboutRegistration: true, Moment: MomentNone},
	{Name: MailTakeAttendance, NeedsSession: true, Moment: MomentSession, Grace: attendanceMailWindow},
	{Name: MailAbsenceAlert, NeedsSession: true, Moment: MomentSession, Grace: EditWindow},
	{Name: MailPasswordReset, Moment: MomentNone},
	{Name: MailContactChanged, Moment: MomentNone},
	{Name: MailEnded, Moment: MomentGroup},
	{Name: MailWorkDigest, Details: DetailsWork, Moment: MomentNone},
	{Name: MailGroupMoved, Details: DetailsGroup, ListsSessions: true, Calendar: true, LinkAtSend: true, AboutRegistration: true, Moment: MomentGroup},
}

var mailKindByName = func() map[string]MailKind {
	m := make(map[string]MailKind, len(mailKinds))
	for _, k := range mailKinds {
		m[k.Name] = k
	}
	return m
}()

// MailKinds returns every mail kind, in the order of the table (a copy: change nothing through it).
func MailKinds() []MailKind { return append([]MailKind(nil), mailKinds...) }

// MailKindOf returns the kind called name, and false for a name that is no kind (its zero value asks for
// nothing).
func MailKindOf(name string) (MailKind, bool) {
	k, ok := mailKindByName[name]
	return k, ok
}
