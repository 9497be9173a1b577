package mail_test

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"portal/app"
	"portal/app/locale"
	"portal/internal/fixtures"
)

// Words that must never appear in discreet mail, anywhere: subject, headers, text, HTML or attachment. Someone
// else may read the mailbox. Matched case-insensitively at the start of a word.
var forbiddenWords = []string{
	// The words of the domain, in Dutch and English.
	"geweld", "slachtoffer", "lotgenot", "pleger", "dader", "intrafamil", "mishandel", "agressie",
	"violence", "victim", "survivor", "perpetrator", "abuse", "peer", "harm", "safe house",
	// The offerings, the organisation, its partners.
	"Rotonde", "Blaffen", "Schuilen", "Moedige", "Veilig Huis", "Veilighuis", "Rivierenland", "intervisie",
	"intervision", "Waakvlam", "CAW", "Vertrouwenscentrum", "herstel", "recovery", "brave",
	// What would name a group or a place.
	"groep", "group", "Mechelen", "Lier", "Heist", "Schipstraat", "Kerkstraat", "Sociaal Huis", "Kempen",
	"015 45 33 28",
}

// anyURL finds web addresses in text, HTML attributes and headers.
var anyURL = regexp.MustCompile(`(?i)\b(?:https?|ftp)://[^\s"'<>)]+|\bwww\.[^\s"'<>)]+`)

// hostOfURL is the host of an address found by anyURL ("" when it has none).
func hostOfURL(s string) string {
	if strings.HasPrefix(strings.ToLower(s), "www.") {
		s = "http://" + s
	}
	u, err := url.Parse(s)
	if err != nil {
		return ""
	}
	return u.Host
}

// randomPart matches the random left part of a Message-ID and the tokens of links.
var randomPart = regexp.MustCompile(`(<)[a-z2-7]{24}@|(/(?:afmelden|plaats|mijn)/)[A-Za-z0-9_.=-]+`)

func forbiddenPattern(extra []string) *regexp.Regexp {
	var parts []string
	for _, w := range append(append([]string{}, forbiddenWords...), extra...) {
		parts = append(parts, regexp.QuoteMeta(strings.ToLower(w)))
	}
	return regexp.MustCompile(`(?i)(^|[^\pL])(` + strings.Join(parts, "|") + `)`)
}

