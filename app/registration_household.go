package app

import (
	"context"
	"fmt"
	"strconv"

	"github.com/jmoiron/sqlx"
)

// MaxChildren is the most children one household request takes; a larger family calls us.
const MaxChildren = 8

// ChildInput is a child of a household: a first name and an age, nothing more.
type ChildInput struct {
	FirstName string
	Age       string
}

// HouseholdInput is one request for a family (Blaffen of Schuilen): one or two parents and their children, if any
// take part (a family of parents only is a family too: the parents join the adult track alone).
type HouseholdInput struct {
	GroupID int64
	// Parent is the parent who fills in the form and is contacted; SecondParent is optional (first name only).
	Parent         string
	SecondParent   string
	Children       []ChildInput
	Contact        ContactInput
	Municipality   string
	Referrer       string
	ReferrerDetail string
	Message        string
	Consent        bool
	ConsentText    Consent
	Language       string
	// Code is the personal code the contacting parent chose (optional, strongly recommended); see RequestInput.
	Code          string
	SubmissionKey string
	// staffID is the staff member who registers on the person's behalf (consent read to them), or 0. Only
	// RequestHouseholdOnBehalf sets it, after checking its actor: a public form cannot claim to come from staff.
	staffID int64
}

// HouseholdResult is what the parent sees after sending the request.
type HouseholdResult struct {
	RegistrationID int64  `json:"registration_id"`
	Parents        int    `json:"parents"`
	Children       int    `json:"children"`
	Token          string `json:"-"`
	Mailed         bool   `json:"mailed"`
	Repeat         bool   `json:"-"`
}

// RequestHouseholdOnBehalf records the request as RequestHousehold does, made by staff on the person's behalf (the
// consent read out to them): the registration and consent name the actor. For the office (OfficeRoles):
// ErrForbidden for anyone else, before the input is read.
func (a *App) RequestHouseholdOnBehalf(ctx context.Context, actor Actor, in HouseholdInput) (HouseholdResult, error) {
	if err := actor.Allow(OfficeRoles); err != nil {
		return HouseholdResult{}, err
	}
	in.staffID = actor.ID()
	return a.RequestHousehold(ctx, in)
}

// RequestHousehold records a family's request: a household, each parent and child as a person of their own, and
// a registration for each, parents on the adult track and children on the children's track of the group. The
// contacting parent's registration carries the personal link for the whole family.
func (a *App) RequestHousehold(ctx context.Context, in HouseholdInput) (HouseholdResult, error) {
	o, err := offeringBySlug(ctx, a.Store.DB, "blaffen-of-schuilen")
	if err != nil {
		return HouseholdResult{}, err
	}
	f := newFields()
	parent := f.text("parent", in.Parent, MaxName, true)
	second := f.text("second_parent", in.SecondParent, MaxName, false)
	contact := checkContact(f, in.Contact)
	municipality := f.choice("municipality", in.Municipality, Municipalities, false)
	referrer := f.choice("referrer", in.Referrer, Referrers, false)
	detail := f.text("referrer_detail", in.ReferrerDetail, MaxShort, false)
	message := f.long("message", in.Message, MaxMessage, false)
	groupID := a.preferredGroup(ctx, f, o, in.GroupID, in.staffID != 0)
	type child struct {
		name string
		age  int
	}
	var children []child
	if len(in.Children) > MaxChildren {
		f.v.Add("children", "form.children.toomany")
	}
	for i, c := range in.Children {
		if i >= MaxChildren {
			break
		}
		n := strconv.Itoa(i + 1)
		name := f.text("child_name_"+n, c.FirstName, MaxName, false)
		ageText := f.text("child_age_"+n, c.Age, 3, false)
		if name == "" && ageText == "" {
			continue
		}
		if name == "" {
			f.v.Add("child_name_"+n, "form.child.name.forage") // an optional field: say why it is needed now
		}
		age, err := strconv.Atoi(ageText)
		if ageText == "" {
			f.v.Add("child_age_"+n, "form.child.age.forname") // the group is chosen by age: say so, and the way out
		} else if err != nil || age < 0 || age > 25 {
			f.v.Add("child_age_"+n, "form.age.invalid")
		}
		children = append(children, child{name, age})
	}
	code := checkCodeInput(f, "code", in.Code, false)
	f.consent("consent", in.Consent)
	if err := f.err(); err != nil {
		return HouseholdResult{}, err
	}
	lang := normLang(in.Language)
	codeHash, err := hashCodeIfSet(ctx, code)
	if err != nil {
		return HouseholdResult{}, err
	}

	var res HouseholdResult
	err = a.Store.tx(ctx, func(tx *sqlx.Tx) error {
		repeat, err := claimSubmission(ctx, tx, in.SubmissionKey, "household", &res)
		if err != nil || repeat {
			res.Repeat = repeat
			return a.linkForRepeat(ctx, tx, err, res.Mailed, res.RegistrationID, &res.Token)
		}
		household, err := insertHousehold(ctx, tx)
		if err != nil {
			return err
		}
		var ref *string
		if referrer != "" {
			ref = &referrer
		}
		register := func(p Person, role string, token []byte, message string) (int64, int64, error) {
			p.HouseholdID = &household
			personID, err := a.insertPerson(ctx, tx, p)
			if err != nil {
				return 0, 0, err
			}
			regID, err := a.insertRegistration(ctx, tx, Registration{PersonID: personID, OfferingID: o.ID, GroupID: groupID,
				HouseholdID: &household, Role: role, Status: StatusRequested, Referrer: ref, ReferrerDetail: detail,
				MessageEnc: a.Keys.Encrypt(message), TokenHash: token, RegisteredBy: staffRef(in.staffID)})
			return personID, regID, err
		}
		token, hash := NewToken()
		personID, regID, err := register(a.participant(PersonParticipant, parent, municipality, lang, contact), RoleParent, hash, message)
		if err != nil {
			return err
		}
		if err := a.setCode(ctx, tx, regID, codeHash); err != nil {
			return err
		}
		if err := insertConsent(ctx, tx, personID, regID, in.ConsentText, consentVia(in.staffID), staffRef(in.staffID)); err != nil {
			return err
		}
		res.Parents = 1
		if second != "" {
			if _, _, err := register(Person{Kind: PersonParticipant, DisplayName: second, Municipality: municipality,
				Language: lang}, RoleParent, nil, ""); err != nil {
				return err
			}
			res.Parents++
		}
		for _, c := range children {
			age := c.age
			if _, _, err := register(Person{Kind: PersonChild, DisplayName: c.name, Age: &age, Municipality: municipality,
				Language: lang}, RoleChild, nil, ""); err != nil {
				return err
			}
			res.Children++
		}
		if contact.ByEmail {
			if err := a.enqueue(ctx, tx, Mail{DedupeKey: fmt.Sprintf("%s:%d", MailHouseholdReceived, regID),
				Kind: MailHouseholdReceived, PersonID: &personID, RegistrationID: &regID, Secret: token}); err != nil {
				return err
			}
			res.Mailed = true
		}
		res.RegistrationID, res.Token = regID, token
		return storeSubmission(ctx, tx, in.SubmissionKey, res)
	})
	return res, err
}
