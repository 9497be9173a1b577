package app_test

import (
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"portal/app"
	"portal/app/locale"
	"portal/internal/fixtures"
	"portal/internal/testenv"
)

// searchWorld is a seeded portal with a request in the Rotonde group (led by fac) and a professional's signup in
// Bornem's intervision group (led by nobody here), both made through the portal's own forms, so indexed.
type searchWorld struct {
	a                *app.App
	coord, fac       app.Actor
	rotonde, bornem  int64
	tom, pro         int64 // people
	tomReg, proReg   int64
	waakvlam         string
	coordID, adminID int64
}

func newSearchWorld(t *testing.T) searchWorld {
	t.Helper()
	a, _ := newStaffApp(t, time.Date(2026, 6, 15, 9, 0, 0, 0, locale.Brussels))
	ctx := t.Context()
	if err := a.Seed(ctx); err != nil {
		t.Fatal(err)
	}
	// As at the portal's start: the index is brought in step (here: its key noted) before anyone is written.
	if _, err := app.IndexPeopleForSearch(ctx, a.Store.DB, a.Keys); err != nil {
		t.Fatal(err)
	}
	w := searchWorld{a: a, rotonde: groupID(t, a, "rotonde-groep-1"), bornem: groupID(t, a, "intervisie-bornem")}
	w.coordID = addStaff(t, a, "coord@example.org", app.RoleCoordinator)
	w.adminID = addStaff(t, a, "admin@example.org", app.RoleAdmin)
	fac := addStaff(t, a, "fac@example.org", app.RoleFacilitator)
	lead(t, a, w.rotonde, fac)
	w.coord, w.fac = fixtures.ActiveActor(t, a, w.coordID), fixtures.ActiveActor(t, a, fac)
	consent := app.Consent{Version: "t", Text: "ok"}
	rq, err := a.Request(ctx, app.RequestInput{OfferingSlug: "rotonde", GroupID: w.rotonde, Alias: "Tomás Verhaeghe",
		Contact: app.ContactInput{ByPhone: true, Phone: "0470 12 34 56", ByEmail: true, Email: "tom.v@voorbeeld.be"},
		Consent: true, ConsentText: consent})
	if err != nil {
		t.Fatal(err)
	}
	su, err := a.SignUp(ctx, app.SignupInput{GroupID: w.bornem, Name: "Annelies Proost", Email: "annelies@caw.example",
		Organisation: "CAW", Sector: "caw", Consent: true, ConsentText: consent})
	if err != nil {
		t.Fatal(err)
	}
	w.tomReg, w.proReg = rq.RegistrationID, su.RegistrationID
	testenv.MustGet(t, a.Store.DB, &w.tom, `SELECT person_id FROM registrations WHERE id = $1`, w.tomReg)
	testenv.MustGet(t, a.Store.DB, &w.pro, `SELECT person_id FROM registrations WHERE id = $1`, w.proReg)
	wv, err := a.RequestWaakvlam(ctx, app.WaakvlamInput{Organisation: "Sociaal Huis Lier", ServiceType: "social_services",
		ContactName: "Jo", ContactEmail: "jo@lier.example", ExpectedStaff: "12", PreferredPeriods: "najaar", Consent: true,
		ConsentText: consent})
	if err != nil {
		t.Fatal(err)
	}
	w.waakvlam = wv.Reference
	return w
}

// found lists the ids of the people a search found.
func found(t *testing.T, a *app.App, actor app.Actor, term string) []int64 {
	t.Helper()
	res, err := a.SearchPeople(t.Context(), actor, term)
	if err != nil {
		t.Fatalf("search %q: %v", term, err)
	}
	var ids []int64
	for _, p := range res.People {
		ids = append(ids, p.PersonID)
	}
	return ids
}

