package app_test

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"portal/app"
	"portal/internal/testenv"
)

func TestSignupGivesSeatsThenWaitingListPlaces(t *testing.T) {
	a := seeded(t)
	g := addGroup(t, a, "intervisie", "intervisie-test", 2, 0, 3)
	for n, want := range []string{"admitted", "admitted", "waitlisted", "waitlisted"} {
		res := signup(t, a, g, n)
		if res.Status != want || res.Token == "" || !res.Mailed {
			t.Errorf("signup %d: %+v, want %s with a mailed token", n, res, want)
		}
		kinds := outboxKinds(t, a, res.RegistrationID)
		wantMail := map[string]string{"admitted": "signup_confirmed", "waitlisted": "waitlisted"}[want]
		if len(kinds) != 1 || kinds[0] != wantMail {
			t.Errorf("signup %d queued %v, want [%s]", n, kinds, wantMail)
		}
	}
	var reminders int
	testenv.MustGet(t, a.Store.DB, &reminders, `SELECT count(*) FROM outbox WHERE kind = 'reminder'`)
	if reminders != 2*3*3 { // two admitted × three sessions × three offsets (7 days, 1 day, 2 hours)
		t.Errorf("%d reminders planned, want 18", reminders)
	}
}

func TestSignupIsIdempotentPerSubmissionAndPerPerson(t *testing.T) {
	a := seeded(t)
	g := addGroup(t, a, "intervisie", "intervisie-test", 5, 0, 1)
	in := app.SignupInput{GroupID: g, Name: "An Peeters", Email: "an@example.be", Organisation: "Politie Mechelen",
		Sector: "police", Consent: true, ConsentText: consentText, SubmissionKey: strings.Repeat("k", 24)}
	first, err := a.SignUp(t.Context(), in)
	if err != nil {
		t.Fatal(err)
	}
	again, err := a.SignUp(t.Context(), in) // a double click
	if err != nil || !again.Repeat || again.RegistrationID != first.RegistrationID || again.Token != "" {
		t.Fatalf("resubmission: %+v, %v", again, err)
	}
	in.SubmissionKey = strings.Repeat("j", 24) // the same person fills in the form again
	in.Email = " AN@example.be "
	third, err := a.SignUp(t.Context(), in)
	if err != nil || third.Status != "admitted" || third.RegistrationID != 0 {
		t.Fatalf("same person again: %+v, %v", third, err)
	}
	var regs, people int
	testenv.MustGet(t, a.Store.DB, &regs, `SELECT count(*) FROM registrations WHERE group_id = $1`, g)
	testenv.MustGet(t, a.Store.DB, &people, `SELECT count(*) FROM people`)
	if regs != 1 || people != 1 {
		t.Errorf("%d registrations and %d people, want 1 and 1", regs, people)
	}
}