func TestDiscreetMailSaysNothing(t *testing.T) {
	now := time.Date(2025, 3, 3, 10, 0, 0, 0, locale.Brussels)
	e := newEnv(t, now, sinkOptions{})
	a := e.A

	// Every name and place of the discreet groups is forbidden too.
	var extra []string
	var groups []struct {
		Slug    string `db:"slug"`
		NL      string `db:"nl"`
		EN      string `db:"en"`
		Place   string `db:"place_name"`
		Address string `db:"address"`
		Town    string `db:"municipality"`
	}
	if err := a.Store.DB.Select(&groups, `SELECT g.slug, g.name->>'nl' AS nl, g.name->>'en' AS en, g.place_name,
			g.address, g.municipality
		FROM groups g JOIN offerings o ON o.id = g.offering_id
		WHERE coalesce(g.discreet, o.discreet) ORDER BY g.id`); err != nil {
		t.Fatal(err)
	}
	if len(groups) != 9 {
		t.Fatalf("expected the 9 discreet groups of the seed, got %d", len(groups))
	}
	for _, g := range groups {
		extra = append(extra, g.NL, g.EN, g.Place, g.Address, g.Town)
	}
	// The site's own address and the ordinary sender's domain name the organisation too.
	cfg := testConfig()
	extra = append(extra, "inschrijven", "vhr.test", "veilighuisrivierenland")
	if !strings.Contains(cfg.BaseURL, "veilighuisrivierenland") || cfg.DiscreetBaseURL == "" {
		t.Fatalf("the test needs a public BASE_URL that names the organisation and a neutral one: %+v", cfg)
	}
	neutralHost := strings.TrimPrefix(cfg.DiscreetBaseURL, "https://")
	forbidden := forbiddenPattern(extra)
	if _, err := a.Store.DB.Exec(`UPDATE groups SET capacity = 1000`); err != nil {
		t.Fatal(err)
	}

	kinds := []string{app.MailSignupConfirmed, app.MailWaitlisted, app.MailRequestReceived, app.MailHouseholdReceived,
		app.MailIntakePlanned, app.MailAdmitted, app.MailDeclined, app.MailOffer, app.MailOfferExpired,
		app.MailPromoted, app.MailCancelled, app.MailSessionChanged, app.MailSessionCancelled, app.MailReminder,
		app.MailLinkAgain, app.MailEnded, app.MailContactChanged, app.MailGroupMoved}
	calendarKinds := map[string]bool{app.MailSignupConfirmed: true, app.MailAdmitted: true, app.MailPromoted: true,
		app.MailReminder: true, app.MailSessionChanged: true, app.MailSessionCancelled: true, app.MailGroupMoved: true}

	type sent struct {
		kind, lang string
		optIn      bool
		start      time.Time
	}
	expect := map[string]sent{}
	n := 0
	for _, g := range groups {
		sessions := fixtures.Sessions(t, a, fixtures.GroupID(t, a, g.Slug))
		s := sessions[len(sessions)-1]
		for _, lang := range []string{"nl", "en"} {
			for _, optIn := range []bool{false, true} {
				for _, kind := range kinds {
					n++
					addr := fmt.Sprintf("p%d@example.org", n)
					p := fixtures.AddPerson(t, a, fixtures.Person{Name: "Sam", Email: addr, ContactEmail: true,
						ICSOptIn: optIn, Language: lang})
					status := "admitted"
					if kind == app.MailOffer {
						status = "offered"
					}
					reg := fixtures.Register(t, a, p, g.Slug, status, "")
					m := app.Mail{DedupeKey: addr, Kind: kind, PersonID: &p, RegistrationID: &reg, Secret: "tok" + addr}
					if kind == app.MailContactChanged {
						m.Secret = addr // the notice goes to the address she had before the change
					}
					switch kind {
					case app.MailReminder, app.MailSessionChanged, app.MailSessionCancelled:
						m.SessionID = &s.ID
						m.Params = map[string]any{"old_starts_at": s.StartsAt.Add(-48 * time.Hour).Format(time.RFC3339)}
					case app.MailIntakePlanned:
						m.Params = map[string]any{"intake_at": now.Add(72 * time.Hour).Format(time.RFC3339)}
					case app.MailOffer:
						m.Params = map[string]any{"expires_at": now.Add(48 * time.Hour).Format(time.RFC3339)}
					case app.MailGroupMoved: // from another discreet group, whose sessions leave the calendar
						m.Params = map[string]any{"from_group": fixtures.GroupID(t, a, groups[0].Slug),
							"moved_at": now.Format(time.RFC3339)}
					}
					fixtures.Queue(t, a, m)
					expect[addr] = sent{kind, lang, optIn, s.StartsAt}
				}
			}
		}
	}
	if st := e.drain(t); st.Sent != len(expect) {
		t.Fatalf("sent %+v, want %d", st, len(expect))
	}
	got := byRecipient(t, e.Sink)
	if len(got) != len(expect) {
		t.Fatalf("%d mails arrived, want %d", len(got), len(expect))
	}
	for addr, want := range expect {
		r := got[addr]
		p := checkCommon(t, r, addr, "Afspraken", "afspraken@neutraal.test")
		scan := map[string]string{"envelope": r.From, "text": p.Text, "html": p.HTML}
		for _, h := range p.Headers {
			scan["header "+h.Name] = h.Value
		}
		for _, att := range p.Attachments {
			scan["attachment "+att.Name] = att.Name + "\n" + string(att.Content)
		}
		for where, s := range scan {
			// Every link, in every part and header, leads to the neutral host.
			for _, u := range anyURL.FindAllString(s, -1) {
				if host := hostOfURL(u); host != neutralHost {
					t.Errorf("%s mail (%s): %s links to %q (host %q), want the neutral host %q", want.kind, want.lang, where, u, host, neutralHost)
				}
			}
			// Random values (the Message-ID, signed links) could spell anything; they are checked elsewhere.
			s = randomPart.ReplaceAllString(s, "${1}${2}")
			if m := forbidden.FindStringSubmatch(s); m != nil {
				t.Errorf("%s mail (%s) to %s: %s says %q", want.kind, want.lang, addr, where, m[2])
			}
		}
		if want.kind == app.MailReminder {
			subject := map[string]string{"nl": "Herinnering: afspraak op ", "en": "Reminder: appointment on "}[want.lang] +
				locale.DateTime(want.lang, want.start)
			if p.Header("Subject") != subject {
				t.Errorf("reminder subject %q, want %q", p.Header("Subject"), subject)
			}
			if !strings.Contains(p.Text, cfg.DiscreetBaseURL+"/afmelden/") || !strings.Contains(p.Text, cfg.DiscreetBaseURL+"/mijn/") {
				t.Errorf("reminder lacks the excuse link or the link to her page:\n%s", p.Text)
			}
		}
		if (want.kind == app.MailAdmitted || want.kind == app.MailLinkAgain) && !strings.Contains(p.Text, a.DiscreetPersonalLink("tok"+addr)) {
			t.Errorf("%s lacks the personal link", want.kind)
		}
		wantCalendar := want.optIn && calendarKinds[want.kind]
		if wantCalendar != (len(p.Attachments) == 1) {
			t.Errorf("%s (opt-in %v): %d attachments", want.kind, want.optIn, len(p.Attachments))
			continue
		}
		if wantCalendar {
			ics := strings.ReplaceAll(string(p.Attachments[0].Content), "\r\n ", "")
			title := map[string]string{"nl": "SUMMARY:Afspraak\r\n", "en": "SUMMARY:Appointment\r\n"}[want.lang]
			if !strings.Contains(ics, "CLASS:PRIVATE\r\n") || !strings.Contains(ics, title) ||
				strings.Contains(ics, "LOCATION") || strings.Contains(ics, "DESCRIPTION") {
				t.Errorf("%s calendar is not neutral:\n%s", want.kind, ics)
			}
		}
	}
}

