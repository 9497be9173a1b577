package handlers_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"

	"portal/app/locale"
	"portal/internal/testserver"
)

// TestSignupConfirmationShowsTimePlaceAndACalendarFile signs up through the form for an intervision group and
// for a discreet event: the confirmation names every upcoming session and the place, and its calendar button
// gives an .ics file with one event per session under the UIDs mail uses. The intervision file carries the
// group's name and place; the discreet one only the neutral title, CLASS:PRIVATE, no place and no description.
func TestSignupConfirmationShowsTimePlaceAndACalendarFile(t *testing.T) {
	srv := testserver.Start(t, testserver.Options{Seed: true})
	cases := []struct {
		offering, group string
		form            map[string]string
		discreet        bool
		title, place    string
	}{
		{"intervisie", "intervisie-mechelen", map[string]string{"name": "Sofie Claes", "email": "sofie@politie.example",
			"organisation": "PZ Mechelen-Willebroek", "sector": "police", "consent": "ja"}, false, "", ""},
		{"activiteiten", "samen-naar-herstel", map[string]string{"name": "Mira", "contact": "phone",
			"phone": "0470 12 34 56", "consent": "ja"}, true, "Afspraak", ""},
	}
	for _, tc := range cases {
		t.Run(tc.group, func(t *testing.T) {
			var g struct {
				ID      int64  `db:"id"`
				Name    string `db:"name"`
				Place   string `db:"place_name"`
				Address string `db:"address"`
			}
			if err := srv.DB.Get(&g, `SELECT id, name->>'nl' AS name, place_name, address FROM groups WHERE slug = $1`, tc.group); err != nil {
				t.Fatal(err)
			}
			var sessions []struct {
				ID    int64     `db:"id"`
				Start time.Time `db:"starts_at"`
				End   time.Time `db:"ends_at"`
			}
			if err := srv.DB.Select(&sessions, `SELECT id, starts_at, ends_at FROM sessions WHERE group_id = $1
				AND status = 'planned' AND starts_at > $2 ORDER BY starts_at`, g.ID, srv.App.Now()); err != nil || len(sessions) == 0 {
				t.Fatalf("%d sessions, %v", len(sessions), err)
			}
			c := testserver.Client()
			page := srv.URL + "/aanbod/" + tc.offering + "/inschrijven/" + tc.group
			status, body := post(t, c, page, merge(formFor(t, c, page), tc.form))
			if status != 200 || !strings.Contains(body, "Je bent ingeschreven") {
				t.Fatalf("signup: status %d", status)
			}
			for _, want := range []string{"Wanneer?", "Waar?", g.Address, `href="/aanbod/` + tc.offering + "/inschrijven/" + tc.group + `/agenda.ics"`,
				"Zet in je agenda", `aria-describedby="agenda-uitleg"`} {
				if !strings.Contains(body, want) {
					t.Errorf("the confirmation lacks %q", want)
				}
			}
			// The calendar file holds "deze bijeenkomst" when there is one, "alle N bijeenkomsten" when there are more.
			hint := "met deze bijeenkomst."
			if len(sessions) > 1 {
				hint = "met alle " + itoa(int64(len(sessions))) + " bijeenkomsten."
			}
			if !strings.Contains(body, hint) {
				t.Errorf("the calendar button's hint lacks %q for %d sessions", hint, len(sessions))
			}
			if tc.discreet != strings.Contains(body, "alleen ‘Afspraak’") {
				t.Errorf("the confirmation tells of the neutral calendar title: %v, want %v", !tc.discreet, tc.discreet)
			}
			loc := locale.Brussels
			list := body[strings.Index(body, `<ul class="confirmed-sessions">`):]
			list = list[:strings.Index(list, "</ul>")]
			if n := strings.Count(list, "<li>"); n != len(sessions) {
				t.Errorf("the confirmation lists %d sessions, want %d", n, len(sessions))
			}
			for _, s := range sessions {
				if hour := s.Start.In(loc).Format("15.04"); !strings.Contains(list, hour) {
					t.Errorf("the confirmation lacks the start %s of session %d", hour, s.ID)
				}
			}

			resp, err := c.Get(page + "/agenda.ics")
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/calendar") ||
				!strings.Contains(resp.Header.Get("Content-Disposition"), `filename="afspraak.ics"`) {
				t.Fatalf("calendar file: %d, %q, %q", resp.StatusCode, resp.Header.Get("Content-Type"), resp.Header.Get("Content-Disposition"))
			}
			cal, err := ics.ParseCalendar(resp.Body)
			if err != nil {
				t.Fatal(err)
			}
			events := cal.Events()
			if len(events) != len(sessions) {
				t.Fatalf("%d events, want %d", len(events), len(sessions))
			}
			prop := func(e *ics.VEvent, p ics.ComponentProperty) string {
				if v := e.GetProperty(p); v != nil {
					return v.Value
				}
				return ""
			}
			for i, e := range events {
				s := sessions[i]
				if want := "session-" + strconv.FormatInt(s.ID, 10) + "@localhost"; e.Id() != want {
					t.Errorf("event %d: UID %q, want %q (the one mail gives it)", i, e.Id(), want)
				}
				start, err1 := e.GetStartAt()
				end, err2 := e.GetEndAt()
				if err1 != nil || err2 != nil || !start.Equal(s.Start) || !end.Equal(s.End) {
					t.Errorf("event %d: %v–%v, want %v–%v (%v, %v)", i, start, end, s.Start, s.End, err1, err2)
				}
				summary, location := prop(e, ics.ComponentPropertySummary), prop(e, ics.ComponentPropertyLocation)
				class, description := prop(e, ics.ComponentPropertyClass), prop(e, ics.ComponentPropertyDescription)
				if tc.discreet {
					if summary != "Afspraak" || location != "" || description != "" || class != "PRIVATE" {
						t.Errorf("discreet event %d is not neutral: %q at %q (%q), class %q", i, summary, location, description, class)
					}
					continue
				}
				if summary != g.Name || !strings.Contains(location, g.Address) || class == "PRIVATE" {
					t.Errorf("event %d: %q at %q, class %q; want %q at %q", i, summary, location, class, g.Name, g.Address)
				}
			}
		})
	}
}

