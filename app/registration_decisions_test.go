package app_test

import (
	"errors"
	"testing"
	"time"

	"portal/app"
	"portal/internal/fixtures"
	"portal/internal/testenv"
)

// TestRequestStateMachine walks requests through the staff decisions, each row one path.
func TestRequestStateMachine(t *testing.T) {
	type step struct {
		do   string // intake, admit, decline, waitlist, promote, withdraw, complete
		want string // status afterwards, or "error"
	}
	paths := map[string][]step{
		"intake then admitted then completed": {{"intake", "intake_planned"}, {"intake", "intake_planned"}, {"admit", "admitted"}, {"complete", "completed"}},
		"admitted straight away":              {{"admit", "admitted"}, {"withdraw", "withdrawn"}},
		"declined after intake":               {{"intake", "intake_planned"}, {"decline", "declined"}, {"admit", "error"}},
		"waiting list then promoted":          {{"waitlist", "waitlisted"}, {"promote", "admitted"}},
		"withdrawn request":                   {{"withdraw", "withdrawn"}, {"intake", "error"}},
		"no decline after admission":          {{"admit", "admitted"}, {"decline", "error"}},
		"no promotion without waiting":        {{"promote", "error"}},
		"no second withdrawal":                {{"withdraw", "withdrawn"}, {"withdraw", "error"}},
	}
	a := seeded(t)
	g := addGroup(t, a, "lotgenotengroepen", "lotgenoten-test", 20, 0, 4)
	ctx := t.Context()
	office := fixtures.ActiveActor(t, a, staffMember(t, a))
	for name, steps := range paths {
		t.Run(name, func(t *testing.T) {
			r := request(t, a, "lotgenotengroepen", g, "Mira")
			for i, s := range steps {
				var err error
				switch s.do {
				case "intake":
					err = a.PlanIntake(ctx, office, r.RegistrationID, testNow.Add(48*time.Hour), "bellen na 18 uur")
				case "admit":
					err = a.Admit(ctx, office, r.RegistrationID, app.AdmitOptions{})
				case "decline":
					err = a.Decline(ctx, office, r.RegistrationID, "past niet in deze groep", "")
				case "waitlist":
					err = a.Waitlist(ctx, office, r.RegistrationID, 0)
				case "promote":
					err = a.Promote(ctx, office, r.RegistrationID, false)
				case "withdraw":
					err = a.Withdraw(ctx, office, r.RegistrationID)
				case "complete":
					before := auditCount(t, a, "group.complete")
					_, err = a.CompleteGroup(ctx, office, g)
					if after := auditCount(t, a, "group.complete"); err == nil && after != before+1 {
						t.Errorf("completing the group wrote %d audit rows, want 1", after-before)
					}
				}
				if s.want == "error" {
					if err == nil {
						t.Fatalf("step %d (%s) succeeded, want a refusal", i, s.do)
					}
					continue
				}
				if err != nil {
					t.Fatalf("step %d (%s): %v", i, s.do, err)
				}
				if got := status(t, a, r.RegistrationID); got != s.want {
					t.Fatalf("step %d (%s): status %s, want %s", i, s.do, got, s.want)
				}
			}
		})
	}
}

func TestRequestNeverRevealsOrTouchesAKnownPerson(t *testing.T) {
	a := seeded(t)
	first := request(t, a, "lotgenotengroepen", 0, "Mira")
	second := request(t, a, "lotgenotengroepen", 0, "Mira") // the same address, typed by anyone
	if first.RegistrationID == second.RegistrationID || first.Mailed != second.Mailed {
		t.Fatalf("requests differ in what they show: %+v %+v", first, second)
	}
	var people int
	testenv.MustGet(t, a.Store.DB, &people, `SELECT count(*) FROM people`)
	if people != 2 {
		t.Errorf("%d people, want 2: a request never attaches to someone known", people)
	}
	var msg []byte
	testenv.MustGet(t, a.Store.DB, &msg, `SELECT safe_times_enc FROM people LIMIT 1`)
	if s, err := a.Keys.Decrypt(msg); err != nil {
		t.Fatal(err)
	} else if s != "na 18 uur" || string(msg) == "na 18 uur" {
		t.Errorf("safe times stored as %q", msg)
	}
}

func TestRotondeKeepsNoAccountOfWhatHappened(t *testing.T) {
	a := seeded(t)
	res, err := a.Request(t.Context(), app.RequestInput{OfferingSlug: "rotonde", Alias: "Tom",
		Contact: app.ContactInput{ByPhone: true, Phone: "0470 12 34 56"}, Message: "wat er gebeurd is",
		Consent: true, ConsentText: consentText})
	if err != nil {
		t.Fatal(err)
	}
	var msg []byte
	testenv.MustGet(t, a.Store.DB, &msg, `SELECT message_enc FROM registrations WHERE id = $1`, res.RegistrationID)
	if msg != nil {
		t.Error("Rotonde stored a free-text message")
	}
	if res.Mailed || res.Token == "" {
		t.Errorf("phone-only request: %+v (no mail, but a link to show once)", res)
	}
}

