package handlers_test

import (
	"strings"
	"testing"

	"portal/app"
	"portal/internal/fixtures"
	"portal/internal/testenv"
	"portal/internal/testserver"
)

// TestSafetyFurnitureOnlyOnPagesForParticipants checks which pages carry the quick exit and the 112 help line:
// every page a participant may see (her offering, its form, her personal page, the pages behind her mails) and
// the pages for everyone, but none that only a professional sees (an intervision group's pages, a police
// officer's personal page, excuse and offer pages, and the signup confirmation).
func TestSafetyFurnitureOnlyOnPagesForParticipants(t *testing.T) {
	srv := testserver.Start(t, testserver.Options{Seed: true})
	a := srv.App
	consent := app.Consent{Version: "t", Text: "ok"}
	staff := fixtures.Actor(t, a, fixtures.AddStaff(t, a, "coordinator@example.org", "Coördinator", app.RoleCoordinator, ""))
	// links signs up two people for a group of one seat and makes the second one an offer: the personal page of
	// the second, the excuse link and confirmation page of the first, and the offer link of the second.
	links := func(slug string, input func(name, email string) app.SignupInput) map[string]string {
		var group int64
		testenv.MustGet(t, srv.DB, &group, `SELECT id FROM groups WHERE slug = $1`, slug)
		srv.DB.MustExec(`UPDATE groups SET capacity = 1 WHERE id = $1`, group)
		in := input("Sofie", "sofie@"+slug+".example")
		in.GroupID, in.Consent, in.ConsentText = group, true, consent
		first, err := a.SignUp(t.Context(), in)
		if err != nil {
			t.Fatal(err)
		}
		in = input("Jan", "jan@"+slug+".example")
		in.GroupID, in.Consent, in.ConsentText = group, true, consent
		second, err := a.SignUp(t.Context(), in)
		if err != nil {
			t.Fatal(err)
		}
		view, err := a.Personal(t.Context(), first.Token)
		if err != nil || len(view.Sessions) == 0 {
			t.Fatalf("%s: %d sessions, %v", slug, len(view.Sessions), err)
		}
		excuse := a.ExcuseLink(first.RegistrationID, view.Sessions[0].ID, view.Sessions[0].StartsAt)
		c := testserver.Client()
		form := formFor(t, c, srv.URL+"/mijn/"+first.Token)
		_, confirm := post(t, c, srv.URL+"/mijn/"+first.Token+"/annuleren", form)
		if err := a.Withdraw(t.Context(), staff, first.RegistrationID); err != nil {
			t.Fatal(err)
		}
		offered, err := a.Personal(t.Context(), second.Token)
		if err != nil || offered.OfferLink == "" {
			t.Fatalf("%s: no offer: %v", slug, err)
		}
		return map[string]string{"personal page": "/mijn/" + second.Token, "excuse link": excuse[strings.Index(excuse, "/afmelden/"):],
			"offer": offered.OfferLink[strings.Index(offered.OfferLink, "/plaats/"):], "confirm cancel": confirm}
	}
	professional := links("intervisie-bornem", func(name, email string) app.SignupInput {
		return app.SignupInput{Name: name, Email: email, Organisation: "PZ Klein-Brabant", Sector: "police"}
	})
	participant := links("samen-naar-herstel", func(name, _ string) app.SignupInput {
		return app.SignupInput{Name: name, ByPhone: true, Phone: "0470 12 34 56"}
	})
	// The signup confirmation of a police officer, through the form.
	c := testserver.Client()
	page := srv.URL + "/aanbod/intervisie/inschrijven/intervisie-mechelen"
	_, signedUp := post(t, c, page, merge(formFor(t, c, page), map[string]string{"name": "Sofie Claes",
		"email": "sofie@politie.example", "organisation": "PZ Mechelen-Willebroek", "sector": "police", "consent": "ja"}))
	if !strings.Contains(signedUp, "Je bent ingeschreven") {
		t.Fatal("the intervision signup did not go through")
	}

	cases := []struct {
		name      string
		path      string // or body, for a page that answers a POST
		body      string
		furniture bool
	}{
		{"home", "/", "", true},
		{"privacy", "/privacy", "", true},
		{"survivor offering", "/aanbod/rotonde", "", true},
		{"survivor request form", "/aanbod/rotonde/aanvragen", "", true},
		{"event signup form", "/aanbod/activiteiten/inschrijven/samen-naar-herstel", "", true},
		{"participant's personal page", participant["personal page"], "", true},
		{"participant's excuse page", participant["excuse link"], "", true},
		{"participant's offer page", participant["offer"], "", true},
		{"participant's cancel confirmation", "", participant["confirm cancel"], true},
		{"intervision offering", "/aanbod/intervisie", "", false},
		{"intervision signup form", "/aanbod/intervisie/inschrijven/intervisie-bornem", "", false},
		{"Waakvlam request form", "/aanbod/waakvlam/aanvragen", "", false},
		{"intervision signup confirmation", "", signedUp, false},
		{"police officer's personal page", professional["personal page"], "", false},
		{"police officer's excuse page", professional["excuse link"], "", false},
		{"police officer's offer page", professional["offer"], "", false},
		{"police officer's cancel confirmation", "", professional["confirm cancel"], false},
	}
	for _, tc := range cases {
		body := tc.body
		if tc.path != "" {
			var status int
			status, body = get(t, testserver.Client(), srv.URL+tc.path)
			if status != 200 {
				t.Errorf("%s: status %d", tc.name, status)
				continue
			}
		}
		exit, help := strings.Contains(body, `id="snelweg"`), strings.Contains(body, `class="help-line"`)
		if exit != tc.furniture || help != tc.furniture {
			t.Errorf("%s: quick exit %v, 112 help line %v; want both %v", tc.name, exit, help, tc.furniture)
		}
	}
}
