package app_test

import (
	"context"
	"errors"
	"reflect"
	"sort"
	"testing"
	"time"

	"portal/app"
)

// notStaffFacing lists the exported App methods that do not act for a staff member, with the reason: public and
// participant pages (a token is their right), the system's jobs, the command line, sign-in itself, and helpers that
// build links or write what a caller already decided. Every other exported method must take an app.Actor as its
// second argument and check it. A new method is either added here with its reason, or takes an Actor: the tests
// below fail on a method that does neither.
var notStaffFacing = map[string]string{
	"ActorOf":              "builds the actor",
	"Ready":                "health check",
	"Audit":                "writes the row its caller decided, inside the caller's transaction",
	"AttestByToken":        "participant: personal link",
	"HasAttest":            "participant: personal link",
	"Catalogue":            "public page",
	"ActiveOfferings":      "public page (privacy)",
	"OfferingPage":         "public page",
	"SignupGroup":          "public page",
	"ClaimDayForTest":      "system: daily jobs",
	"FinishDayForTest":     "system: daily jobs",
	"PlanReminders":        "system: follows a change already authorized",
	"PlanSessionReminders": "system: follows a change already authorized",
	"DropReminders":        "system: follows a change already authorized",
	"RequestHousehold":     "public form",
	"RunJobs":              "system: background jobs",
	"PersonalLink":         "link builder",
	"LinkRequestURL":       "link builder",
	"ExcuseLink":           "link builder",
	"OfferLink":            "link builder",
	"LinkBase":             "link builder",
	"DiscreetPersonalLink": "link builder",
	"WaakvlamStatusLink":   "link builder",
	"StaffSignupLink":      "link builder",
	"PasswordResetLink":    "link builder",
	"AttendanceLink":       "link builder",
	"Login":                "sign-in",
	"SecondFactor":         "sign-in",
	"TOTPEnrolment":        "sign-in: between password and code",
	"StartStaffSession":    "sign-in",
	"StaffSessionByToken":  "sign-in",
	"EndStaffSession":      "sign-out of the session behind the cookie",
	"RequestPasswordReset": "public form",
	"CheckPasswordToken":   "password link",
	"ResetPassword":        "password link",
	"LoadMailData":         "mail worker",
	"QueueAttendanceMails": "system: background jobs",
	"Personal":             "participant: personal link",
	"Cancel":               "participant: personal link",
	"Excuse":               "participant: personal link",
	"ExcuseLinkView":       "participant: signed link",
	"ExcuseByLink":         "participant: signed link",
	"UpdateContact":        "participant: personal link",
	"AnswerOfferByToken":   "participant: personal link",
	"SendLinksAgain":       "public form",
	"RotateLinks":          "participant: personal link",
	"PersonalPage":         "participant: personal link",
	"UnlockPersonal":       "participant: personal link",
	"AskContact":           "participant: personal link",
	"MomentUnsuitable":     "participant: personal link",
	"Purge":                "system: retention job",
	"Allow":                "rate limiter",
	"ContactOf":            "decrypts a row the caller already may see",
	"Rekey":                "command line",
	"Request":              "public form",
	"Seed":                 "command line",
	"SeedIfEmpty":          "command line",
	"SignUp":               "public form",
	"AddStaff":             "command line",
	"RequestWaakvlam":      "public form",
	"WaakvlamByToken":      "organisation: private link",
	"GroupBySignupToken":   "organisation's staff: private link",
	"PrivateSignupGroup":   "organisation's staff: private link",
	"Offer":                "participant: signed link",
	"AnswerOffer":          "participant: signed link",
	"ExpireOffers":         "system: background jobs",
	"ReconcileAllSeats":    "system: background jobs",
}

// openToEveryStaff lists Actor methods that any active staff member may call without leading a group: lists that
// scope their rows to the actor themselves, and the actor's own account. The scope test calls them too, but
// expects no ErrForbidden.
var openToEveryStaff = map[string]bool{
	"Agenda": true, "VisibleGroups": true, "EndAllStaffSessions": true, "Queue": true, "MyAccount": true,
}

var actorType = reflect.TypeFor[app.Actor]()

// staffMethods returns the exported methods of *app.App that take an Actor second, by name.
func staffMethods(t *testing.T) (withActor []reflect.Method, other []string) {
	t.Helper()
	typ := reflect.TypeFor[*app.App]()
	for i := range typ.NumMethod() {
		m := typ.Method(i)
		// In(0) is the receiver, In(1) the context.
		if m.Type.NumIn() >= 3 && m.Type.In(2) == actorType {
			withActor = append(withActor, m)
			continue
		}
		other = append(other, m.Name)
	}
	return withActor, other
}

func TestEveryStaffMethodTakesAnActor(t *testing.T) {
	withActor, other := staffMethods(t)
	if len(withActor) == 0 {
		t.Fatal("no method takes an Actor: the reflection found nothing")
	}
	for _, name := range other {
		if _, ok := notStaffFacing[name]; ok {
			continue
		}
		t.Errorf("%s: exported App method that neither takes an app.Actor nor is listed in notStaffFacing", name)
	}
	for _, m := range withActor {
		if _, ok := notStaffFacing[m.Name]; ok {
			t.Errorf("%s takes an Actor but is listed in notStaffFacing", m.Name)
		}
		last := m.Type.Out(m.Type.NumOut() - 1)
		if last != reflect.TypeFor[error]() {
			t.Errorf("%s takes an Actor but does not return an error last", m.Name)
		}
	}
	for name := range notStaffFacing {
		if _, ok := reflect.TypeFor[*app.App]().MethodByName(name); !ok {
			t.Errorf("notStaffFacing lists %s, which is not a method of App", name)
		}
	}
}

