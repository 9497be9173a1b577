package app

import (
	"context"
	"database/sql"
	"encoding/json"
	"net/mail"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
)

// MailData is everything the mail templates need for one claimed outbox row, resolved when it is sent: the
// recipient's current address and language, and the names, times, place and links of what the mail is about.
// For discreet mail the offering and group names, the topic and the place are left empty here already, so no
// template can leak them.
type MailData struct {
	ID          int64
	Kind        string
	Attempts    int
	MaxAttempts int
	// Skip, when not empty, says why this mail must not be sent (no address, no consent to mail, the session
	// is off); the worker then cancels it with this reason, which staff see.
	Skip string

	Lang   string
	To     string
	ToName string // shown next to the address in the To header; empty for participants
	Name   string // how the mail greets the reader
	// ToStaff is true for mail to staff (attendance, absence alerts, password reset).
	ToStaff bool
	// Discreet mail has a neutral sender and subject and says nothing about what the appointment is.
	Discreet bool
	// Calendar asks for an .ics attachment: always for mail about sessions, for discreet mail only when the person
	// opted in.
	Calendar bool

	Offering     string
	OfferingKind string
	Group        string
	Topic        string
	// Place is the meeting place and address, empty when discreet or not to be shown to this reader.
	Place string

	// Session is the session the mail is about (reminders, changes, attendance, Waakvlam).
	Session *MailSession
	// Sessions are the group's upcoming sessions, for confirmations.
	Sessions []MailSession
	// Withdrawn are sessions the reader no longer goes to, for their calendar to take off (group_moved: the
	// upcoming sessions of the group they left). Each is marked Cancelled.
	Withdrawn []MailSession

	OldStart     time.Time // session_changed: when it was
	IntakeAt     time.Time // intake_planned
	OfferExpires time.Time // waitlist_offer
	Message      string    // declined: a word from staff
	Organisation string    // Waakvlam: the requesting organisation
	Reference    string    // Waakvlam: the request's reference
	// WorkCounts are the work digest's new items per kind (work_digest).
	WorkCounts []WorkCount

	Links MailLinks
}

// MailSession is a session as mail shows it.
type MailSession struct {
	ID        int64
	Start     time.Time
	End       time.Time
	Cancelled bool
	// Sequence grows with every change to the session, so a calendar replaces the event it already has.
	Sequence int
	made     time.Time // when the session was created, the zero point of Sequence
}

// MailLinks are the addresses a mail may carry; empty when not for this mail.
type MailLinks struct {
	Personal       string // the registration's private page (only when the mail carries its token)
	LinkRequest    string // ask for the personal link again
	Excuse         string // "I can't come" to Session
	Offer          string // accept or refuse a waiting-list place
	WaakvlamStatus string
	StaffSignup    string // a planned Waakvlam's private signup page, for the organisation's staff
	PasswordReset  string
	Attendance     string // the roll call of Session, for staff
	Dashboard      string // the staff dashboard with the work queue
}

// mailRow is the outbox row joined with everything it refers to. NULLs come back as zero values (ids are never
// 0), and names come back as text in the reader's language, so a batch of hundreds of rows scans quickly.
type mailRow struct {
	ID             int64        `db:"id"`
	Kind           string       `db:"kind"`
	Attempts       int          `db:"attempts"`
	MaxAttempts    int          `db:"max_attempts"`
	Params         []byte       `db:"params"`
	SecretEnc      []byte       `db:"secret_enc"`
	Lang           string       `db:"lang"`
	PersonID       int64        `db:"person_id"`
	StaffID        int64        `db:"staff_id"`
	RegID          int64        `db:"registration_id"`
	WaakvlamID     int64        `db:"waakvlam_request_id"`
	PersonKind     string       `db:"person_kind"` // empty: the person is gone
	DisplayNameEnc []byte       `db:"display_name_enc"`
	EmailEnc       []byte       `db:"email_enc"`
	ContactEmail   bool         `db:"contact_email"`
	ICSOptIn       bool         `db:"ics_opt_in"`
	Anonymised     bool         `db:"anonymised"`
	StaffFound     bool         `db:"staff_found"`
	StaffEmail     string       `db:"staff_email"`
	StaffName      string       `db:"staff_name"`
	StaffActive    bool         `db:"staff_active"`
	Organisation   string       `db:"organisation"`
	Reference      string       `db:"reference"`
	ContactNameEnc []byte       `db:"contact_name_enc"`
	ContactEnc     []byte       `db:"contact_email_enc"`
	RegStatus      string       `db:"registration_status"`
	OfferExpires   sql.NullTime `db:"offer_expires_at"`
	GroupID        int64        `db:"group_id"`
	GroupName      string       `db:"group_name"`
	GroupPlace     string       `db:"group_place"`
	GroupAddress   string       `db:"group_address"`
	PlacePrivate   bool         `db:"place_private"`
	Discreet       bool         `db:"discreet"`
	OfferingName   string       `db:"offering_name"`
	OfferingKind   string       `db:"offering_kind"`
	SessionID      int64        `db:"session_id"`
	StartsAt       sql.NullTime `db:"starts_at"`
	EndsAt         sql.NullTime `db:"ends_at"`
	GroupEndsAt    sql.NullTime `db:"group_ends_at"` // the end of the group's last planned session
	SessionStatus  string       `db:"session_status"`
	Sequence       int          `db:"sequence"`
	Topic          string       `db:"topic"`
	SessionPlace   string       `db:"session_place"`
	SessionAddr    string       `db:"session_address"`
	Excused        bool         `db:"excused"`
}

