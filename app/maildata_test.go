package app_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"portal/app"
	"portal/internal/fixtures"
)

// loadOne queues m and loads its mail data.
func loadOne(t *testing.T, a *app.App, m app.Mail) app.MailData {
	t.Helper()
	id := fixtures.Queue(t, a, m)
	got, err := a.LoadMailData(context.Background(), []int64{id})
	if err != nil || len(got) != 1 {
		t.Fatalf("load: %v %v", got, err)
	}
	return got[0]
}

func TestMailRecipientRules(t *testing.T) {
	a, _ := mailWorld(t)
	allowed := fixtures.AddPerson(t, a, fixtures.Person{Name: "Ja", Email: "ja@example.org", ContactEmail: true, Language: "en"})
	phoneOnly := fixtures.AddPerson(t, a, fixtures.Person{Name: "Nee", Email: "nee@example.org"})
	noAddress := fixtures.AddPerson(t, a, fixtures.Person{Name: "Leeg", ContactEmail: true})
	pro := fixtures.AddPerson(t, a, fixtures.Person{Kind: "professional", Name: "Pro", Email: "pro@example.org"})
	gone := fixtures.AddPerson(t, a, fixtures.Person{Name: "Weg", Email: "weg@example.org", ContactEmail: true})
	if _, err := a.Store.DB.Exec(`UPDATE people SET anonymised_at = now() WHERE id = $1`, gone); err != nil {
		t.Fatal(err)
	}
	staff := fixtures.AddStaff(t, a, "staff@example.org", "Staf", app.RoleCoordinator, "en")
	left := fixtures.AddStaff(t, a, "left@example.org", "Weg", app.RoleFacilitator, "")
	if _, err := a.Store.DB.Exec(`UPDATE staff_users SET active = false WHERE id = $1`, left); err != nil {
		t.Fatal(err)
	}

	cases := []struct {
		name       string
		mail       app.Mail
		to, lang   string
		skip       string
		staff      bool
		personName string
	}{
		{"participant who allows mail", app.Mail{PersonID: &allowed}, "ja@example.org", "en", "", false, ""},
		{"participant who wants phone only", app.Mail{PersonID: &phoneOnly}, "", "nl", "does not want", false, ""},
		{"participant without an address", app.Mail{PersonID: &noAddress}, "", "nl", "no e-mail address", false, ""},
		{"professional (always mailed)", app.Mail{PersonID: &pro}, "pro@example.org", "nl", "", false, "Pro"},
		{"anonymised person", app.Mail{PersonID: &gone}, "", "nl", "anonymised", false, ""},
		{"staff", app.Mail{StaffID: &staff}, "staff@example.org", "en", "", true, "Staf"},
		{"inactive staff", app.Mail{StaffID: &left}, "left@example.org", "nl", "inactive", true, "Weg"},
		{"nobody", app.Mail{}, "", "nl", "no recipient", false, ""},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.mail.DedupeKey, c.mail.Kind = "r:"+string(rune('a'+i)), app.MailLinkAgain
			d := loadOne(t, a, c.mail)
			if d.To != c.to || d.Lang != c.lang || d.ToStaff != c.staff || d.ToName != c.personName {
				t.Errorf("to %q (%q) lang %s staff %v; want %q (%q) %s %v", d.To, d.ToName, d.Lang, d.ToStaff,
					c.to, c.personName, c.lang, c.staff)
			}
			if (c.skip == "") != (d.Skip == "") || !strings.Contains(d.Skip, c.skip) {
				t.Errorf("skip %q, want %q", d.Skip, c.skip)
			}
		})
	}
}