func TestSignupValidation(t *testing.T) {
	a := seeded(t)
	g := addGroup(t, a, "intervisie", "intervisie-test", 5, 0, 1)
	ev, err := a.Store.GroupBySlug(t.Context(), "orange-the-world")
	if err != nil {
		t.Fatal(err)
	}
	ok := app.SignupInput{GroupID: g, Name: "An", Email: "an@example.be", Organisation: "CAW", Sector: "caw", Consent: true}
	cases := []struct {
		name   string
		change func(in *app.SignupInput)
		field  string
		msg    string
	}{
		{"empty name", func(in *app.SignupInput) { in.Name = "  " }, "name", "form.required"},
		{"too long name", func(in *app.SignupInput) { in.Name = strings.Repeat("a", 101) }, "name", "form.toolong"},
		{"invalid email", func(in *app.SignupInput) { in.Email = "an@" }, "email", "form.email.invalid"},
		{"email with a name", func(in *app.SignupInput) { in.Email = "An <an@example.be>" }, "email", "form.email.invalid"},
		{"invalid UTF-8", func(in *app.SignupInput) { in.Organisation = "CAW\xff" }, "organisation", "form.invalidtext"},
		{"control characters", func(in *app.SignupInput) { in.Name = "An\x00" }, "name", "form.invalidtext"},
		{"bidi override", func(in *app.SignupInput) { in.Name = "An\u202egnirts" }, "name", "form.invalidtext"},
		{"unknown sector", func(in *app.SignupInput) { in.Sector = "pirate" }, "sector", "form.choice.invalid"},
		{"no sector", func(in *app.SignupInput) { in.Sector = "" }, "sector", "form.choice.required"},
		{"no consent", func(in *app.SignupInput) { in.Consent = false }, "consent", "form.consent.required"},
		{"event by phone without phone", func(in *app.SignupInput) { in.GroupID, in.ByPhone = ev.ID, true }, "phone", "form.phone.forchannel"},
		{"event without a way of contact", func(in *app.SignupInput) { in.GroupID, in.ContactUnanswered = ev.ID, true }, "contact", "form.contact.required"},
		{"event with a bad phone", func(in *app.SignupInput) { in.GroupID, in.ByPhone, in.Phone = ev.ID, true, "call me maybe" }, "phone", "form.phone.invalid"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := ok
			tc.change(&in)
			_, err := a.SignUp(t.Context(), in)
			v, isV := app.AsValidation(err)
			if !isV || v.Fields[tc.field] != tc.msg {
				t.Fatalf("got %v, want %s on %s", err, tc.msg, tc.field)
			}
		})
	}
	var n int
	testenv.MustGet(t, a.Store.DB, &n, `SELECT count(*) FROM registrations`)
	if n != 0 {
		t.Errorf("invalid input stored %d registrations", n)
	}
	// Script tags and SQL are just text: stored as typed.
	in := ok
	in.Name, in.Organisation = `<script>alert(1)</script>`, `'); DROP TABLE people; --`
	if _, err := a.SignUp(t.Context(), in); err != nil {
		t.Fatal(err)
	}
	var org string
	testenv.MustGet(t, a.Store.DB, &org, `SELECT organisation FROM people`)
	if org != in.Organisation {
		t.Errorf("stored %q", org)
	}
}

func TestSignupRefusesClosedAndFinishedGroups(t *testing.T) {
	a := seeded(t)
	g := addGroup(t, a, "intervisie", "intervisie-test", 5, 0, 3) // closes after session 2
	a.Now = func() time.Time { return testNow.AddDate(0, 0, 15) } // two sessions held
	_, err := a.SignUp(t.Context(), app.SignupInput{GroupID: g, Name: "An", Email: "an@example.be", Organisation: "CAW",
		Sector: "caw", Consent: true})
	if !errors.Is(err, app.ErrClosed) {
		t.Errorf("closed group: %v", err)
	}
	lg, err := a.Store.GroupBySlug(t.Context(), "vrouwengroep-mechelen")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.SignUp(t.Context(), app.SignupInput{GroupID: lg.ID, Name: "An", Email: "an@example.be", Consent: true}); !errors.Is(err, app.ErrNotFound) {
		t.Errorf("open signup into an intake group: %v", err)
	}
}

func TestSignupRaceNeverOverbooks(t *testing.T) {
	a := seeded(t)
	g := addGroup(t, a, "intervisie", "intervisie-race", 12, 0, 2)
	var wg sync.WaitGroup
	errs := make(chan error, 200)
	for n := range 200 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := a.SignUp(t.Context(), app.SignupInput{GroupID: g, Name: fmt.Sprintf("P%d", n),
				Email: fmt.Sprintf("p%d@example.be", n), Organisation: "X", Sector: "other", Consent: true, ConsentText: consentText})
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	var admitted, waiting int
	testenv.MustGet(t, a.Store.DB, &admitted, `SELECT count(*) FROM registrations WHERE group_id = $1 AND status = 'admitted'`, g)
	testenv.MustGet(t, a.Store.DB, &waiting, `SELECT count(*) FROM registrations WHERE group_id = $1 AND status = 'waitlisted'`, g)
	if admitted != 12 || waiting != 188 {
		t.Errorf("%d admitted and %d waiting, want 12 and 188", admitted, waiting)
	}
}