// TestPrivateSignupConfirmationHasItsCalendarFile signs a colleague up through an organisation's private
// Waakvlam link: the confirmation (a professional page: no quick exit) shows the training's time and a calendar
// button whose file holds that one session.
func TestPrivateSignupConfirmationHasItsCalendarFile(t *testing.T) {
	srv, token, _ := privateWaakvlamLink(t)
	c := testserver.Client()
	page := srv.URL + "/inschrijven/" + token
	status, body := post(t, c, page, merge(formFor(t, c, page), map[string]string{"name": "Collega", "email": "collega@lier.example",
		"organisation": "Sociaal Huis Lier", "sector": "ocmw", "consent": "ja"}))
	if status != 200 || !strings.Contains(body, "dinsdag 6 oktober 2026, 13.00 tot 16.00 uur") ||
		!strings.Contains(body, `href="/inschrijven/`+token+`/agenda.ics"`) || strings.Contains(body, `id="snelweg"`) {
		t.Fatalf("confirmation: status %d, without the time or the calendar button, or with the quick exit", status)
	}
	resp, err := c.Get(page + "/agenda.ics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	cal, err := ics.ParseCalendar(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Date(2026, 10, 6, 13, 0, 0, 0, locale.Brussels)
	if events := cal.Events(); len(events) != 1 {
		t.Fatalf("%d events, want the one training", len(events))
	} else if at, err := events[0].GetStartAt(); err != nil || !at.Equal(start) {
		t.Errorf("the training starts at %v in the file, want %v (%v)", at, start, err)
	}
}
