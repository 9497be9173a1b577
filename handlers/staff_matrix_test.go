package handlers_test

import (
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"testing"
	"time"

	"portal/app/locale"
	"portal/handlers"
	"portal/views"
)

// Who may open what. Every /beheer route behind sign-in is listed here; TestStaffRoutesAreAllInTheMatrix fails
// when a route is added without a line.
const (
	anyStaff   = "staff"  // every role
	groupStaff = "group"  // every role, but a facilitator only for a group they lead
	office     = "office" // admins and coordinators
	adminOnly  = "admin"
)

var staffMatrix = []struct {
	method, path, access string
}{
	{"GET", "/beheer", anyStaff},
	{"GET", "/beheer/account", anyStaff},
	{"POST", "/beheer/uitloggen/overal", anyStaff},
	{"POST", "/beheer/aangemeld-blijven", anyStaff},
	{"GET", "/beheer/zoeken", anyStaff},
	{"POST", "/beheer/zoeken", anyStaff},
	{"GET", "/beheer/groepen", anyStaff},
	{"GET", "/beheer/groepen/:id", groupStaff},
	{"GET", "/beheer/groepen/:id/bewerken", office},
	{"POST", "/beheer/groepen/:id/bewerken", office},
	{"GET", "/beheer/groepen/:id/sessies/nieuw", office},
	{"POST", "/beheer/groepen/:id/sessies/nieuw", office},
	{"GET", "/beheer/aanbod", office},
	{"GET", "/beheer/aanbod/nieuw", office},
	{"POST", "/beheer/aanbod/nieuw", office},
	{"GET", "/beheer/aanbod/:id", office},
	{"POST", "/beheer/aanbod/:id", office},
	{"GET", "/beheer/aanbod/:id/groepen/nieuw", office},
	{"POST", "/beheer/aanbod/:id/groepen/nieuw", office},
	{"GET", "/beheer/medewerkers", adminOnly},
	{"GET", "/beheer/medewerkers/nieuw", adminOnly},
	{"POST", "/beheer/medewerkers/nieuw", adminOnly},
	{"GET", "/beheer/medewerkers/:id", adminOnly},
	{"POST", "/beheer/medewerkers/:id/rol", adminOnly},
	{"POST", "/beheer/medewerkers/:id/tweestaps", adminOnly},
	{"POST", "/beheer/medewerkers/:id/wachtwoordmail", adminOnly},
	{"POST", "/beheer/medewerkers/:id/actief", adminOnly}, // last: it deactivates the account the others act on
	{"GET", "/beheer/audit", adminOnly},
	{"GET", "/beheer/sessies/:id/aanwezigheid", groupStaff},
	{"POST", "/beheer/sessies/:id/aanwezigheid", groupStaff},
	{"POST", "/beheer/sessies/:id/aanwezigheid/markeer", groupStaff},
	{"POST", "/beheer/sessies/:id/aanwezigheid/nieuw", groupStaff},
	{"GET", "/beheer/aanvragen", anyStaff},
	{"GET", "/beheer/aanvragen/nieuw", office},
	{"POST", "/beheer/aanvragen/nieuw", office},
	{"GET", "/beheer/inschrijvingen/:id", groupStaff},
	{"POST", "/beheer/inschrijvingen/:id/intake", office},
	{"POST", "/beheer/inschrijvingen/:id/toelaten", office},
	{"POST", "/beheer/inschrijvingen/:id/weigeren", office},
	{"POST", "/beheer/inschrijvingen/:id/wachtlijst", office},
	{"POST", "/beheer/inschrijvingen/:id/promoveren", office},
	{"POST", "/beheer/inschrijvingen/:id/verplaatsen", office},
	{"POST", "/beheer/inschrijvingen/:id/doorverwijzen", office},
	{"POST", "/beheer/inschrijvingen/:id/aanvraagdatum", office},
	{"POST", "/beheer/inschrijvingen/:id/scheiden", office},
	{"POST", "/beheer/inschrijvingen/:id/intrekken", office},
	{"POST", "/beheer/inschrijvingen/:id/code", office},
	{"POST", "/beheer/inschrijvingen/:id/werk-klaar", office},
	{"POST", "/beheer/werk/:id/klaar", office},
	{"POST", "/beheer/account/samenvatting", office},
	{"GET", "/beheer/sessies/:id", groupStaff},
	{"POST", "/beheer/sessies/:id/verplaatsen", groupStaff},
	{"POST", "/beheer/sessies/:id/annuleren", groupStaff},
	{"POST", "/beheer/groepen/:id/afronden", office},
	{"GET", "/beheer/groepen/:id/inlezen", office},
	{"POST", "/beheer/groepen/:id/inlezen", office},
	{"POST", "/beheer/groepen/:id/inlezen/bevestigen", office},
	{"GET", "/beheer/groepen/:id/inlezen/sjabloon.xlsx", office},
	{"GET", "/beheer/mail", office},
	{"GET", "/beheer/mail/opgevangen", office},
	{"GET", "/beheer/mail/opgevangen/:id", office},
	{"GET", "/beheer/mail/:id", office},
	{"POST", "/beheer/mail/:id/opnieuw", office},
	{"GET", "/beheer/waakvlam", office},
	{"GET", "/beheer/waakvlam/:id", office},
	{"POST", "/beheer/waakvlam/:id/plannen", office},
	{"POST", "/beheer/waakvlam/:id/status", office},
	{"GET", "/beheer/personen/:id/export", adminOnly},
	{"POST", "/beheer/personen/:id/wissen", adminOnly},
	{"GET", "/beheer/cijfers", office},
	{"GET", "/beheer/cijfers/:jaar.csv", office},
	{"GET", "/beheer/cijfers/:jaar.xlsx", office},
	{"POST", "/beheer/cijfers/:jaar/afsluiten", office},
	{"POST", "/beheer/cijfers/:jaar/heropenen", adminOnly},
	{"GET", "/beheer/bewaartermijnen", office},
	{"GET", "/beheer/bewaartermijnen/nu", adminOnly},
	{"POST", "/beheer/bewaartermijnen/nu", adminOnly},
	{"GET", "/beheer/groepen/:id/aanwezigheid.xlsx", groupStaff},
	{"GET", "/beheer/groepen/:id/aanwezigheidslijst", groupStaff},
	{"GET", "/beheer/groepen/:id/attesten", groupStaff},
	{"GET", "/beheer/groepen/:id/attest/:person", groupStaff},
}