// LoadMailData resolves claimed outbox rows for sending, in the order of ids. Two queries for the whole batch,
// whatever its size: the rows with everything they refer to, and the upcoming sessions of their groups.
func (a *App) LoadMailData(ctx context.Context, ids []int64) ([]MailData, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	rows, err := mailRows(ctx, a.Store.DB, ids)
	if err != nil {
		return nil, err
	}
	upcoming, err := a.upcomingForMail(ctx, rows)
	if err != nil {
		return nil, err
	}
	byID := make(map[int64]MailData, len(rows))
	for _, r := range rows {
		d := a.mailData(r, upcoming)
		if mailKindByName[r.Kind].LinkAtSend && d.Skip == "" && d.Links.Personal == "" && r.RegID != 0 && !d.ToStaff {
			token, err := a.linkForMail(ctx, r.RegID)
			if err != nil {
				return nil, err
			}
			d.Links.Personal = a.personalLink(a.LinkBase(d.Discreet), token)
		}
		byID[r.ID] = d
	}
	out := make([]MailData, 0, len(rows))
	for _, id := range ids {
		if d, ok := byID[id]; ok {
			out = append(out, d)
		}
	}
	return out, nil
}

// linkForMail gives registration regID one more personal link, for a mail that is being sent.
func (a *App) linkForMail(ctx context.Context, regID int64) (string, error) {
	var token string
	err := a.Store.tx(ctx, func(tx *sqlx.Tx) error {
		var err error
		token, err = a.addToken(ctx, tx, regID)
		return err
	})
	return token, err
}

// upcomingForMail loads the upcoming planned sessions of the groups whose confirmations list them.
func (a *App) upcomingForMail(ctx context.Context, rows []mailRow) (map[int64][]MailSession, error) {
	var groups []int64
	for _, r := range rows {
		if mailKindByName[r.Kind].ListsSessions && r.GroupID != 0 {
			groups = append(groups, r.GroupID)
		}
		if from := movedFrom(r); from != 0 {
			groups = append(groups, from)
		}
	}
	out := map[int64][]MailSession{}
	if len(groups) == 0 {
		return out, nil
	}
	list, err := upcomingOfGroups(ctx, a.Store.DB, groups, a.Now())
	if err != nil {
		return nil, err
	}
	for _, s := range list {
		out[s.GroupID] = append(out[s.GroupID], MailSession{ID: s.ID, Start: s.Start, End: s.End,
			Sequence: sequence(s.Made, s.Edit), made: s.Made})
	}
	return out, nil
}

// sequence numbers the versions of a session for calendars: seconds between its creation and its last change.
func sequence(created, updated time.Time) int {
	return max(0, int(updated.Sub(created)/time.Second))
}

// movedFrom is the group a group_moved mail's reader left, 0 for any other mail.
func movedFrom(r mailRow) int64 {
	if r.Kind != MailGroupMoved {
		return 0
	}
	var p struct {
		From int64 `json:"from_group"`
	}
	_ = json.Unmarshal(r.Params, &p)
	return p.From
}

// movedSessions fills a group_moved mail's sessions: the new group's as confirmed and the old group's as
// withdrawn, each numbered as of the move (seconds from its creation to the move), so a calendar that has an
// older version of the event takes this one, and one that took the withdrawal takes the event back should the
// person return.
func movedSessions(d *MailData, upcoming map[int64][]MailSession, from int64, movedAt time.Time) {
	renumber := func(list []MailSession, cancelled bool) []MailSession {
		out := make([]MailSession, len(list))
		for i, s := range list {
			s.Cancelled = cancelled
			s.Sequence = max(s.Sequence, sequence(s.made, movedAt))
			out[i] = s
		}
		return out
	}
	d.Sessions = renumber(d.Sessions, false)
	d.Withdrawn = renumber(upcoming[from], true)
}

