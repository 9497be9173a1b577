package handlers_test

import (
	"strings"
	"testing"

	"portal/internal/testserver"
)

func TestPublicPagesAnswerInDutch(t *testing.T) {
	srv := testserver.Start(t, testserver.Options{Seed: true})
	c := testserver.Client()
	cases := []struct {
		path string
		want []string
	}{
		{"/", []string{"Samen tegen geweld in het gezin", "Voor wie geweld meemaakt", "Voor wie geweld gebruikte",
			"Voor ouders en kinderen", "Voor professionals", "Lotgenotengroepen", "Rotonde", "Blaffen of Schuilen",
			"Begeleide intervisie", "Waakvlam", "Activiteiten", "Snel weg", `lang="nl-BE"`}},
		{"/aanbod/intervisie", []string{"Begeleide intervisie", "Intervisiegroep Bornem", "Intervisiegroep Heist-op-den-Berg",
			"Intervisiegroep Sint-Katelijne-Waver", "Intervisiegroep Mechelen", "Intervisiegroep Lier",
			"Nog 12 plaatsen vrij.", "13.30 tot 16.00 uur", "Inschrijven"}},
		{"/aanbod/waakvlam", []string{"Waakvlam", "De vorming aanvragen", "/aanbod/waakvlam/aanvragen"}},
		{"/aanbod/lotgenotengroepen", []string{"Lotgenotengroepen", "Vrouwengroep Mechelen", "Vrouwengroep Lier",
			"Vrouwengroep Heist-op-den-Berg", "Mannengroep", "Moedige Moeders", "Een aanvraag doen",
			"De juiste plaats hoor je na het kennismakingsgesprek.", "Snel weg", "19.00 tot 21.00 uur"}},
		{"/aanbod/rotonde", []string{"Rotonde", "CAW", "Een aanvraag doen", "Snel weg"}},
		{"/aanbod/blaffen-of-schuilen", []string{"Blaffen of Schuilen", "Je gezin aanmelden", "Snel weg"}},
		{"/aanbod/activiteiten", []string{"Samen naar herstel", "Orange the World", "Grote Markt 21, 2800 Mechelen",
			"Het adres staat achter je persoonlijke link"}},
		{"/veilig-surfen", []string{"Veilig surfen", "geschiedenis", "privévenster"}},
		{"/privacy", []string{"Privacy", "Rotonde: we vragen en bewaren niets", "365 dagen na het einde", "Vlaamse Toezichtcommissie"}},
		{"/toegankelijkheid", []string{"Toegankelijkheid", "WCAG 2.2", "Een probleem melden", "Vlaamse Ombudsdienst"}},
	}
	for _, tc := range cases {
		t.Run(tc.path, func(t *testing.T) {
			status, body := get(t, c, srv.URL+tc.path)
			if status != 200 {
				t.Fatalf("status %d", status)
			}
			for _, w := range tc.want {
				if !strings.Contains(body, w) {
					t.Errorf("page lacks %q", w)
				}
			}
		})
	}
}

func TestClosedGroupsHideTheirPlace(t *testing.T) {
	srv := testserver.Start(t, testserver.Options{Seed: true})
	for _, path := range []string{"/aanbod/lotgenotengroepen", "/aanbod/rotonde", "/aanbod/blaffen-of-schuilen"} {
		_, body := get(t, testserver.Client(), srv.URL+path)
		if strings.Contains(body, "Lange Schipstraat 27, 2800 Mechelen</dd>") || strings.Contains(body, "Kerkstraat 35") {
			t.Errorf("%s shows the meeting place of a closed group", path)
		}
	}
}

func TestProfessionalPagesHaveNoQuickExitButParticipantPagesDo(t *testing.T) {
	srv := testserver.Start(t, testserver.Options{Seed: true})
	_, body := get(t, testserver.Client(), srv.URL+"/aanbod/intervisie")
	if strings.Contains(body, `id="snelweg"`) {
		t.Error("intervision page (for professionals) carries the quick exit")
	}
	_, body = get(t, testserver.Client(), srv.URL+"/aanbod/rotonde")
	first := strings.Index(body, "<a ")
	if first < 0 || !strings.HasPrefix(body[first:], `<a id="snelweg"`) {
		t.Error("the quick exit is not the first link of a participant page")
	}
}

func TestUnknownPagesAnswer404InDutch(t *testing.T) {
	srv := testserver.Start(t, testserver.Options{Seed: true})
	for _, path := range []string{"/aanbod/bestaat-niet", "/nergens", "/aanbod/%00", "/static/../schema.sql"} {
		status, body := get(t, testserver.Client(), srv.URL+path)
		if status != 404 {
			t.Errorf("%s: status %d, want 404", path, status)
		}
		if !strings.Contains(body, "Deze pagina bestaat niet") {
			t.Errorf("%s: no Dutch 404 page", path)
		}
	}
}

func TestLanguageSwitchIsRemembered(t *testing.T) {
	srv := testserver.Start(t, testserver.Options{Seed: true})
	c := testserver.Client()
	resp, err := c.Get(srv.URL + "/taal/en?terug=/aanbod/rotonde")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 303 || resp.Header.Get("Location") != "/aanbod/rotonde" {
		t.Fatalf("switch: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	_, body := get(t, c, srv.URL+"/aanbod/rotonde")
	if !strings.Contains(body, "Leave quickly") || !strings.Contains(body, `lang="en"`) {
		t.Error("the English choice was not remembered")
	}
	// A return address elsewhere is not followed, however it is disguised.
	for _, evil := range []string{"//evil.example/x", "/%09/evil.example", "/%5Cevil.example", "https://evil.example", "/%0d%0aX:y"} {
		resp, err = c.Get(srv.URL + "/taal/nl?terug=" + evil)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.Header.Get("Location") != "/" {
			t.Errorf("open redirect through %q: %q", evil, resp.Header.Get("Location"))
		}
	}
}

func TestStaticFilesAreServedWithLongCaching(t *testing.T) {
	srv := testserver.Start(t, testserver.Options{})
	resp, err := testserver.Client().Get(srv.URL + "/static/app.css?v=1")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/css") ||
		!strings.Contains(resp.Header.Get("Cache-Control"), "immutable") {
		t.Errorf("css: %d %q %q", resp.StatusCode, resp.Header.Get("Content-Type"), resp.Header.Get("Cache-Control"))
	}
}