func TestSearchFindsByEveryKindOfKey(t *testing.T) {
	w := newSearchWorld(t)
	cases := []struct {
		term    string
		want    []int64
		matched string
	}{
		{"tomas", []int64{w.tom}, app.MatchName},    // accents do not count
		{"VERHAE", []int64{w.tom}, app.MatchName},   // nor case; part of a word
		{"tom verh", []int64{w.tom}, app.MatchName}, // several words
		{"to", []int64{w.tom}, app.MatchName},       // two letters: the start of a word
		{"proost", []int64{w.pro}, app.MatchName},   // a professional
		{"annelies@caw", []int64{w.pro}, app.MatchEmail},
		{"tom.v@voorbeeld.be", []int64{w.tom}, app.MatchEmail},
		{"0470 12 34 56", []int64{w.tom}, app.MatchPhone},
		{"+32 470 123456", []int64{w.tom}, app.MatchPhone}, // the international form of the same number
		{"3456", []int64{w.tom}, app.MatchPhone},
		{"oma", []int64{w.tom}, app.MatchName}, // "tomás" folds to "tomas", which holds "oma"
		{"lies pro", []int64{w.pro}, app.MatchName},
		{"zzz", nil, ""},
		{"es", nil, ""}, // two letters inside a word are not a word start
	}
	for _, tc := range cases {
		res, err := w.a.SearchPeople(t.Context(), w.coord, tc.term)
		if err != nil {
			t.Fatalf("%q: %v", tc.term, err)
		}
		var ids []int64
		for _, p := range res.People {
			ids = append(ids, p.PersonID)
			if !slices.Contains(p.Matched, tc.matched) {
				t.Errorf("%q: matched on %v, want %s", tc.term, p.Matched, tc.matched)
			}
		}
		if !slices.Equal(ids, tc.want) {
			t.Errorf("%q found %v, want %v", tc.term, ids, tc.want)
		}
	}
	res, err := w.a.SearchPeople(t.Context(), w.coord, "Tomas")
	if err != nil {
		t.Fatal(err)
	}
	if len(res.People) != 1 || res.People[0].Name != "Tomás Verhaeghe" || len(res.People[0].Registrations) != 1 ||
		res.People[0].Registrations[0].ID != w.tomReg {
		t.Errorf("result %+v, want Tom with his registration %d", res.People, w.tomReg)
	}
	// A Waakvlam request by its reference, whole or in part.
	for _, term := range []string{w.waakvlam, strings.ToLower(w.waakvlam), "WV-2026"} {
		res, err := w.a.SearchPeople(t.Context(), w.coord, term)
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Waakvlam) != 1 || res.Waakvlam[0].Reference != w.waakvlam {
			t.Errorf("%q found requests %+v, want %s", term, res.Waakvlam, w.waakvlam)
		}
	}
	for _, term := range []string{"", " ", "a", "-", "é"} {
		_, err := w.a.SearchPeople(t.Context(), w.coord, term)
		if v, ok := app.AsValidation(err); !ok || v.Fields["q"] == "" {
			t.Errorf("%q: %v, want a validation error on q", term, err)
		}
	}
}

// TestSearchStaysWithinScope: a facilitator finds the people of the groups they lead, and nobody else, whatever
// key they search by; the registrations shown are those of their groups only; Waakvlam requests are the office's.
func TestSearchStaysWithinScope(t *testing.T) {
	w := newSearchWorld(t)
	for _, term := range []string{"Annelies", "proost", "annelies@caw.example", "caw"} {
		if ids := found(t, w.a, w.fac, term); len(ids) != 0 {
			t.Errorf("the facilitator found %v by %q, a person of a group they do not lead", ids, term)
		}
		if ids := found(t, w.a, w.coord, term); !slices.Equal(ids, []int64{w.pro}) {
			t.Errorf("the coordinator found %v by %q", ids, term)
		}
	}
	if ids := found(t, w.a, w.fac, "verhaeghe"); !slices.Equal(ids, []int64{w.tom}) {
		t.Errorf("the facilitator found %v, want their own group's person", ids)
	}
	// Tom also asked for a place in Bornem: the facilitator still sees only the Rotonde registration.
	fixtures.Register(t, w.a, w.tom, "intervisie-bornem", app.StatusAdmitted, "")
	res, err := w.a.SearchPeople(t.Context(), w.fac, "verhaeghe")
	if err != nil {
		t.Fatal(err)
	}
	if len(res.People) != 1 || len(res.People[0].Registrations) != 1 || res.People[0].Registrations[0].ID != w.tomReg {
		t.Errorf("the facilitator sees registrations %+v, want only %d", res.People, w.tomReg)
	}
	if res, err := w.a.SearchPeople(t.Context(), w.fac, w.waakvlam); err != nil || len(res.Waakvlam) != 0 {
		t.Errorf("the facilitator found Waakvlam requests: %+v, %v", res.Waakvlam, err)
	}
	if _, err := w.a.SearchPeople(t.Context(), app.Actor{}, "verhaeghe"); !errors.Is(err, app.ErrForbidden) {
		t.Errorf("no actor: %v", err)
	}
}