// signInRoutes need no session: the way in (their CSRF is tested in TestStaffFormsRefuseAMissingOrWrongCSRFToken).
var signInRoutes = map[string]bool{
	"GET /beheer/login": true, "POST /beheer/login": true,
	"GET /beheer/login/code": true, "POST /beheer/login/code": true,
	"GET /beheer/tweestapsverificatie": true, "POST /beheer/tweestapsverificatie": true,
	"GET /beheer/wachtwoord-vergeten": true, "POST /beheer/wachtwoord-vergeten": true,
	"GET /beheer/wachtwoord/:token": true, "POST /beheer/wachtwoord/:token": true,
	"POST /beheer/uitloggen": true,
}

func staffRoutes(t *testing.T) []string {
	t.Helper()
	cat, err := locale.Load()
	if err != nil {
		t.Fatal(err)
	}
	r, err := views.New(cat)
	if err != nil {
		t.Fatal(err)
	}
	srv := newStaffWorld(t, time.Now()).srv
	f := handlers.New(&handlers.Server{App: srv.App, Views: r, Cat: cat})
	var out []string
	seen := map[string]bool{}
	for _, rt := range f.GetRoutes(true) {
		key := rt.Method + " " + rt.Path
		if strings.HasPrefix(rt.Path, "/beheer") && rt.Method != "HEAD" && !seen[key] {
			seen[key] = true
			out = append(out, key)
		}
	}
	sort.Strings(out)
	return out
}

func TestStaffRoutesAreAllInTheMatrix(t *testing.T) {
	listed := map[string]bool{}
	for _, m := range staffMatrix {
		listed[m.method+" "+m.path] = true
	}
	for _, r := range staffRoutes(t) {
		if !listed[r] && !signInRoutes[r] {
			t.Errorf("route %s is not in the authorization matrix (staff_matrix_test.go): say who may open it", r)
		}
	}
}