func TestMailDataDiscreetAndPlace(t *testing.T) {
	a, _ := mailWorld(t)
	mk := func(slug, status string, optIn bool) (int64, int64) {
		p := fixtures.AddPerson(t, a, fixtures.Person{Name: "X", Email: slug + status + "@example.org", ContactEmail: true, ICSOptIn: optIn})
		return p, fixtures.Register(t, a, p, slug, status, "")
	}
	cases := []struct {
		slug, status       string
		optIn              bool
		discreet, calendar bool
		place              string
	}{
		{"intervisie-bornem", "admitted", false, false, true, "Sociaal Huis Bornem, Hingenesteenweg 56, 2880 Bornem"},
		{"vrouwengroep-mechelen", "admitted", false, true, false, ""},
		{"vrouwengroep-mechelen", "admitted", true, true, true, ""},
		{"rotonde-groep-1", "admitted", false, true, false, ""},
		{"blaffen-heist-op-den-berg", "admitted", false, true, false, ""},
		// An event of a non-discreet offering, marked discreet on the group itself.
		{"samen-naar-herstel", "admitted", false, true, false, ""},
		// A public event: place shown to whoever is in.
		{"orange-the-world", "admitted", false, false, true, "Stadhuis Mechelen, Schepenzaal, Grote Markt 21, 2800 Mechelen"},
	}
	for i, c := range cases {
		p, reg := mk(c.slug, c.status, c.optIn)
		d := loadOne(t, a, app.Mail{DedupeKey: "d:" + string(rune('a'+i)), Kind: app.MailAdmitted, PersonID: &p,
			RegistrationID: &reg, Secret: "tok"})
		if d.Discreet != c.discreet || d.Calendar != c.calendar || d.Place != c.place {
			t.Errorf("%s: discreet %v calendar %v place %q; want %v %v %q", c.slug, d.Discreet, d.Calendar, d.Place,
				c.discreet, c.calendar, c.place)
		}
		if c.discreet && (d.Group != "" || d.Offering != "" || d.Topic != "") {
			t.Errorf("%s: discreet mail data names %q / %q / %q", c.slug, d.Group, d.Offering, d.Topic)
		}
		if !c.discreet && d.Group == "" {
			t.Errorf("%s: no group name", c.slug)
		}
		if d.Links.Personal != a.PersonalLink("tok") || len(d.Sessions) == 0 {
			t.Errorf("%s: personal link %q, %d sessions", c.slug, d.Links.Personal, len(d.Sessions))
		}
	}

	// A private meeting place is not in mail to someone who only asked to join.
	p, reg := mk("intervisie-mechelen", "requested", false)
	if _, err := a.Store.DB.Exec(`UPDATE groups SET place_private = true WHERE slug = 'intervisie-mechelen'`); err != nil {
		t.Fatal(err)
	}
	d := loadOne(t, a, app.Mail{DedupeKey: "private", Kind: app.MailRequestReceived, PersonID: &p, RegistrationID: &reg})
	if d.Place != "" {
		t.Errorf("private place %q shown to a request", d.Place)
	}
}

