package mail

import (
	"fmt"

	"portal/app"
	"portal/app/locale"
)

// content is one mail, in words, before layout: the text and HTML templates lay out the same content, so the
// two alternatives always say the same thing.
type content struct {
	Lang          string
	Subject       string
	Greeting      string
	Paragraphs    []string // before the details
	Details       []detail // label: value
	SessionsLabel string
	Sessions      []string
	After         []string // after the details
	Actions       []link   // buttons
	Notes         []link   // small print, each with an optional address
	Signoff       []string
	Footer        []string
}

type detail struct{ Label, Value string }

// link is a line of text with an optional address: a button among Actions, a note among Notes.
type link struct{ Text, URL string }

// content words the mail for d in its language. Discreet mail takes the ".discreet" version of every message
// that has one, and shows neither place nor topic nor the organisation (MailData leaves them empty as well).
func (c *Composer) content(d app.MailData) (content, error) {
	lang := d.Lang
	disc := d.Discreet
	var when, date, old, intake, expires string
	if d.Session != nil {
		when, date = locale.DateTime(lang, d.Session.Start), locale.Date(lang, d.Session.Start)
	}
	if !d.OldStart.IsZero() {
		old = locale.DateTime(lang, d.OldStart)
	}
	if !d.IntakeAt.IsZero() {
		intake = locale.DateTime(lang, d.IntakeAt)
	}
	if !d.OfferExpires.IsZero() {
		expires = locale.DateTime(lang, d.OfferExpires)
	}
	what := firstOf(d.Group, d.Offering)
	args := []any{"Name", d.Name, "What", what, "Group", d.Group, "Offering", d.Offering, "When", when,
		"Date", date, "Old", old, "Intake", intake, "Expires", expires, "Organisation", d.Organisation,
		"Reference", d.Reference}
	// t is a message without values (labels, buttons, small print): a map read.
	t := func(id string) string { return c.cat.T(lang, id) }
	// pick fills in a message that takes values, preferring its discreet version when the mail is discreet.
	pick := func(id string) string {
		if disc && c.cat.Has(id+".discreet") {
			id += ".discreet"
		}
		return c.cat.T(lang, id, args...)
	}
	k := "mail." + d.Kind
	if !c.cat.Has(k + ".subject") {
		return content{}, fmt.Errorf("mail: no template for kind %q", d.Kind)
	}

	m := content{Lang: lang, Subject: pick(k + ".subject"), Greeting: t("mail.greeting.noname")}
	if d.Name != "" {
		m.Greeting = pick("mail.greeting")
	}
	m.Paragraphs = append(m.Paragraphs, pick(k+".intro"))
	if d.Kind == app.MailDeclined && d.Message != "" {
		m.Paragraphs = append(m.Paragraphs, t("mail.declined.message"), d.Message)
	}
	if c.cat.Has(k + ".outro") {
		m.After = append(m.After, pick(k+".outro"))
	}

	// What and where.
	kind, _ := app.MailKindOf(d.Kind)
	switch kind.Details {
	case app.DetailsSession:
		if d.Session != nil {
			m.Details = append(m.Details, detail{t("mail.label.when"), sessionLine(lang, *d.Session)})
		}
		if d.Place != "" {
			m.Details = append(m.Details, detail{t("mail.label.where"), d.Place})
		}
		if d.Topic != "" && !disc {
			m.Details = append(m.Details, detail{t("mail.label.topic"), d.Topic})
		}
	case app.DetailsGroup:
		if d.Place != "" {
			m.Details = append(m.Details, detail{t("mail.label.where"), d.Place})
		}
		for _, s := range d.Sessions {
			m.Sessions = append(m.Sessions, sessionLine(lang, s))
		}
		m.SessionsLabel = t("mail.label.sessions")
	case app.DetailsWork:
		for _, w := range d.WorkCounts {
			m.Details = append(m.Details, detail{t("staff.todo.kind." + w.Kind), locale.Number(lang, int64(w.Count))})
		}
	case app.DetailsWaakvlam:
		m.Details = append(m.Details, detail{t("mail.label.organisation"), d.Organisation},
			detail{t("mail.label.reference"), d.Reference})
	}

	// What the reader can do.
	l := d.Links
	add := func(id, url string) {
		if url != "" {
			m.Actions = append(m.Actions, link{t(id), url})
		}
	}
	add("mail.action.accept", offerChoice(l.Offer, "ja"))
	add("mail.action.refuse", offerChoice(l.Offer, "nee"))
	add("mail.action.excuse", l.Excuse)
	add("mail.action.personal", l.Personal)
	add("mail.action.waakvlam.status", l.WaakvlamStatus)
	add("mail.action.staffsignup", l.StaffSignup)
	add("mail.action.reset", l.PasswordReset)
	add("mail.action.attendance", l.Attendance)
	add("mail.action.dashboard", l.Dashboard)
	if l.Excuse != "" {
		m.Notes = append(m.Notes, link{Text: t("mail.note.excuse")})
	}
	if l.Personal != "" {
		m.Notes = append(m.Notes, link{Text: t("mail.note.personal")})
	}
	if l.Personal == "" && !d.ToStaff && d.Links.LinkRequest != "" && kind.AboutRegistration {
		m.Notes = append(m.Notes, link{t("mail.note.linkrequest"), d.Links.LinkRequest})
	}
	if d.Kind == app.MailLinkAgain {
		m.Notes = append(m.Notes, link{Text: t("mail.note.notyou")})
	}

	if disc {
		m.Signoff = []string{t("mail.signoff.discreet")}
		m.Footer = []string{t("mail.footer.auto")}
	} else {
		m.Signoff = []string{t("mail.signoff"), t("mail.signoff.team")}
		m.Footer = []string{t("mail.footer.auto"), t("mail.footer.org")}
	}
	return m, nil
}

// sessionLine writes "dinsdag 12 maart 2024, 19.00 tot 21.00 uur".
func sessionLine(lang string, s app.MailSession) string {
	return locale.Date(lang, s.Start) + ", " + locale.TimeRange(lang, s.Start, s.End)
}

// offerChoice is the offer page with the reader's choice preselected; the page asks to confirm it, since mail
// scanners open links too.
func offerChoice(offer, choice string) string {
	if offer == "" {
		return ""
	}
	return offer + "?keuze=" + choice
}
