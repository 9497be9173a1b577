package app_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"portal/app"
	"portal/internal/fixtures"
)

// A coordinator who chose the digest gets one mail a day, from seven in the morning, with the new work counted
// per kind and the dashboard's link, and nothing that names a person or a group. A colleague who did not
// choose it gets nothing; a facilitator cannot choose it.
func TestWorkDigestOncePerDayWithoutPersonalData(t *testing.T) {
	e := newQueueEnv(t)
	ctx := t.Context()
	fixtures.AddStaff(t, e.a, "lies@example.be", "Lies", "coordinator", "en") // does not choose the digest
	g := addGroup(t, e.a, "lotgenotengroepen", "lotgenoten-digest", 4, 0, 2)
	e.facilitators(g)
	if err := e.a.SetWorkDigest(ctx, e.fien, true); !errors.Is(err, app.ErrForbidden) {
		t.Errorf("a facilitator chose the digest: %v", err)
	}
	if on, err := e.a.WorkDigest(ctx, e.office); err != nil || on {
		t.Fatalf("the digest is on before choosing it (%v)", err)
	}
	if err := e.a.SetWorkDigest(ctx, e.office, true); err != nil {
		t.Fatal(err)
	}
	if on, err := e.a.WorkDigest(ctx, e.office); err != nil || !on {
		t.Fatalf("the digest is off after choosing it (%v)", err)
	}
	request(t, e.a, "lotgenotengroepen", g, "Annabel")
	request(t, e.a, "lotgenotengroepen", g, "Brechtje")

	digests := func() []fixtures.Outbox {
		t.Helper()
		return fixtures.Rows(t, e.a, app.MailWorkDigest)
	}
	e.now = time.Date(2026, 11, 29, 6, 30, 0, 0, testNow.Location()) // Sunday, before seven
	if n, err := e.a.SendWorkDigests(ctx); err != nil || n != 0 {
		t.Fatalf("before seven: %d digests (%v)", n, err)
	}
	e.now = e.now.Add(time.Hour)
	for run := range 3 {
		n, err := e.a.SendWorkDigests(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if want := map[bool]int{true: 1, false: 0}[run == 0]; n != want {
			t.Errorf("run %d of the day queued %d digests, want %d", run+1, n, want)
		}
	}
	rows := digests()
	if len(rows) != 1 {
		t.Fatalf("%d digests, want 1", len(rows))
	}
	var to int64
	if err := e.a.Store.DB.Get(&to, `SELECT staff_id FROM outbox WHERE id = $1`, rows[0].ID); err != nil {
		t.Fatal(err)
	}
	if to != e.office.ID() {
		t.Errorf("the digest went to staff %d, want the coordinator who chose it (%d)", to, e.office.ID())
	}
	data, err := e.a.LoadMailData(ctx, []int64{rows[0].ID})
	if err != nil {
		t.Fatal(err)
	}
	d := data[0]
	var requests int
	for _, c := range d.WorkCounts {
		if c.Kind == app.QueueNewRequest {
			requests = c.Count
		}
	}
	if requests < 2 {
		t.Errorf("the digest counts %d new requests, want at least the 2 made (%+v)", requests, d.WorkCounts)
	}
	if d.Links.Dashboard == "" || d.Skip != "" || d.To != "coordinator@example.be" {
		t.Errorf("digest: link %q, skip %q, to %q", d.Links.Dashboard, d.Skip, d.To)
	}
	var params string
	if err := e.a.Store.DB.Get(&params, `SELECT params::text FROM outbox WHERE id = $1`, rows[0].ID); err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{"Annabel", "Brechtje", "Testgroep", "Lotgenoten"} {
		if strings.Contains(params, secret) {
			t.Errorf("the digest's data holds %q: %s", secret, params)
		}
	}

	// The next day brings a new digest; none after turning it off.
	e.now = e.now.AddDate(0, 0, 1)
	request(t, e.a, "lotgenotengroepen", g, "Ciska")
	if n, err := e.a.SendWorkDigests(ctx); err != nil || n != 1 {
		t.Errorf("a day with new work: %d digests (%v)", n, err)
	}
	if err := e.a.SetWorkDigest(ctx, e.office, false); err != nil {
		t.Fatal(err)
	}
	e.now = e.now.AddDate(0, 0, 1)
	request(t, e.a, "lotgenotengroepen", g, "Dana")
	if n, err := e.a.SendWorkDigests(ctx); err != nil || n != 0 {
		t.Errorf("after turning it off: %d digests (%v)", n, err)
	}
}
