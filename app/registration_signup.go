package app

import (
	"context"
	"errors"
	"fmt"

	"github.com/jmoiron/sqlx"
)

// SignupInput is an open signup (intervision, events, a Waakvlam session through its private link).
type SignupInput struct {
	GroupID int64
	// Name is the full name of a professional, or a first name or alias for an event.
	Name  string
	Email string
	Phone string
	// ByPhone: an event participant asks to be contacted by phone instead of e-mail.
	ByPhone bool
	// ContactUnanswered: a participant left the form's question how she gets her confirmation open (the form
	// chooses nothing for her, as e-mail may be read by someone else). Refused with a message at "contact".
	ContactUnanswered bool
	Organisation      string
	Sector            string
	Consent           bool
	ConsentText       Consent
	Language          string
	SubmissionKey     string
	// Code is the personal code chosen for a discreet group (optional, strongly recommended): with it, her page
	// shows only her appointments until the code is given, as after a request (see RequestInput). Ignored
	// elsewhere.
	Code string
}

// SignupResult is what the person sees after signing up.
type SignupResult struct {
	RegistrationID int64  `json:"registration_id"`
	Status         string `json:"status"` // admitted or waitlisted
	// Token is the personal link's token, known only to the submission that created it.
	Token string `json:"-"`
	// Repeat is true when the same form was submitted before: the first result is returned.
	Repeat bool `json:"-"`
	// Mailed says whether a mail with the personal link is on its way.
	Mailed bool `json:"mailed"`
}

