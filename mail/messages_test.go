package mail_test

import (
	"context"
	"fmt"
	"net/mail"
	"regexp"
	"strings"
	"testing"
	"time"

	"portal/app"
	"portal/app/locale"
	"portal/internal/fixtures"
	portalmail "portal/mail"
)

var messageIDPattern = regexp.MustCompile(`^<[a-z2-7]{24}@([a-z.]+)>$`)

// checkCommon asserts what every mail must have, and returns it parsed.
func checkCommon(t *testing.T, r received, to, fromName, fromAddr string) portalmail.ParsedMail {
	t.Helper()
	p := r.Parsed(t)
	from, err := mail.ParseAddress(p.Header("From"))
	if err != nil || from.Address != fromAddr || from.Name != fromName {
		t.Errorf("From %q, want %s <%s>", p.Header("From"), fromName, fromAddr)
	}
	if r.From != fromAddr {
		t.Errorf("envelope sender %q, want %q", r.From, fromAddr)
	}
	if len(r.To) != 1 || r.To[0] != to || !strings.Contains(p.Header("To"), to) {
		t.Errorf("To %q / envelope %v, want %s", p.Header("To"), r.To, to)
	}
	if m := messageIDPattern.FindStringSubmatch(p.Header("Message-Id")); m == nil || m[1] != fromAddr[strings.IndexByte(fromAddr, '@')+1:] {
		t.Errorf("Message-ID %q is not <random@domain of the sender>", p.Header("Message-Id"))
	}
	if _, err := mail.ParseDate(p.Header("Date")); err != nil {
		t.Errorf("Date %q: %v", p.Header("Date"), err)
	}
	if p.Header("Auto-Submitted") != "auto-generated" || p.Header("Mime-Version") != "1.0" {
		t.Errorf("Auto-Submitted %q, MIME-Version %q", p.Header("Auto-Submitted"), p.Header("Mime-Version"))
	}
	if p.Header("User-Agent") != "" || p.Header("X-Mailer") != "" {
		t.Error("the mail names its software")
	}
	if p.Text == "" || p.HTML == "" {
		t.Fatalf("want text and HTML alternatives, got text %d bytes, HTML %d bytes", len(p.Text), len(p.HTML))
	}
	for _, part := range []string{p.Header("Subject"), p.Text, p.HTML} {
		if strings.Contains(part, "[mail.") || strings.Contains(part, "<no value>") || strings.Contains(part, "{{") {
			t.Errorf("unfilled copy in %q", part)
		}
	}
	return p
}

// byRecipient indexes the sink's messages by their one recipient.
func byRecipient(t *testing.T, s *sink) map[string]received {
	t.Helper()
	out := map[string]received{}
	for _, m := range s.messages() {
		if _, dup := out[m.To[0]]; dup {
			t.Errorf("%s got two mails", m.To[0])
		}
		out[m.To[0]] = m
	}
	return out
}

