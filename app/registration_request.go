package app

import (
	"context"
	"fmt"
	"slices"

	"github.com/jmoiron/sqlx"
)

// ContactInput is how a participant may be contacted: the channels allowed and when it is safe.
type ContactInput struct {
	Email, Phone     string
	ByEmail, ByPhone bool
	BySMS            bool
	VoicemailOK      bool
	SafeTimes        string
	CalendarInvites  bool
}

// RequestInput is a request to join a group with an intake (survivor groups, Moedige Moeders, Rotonde).
type RequestInput struct {
	OfferingSlug string
	// GroupID is the group the person prefers, or 0 for "no preference".
	GroupID        int64
	Alias          string
	Contact        ContactInput
	Municipality   string
	Referrer       string
	ReferrerDetail string
	Message        string
	Consent        bool
	ConsentText    Consent
	Language       string
	// Code is the personal code she chose (optional, strongly recommended): without it, her page shows only the
	// dates of her appointments, and changes become requests to staff.
	Code          string
	SubmissionKey string
	// staffID is the staff member who registers on the person's behalf (consent read to them), or 0. Only
	// RequestOnBehalf sets it, after checking its actor: a public form cannot claim to come from staff.
	staffID int64
}

// RequestResult is what the person sees after sending a request: never whether they were known before.
type RequestResult struct {
	RegistrationID int64  `json:"registration_id"`
	Token          string `json:"-"`
	Mailed         bool   `json:"mailed"`
	Repeat         bool   `json:"-"`
}

// checkContact validates the safe-contact part of a participant form.
func checkContact(f *fields, c ContactInput) ContactInput {
	out := ContactInput{ByEmail: c.ByEmail, ByPhone: c.ByPhone, BySMS: c.BySMS, VoicemailOK: c.VoicemailOK,
		CalendarInvites: c.CalendarInvites && c.ByEmail}
	if !c.ByEmail && !c.ByPhone && !c.BySMS {
		f.v.Add("channels", "form.channels.required")
	}
	// The address and the number are optional fields on the form: one that a chosen way of contact needs
	// says why it is needed, never a bare "fill this in".
	out.Email = f.email("email", c.Email, false)
	if c.ByEmail && out.Email == "" {
		f.v.Add("email", "form.email.forchannel")
	}
	out.Phone = f.phone("phone", c.Phone, false)
	if (c.ByPhone || c.BySMS) && out.Phone == "" {
		f.v.Add("phone", "form.phone.forchannel")
	}
	out.SafeTimes = f.text("safe_times", c.SafeTimes, MaxShort, false)
	if !c.ByPhone {
		out.VoicemailOK = false
	}
	return out
}

// participant builds the person record of a participant from checked contact details.
func (a *App) participant(kind, name, municipality, lang string, c ContactInput) Person {
	return Person{Kind: kind, DisplayName: name, Municipality: municipality, Language: lang,
		EmailEnc: a.Keys.Encrypt(c.Email), EmailHash: hashOrNil(a, c.Email), PhoneEnc: a.Keys.Encrypt(c.Phone),
		ContactEmail: c.ByEmail, ContactPhone: c.ByPhone, ContactSMS: c.BySMS, VoicemailOK: c.VoicemailOK,
		SafeTimesEnc: a.Keys.Encrypt(c.SafeTimes), ICSOptIn: c.CalendarInvites}
}

// preferredGroup checks that a preferred group belongs to the offering and still takes people; 0 means none.
// Staff registering on someone's behalf (byStaff) may name any group of the offering that recordable accepts,
// also one that is over: they record a request of the past for the group it was for.
func (a *App) preferredGroup(ctx context.Context, f *fields, o Offering, groupID int64, byStaff bool) *int64 {
	if groupID == 0 {
		return nil
	}
	g, err := groupByID(ctx, a.Store.DB, groupID)
	takes := func() bool {
		if byStaff {
			return recordable(g) == nil
		}
		return g.Visibility == "public" && a.joinable(ctx, a.Store.DB, g) == nil
	}
	if err != nil || g.OfferingID != o.ID || !takes() {
		f.v.Add("group", "form.group.invalid")
		return nil
	}
	return &g.ID
}