// callAsActor calls m on a with ctx, actor and id for every int64 argument (zero values for the rest), and
// returns the error it gives.
func callAsActor(t *testing.T, a *app.App, m reflect.Method, actor app.Actor, id int64) (err error) {
	t.Helper()
	defer func() {
		if r := recover(); r != nil {
			err = errors.New("panic: the method used its arguments before checking the actor")
			t.Logf("%s: %v", m.Name, r)
		}
	}()
	args := []reflect.Value{reflect.ValueOf(a), reflect.ValueOf(context.Context(t.Context())), reflect.ValueOf(actor)}
	for i := 3; i < m.Type.NumIn(); i++ {
		in := m.Type.In(i)
		switch {
		case in.Kind() == reflect.Int64:
			args = append(args, reflect.ValueOf(id).Convert(in))
		case in == reflect.TypeFor[time.Time]():
			args = append(args, reflect.ValueOf(testNow.AddDate(0, 0, 3)))
		case m.Type.IsVariadic() && i == m.Type.NumIn()-1:
			// no variadic arguments
		default:
			args = append(args, reflect.Zero(in))
		}
	}
	var out []reflect.Value
	if m.Type.IsVariadic() {
		out = m.Func.CallSlice(append(args, reflect.Zero(m.Type.In(m.Type.NumIn()-1))))
	} else {
		out = m.Func.Call(args)
	}
	last := out[len(out)-1]
	if last.IsNil() {
		return nil
	}
	return last.Interface().(error)
}

func TestEveryStaffMethodRefusesAnActorWithoutRights(t *testing.T) {
	a, _ := newStaffApp(t, testNow)
	withActor, _ := staffMethods(t)
	for _, m := range withActor {
		// An inactive account, and an account with no role at all: refused before anything is read.
		for _, actor := range []app.Actor{{}, {Staff: app.Staff{ID: 1, Role: app.RoleAdmin, Active: false}}} {
			if err := callAsActor(t, a, m, actor, 1); !errors.Is(err, app.ErrForbidden) {
				t.Errorf("%s as (id %d, role %q, active %v): got %v, want ErrForbidden", m.Name, actor.Staff.ID, actor.Staff.Role, actor.Staff.Active, err)
			}
		}
	}
}

// TestAFacilitatorReachesOnlyTheirGroups calls every staff method as a facilitator who leads no group, in a world
// of one of each thing: on a fresh database every first row has id 1, so the id 1 names the one offering, group,
// session, person, registration and Waakvlam request. Every method must refuse, but those open to every staff
// member.
func TestAFacilitatorReachesOnlyTheirGroups(t *testing.T) {
	a, _ := newStaffApp(t, testNow)
	world := oneOfEach(t, a)
	facilitator := addStaff(t, a, "begeleider@example.be", app.RoleFacilitator)
	actor, err := a.ActorOf(t.Context(), app.Staff{ID: facilitator})
	if err != nil {
		t.Fatal(err)
	}
	if len(actor.Leads) != 0 {
		t.Fatalf("the facilitator leads %v, want none", actor.Leads)
	}
	withActor, _ := staffMethods(t)
	names := make([]string, 0, len(withActor))
	for _, m := range withActor {
		names = append(names, m.Name)
		err := callAsActor(t, a, m, actor, world)
		switch {
		case openToEveryStaff[m.Name] && errors.Is(err, app.ErrForbidden):
			t.Errorf("%s: refused a facilitator, although it is open to every staff member", m.Name)
		case !openToEveryStaff[m.Name] && !errors.Is(err, app.ErrForbidden):
			t.Errorf("%s: a facilitator who leads no group got %v, want ErrForbidden", m.Name, err)
		}
	}
	sort.Strings(names)
	t.Logf("checked %d methods: %v", len(names), names)
}

// oneOfEach loads the demo offer, sends one survivor request and one Waakvlam request, and checks that each table
// has a row with id 1, the id the scope test passes for every id argument.
func oneOfEach(t *testing.T, a *app.App) int64 {
	t.Helper()
	if err := a.Seed(t.Context()); err != nil {
		t.Fatal(err)
	}
	request(t, a, "lotgenotengroepen", 0, "Anna")
	if _, err := a.RequestWaakvlam(t.Context(), app.WaakvlamInput{Organisation: "CKG", ServiceType: "ckg",
		ContactName: "Jo", ContactEmail: "jo@example.be", ExpectedStaff: "12", PreferredPeriods: "mei", Consent: true, ConsentText: consentText,
		Language: "nl"}); err != nil {
		t.Fatal(err)
	}
	for _, table := range []string{"offerings", "groups", "sessions", "people", "registrations", "waakvlam_requests"} {
		var n int
		if err := a.Store.DB.Get(&n, `SELECT count(*) FROM `+table+` WHERE id = 1`); err != nil {
			t.Fatal(err)
		}
		if n != 1 {
			t.Fatalf("the demo data has no %s row with id 1: the scope test needs one", table)
		}
	}
	return 1
}
