package app

import "time"

// Registration statuses. Active ones hold (or ask for) a place; the database refuses changes outside
// registration_transitions.
const (
	StatusRequested     = "requested"
	StatusIntakePlanned = "intake_planned"
	StatusAdmitted      = "admitted"
	StatusWaitlisted    = "waitlisted"
	StatusOffered       = "offered"
	StatusDeclined      = "declined"
	StatusWithdrawn     = "withdrawn"
	StatusCompleted     = "completed"
)

// Roles in a group: an ordinary participant, or a parent or child of a household (Blaffen of Schuilen).
const (
	RoleParticipant = "participant"
	RoleParent      = "parent"
	RoleChild       = "child"
)

// Registration is a person's place in a group, or their request for one.
type Registration struct {
	ID          int64   `db:"id"`
	PersonID    int64   `db:"person_id"`
	OfferingID  int64   `db:"offering_id"`
	GroupID     *int64  `db:"group_id"`
	HouseholdID *int64  `db:"household_id"`
	Role        string  `db:"role"`
	Status      string  `db:"status"`
	Referrer    *string `db:"referrer"`
	// ReferrerDetail is the free-text referral detail, kept encrypted (ReferrerDetailEnc); it is filled only
	// where a page shows it (see openRegistration), and sealed by insertRegistration.
	ReferrerDetail    string     `db:"-"`
	ReferrerDetailEnc []byte     `db:"referrer_detail_enc"`
	MessageEnc        []byte     `db:"message_enc"`
	IntakeAt          *time.Time `db:"intake_at"`
	IntakeNoteEnc     []byte     `db:"intake_note_enc"`
	// DeclineReason is why staff declined the request, kept encrypted (DeclineReasonEnc); filled only where a
	// page shows it (see openRegistration).
	DeclineReason    string     `db:"-"`
	DeclineReasonEnc []byte     `db:"decline_reason_enc"`
	WaitlistedAt     *time.Time `db:"waitlisted_at"`
	OfferExpiresAt   *time.Time `db:"offer_expires_at"`
	OverCapacity     bool       `db:"over_capacity"`
	WalkIn           bool       `db:"walk_in"`
	RegisteredBy     *int64     `db:"registered_by"`
	TokenHash        []byte     `db:"token_hash"`
	// RequestedOn is the day the request came in (a date, midnight UTC as the driver reads it): the day it was
	// stored in Brussels unless staff set another (SetRequestDate). insertRegistration fills it when zero.
	RequestedOn time.Time `db:"requested_on"`
	CreatedAt   time.Time `db:"created_at"`
	UpdatedAt   time.Time `db:"updated_at"`
}

// Active reports whether the registration still holds or asks for a place.
func (r Registration) Active() bool {
	switch r.Status {
	case StatusRequested, StatusIntakePlanned, StatusAdmitted, StatusWaitlisted, StatusOffered:
		return true
	}
	return false
}

// HoldsSeat reports whether the registration takes a seat in its group.
func (r Registration) HoldsSeat() bool {
	return r.Status == StatusAdmitted || r.Status == StatusOffered
}

const registrationColumns = `id, person_id, offering_id, group_id, household_id, role, status, referrer,
	referrer_detail_enc, message_enc, intake_at, intake_note_enc, decline_reason_enc, waitlisted_at, offer_expires_at,
	over_capacity, walk_in, registered_by, token_hash, requested_on, created_at, updated_at`

// Person is someone who joins: a professional, a participant (first name or alias is enough) or a child.
type Person struct {
	ID          int64  `db:"id"`
	Kind        string `db:"kind"`
	HouseholdID *int64 `db:"household_id"`
	// DisplayName is the name or alias, kept encrypted (DisplayNameEnc): personByID fills it, insertPerson
	// seals it.
	DisplayName    string     `db:"-"`
	DisplayNameEnc []byte     `db:"display_name_enc"`
	EmailEnc       []byte     `db:"email_enc"`
	EmailHash      []byte     `db:"email_hash"`
	PhoneEnc       []byte     `db:"phone_enc"`
	Organisation   string     `db:"organisation"`
	Sector         *string    `db:"sector"`
	Municipality   string     `db:"municipality"`
	Age            *int       `db:"age"`
	ContactEmail   bool       `db:"contact_email"`
	ContactPhone   bool       `db:"contact_phone"`
	ContactSMS     bool       `db:"contact_sms"`
	VoicemailOK    bool       `db:"voicemail_ok"`
	SafeTimesEnc   []byte     `db:"safe_times_enc"`
	ICSOptIn       bool       `db:"ics_opt_in"`
	Language       string     `db:"language"`
	CreatedAt      time.Time  `db:"created_at"`
	AnonymisedAt   *time.Time `db:"anonymised_at"`
}

// TakesMail reports whether mail to p can go out at all: an address, not anonymised, and for a participant her
// wish to be contacted by e-mail (professionals are mailed at the address they gave). Staff pages use it to say
// who is told of a change.
func (p Person) TakesMail() bool {
	return p.AnonymisedAt == nil && len(p.EmailHash) > 0 && (p.Kind == PersonProfessional || p.ContactEmail)
}

// Person kinds.
const (
	PersonProfessional = "professional"
	PersonParticipant  = "participant"
	PersonChild        = "child"
)

const personColumns = `id, kind, household_id, display_name_enc, email_enc, email_hash, phone_enc, organisation, sector,
	municipality, age, contact_email, contact_phone, contact_sms, voicemail_ok, safe_times_enc, ics_opt_in, language,
	created_at, anonymised_at`

// Contact is how a person may be contacted, decrypted: what staff read before they reach out.
type Contact struct {
	Email, Phone, SafeTimes      string
	ByEmail, ByPhone, BySMS      bool
	VoicemailOK, CalendarInvites bool
}

// contactOf decrypts a person's contact details.
func (a *App) contactOf(p Person) Contact {
	return Contact{
		Email: a.Keys.MustDecrypt(p.EmailEnc), Phone: a.Keys.MustDecrypt(p.PhoneEnc),
		SafeTimes: a.Keys.MustDecrypt(p.SafeTimesEnc),
		ByEmail:   p.ContactEmail, ByPhone: p.ContactPhone, BySMS: p.ContactSMS, VoicemailOK: p.VoicemailOK,
		CalendarInvites: p.ICSOptIn,
	}
}

// Consent is the consent text a person agreed to, exactly as shown, with its version.
type Consent struct {
	Version string
	Text    string
}