func TestAdmissionRespectsCapacityClosingAndSeparation(t *testing.T) {
	a := seeded(t)
	ctx := t.Context()
	office := fixtures.ActiveActor(t, a, staffMember(t, a))
	g := addGroup(t, a, "lotgenotengroepen", "lotgenoten-test", 2, 0, 4)
	r1 := request(t, a, "lotgenotengroepen", g, "Ann")
	r2 := request(t, a, "lotgenotengroepen", g, "Bea")
	r3 := request(t, a, "lotgenotengroepen", g, "Cis")
	r4 := request(t, a, "lotgenotengroepen", g, "Dina")
	for _, r := range []app.RequestResult{r1, r2} {
		if err := a.Admit(ctx, office, r.RegistrationID, app.AdmitOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	if err := a.Admit(ctx, office, r3.RegistrationID, app.AdmitOptions{}); !errors.Is(err, app.ErrFull) {
		t.Fatalf("admit into a full group: %v", err)
	}
	if err := a.Admit(ctx, office, r3.RegistrationID, app.AdmitOptions{OverCapacity: true}); err != nil {
		t.Fatalf("override: %v", err)
	}
	// Dina must never meet Ann.
	var ann, dina int64
	testenv.MustGet(t, a.Store.DB, &ann, `SELECT person_id FROM registrations WHERE id = $1`, r1.RegistrationID)
	testenv.MustGet(t, a.Store.DB, &dina, `SELECT person_id FROM registrations WHERE id = $1`, r4.RegistrationID)
	shared, err := a.Separate(ctx, office, dina, ann)
	if err != nil || len(shared) != 1 || shared[0] != g {
		t.Fatalf("separate: shared %v, %v (both are in the group: staff must be told)", shared, err)
	}
	if err := a.Admit(ctx, office, r4.RegistrationID, app.AdmitOptions{OverCapacity: true}); !errors.Is(err, app.ErrSeparated) {
		t.Fatalf("admitting a separated person: %v", err)
	}
	// After two sessions the group is closed to the public, but staff still record who was in it: the closing
	// does not refuse them, the seats still do.
	a.Now = func() time.Time { return testNow.AddDate(0, 0, 15) }
	r5 := request(t, a, "lotgenotengroepen", 0, "Els")
	if err := a.Admit(ctx, office, r5.RegistrationID, app.AdmitOptions{GroupID: g}); !errors.Is(err, app.ErrFull) {
		t.Fatalf("admitting into a closed and full group: %v, want ErrFull", err)
	}
	if err := a.Admit(ctx, office, r5.RegistrationID, app.AdmitOptions{GroupID: g, OverCapacity: true}); err != nil {
		t.Fatalf("staff admitting into a group past its closing session: %v", err)
	}
	if s := status(t, a, r5.RegistrationID); s != app.StatusAdmitted {
		t.Errorf("Els is %s after her admission, want admitted", s)
	}
	if kinds := outboxKinds(t, a, r1.RegistrationID); len(kinds) != 2 || kinds[1] != "admitted" {
		t.Errorf("mails for Ann: %v", kinds)
	}
}

func TestHouseholdIsCountedAndAdmittedPerTrack(t *testing.T) {
	a := seeded(t)
	ctx := t.Context()
	office := fixtures.ActiveActor(t, a, staffMember(t, a))
	g := addGroup(t, a, "blaffen-of-schuilen", "blaffen-test", 3, 2, 4)
	res, err := a.RequestHousehold(ctx, app.HouseholdInput{GroupID: g, Parent: "Sara", SecondParent: "Karim",
		Children: []app.ChildInput{{"Lina", "7"}, {"Adam", "10"}, {"", ""}},
		Contact:  app.ContactInput{ByEmail: true, Email: "sara@example.be"}, Consent: true, ConsentText: consentText})
	if err != nil {
		t.Fatal(err)
	}
	if res.Parents != 2 || res.Children != 2 {
		t.Fatalf("household %+v", res)
	}
	if err := a.Admit(ctx, office, res.RegistrationID, app.AdmitOptions{}); err != nil {
		t.Fatal(err)
	}
	var parents, children int
	testenv.MustGet(t, a.Store.DB, &parents, `SELECT count(*) FROM registrations WHERE group_id = $1 AND role = 'parent' AND status = 'admitted'`, g)
	testenv.MustGet(t, a.Store.DB, &children, `SELECT count(*) FROM registrations WHERE group_id = $1 AND role = 'child' AND status = 'admitted'`, g)
	if parents != 2 || children != 2 {
		t.Errorf("admitted %d parents and %d children, want 2 and 2", parents, children)
	}
	// The children's track is now full; a second family's child cannot be admitted, though an adult seat is free.
	other, err := a.RequestHousehold(ctx, app.HouseholdInput{GroupID: g, Parent: "Ilse", Children: []app.ChildInput{{"Noor", "8"}},
		Contact: app.ContactInput{ByPhone: true, Phone: "0470 00 00 00"}, Consent: true, ConsentText: consentText})
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Admit(ctx, office, other.RegistrationID, app.AdmitOptions{}); !errors.Is(err, app.ErrFull) {
		t.Errorf("child beyond the children's capacity: %v", err)
	}
	// Validation: a child without a name, an impossible age, a named child without an age (an optional field on
	// the form: its message says why it is needed now).
	_, err = a.RequestHousehold(ctx, app.HouseholdInput{Parent: "X", Children: []app.ChildInput{{"", "5"}, {"Bo", "99"}, {"Lina", " "}},
		Contact: app.ContactInput{ByEmail: true, Email: "x@example.be"}, Consent: true})
	v, _ := app.AsValidation(err)
	if v == nil || v.Fields["child_name_1"] != "form.child.name.forage" || v.Fields["child_age_2"] != "form.age.invalid" ||
		v.Fields["child_age_3"] != "form.child.age.forname" {
		t.Errorf("household validation: %v", err)
	}
}