// mailData turns a joined row into what the templates need, and decides whether it may be sent at all.
func (a *App) mailData(r mailRow, upcoming map[int64][]MailSession) MailData {
	now := a.Now()
	d := MailData{ID: r.ID, Kind: r.Kind, Attempts: r.Attempts, MaxAttempts: r.MaxAttempts, Lang: r.Lang}
	params := map[string]any{}
	_ = json.Unmarshal(r.Params, &params)
	secret, err := a.Keys.Decrypt(r.SecretEnc)
	if err != nil {
		secret = "" // an unreadable token is as good as a wiped one: the mail falls back to the link request page
	}

	d.Skip = a.mailRecipient(&d, r)
	if r.Kind == MailContactChanged {
		d.Skip = oldAddress(&d, r, secret)
	}
	d.Discreet = r.Discreet && !d.ToStaff
	d.OfferingKind = r.OfferingKind
	if !d.Discreet {
		d.Offering, d.Group, d.Topic = r.OfferingName, r.GroupName, r.Topic
		// A private meeting place is for admitted members, staff and the organisation that hosts it.
		if !r.PlacePrivate || d.ToStaff || r.WaakvlamID != 0 || r.RegStatus == "admitted" {
			d.Place = placeLine(firstSet(r.SessionPlace, r.GroupPlace), firstSet(r.SessionAddr, r.GroupAddress))
		}
	}
	if mailKindByName[r.Kind].Calendar && !d.ToStaff {
		d.Calendar = !d.Discreet || r.ICSOptIn
	}

	if r.SessionID != 0 {
		d.Session = &MailSession{ID: r.SessionID, Start: r.StartsAt.Time, End: r.EndsAt.Time,
			Cancelled: r.SessionStatus == SessionCancelled, Sequence: r.Sequence}
	}
	if mailKindByName[r.Kind].ListsSessions && r.GroupID != 0 {
		d.Sessions = upcoming[r.GroupID]
	}
	if from := movedFrom(r); from != 0 {
		movedSessions(&d, upcoming, from, paramTime(params, "moved_at"))
	}
	d.OldStart = paramTime(params, "old_starts_at")
	d.IntakeAt = paramTime(params, "intake_at")
	d.OfferExpires = paramTime(params, "expires_at")
	if r.Kind == MailWorkDigest {
		d.WorkCounts = workCountsOf(params)
		d.Links.Dashboard = a.Config.BaseURL + "/beheer"
	}
	if d.OfferExpires.IsZero() && r.OfferExpires.Valid {
		d.OfferExpires = r.OfferExpires.Time
	}
	if m, ok := params["message"].(string); ok {
		d.Message = strings.TrimSpace(m)
	}
	if r.Kind == MailDeclined && secret != "" {
		d.Message = strings.TrimSpace(secret) // a staff member's own words travel encrypted, like a token
	}
	d.Organisation, d.Reference = r.Organisation, r.Reference

	base := a.LinkBase(d.Discreet)
	d.Links.LinkRequest = a.linkRequestURL(base)
	switch {
	case mailKindByName[r.Kind].PersonalToken && secret != "":
		d.Links.Personal = a.personalLink(base, secret)
	case r.Kind == MailWaakvlamReceived && secret != "":
		d.Links.WaakvlamStatus = a.WaakvlamStatusLink(secret)
	case r.Kind == MailWaakvlamPlanned && secret != "":
		d.Links.StaffSignup = a.StaffSignupLink(secret)
	case r.Kind == MailPasswordReset && secret != "":
		d.Links.PasswordReset = a.PasswordResetLink(secret)
	}
	if r.RegID != 0 && d.Session != nil && (r.Kind == MailReminder || r.Kind == MailSessionChanged) {
		d.Links.Excuse = a.excuseLink(base, r.RegID, d.Session.ID, d.Session.Start)
	}
	if r.Kind == MailOffer && r.RegID != 0 && !d.OfferExpires.IsZero() {
		d.Links.Offer = a.offerLink(base, r.RegID, d.OfferExpires)
	}
	if d.Session != nil && (r.Kind == MailTakeAttendance || r.Kind == MailAbsenceAlert) {
		d.Links.Attendance = a.AttendanceLink(d.Session.ID)
	}

	if d.Skip == "" && mailInPast(mailKindByName[r.Kind], mailMoments{SessionStart: r.StartsAt.Time,
		GroupEnd: r.GroupEndsAt.Time, IntakeAt: d.IntakeAt, OfferExpires: d.OfferExpires}, now) {
		d.Skip = ReasonPast // the rule of enqueue once more: a session may have moved into the past meanwhile
	}
	if d.Skip == "" {
		d.Skip = mailStale(r, d, now)
	}
	return d
}