func TestProfessionalCalendarHasTitleAndPlace(t *testing.T) {
	now := time.Date(2025, 3, 3, 10, 0, 0, 0, locale.Brussels)
	e := newEnv(t, now, sinkOptions{})
	a := e.A
	group := fixtures.GroupID(t, a, "intervisie-heist-op-den-berg")
	sessions := fixtures.Sessions(t, a, group)
	p, reg := e.member(t, "intervisie-heist-op-den-berg", "pro@example.org", fixtures.Person{Kind: "professional"})
	coordinator := fixtures.AddStaff(t, a, "c@example.org", "C", app.RoleCoordinator, "")
	fixtures.Queue(t, a, app.Mail{DedupeKey: "confirm", Kind: app.MailSignupConfirmed, PersonID: &p, RegistrationID: &reg})
	e.drain(t)
	moved := sessions[0].StartsAt.Add(time.Hour)
	// The session moves: the change mail's event replaces the first. SEQUENCE counts the seconds between the
	// session's creation and its last change, so make it an hour old first.
	if _, err := a.Store.DB.Exec(`UPDATE sessions SET created_at = created_at - interval '1 hour' WHERE id = $1`,
		sessions[0].ID); err != nil {
		t.Fatal(err)
	}
	if err := a.MoveSession(t.Context(), app.Actor{Staff: app.Staff{ID: coordinator, Role: app.RoleCoordinator, Active: true}}, sessions[0].ID, moved, moved.Add(2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	e.drain(t)
	msgs := e.Sink.messages()
	if len(msgs) != 2 {
		t.Fatalf("%d mails, want the confirmation and the change", len(msgs))
	}
	calendar := func(r received) string {
		p := r.Parsed(t)
		if len(p.Attachments) != 1 || !strings.HasPrefix(p.Attachments[0].ContentType, "text/calendar") {
			t.Fatalf("attachments: %+v", p.Attachments)
		}
		return strings.ReplaceAll(string(p.Attachments[0].Content), "\r\n ", "")
	}
	first, change := calendar(msgs[0]), calendar(msgs[1])
	if n := strings.Count(first, "BEGIN:VEVENT"); n != len(sessions) {
		t.Errorf("confirmation calendar has %d events, want %d", n, len(sessions))
	}
	for _, want := range []string{"SUMMARY:Intervisiegroep Heist-op-den-Berg\r\n",
		`LOCATION:Sociaal Huis Heist-op-den-Berg\, Kerkstraat 35\, 2220 Heist-op-den-Berg` + "\r\n",
		fmt.Sprintf("UID:session-%d@vhr.test\r\n", sessions[0].ID), "SEQUENCE:0\r\n", "STATUS:CONFIRMED\r\n"} {
		if !strings.Contains(first, want) {
			t.Errorf("confirmation calendar lacks %q:\n%s", want, first)
		}
	}
	if strings.Contains(first, "CLASS:PRIVATE") {
		t.Error("a professional calendar is marked private")
	}
	if strings.Count(change, "BEGIN:VEVENT") != 1 || !strings.Contains(change, fmt.Sprintf("UID:session-%d@vhr.test", sessions[0].ID)) ||
		strings.Contains(change, "SEQUENCE:0\r\n") || !strings.Contains(change, "DTSTART:"+moved.UTC().Format("20060102T150405Z")) {
		t.Errorf("change calendar does not replace the event:\n%s", change)
	}
}