func TestMailDataDropsStaleMail(t *testing.T) {
	a, now := mailWorld(t)
	ctx := context.Background()
	group := fixtures.GroupID(t, a, "mannengroep")
	sessions := fixtures.Sessions(t, a, group)
	p := fixtures.AddPerson(t, a, fixtures.Person{Name: "M", Email: "m@example.org", ContactEmail: true})
	reg := fixtures.Register(t, a, p, "mannengroep", "admitted", "")
	admin := fixtures.AddStaff(t, a, "a@example.org", "A", app.RoleAdmin, "")
	reminder := func(key string, s fixtures.Session) app.MailData {
		return loadOne(t, a, app.Mail{DedupeKey: key, Kind: app.MailReminder, PersonID: &p, RegistrationID: &reg,
			SessionID: &s.ID, OffsetMinutes: fixtures.Ref(1440)})
	}

	d := reminder("ok", sessions[0])
	// A reminder carries a new personal link, made as it is sent: the link opens her page.
	if d.Skip != "" || d.Links.Excuse != a.ExcuseLink(reg, sessions[0].ID, sessions[0].StartsAt) ||
		!strings.HasPrefix(d.Links.Personal, a.Config.BaseURL+"/mijn/") {
		t.Errorf("fresh reminder: skip %q links %+v", d.Skip, d.Links)
	} else if v, err := a.Personal(ctx, strings.TrimPrefix(d.Links.Personal, a.Config.BaseURL+"/mijn/")); err != nil || v.Registration.ID != reg {
		t.Errorf("the reminder's link opens registration %d: %v", v.Registration.ID, err)
	}
	if _, err := a.Store.DB.Exec(`INSERT INTO attendance (session_id, person_id, registration_id, status)
		VALUES ($1, $2, $3, 'excused')`, sessions[1].ID, p, reg); err != nil {
		t.Fatal(err)
	}
	if d := reminder("excused", sessions[1]); !strings.Contains(d.Skip, "excused") {
		t.Errorf("reminder for an excused session: skip %q", d.Skip)
	}
	if err := a.CancelSession(ctx, fixtures.Actor(t, a, admin), sessions[2].ID); err != nil {
		t.Fatal(err)
	}
	if d := reminder("cancelled", sessions[2]); !strings.Contains(d.Skip, "cancelled") {
		t.Errorf("reminder for a cancelled session: skip %q", d.Skip)
	}
	later := *now
	*now = sessions[0].StartsAt.Add(time.Minute)
	if d := reminder("late", sessions[0]); d.Skip != app.ReasonPast {
		t.Errorf("reminder after the start: skip %q, want %q", d.Skip, app.ReasonPast)
	}
	*now = later
	if _, err := a.Store.DB.Exec(`UPDATE registrations SET status = 'withdrawn' WHERE id = $1`, reg); err != nil {
		t.Fatal(err)
	}
	if d := reminder("withdrawn", sessions[3]); !strings.Contains(d.Skip, "no longer active") {
		t.Errorf("reminder after withdrawal: skip %q", d.Skip)
	}

	// A mail about a session that names none, or an intake without its time, is incomplete: not sent.
	for kind, want := range map[string]string{app.MailSessionChanged: "no session", app.MailAbsenceAlert: "no session",
		app.MailIntakePlanned: "no intake time"} {
		d := loadOne(t, a, app.Mail{DedupeKey: "incomplete:" + kind, Kind: kind, PersonID: &p, RegistrationID: &reg})
		if !strings.Contains(d.Skip, want) {
			t.Errorf("%s without its data: skip %q", kind, d.Skip)
		}
	}

	// A waiting-list offer that was answered, or has expired, is not sent.
	q := fixtures.AddPerson(t, a, fixtures.Person{Name: "W", Email: "w@example.org", ContactEmail: true})
	offered := fixtures.Register(t, a, q, "vrouwengroep-lier", "offered", "")
	expires := now.Add(48 * time.Hour).Format(time.RFC3339)
	d = loadOne(t, a, app.Mail{DedupeKey: "offer", Kind: app.MailOffer, PersonID: &q, RegistrationID: &offered,
		Params: map[string]any{"expires_at": expires}})
	if d.Skip != "" || !strings.HasPrefix(d.Links.Offer, a.Config.BaseURL+"/plaats/") || d.OfferExpires.Format(time.RFC3339) != expires {
		t.Errorf("open offer: skip %q link %q expires %v", d.Skip, d.Links.Offer, d.OfferExpires)
	}
	if _, err := a.Store.DB.Exec(`UPDATE registrations SET status = 'admitted' WHERE id = $1`, offered); err != nil {
		t.Fatal(err)
	}
	d = loadOne(t, a, app.Mail{DedupeKey: "offer2", Kind: app.MailOffer, PersonID: &q, RegistrationID: &offered,
		Params: map[string]any{"expires_at": expires}})
	if !strings.Contains(d.Skip, "offer") {
		t.Errorf("answered offer: skip %q", d.Skip)
	}
}
