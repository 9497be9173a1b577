package handlers_test

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"portal/app"
	"portal/app/locale"
	"portal/internal/fixtures"
	"portal/internal/testenv"
)

// A coordinator recording who was in a group is not stopped by the group's closing: the public still is.
func TestCoordinatorAdmitsToAGroupClosedAfterItsSession(t *testing.T) {
	w := newStaffWorld(t, time.Date(2026, 6, 15, 9, 0, 0, 0, locale.Brussels))
	a, ctx := w.srv.App, t.Context()
	o, err := a.Store.OfferingBySlug(ctx, "rotonde")
	if err != nil {
		t.Fatal(err)
	}
	group, err := a.CreateGroup(ctx, fixtures.Actor(t, a, w.coord), o.ID, app.GroupForm{Name: app.Text{"nl": "Rotonde najaar 2025"},
		Slug: "rotonde-najaar-2025", Municipality: "Mechelen", Capacity: "8", ClosedAfter: "1", Status: app.GroupOpen,
		Visibility: app.VisibilityPublic})
	if err != nil {
		t.Fatal(err)
	}
	var times []app.SessionTime
	for _, d := range []int{8, 22} {
		start := time.Date(2025, 9, d, 19, 0, 0, 0, locale.Brussels)
		times = append(times, app.SessionTime{Start: start, End: start.Add(2 * time.Hour)})
	}
	if _, err := a.AddSessions(ctx, fixtures.Actor(t, a, w.coord), group, times); err != nil {
		t.Fatal(err)
	}
	res, err := a.Request(ctx, app.RequestInput{OfferingSlug: "rotonde", Alias: "Koen",
		Contact: app.ContactInput{ByPhone: true, Phone: "0470 11 22 33"}, Consent: true, ConsentText: app.Consent{Version: "t", Text: "ok"}})
	if err != nil {
		t.Fatal(err)
	}
	c, token := w.client(t, w.coord)
	r := w.post(t, c, "/beheer/inschrijvingen/"+itoa(res.RegistrationID)+"/toelaten", url.Values{"_csrf": {token}, "group": {itoa(group)}})
	if r.status != 303 {
		t.Fatalf("a coordinator admitting to a group closed after session 1: %d, want 303", r.status)
	}
	var status string
	testenv.MustGet(t, w.srv.DB, &status, `SELECT status FROM registrations WHERE id = $1`, res.RegistrationID)
	if status != app.StatusAdmitted {
		t.Errorf("after the admission the registration is %s", status)
	}
	// The public still finds the group closed.
	if _, _, err := a.SignupGroup(ctx, "rotonde", "rotonde-najaar-2025"); err == nil {
		t.Error("the public may still join a group closed after its session")
	}
}

// A refused decision is said once on the page, not twice (in the summary and again above the decisions).
func TestARefusedDecisionIsShownOnce(t *testing.T) {
	w := newStaffWorld(t, time.Date(2026, 6, 15, 9, 0, 0, 0, locale.Brussels))
	a, ctx := w.srv.App, t.Context()
	o, err := a.Store.OfferingBySlug(ctx, "rotonde")
	if err != nil {
		t.Fatal(err)
	}
	group, err := a.CreateGroup(ctx, fixtures.Actor(t, a, w.coord), o.ID, app.GroupForm{Name: app.Text{"nl": "Rotonde vol"},
		Slug: "rotonde-vol", Municipality: "Mechelen", Capacity: "1", Status: app.GroupOpen, Visibility: app.VisibilityPublic})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Date(2026, 9, 8, 19, 0, 0, 0, locale.Brussels)
	if _, err := a.AddSessions(ctx, fixtures.Actor(t, a, w.coord), group, []app.SessionTime{{Start: start, End: start.Add(2 * time.Hour)}}); err != nil {
		t.Fatal(err)
	}
	c, token := w.client(t, w.coord)
	var last string
	for i, alias := range []string{"Jan", "Piet"} {
		res, err := a.Request(ctx, app.RequestInput{OfferingSlug: "rotonde", Alias: alias,
			Contact: app.ContactInput{ByPhone: true, Phone: "0470 11 22 3" + itoa(int64(i))}, Consent: true, ConsentText: app.Consent{Version: "t", Text: "ok"}})
		if err != nil {
			t.Fatal(err)
		}
		r := w.post(t, c, "/beheer/inschrijvingen/"+itoa(res.RegistrationID)+"/toelaten", url.Values{"_csrf": {token}, "group": {itoa(group)}})
		last = r.body
		if want := []int{303, 422}[i]; r.status != want {
			t.Fatalf("admission %d: %d, want %d", i+1, r.status, want)
		}
	}
	const msg = "Die groep is volzet."
	if n := strings.Count(last, msg); n != 1 {
		t.Errorf("the refusal %q is on the page %d times, want once", msg, n)
	}
}
