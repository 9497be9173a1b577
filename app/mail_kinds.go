package app

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
}

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
	{Name: MailSignupConfirmed, Details: DetailsGroup, ListsSessions: true, Calendar: true, PersonalToken: true, AboutRegistration: true},
	{Name: MailRequestReceived, PersonalToken: true, AboutRegistration: true},
	{Name: MailHouseholdReceived, PersonalToken: true, AboutRegistration: true},
	{Name: MailIntakePlanned, LinkAtSend: true, AboutRegistration: true},
	{Name: MailAdmitted, Details: DetailsGroup, ListsSessions: true, Calendar: true, PersonalToken: true, AboutRegistration: true},
	{Name: MailDeclined, LinkAtSend: true, AboutRegistration: true},
	{Name: MailWaitlisted, PersonalToken: true, AboutRegistration: true},
	{Name: MailOffer, AboutRegistration: true},
	{Name: MailOfferExpired, AboutRegistration: true},
	{Name: MailPromoted, Details: DetailsGroup, ListsSessions: true, Calendar: true, LinkAtSend: true, AboutRegistration: true},
	{Name: MailCancelled, LinkAtSend: true, AboutRegistration: true},
	{Name: MailSessionChanged, Details: DetailsSession, Calendar: true, NeedsSession: true, AboutRegistration: true},
	{Name: MailSessionCancelled, Calendar: true, NeedsSession: true},
	{Name: MailReminder, Details: DetailsSession, Calendar: true, NeedsSession: true, LinkAtSend: true, AboutRegistration: true},
	{Name: MailWaakvlamReceived, Details: DetailsWaakvlam},
	{Name: MailWaakvlamPlanned, Details: DetailsSession, Calendar: true, NeedsSession: true},
	{Name: MailLinkAgain, PersonalToken: true, AboutRegistration: true},
	{Name: MailTakeAttendance, NeedsSession: true},
	{Name: MailAbsenceAlert, NeedsSession: true},
	{Name: MailPasswordReset},
	{Name: MailContactChanged},
	{Name: MailEnded},
	{Name: MailWorkDigest, Details: DetailsWork},
	{Name: MailGroupMoved, Details: DetailsGroup, ListsSessions: true, Calendar: true, LinkAtSend: true, AboutRegistration: true},
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