func TestEveryKindOfMail(t *testing.T) {
	now := time.Date(2025, 3, 3, 10, 0, 0, 0, locale.Brussels)
	e := newEnv(t, now, sinkOptions{})
	a := e.A
	ctx := context.Background()
	base := a.Config.BaseURL
	bornem := fixtures.GroupID(t, a, "intervisie-bornem")
	session := fixtures.Sessions(t, a, bornem)[0]
	when := locale.DateTime("nl", session.StartsAt)
	whenEN := locale.DateTime("en", session.StartsAt)
	place := "Sociaal Huis Bornem, Hingenesteenweg 56, 2880 Bornem"

	// The mails of a professional in intervision group Bornem, one person per mail so each is easy to find.
	pro := func(kind string, lang string) (int64, int64, string) {
		addr := kind + "@example.org"
		p := fixtures.AddPerson(t, a, fixtures.Person{Kind: "professional", Name: "An Peeters", Email: addr, Language: lang})
		status := "admitted"
		if kind == app.MailOffer {
			status = "offered"
		}
		if kind == app.MailRequestReceived || kind == app.MailDeclined || kind == app.MailIntakePlanned || kind == app.MailHouseholdReceived {
			status = "requested"
		}
		if kind == app.MailWaitlisted || kind == app.MailOfferExpired {
			status = "waitlisted"
		}
		return p, fixtures.Register(t, a, p, "intervisie-bornem", status, ""), addr
	}
	coordinator := fixtures.AddStaff(t, a, "coordinator@example.org", "Lies", app.RoleCoordinator, "en")
	facilitator := fixtures.AddStaff(t, a, "facilitator@example.org", "Jan", app.RoleFacilitator, "")
	fixtures.Facilitate(t, a, facilitator, bornem)

	// A Waakvlam request, planned in a private group of the Waakvlam offering.
	var waakvlamGroup, waakvlamSession int64
	if err := a.Store.DB.Get(&waakvlamGroup, `INSERT INTO groups (offering_id, slug, name, municipality, place_name,
			address, capacity, visibility)
		SELECT id, 'waakvlam-berlaar', '{"nl": "Waakvlam Berlaar", "en": "Waakvlam Berlaar"}', 'Berlaar',
			'Opvangcentrum Berlaar', 'Smidstraat 2, 2590 Berlaar', 30, 'private'
		FROM offerings WHERE slug = 'waakvlam' RETURNING id`); err != nil {
		t.Fatal(err)
	}
	wstart := now.Add(40 * 24 * time.Hour)
	if err := a.Store.DB.Get(&waakvlamSession, `INSERT INTO sessions (group_id, starts_at, ends_at) VALUES ($1, $2, $3)
		RETURNING id`, waakvlamGroup, wstart, wstart.Add(3*time.Hour)); err != nil {
		t.Fatal(err)
	}
	waakvlam := func(addr string) int64 {
		var id int64
		if err := a.Store.DB.Get(&id, `INSERT INTO waakvlam_requests (reference, organisation, contact_name_enc,
				contact_email_enc, group_id)
			VALUES ($1, 'Opvangcentrum Berlaar', $2, $3, $4) RETURNING id`, "WV-"+addr[:2],
			a.Keys.Encrypt("Karin"), a.Keys.Encrypt(addr), waakvlamGroup); err != nil {
			t.Fatal(err)
		}
		return id
	}

	type kindCase struct {
		kind     string
		to       string
		lang     string
		mail     app.Mail
		subject  string
		body     []string
		calendar bool
	}
	var cases []kindCase
	personal := func(kind, lang, subject string, body []string, calendar bool, secret bool, params map[string]any) {
		p, reg, addr := pro(kind, lang)
		m := app.Mail{Kind: kind, PersonID: &p, RegistrationID: &reg, Params: params}
		if secret {
			m.Secret = "tok-" + kind
			body = append(body, base+"/mijn/tok-"+kind)
		}
		if kind == app.MailReminder || kind == app.MailSessionChanged || kind == app.MailSessionCancelled {
			m.SessionID = &session.ID
		}
		if kind == app.MailReminder {
			m.OffsetMinutes = fixtures.Ref(1440)
		}
		if kind == app.MailOffer {
			// The offer link is signed for this registration and expiry.
			exp, err := time.Parse(time.RFC3339, params["expires_at"].(string))
			if err != nil {
				t.Fatal(err)
			}
			body = append(body, a.OfferLink(reg, exp)+"?keuze=ja", a.OfferLink(reg, exp)+"?keuze=nee")
		}
		if kind == app.MailReminder || kind == app.MailSessionChanged {
			body = append(body, a.ExcuseLink(reg, session.ID, session.StartsAt), "Ik kan niet komen")
		}
		cases = append(cases, kindCase{kind: kind, to: addr, lang: lang, mail: m, subject: subject, body: body, calendar: calendar})
	}
	expires := now.Add(48 * time.Hour)
	intake := now.Add(5 * 24 * time.Hour)
	personal(app.MailSignupConfirmed, "nl", "Je inschrijving voor Intervisiegroep Bornem is bevestigd",
		[]string{"Intervisiegroep Bornem", place, "Je afspraken", locale.Date("nl", session.StartsAt)}, true, true, nil)
	personal(app.MailWaitlisted, "nl", "Je staat op de wachtlijst voor Intervisiegroep Bornem",
		[]string{"wachtlijst"}, false, true, nil)
	personal(app.MailRequestReceived, "nl", "We ontvingen je aanvraag voor Intervisiegroep Bornem",
		[]string{"kennismakingsgesprek"}, false, true, nil)
	personal(app.MailHouseholdReceived, "nl", "We ontvingen de aanmelding van je gezin voor Intervisiegroep Bornem",
		[]string{"je gezin"}, false, true, nil)
	personal(app.MailIntakePlanned, "nl", "Je kennismakingsgesprek op "+locale.DateTime("nl", intake),
		[]string{locale.DateTime("nl", intake), "Dit moment past niet", base + "/mijn/"}, false, false,
		map[string]any{"intake_at": intake.Format(time.RFC3339)})
	personal(app.MailAdmitted, "en", "Welcome to Intervision group Bornem",
		[]string{"Good news", place, "Your appointments", locale.Date("en", session.StartsAt)}, true, true, nil)
	personal(app.MailDeclined, "nl", "Je aanvraag voor Intervisiegroep Bornem",
		[]string{"geen plaats", "De groep is dit jaar volzet; volgend jaar graag."}, false, false,
		map[string]any{"message": "De groep is dit jaar volzet; volgend jaar graag."})
	personal(app.MailOffer, "nl", "Er is een plaats vrij in Intervisiegroep Bornem",
		[]string{locale.DateTime("nl", expires), "Ja, ik neem de plaats", "Nee, geef de plaats door"}, false, false,
		map[string]any{"expires_at": expires.Format(time.RFC3339)})
	personal(app.MailOfferExpired, "nl", "De vrije plaats in Intervisiegroep Bornem is doorgegeven",
		[]string{"volgende persoon", base + "/mijn-link"}, false, false, nil)
	personal(app.MailPromoted, "nl", "Je hebt een plaats in Intervisiegroep Bornem",
		[]string{place, base + "/mijn/"}, true, false, nil)
	personal(app.MailCancelled, "nl", "Je afmelding voor Intervisiegroep Bornem",
		[]string{"afmelding"}, false, false, nil)
	personal(app.MailSessionChanged, "nl", "Gewijzigd: Intervisiegroep Bornem op "+locale.Date("nl", session.StartsAt),
		[]string{"verplaatst", locale.DateTime("nl", session.StartsAt.Add(-24*time.Hour)), place}, true, false,
		map[string]any{"old_starts_at": session.StartsAt.Add(-24 * time.Hour).Format(time.RFC3339)})
	personal(app.MailSessionCancelled, "en", "Cancelled: Intervision group Bornem on "+locale.Date("en", session.StartsAt),
		[]string{"will not take place", whenEN}, true, false, nil)
	personal(app.MailReminder, "nl", "Herinnering: Intervisiegroep Bornem op "+when,
		[]string{when, place, locale.TimeRange("nl", session.StartsAt, session.EndsAt), base + "/mijn/"}, true, false, nil)
	personal(app.MailLinkAgain, "nl", "Je persoonlijke link", []string{"opnieuw aan"}, false, true, nil)

	wr := waakvlam("wr@example.org")
	cases = append(cases, kindCase{kind: app.MailWaakvlamReceived, to: "wr@example.org", lang: "nl",
		mail:    app.Mail{Kind: app.MailWaakvlamReceived, WaakvlamID: &wr, Secret: "status-tok"},
		subject: "We ontvingen jullie aanvraag voor de Waakvlam (WV-wr)",
		body:    []string{"Opvangcentrum Berlaar", "WV-wr", base + "/waakvlam/status-tok", "Dag Karin,"}})
	wp := waakvlam("wp@example.org")
	cases = append(cases, kindCase{kind: app.MailWaakvlamPlanned, to: "wp@example.org", lang: "nl",
		mail:    app.Mail{Kind: app.MailWaakvlamPlanned, WaakvlamID: &wp, SessionID: &waakvlamSession, Secret: "signup-tok"},
		subject: "De Waakvlam bij Opvangcentrum Berlaar is gepland op " + locale.Date("nl", wstart),
		body: []string{base + "/inschrijven/signup-tok", "Opvangcentrum Berlaar, Smidstraat 2, 2590 Berlaar",
			locale.TimeRange("nl", wstart, wstart.Add(3*time.Hour))}, calendar: true})
	cases = append(cases, kindCase{kind: app.MailTakeAttendance, to: "facilitator@example.org", lang: "nl",
		mail:    app.Mail{Kind: app.MailTakeAttendance, StaffID: &facilitator, SessionID: &session.ID},
		subject: "Aanwezigheden: Intervisiegroep Bornem op " + locale.Date("nl", session.StartsAt),
		body:    []string{a.AttendanceLink(session.ID), "Dag Jan,"}})
	cases = append(cases, kindCase{kind: app.MailAbsenceAlert, to: "coordinator@example.org", lang: "en",
		mail:    app.Mail{Kind: app.MailAbsenceAlert, StaffID: &coordinator, SessionID: &session.ID},
		subject: "Absent twice without notice: Intervision group Bornem",
		body:    []string{a.AttendanceLink(session.ID), "Hello Lies,"}})
	cases = append(cases, kindCase{kind: app.MailPasswordReset, to: "coordinator@example.org", lang: "en",
		mail:    app.Mail{Kind: app.MailPasswordReset, StaffID: &coordinator, Secret: "reset-tok"},
		subject: "Choose a new password",
		body:    []string{base + "/beheer/wachtwoord/reset-tok"}})

	kinds := map[string]bool{}
	ids := map[string]int64{}
	for i, c := range cases {
		c.mail.DedupeKey = fmt.Sprint("test:", i)
		ids[c.kind] = fixtures.Queue(t, a, c.mail)
		kinds[c.kind] = true
	}
	for _, k := range []string{app.MailSignupConfirmed, app.MailRequestReceived, app.MailIntakePlanned, app.MailAdmitted,
		app.MailDeclined, app.MailWaitlisted, app.MailOffer, app.MailOfferExpired, app.MailPromoted, app.MailCancelled,
		app.MailSessionChanged, app.MailSessionCancelled, app.MailReminder, app.MailWaakvlamReceived,
		app.MailWaakvlamPlanned, app.MailLinkAgain, app.MailTakeAttendance, app.MailAbsenceAlert,
		app.MailPasswordReset, app.MailHouseholdReceived} {
		if !kinds[k] {
			t.Errorf("kind %s is not tested", k)
		}
	}
	// The password reset shares its recipient with the absence alert: send them one after the other.
	reset := cases[len(cases)-1]
	if _, err := a.Store.DB.Exec(`UPDATE outbox SET due_at = due_at + interval '1 hour' WHERE id = $1`, ids[reset.kind]); err != nil {
		t.Fatal(err)
	}
	if st := e.drain(t); st.Sent != len(cases)-1 {
		t.Fatalf("first drain: %+v", st)
	}
	got := byRecipient(t, e.Sink)
	*e.Now = now.Add(2 * time.Hour)
	if st := e.drain(t); st.Sent != 1 {
		t.Fatalf("second drain: %+v", st)
	}
	all := e.Sink.messages()
	got["reset"] = all[len(all)-1]

	rows := map[int64]fixtures.Outbox{}
	for _, r := range fixtures.Rows(t, a, "") {
		rows[r.ID] = r
	}
	for _, c := range cases {
		t.Run(c.kind, func(t *testing.T) {
			key := c.to
			if c.kind == app.MailPasswordReset {
				key = "reset"
			}
			r, ok := got[key]
			if !ok {
				t.Fatalf("no mail to %s", c.to)
			}
			p := checkCommon(t, r, c.to, "Veilig Huis Rivierenland", "noreply@vhr.test")
			if s := p.Header("Subject"); s != c.subject {
				t.Errorf("subject %q, want %q", s, c.subject)
			}
			for _, want := range c.body {
				if !strings.Contains(p.Text, want) {
					t.Errorf("text lacks %q:\n%s", want, p.Text)
				}
				if !strings.Contains(p.HTML, htmlEscape(want)) {
					t.Errorf("HTML lacks %q", want)
				}
			}
			if !strings.Contains(p.HTML, `lang="`+c.lang+`"`) {
				t.Errorf("HTML not in %s", c.lang)
			}
			if (len(p.Attachments) == 1) != c.calendar {
				t.Errorf("%d attachments, calendar wanted: %v", len(p.Attachments), c.calendar)
			}
			row := rows[ids[c.kind]]
			if row.Status != app.OutboxSent || row.HasSecret {
				t.Errorf("outbox row: %s, secret kept %v", row.Status, row.HasSecret)
			}
			var subject, messageID string
			if err := a.Store.DB.QueryRowContext(ctx, `SELECT subject, message_id FROM outbox WHERE id = $1`,
				ids[c.kind]).Scan(&subject, &messageID); err != nil {
				t.Fatal(err)
			}
			if subject != c.subject || messageID != p.Header("Message-Id") {
				t.Errorf("outbox keeps subject %q and id %q; the mail had %q and %q", subject, messageID,
					c.subject, p.Header("Message-Id"))
			}
		})
	}
}

// htmlEscape is what html/template makes of text.
func htmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "'", "&#39;", "<", "&lt;", ">", "&gt;", `"`, "&#34;", "+", "&#43;").Replace(s)
}
