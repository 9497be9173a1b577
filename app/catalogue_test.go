package app_test

import (
	"errors"
	"testing"
	"time"

	"portal/app"
	"portal/app/locale"
)

func TestCatalogueGroupsOfferingsByAudience(t *testing.T) {
	a := newApp(t, time.Date(2026, 11, 28, 10, 0, 0, 0, locale.Brussels))
	if err := a.Seed(t.Context()); err != nil {
		t.Fatal(err)
	}
	sections, err := a.Catalogue(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][]string{}
	var order []string
	for _, s := range sections {
		order = append(order, s.Audience)
		for _, o := range s.Offerings {
			got[s.Audience] = append(got[s.Audience], o.Slug)
		}
	}
	want := map[string][]string{
		"survivors": {"lotgenotengroepen"}, "harm": {"rotonde"}, "families": {"blaffen-of-schuilen"},
		"professionals": {"intervisie", "waakvlam"}, "public": {"activiteiten"},
	}
	for aud, slugs := range want {
		if len(got[aud]) != len(slugs) {
			t.Errorf("%s: %v, want %v", aud, got[aud], slugs)
			continue
		}
		for i := range slugs {
			if got[aud][i] != slugs[i] {
				t.Errorf("%s: %v, want %v", aud, got[aud], slugs)
			}
		}
	}
	if len(order) != 5 || order[0] != "survivors" {
		t.Errorf("audience order %v", order)
	}
}

func TestOfferingPageCountsSeatsAndClosesGroups(t *testing.T) {
	now := time.Date(2026, 11, 28, 10, 0, 0, 0, locale.Brussels)
	a := newApp(t, now)
	if err := a.Seed(t.Context()); err != nil {
		t.Fatal(err)
	}
	db := a.Store.DB
	// Two people take a seat in Bornem.
	for range 2 {
		db.MustExec(`WITH p AS (INSERT INTO people (kind) VALUES ('professional') RETURNING id)
			INSERT INTO registrations (person_id, offering_id, group_id, status)
			SELECT p.id, g.offering_id, g.id, 'admitted' FROM p, groups g WHERE g.slug = 'intervisie-bornem'`)
	}
	view, err := a.OfferingPage(t.Context(), "intervisie")
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range view.Groups {
		want := 12
		if g.Slug == "intervisie-bornem" {
			want = 10
		}
		if g.SeatsLeft != want || g.Closed {
			t.Errorf("%s: %d seats left, closed=%v; want %d, open", g.Slug, g.SeatsLeft, g.Closed, want)
		}
	}

	// Three sessions later, a peer group that closes after session 3 takes no one.
	a.Now = func() time.Time { return now.AddDate(0, 0, 7*2*3+14) }
	view, err = a.OfferingPage(t.Context(), "lotgenotengroepen")
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range view.Groups {
		if g.Slug == "vrouwengroep-mechelen" && (!g.Closed || g.SessionsHeld < 3) {
			t.Errorf("vrouwengroep-mechelen after %d sessions: closed=%v", g.SessionsHeld, g.Closed)
		}
	}

	if _, err := a.OfferingPage(t.Context(), "bestaat-niet"); !errors.Is(err, app.ErrNotFound) {
		t.Errorf("unknown slug: %v", err)
	}
}