// SignUp registers someone for a group that is open to signup: a seat when one is free and nobody waits,
// else a place on the waiting list. The group row is locked for the decision, so capacity holds under any
// number of simultaneous signups, from any number of portal processes.
func (a *App) SignUp(ctx context.Context, in SignupInput) (SignupResult, error) {
	g, err := groupByID(ctx, a.Store.DB, in.GroupID)
	if err != nil {
		return SignupResult{}, err
	}
	o, err := offeringByID(ctx, a.Store.DB, g.OfferingID)
	if err != nil {
		return SignupResult{}, err
	}
	if o.Admission != AdmissionOpen && !(o.Kind == KindWaakvlam && g.Visibility == "private") {
		return SignupResult{}, ErrNotFound
	}
	professional := o.Audience == AudienceProfessionals
	f := newFields()
	name := f.text("name", in.Name, MaxName, true)
	var email, phone, org, sector string
	if professional {
		email = f.email("email", in.Email, true)
		org = f.text("organisation", in.Organisation, MaxShort, true)
		sector = f.choice("sector", in.Sector, Sectors, true)
	} else if in.ContactUnanswered && !in.ByPhone {
		f.v.Add("contact", "form.contact.required")
	} else if in.ByPhone {
		// optional fields on the form (one of the two is needed): say why, never a bare "fill this in"
		if phone = f.phone("phone", in.Phone, false); phone == "" {
			f.v.Add("phone", "form.phone.forchannel")
		}
	} else if email = f.email("email", in.Email, false); email == "" {
		f.v.Add("email", "form.email.forchannel")
	}
	var code string
	if !professional && g.Discreet(o) {
		code = checkCodeInput(f, "code", in.Code, false)
	}
	f.consent("consent", in.Consent)
	if err := f.err(); err != nil {
		return SignupResult{}, err
	}
	codeHash, err := hashCodeIfSet(ctx, code)
	if err != nil {
		return SignupResult{}, err
	}
	lang := in.Language
	if lang != "en" {
		lang = "nl"
	}

	var res SignupResult
	err = a.Store.tx(ctx, func(tx *sqlx.Tx) error {
		repeat, err := claimSubmission(ctx, tx, in.SubmissionKey, "signup", &res)
		if err != nil || repeat {
			res.Repeat = repeat
			return a.linkForRepeat(ctx, tx, err, res.Mailed, res.RegistrationID, &res.Token)
		}
		g, err := lockGroup(ctx, tx, in.GroupID)
		if err != nil {
			return err
		}
		if err := a.joinable(ctx, tx, g); err != nil {
			return err
		}
		taken, waiting, err := seatState(ctx, tx, g.ID, false)
		if err != nil {
			return err
		}
		if taken < g.Capacity && waiting > 0 {
			// A free seat while people wait is never answered with "full": they get their offers first (this
			// heals a group left behind), and the newcomer what is left.
			if err := a.reconcileSeats(ctx, tx, g.ID); err != nil {
				return err
			}
			if taken, waiting, err = seatState(ctx, tx, g.ID, false); err != nil {
				return err
			}
		}
		status := StatusWaitlisted
		if taken < g.Capacity && waiting == 0 {
			status = StatusAdmitted
		}
		res.Status = status

		var personID int64
		if email != "" {
			// Someone already active in this group with this address: the page looks exactly as for a new
			// signup (it must not tell who is known), and nothing is added or changed.
			existing, err := activeInGroupByEmail(ctx, tx, g.ID, a.Keys.EmailHashes(email))
			if err != nil {
				return err
			}
			if existing > 0 {
				res.Mailed = true
				return storeSubmission(ctx, tx, in.SubmissionKey, res)
			}
		}
		if professional {
			personID, err = a.upsertProfessional(ctx, tx, name, email, org, sector, lang)
		} else {
			personID, err = a.insertPerson(ctx, tx, Person{Kind: PersonParticipant, DisplayName: name,
				EmailEnc: a.Keys.Encrypt(email), EmailHash: hashOrNil(a, email), PhoneEnc: a.Keys.Encrypt(phone),
				ContactEmail: email != "", ContactPhone: phone != "", Language: lang})
		}
		if err != nil {
			return err
		}
		token, hash := NewToken()
		reg := Registration{PersonID: personID, OfferingID: o.ID, GroupID: &g.ID, Role: RoleParticipant, Status: status,
			TokenHash: hash}
		if status == StatusWaitlisted {
			now := a.Now()
			reg.WaitlistedAt = &now
		}
		regID, err := a.insertRegistration(ctx, tx, reg)
		if errors.Is(err, ErrDuplicate) {
			// The same professional, active in this group already: same answer as a new signup.
			res.Mailed = true
			return storeSubmission(ctx, tx, in.SubmissionKey, res)
		}
		if err != nil {
			return err
		}
		if err := a.setCode(ctx, tx, regID, codeHash); err != nil {
			return err
		}
		if err := insertConsent(ctx, tx, personID, regID, in.ConsentText, "form", nil); err != nil {
			return err
		}
		kind := MailSignupConfirmed
		if status == StatusWaitlisted {
			kind = MailWaitlisted
		}
		if email != "" {
			if err := a.enqueue(ctx, tx, Mail{DedupeKey: fmt.Sprintf("%s:%d", kind, regID), Kind: kind,
				PersonID: &personID, RegistrationID: &regID, Secret: token}); err != nil {
				return err
			}
			res.Mailed = true
		}
		if status == StatusAdmitted {
			if err := a.planReminders(ctx, tx, regID); err != nil {
				return err
			}
		}
		res.RegistrationID, res.Token = regID, token
		return storeSubmission(ctx, tx, in.SubmissionKey, res)
	})
	return res, err
}

// upsertProfessional finds a professional by e-mail address, or adds them. A public form never changes what is
// known about someone: anyone can type anyone's address, and a name or organisation ends up on certificates.
func (a *App) upsertProfessional(ctx context.Context, tx *sqlx.Tx, name, email, org, sector, lang string) (int64, error) {
	id, err := professionalByEmail(ctx, tx, a.Keys.EmailHashes(email))
	if err == nil {
		return id, nil
	}
	if !errors.Is(err, ErrNotFound) {
		return 0, err
	}
	return a.insertPerson(ctx, tx, Person{Kind: PersonProfessional, DisplayName: name, EmailEnc: a.Keys.Encrypt(email),
		EmailHash: a.Keys.EmailHash(email), Organisation: org, Sector: &sector, ContactEmail: true, Language: lang})
}

func hashOrNil(a *App, email string) []byte {
	if email == "" {
		return nil
	}
	return a.Keys.EmailHash(email)
}