// TestSearchIsAuditedWithoutTheTerm: the audit row says who searched, on what kind of key and whom it found; the
// typed term is nowhere in the database.
func TestSearchIsAuditedWithoutTheTerm(t *testing.T) {
	w := newSearchWorld(t)
	const term = "Verhaeghe"
	if ids := found(t, w.a, w.coord, term); len(ids) != 1 {
		t.Fatalf("found %v", ids)
	}
	var detail string
	testenv.MustGet(t, w.a.Store.DB, &detail, `SELECT detail::text FROM audit_log WHERE action = $1 AND staff_id = $2`,
		app.AuditPeopleSearch, w.coordID)
	if !strings.Contains(detail, `"people": [`+strconv.FormatInt(w.tom, 10)+`]`) || !strings.Contains(detail, `"matched": ["name"]`) {
		t.Errorf("audit detail %s: want the person found and the kind of key", detail)
	}
	var leaks int
	testenv.MustGet(t, w.a.Store.DB, &leaks, `SELECT count(*) FROM audit_log WHERE lower(detail::text) LIKE '%verha%'`)
	if leaks != 0 {
		t.Errorf("the term is in %d audit rows", leaks)
	}
}

// TestSearchIndexInStep: a person written without the index (by hand, or before it existed) is indexed at the
// next start; an erased person's pieces are gone and she is not found; another key rebuilds the index.
func TestSearchIndexInStep(t *testing.T) {
	w := newSearchWorld(t)
	ctx := t.Context()
	byHand := fixtures.AddPerson(t, w.a, fixtures.Person{Name: "Griet Handmatig"})
	fixtures.Register(t, w.a, byHand, "intervisie-bornem", app.StatusAdmitted, "")
	if ids := found(t, w.a, w.coord, "handmatig"); len(ids) != 0 {
		t.Fatalf("found %v before indexing", ids)
	}
	if n, err := app.IndexPeopleForSearch(ctx, w.a.Store.DB, w.a.Keys); err != nil || n != 1 {
		t.Fatalf("indexed %d people (%v), want the one written by hand", n, err)
	}
	if ids := found(t, w.a, w.coord, "handmatig"); !slices.Equal(ids, []int64{byHand}) {
		t.Errorf("found %v after indexing, want %d", ids, byHand)
	}

	if err := w.a.Erase(ctx, fixtures.ActiveActor(t, w.a, w.adminID), w.tom); err != nil {
		t.Fatal(err)
	}
	var left int
	testenv.MustGet(t, w.a.Store.DB, &left, `SELECT count(*) FROM people_search WHERE person_id = $1`, w.tom)
	if left != 0 {
		t.Errorf("%d indexed pieces left of an erased person", left)
	}
	for _, term := range []string{"verhaeghe", "0470123456", "tom.v@voorbeeld.be"} {
		if ids := found(t, w.a, w.coord, term); len(ids) != 0 {
			t.Errorf("an erased person found by %q: %v", term, ids)
		}
	}

	// Another secret: the index made with the old one finds nothing, the start-up rebuilds it.
	other, err := app.New(w.a.Store.DB, app.Config{BaseURL: "http://localhost", SecretKey: strings.Repeat("o", 32),
		PreviousSecretKeys: []string{strings.Repeat("s", 32)}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if ids := found(t, other, w.coord, "proost"); len(ids) != 0 {
		t.Fatalf("found %v with pieces made under another key", ids)
	}
	if n, err := app.IndexPeopleForSearch(ctx, other.Store.DB, other.Keys); err != nil || n < 2 {
		t.Fatalf("rebuilt %d people (%v)", n, err)
	}
	if ids := found(t, other, w.coord, "proost"); !slices.Equal(ids, []int64{w.pro}) {
		t.Errorf("after the rebuild found %v, want %d", ids, w.pro)
	}
}