func TestStaffAuthorizationMatrix(t *testing.T) {
	w := newStaffWorld(t, time.Date(2026, 6, 15, 9, 0, 0, 0, locale.Brussels))
	roles := []struct {
		name  string
		id    int64
		group int64
	}{
		{"anonymous", 0, w.own},
		{"facilitator-own-group", w.fac, w.own},
		{"facilitator-foreign-group", w.fac, w.foreign},
		{"coordinator", w.coord, w.foreign},
		{"admin", w.admin, w.foreign},
	}
	for _, m := range staffMatrix {
		for _, role := range roles {
			t.Run(fmt.Sprintf("%s %s as %s", m.method, m.path, role.name), func(t *testing.T) {
				path := w.pathFor(t, m.path, role.group)
				c, token := w.client(t, role.id)
				var r response
				if m.method == "GET" {
					r = w.get(t, c, path)
				} else {
					r = w.post(t, c, path, url.Values{"_csrf": {token}})
				}
				var want string
				switch {
				case role.id == 0:
					want = "login"
				case m.access == anyStaff, m.access == groupStaff && role.name != "facilitator-foreign-group":
					want = "ok"
				case m.access == office && (role.id == w.coord || role.id == w.admin):
					want = "ok"
				case m.access == adminOnly && role.id == w.admin:
					want = "ok"
				default:
					want = "forbidden"
				}
				switch want {
				case "login":
					if r.status != http.StatusSeeOther || !strings.HasPrefix(r.location, "/beheer/login") {
						t.Errorf("status %d to %q, want 303 to the sign-in", r.status, r.location)
					}
				case "forbidden":
					if r.status != http.StatusForbidden || !strings.Contains(r.body, "Geen toegang") {
						t.Errorf("status %d, want 403 with the refusal page", r.status)
					}
					if strings.Contains(r.body, `id="snelweg"`) {
						t.Error("a staff page carries the quick exit")
					}
				case "ok":
					// 409: allowed in, but the thing asked is not possible now (a mail still queued cannot be resent).
					okStatus := r.status == http.StatusOK || r.status == http.StatusUnprocessableEntity || r.status == http.StatusConflict ||
						(r.status == http.StatusSeeOther && !strings.HasPrefix(r.location, "/beheer/login")) ||
						(m.path == "/beheer/uitloggen/overal" && r.status == http.StatusSeeOther)
					if !okStatus {
						t.Errorf("status %d to %q, want the page (200, 303 onwards, 409 or 422)", r.status, r.location)
					}
					html := strings.HasPrefix(r.header.Get("Content-Type"), "text/html")
					if m.method == "GET" && r.status == http.StatusOK && html && !strings.Contains(r.body, `<meta name="robots" content="noindex, nofollow">`) {
						t.Error("a staff page lacks noindex")
					}
					if m.method == "GET" && r.status == http.StatusOK && !html && (r.header.Get("X-Robots-Tag") != "noindex, nofollow" ||
						r.header.Get("Cache-Control") != "no-store" || !strings.HasPrefix(r.header.Get("Content-Disposition"), "attachment;")) {
						t.Errorf("a staff download lacks noindex, no-store or attachment: %v", r.header)
					}
				}
			})
		}
	}
}

// pathFor fills a staff route's parameters with real rows of the world: the group given, its session,
// registration and person, and the world's offering, staff member, mail, caught message and Waakvlam request.
func (w *staffWorld) pathFor(t *testing.T, route string, group int64) string {
	t.Helper()
	path := route
	switch {
	case strings.HasPrefix(path, "/beheer/groepen/:id"):
		path = strings.Replace(path, ":id", fmt.Sprint(group), 1)
	case strings.HasPrefix(path, "/beheer/mail/opgevangen/:id"):
		path = strings.Replace(path, ":id", fmt.Sprint(w.caught), 1)
	case strings.HasPrefix(path, "/beheer/mail/:id"):
		path = strings.Replace(path, ":id", fmt.Sprint(w.mail), 1)
	case strings.HasPrefix(path, "/beheer/werk/:id"):
		path = strings.Replace(path, ":id", "1", 1) // an item closed already (or none) goes back to the dashboard
	case strings.HasPrefix(path, "/beheer/waakvlam/:id"):
		path = strings.Replace(path, ":id", fmt.Sprint(w.waakvlam), 1)
	case strings.HasPrefix(path, "/beheer/inschrijvingen/:id"):
		path = strings.Replace(path, ":id", fmt.Sprint(w.registrations[group]), 1)
	case strings.HasPrefix(path, "/beheer/personen/:id"):
		path = strings.Replace(path, ":id", fmt.Sprint(w.people[group]), 1)
	case strings.HasPrefix(path, "/beheer/sessies/:id"):
		path = strings.Replace(path, ":id", fmt.Sprint(w.sessions[group]), 1)
	case strings.HasPrefix(path, "/beheer/aanbod/:id"):
		path = strings.Replace(path, ":id", fmt.Sprint(w.offering), 1)
	case strings.HasPrefix(path, "/beheer/medewerkers/:id"):
		path = strings.Replace(path, ":id", fmt.Sprint(w.other), 1)
	}
	path = strings.Replace(path, ":jaar", "2025", 1)
	if strings.Contains(path, ":person") {
		path = strings.Replace(path, ":person", fmt.Sprint(w.memberOf(t, group)), 1)
	}
	return path
}