// oldAddress sends the notice of an online contact change to the address she had before (kept encrypted in the
// mail's secret), whatever the new wishes say: if she did not make the change, that is how she learns of it.
func oldAddress(d *MailData, r mailRow, old string) string {
	switch {
	case r.PersonKind == "":
		return "the person no longer exists"
	case r.Anonymised:
		return "the person's data has been anonymised"
	case old == "":
		return "no e-mail address"
	}
	d.To, d.ToName = old, ""
	return ""
}

// mailRecipient fills in who gets the mail, or says why nobody may get it.
func (a *App) mailRecipient(d *MailData, r mailRow) string {
	switch {
	case r.PersonID != 0:
		if r.PersonKind == "" {
			return "the person no longer exists"
		}
		d.Name = a.Keys.MustDecrypt(r.DisplayNameEnc)
		if r.Anonymised {
			return "the person's data has been anonymised"
		}
		if r.PersonKind != "professional" && !r.ContactEmail {
			return "the person does not want to be contacted by e-mail"
		}
		addr, err := a.Keys.Decrypt(r.EmailEnc)
		if err != nil {
			return "the e-mail address cannot be decrypted"
		}
		if addr == "" {
			return "no e-mail address"
		}
		d.To = addr
		if r.PersonKind == "professional" {
			d.ToName = d.Name
		}
	case r.StaffID != 0:
		if !r.StaffFound {
			return "the staff account no longer exists"
		}
		d.ToStaff = true
		d.Name, d.ToName, d.To = r.StaffName, r.StaffName, r.StaffEmail
		if !r.StaffActive {
			return "the staff account is inactive"
		}
	case r.WaakvlamID != 0:
		d.Name = a.Keys.MustDecrypt(r.ContactNameEnc)
		d.ToName = d.Name
		addr, err := a.Keys.Decrypt(r.ContactEnc)
		if err != nil {
			return "the e-mail address cannot be decrypted"
		}
		if addr == "" {
			return "no e-mail address"
		}
		d.To = addr
	default:
		return "the mail has no recipient"
	}
	if _, err := mail.ParseAddress(d.To); err != nil {
		return "the e-mail address is not valid"
	}
	return ""
}

// mailStale says why a mail that was right when it was queued is no longer right (or was never complete enough)
// to send now.
func mailStale(r mailRow, d MailData, now time.Time) string {
	if mailKindByName[r.Kind].NeedsSession && d.Session == nil {
		return "the mail names no session"
	}
	active := r.RegStatus == "admitted"
	switch r.Kind {
	case MailIntakePlanned:
		if d.IntakeAt.IsZero() {
			return "the mail has no intake time"
		}
	case MailReminder:
		switch {
		case d.Session.Cancelled:
			return "the session is cancelled"
		case !active:
			return "the registration is no longer active"
		case r.Excused:
			return "the person excused themselves for this session"
		}
	case MailSessionChanged, MailSessionCancelled, MailGroupMoved:
		if !active {
			return "the registration is no longer active"
		}
	case MailOffer:
		if r.RegStatus != "offered" || !d.OfferExpires.After(now) {
			return "the offer is no longer open"
		}
	case MailTakeAttendance:
		if d.Session.Cancelled {
			return "the session is cancelled"
		}
	case MailPasswordReset:
		if d.Links.PasswordReset == "" {
			return "the reset link was already sent once; ask for a new one"
		}
	case MailWaakvlamPlanned:
		if d.Links.StaffSignup == "" {
			return "the signup link was already sent once; plan it again to send a new one"
		}
		if d.Session.Cancelled {
			return "the session is cancelled"
		}
	}
	return ""
}

func paramTime(params map[string]any, key string) time.Time {
	s, _ := params[key].(string)
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}
	}
	return t
}

func placeLine(name, address string) string {
	switch {
	case name == "" || strings.Contains(address, name):
		return address
	case address == "" || strings.Contains(name, address):
		return name
	}
	return name + ", " + address
}

func firstSet(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}