// RequestOnBehalf records the request as Request does, made by staff on the person's behalf (the
// consent read out to them): the registration and consent name the actor. For the office (OfficeRoles):
// ErrForbidden for anyone else, before the input is read.
func (a *App) RequestOnBehalf(ctx context.Context, actor Actor, in RequestInput) (RequestResult, error) {
	if err := actor.Allow(OfficeRoles); err != nil {
		return RequestResult{}, err
	}
	in.staffID = actor.ID()
	return a.Request(ctx, in)
}

// Request records a request to join a group with an intake. It creates a new person every time: a request
// never attaches to, changes or reveals someone already known (an address may be typed by someone else).
func (a *App) Request(ctx context.Context, in RequestInput) (RequestResult, error) {
	o, err := offeringBySlug(ctx, a.Store.DB, in.OfferingSlug)
	if err != nil {
		return RequestResult{}, err
	}
	if o.Admission != AdmissionIntake || o.Kind == KindFamily || !o.Active {
		return RequestResult{}, ErrNotFound
	}
	f := newFields()
	alias := f.text("alias", in.Alias, MaxName, true)
	contact := checkContact(f, in.Contact)
	municipality := f.choice("municipality", in.Municipality, Municipalities, false)
	referrer := f.choice("referrer", in.Referrer, Referrers, false)
	detail := f.text("referrer_detail", in.ReferrerDetail, MaxShort, false)
	var message string
	if o.Kind != KindRotonde { // Rotonde keeps no account of what happened: it asks for no free text at all
		message = f.long("message", in.Message, MaxMessage, false)
	}
	groupID := a.preferredGroup(ctx, f, o, in.GroupID, in.staffID != 0)
	code := checkCodeInput(f, "code", in.Code, false)
	f.consent("consent", in.Consent)
	if err := f.err(); err != nil {
		return RequestResult{}, err
	}
	lang := normLang(in.Language)
	codeHash, err := hashCodeIfSet(ctx, code)
	if err != nil {
		return RequestResult{}, err
	}

	var res RequestResult
	err = a.Store.tx(ctx, func(tx *sqlx.Tx) error {
		repeat, err := claimSubmission(ctx, tx, in.SubmissionKey, "request", &res)
		if err != nil || repeat {
			res.Repeat = repeat
			return a.linkForRepeat(ctx, tx, err, res.Mailed, res.RegistrationID, &res.Token)
		}
		personID, err := a.insertPerson(ctx, tx, a.participant(PersonParticipant, alias, municipality, lang, contact))
		if err != nil {
			return err
		}
		token, hash := NewToken()
		reg := Registration{PersonID: personID, OfferingID: o.ID, GroupID: groupID, Role: RoleParticipant,
			Status: StatusRequested, ReferrerDetail: detail, MessageEnc: a.Keys.Encrypt(message), TokenHash: hash,
			RegisteredBy: staffRef(in.staffID)}
		if referrer != "" {
			reg.Referrer = &referrer
		}
		regID, err := a.insertRegistration(ctx, tx, reg)
		if err != nil {
			return err
		}
		if err := a.setCode(ctx, tx, regID, codeHash); err != nil {
			return err
		}
		if err := insertConsent(ctx, tx, personID, regID, in.ConsentText, consentVia(in.staffID), staffRef(in.staffID)); err != nil {
			return err
		}
		if contact.ByEmail {
			if err := a.enqueue(ctx, tx, Mail{DedupeKey: fmt.Sprintf("%s:%d", MailRequestReceived, regID),
				Kind: MailRequestReceived, PersonID: &personID, RegistrationID: &regID, Secret: token}); err != nil {
				return err
			}
			res.Mailed = true
		}
		res.RegistrationID, res.Token = regID, token
		return storeSubmission(ctx, tx, in.SubmissionKey, res)
	})
	return res, err
}

// staffRef is the registering staff member as an optional id.
func staffRef(id int64) *int64 {
	if id == 0 {
		return nil
	}
	return &id
}

// consentVia says how consent was given: on the form, or to a staff member who registered the person.
func consentVia(staffID int64) string {
	if staffID != 0 {
		return "staff"
	}
	return "form"
}

func normLang(l string) string {
	if slices.Contains([]string{"nl", "en"}, l) {
		return l
	}
	return "nl"
}
