package handlers_test

import (
	"net/http"
	"strings"
	"testing"
)

// TestGroupPageListsMembers: the group page lists the group's people with a link to each registration, for the
// office and the group's facilitator; the roll call's names link there too.
func TestGroupPageListsMembers(t *testing.T) {
	w := newStaffWorld(t, monday)
	coord, _ := w.client(t, w.coord)
	fac, _ := w.client(t, w.fac)
	link := `href="/beheer/inschrijvingen/` + itoa(w.registrations[w.own]) + `"`
	for who, c := range map[string]*http.Client{"coordinator": coord, "facilitator": fac} {
		page := w.get(t, c, "/beheer/groepen/"+itoa(w.own))
		if page.status != http.StatusOK {
			t.Fatalf("%s: group page %d", who, page.status)
		}
		if !strings.Contains(page.body, link+">Tom</a>") || !strings.Contains(page.body, "Aangevraagd, nog niet gecontacteerd (1)") {
			t.Errorf("%s: the group page does not list Tom's request with its link", who)
		}
		if !strings.Contains(page.body, "Telefoon (bellen) · geen voicemail") {
			t.Errorf("%s: the group page does not show Tom's contact wishes", who)
		}
	}
	if page := w.get(t, fac, "/beheer/groepen/"+itoa(w.foreign)); page.status != http.StatusForbidden || strings.Contains(page.body, "Pro") {
		t.Errorf("a facilitator opened another group's page: %d", page.status)
	}
	roll := w.get(t, coord, "/beheer/sessies/"+itoa(w.sessions[w.foreign])+"/aanwezigheid")
	if !strings.Contains(roll.body, `<legend><a href="/beheer/inschrijvingen/`+itoa(w.registrations[w.foreign])+`">Pro</a>`) {
		t.Error("the roll call's name does not link to the registration")
	}
}
