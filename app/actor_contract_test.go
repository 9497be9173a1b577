package app_test

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"testing"
	"time"

	"portal/app"
	"portal/internal/fixtures"
	"portal/internal/testenv"
)

// notStaffFacing lists the exported App methods that do not act for a staff member, with the reason: public and
// participant pages (a token is their right), the system's jobs, the command line, sign-in itself, and helpers that
// build links or write what a caller already decided. Every other exported method must take an app.Actor as its
// second argument and check it. A new method is either added here with its reason, or takes an Actor: the tests
// below fail on a method that does neither.
var notStaffFacing = map[string]string{
	"ActorOf":                   "builds the actor",
	"Ready":                     "health check",
	"Audit":                     "writes the row its caller decided, inside the caller's transaction",
	"AttestByToken":             "participant: personal link",
	"HasAttest":                 "participant: personal link",
	"Catalogue":                 "public page",
	"CalendarSessions":          "public page: the calendar file and confirmation of a group open to signup",
	"ActiveOfferings":           "public page (privacy)",
	"OfferingPage":              "public page",
	"SignupGroup":               "public page",
	"ClaimDayForTest":           "system: daily jobs",
	"SendWorkDigests":           "system: daily jobs",
	"FinishDayForTest":          "system: daily jobs",
	"RunJobsOnceForTest":        "system: background jobs",
	"PlanReminders":             "system: follows a change already authorized",
	"PlanSessionReminders":      "system: follows a change already authorized",
	"DropReminders":             "system: follows a change already authorized",
	"RequestHousehold":          "public form",
	"RunJobs":                   "system: background jobs",
	"PersonalLink":              "link builder",
	"LinkRequestURL":            "link builder",
	"ExcuseLink":                "link builder",
	"OfferLink":                 "link builder",
	"LinkBase":                  "link builder",
	"DiscreetPersonalLink":      "link builder",
	"WaakvlamStatusLink":        "link builder",
	"StaffSignupLink":           "link builder",
	"PasswordResetLink":         "link builder",
	"AttendanceLink":            "link builder",
	"Login":                     "sign-in",
	"SecondFactor":              "sign-in",
	"TOTPEnrolment":             "sign-in: between password and code",
	"StartStaffSession":         "sign-in",
	"StaffSessionByToken":       "sign-in",
	"EndStaffSession":           "sign-out of the session behind the cookie",
	"RequestPasswordReset":      "public form",
	"CheckPasswordToken":        "password link",
	"ResetPassword":             "password link",
	"LoadMailData":              "mail worker",
	"QueueAttendanceMails":      "system: background jobs",
	"Personal":                  "participant: personal link",
	"Cancel":                    "participant: personal link",
	"Excuse":                    "participant: personal link",
	"ExcuseLinkView":            "participant: signed link",
	"ExcuseByLink":              "participant: signed link",
	"UpdateContact":             "participant: personal link",
	"AnswerOfferByToken":        "participant: personal link",
	"SendLinksAgain":            "public form",
	"RotateLinks":               "participant: personal link",
	"PersonalPage":              "participant: personal link",
	"UnlockPersonal":            "participant: personal link",
	"AskContact":                "participant: personal link",
	"MomentUnsuitable":          "participant: personal link",
	"Purge":                     "system: retention job",
	"Allow":                     "rate limiter",
	"Rekey":                     "command line",
	"Request":                   "public form",
	"Seed":                      "command line",
	"SeedIfEmpty":               "command line",
	"SignUp":                    "public form",
	"AddStaff":                  "command line",
	"NeedsFirstAdmin":           "command line: serve's start-up hint",
	"RequestWaakvlam":           "public form",
	"WaakvlamByToken":           "organisation: private link",
	"GroupBySignupToken":        "organisation's staff: private link",
	"PrivateSignupGroup":        "organisation's staff: private link",
	"PrivateSignupOrganisation": "organisation's staff: private link",
	"ResendWaakvlamLink":        "organisation: private link",
	"Offer":                     "participant: signed link",
	"AnswerOffer":               "participant: signed link",
	"ExpireOffers":              "system: background jobs",
	"ReconcileAllSeats":         "system: background jobs",
}

// Who may call a staff method: the role set it checks, and whether a facilitator reaches it only for a group
// they lead. The tests below call every method as each kind of actor and hold it to its line here.
const (
	adminOnly   = "admin"  // app.AdminRoles
	officeOnly  = "office" // app.OfficeRoles
	groupScoped = "group"  // app.AllRoles, a facilitator only for the groups they lead (AllowGroup)
	everyStaff  = "all"    // app.AllRoles, the rows scoped to the actor themselves (their lists, their account)
)

// staffAccess gives every exported App method that takes an Actor its access. A method missing here fails
// TestEveryStaffMethodTakesAnActor: a new staff method is added here with the access it must check.
var staffAccess = map[string]string{
	// Staff accounts, the audit log, a person's data.
	"AuditLog": adminOnly, "CreateStaff": adminOnly, "ChangeStaffRole": adminOnly, "SetStaffActive": adminOnly,
	"StaffList": adminOnly, "StaffAccount": adminOnly, "ResetTOTP": adminOnly, "SendPasswordMail": adminOnly,
	"Erase": adminOnly, "ExportPerson": adminOnly, "PurgeNow": adminOnly, "ReopenYear": adminOnly, "ReopenRefusal": officeOnly,

	// Running the offer: offerings and groups, requests and decisions, Waakvlam, mail, figures, work items.
	"CreateOffering": officeOnly, "UpdateOffering": officeOnly, "OfferingsForStaff": officeOnly,
	"OfferingForStaff": officeOnly, "CreateGroup": officeOnly, "UpdateGroup": officeOnly,
	"FacilitatorChoices": officeOnly, "CompleteGroup": officeOnly, "OfferingCounts": officeOnly,
	"RequestOnBehalf": officeOnly, "RequestHouseholdOnBehalf": officeOnly, "PlanIntake": officeOnly,
	"Admit": officeOnly, "Decline": officeOnly, "Waitlist": officeOnly, "Promote": officeOnly,
	"Withdraw": officeOnly, "MoveGroup": officeOnly, "Separate": officeOnly, "ResetCode": officeOnly,
	"CodeStatusForStaff": officeOnly, "OpenWorkItems": officeOnly, "CloseWorkItem": officeOnly,
	"WorkDigest": officeOnly, "SetWorkDigest": officeOnly,
	"PlanWaakvlam": officeOnly, "WaakvlamRequests": officeOnly, "WaakvlamForStaff": officeOnly,
	"SetWaakvlamStatus": officeOnly, "OutboxList": officeOnly, "OutboxItem": officeOnly, "ResendMail": officeOnly,
	"CaughtMailList": officeOnly, "CaughtMessage": officeOnly, "FiguresOf": officeOnly, "FigureYears": officeOnly,
	"CloseYear": officeOnly, "AddSessions": officeOnly, "RecordReferral": officeOnly, "SetRequestDate": officeOnly,
	"RetentionOverview": officeOnly, "PreviewImport": officeOnly, "Import": officeOnly, "ImportTemplate": officeOnly,
	"SealImport": officeOnly, "OpenImport": officeOnly,

	// One group, its sessions and its people: the office, and the group's facilitators.
	"GroupForStaff": groupScoped, "CountsOfGroup": groupScoped, "GroupMembers": groupScoped,
	"MoveSession": groupScoped, "CancelSession": groupScoped, "RollCallOf": groupScoped,
	"ViewRollCall": groupScoped, "Mark": groupScoped, "MarkMany": groupScoped, "MarkManyWithReason": groupScoped,
	"AddWalkIn": groupScoped, "AddWalkInWithReason": groupScoped,
	"ExportAttendance": groupScoped, "GroupYears": groupScoped, "ViewAttest": groupScoped,
	"AttestMembers": groupScoped, "RegistrationForStaff": groupScoped, "ClosedYearsTouched": groupScoped,

	// Every staff member, for what is theirs.
	"Agenda": everyStaff, "VisibleGroups": everyStaff, "SearchPeople": everyStaff, "Queue": everyStaff, "WorkQueue": everyStaff, "MyAccount": everyStaff,
	"EndAllStaffSessions": everyStaff,
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
	takesActor := map[string]bool{}
	for _, m := range withActor {
		takesActor[m.Name] = true
		if _, ok := staffAccess[m.Name]; !ok {
			t.Errorf("%s takes an Actor but has no line in staffAccess: say which roles may call it", m.Name)
		}
	}
	for name := range staffAccess {
		if !takesActor[name] {
			t.Errorf("staffAccess lists %s, which is not an App method taking an Actor", name)
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
		case in == reflect.TypeFor[*int64]():
			args = append(args, reflect.ValueOf(&id))
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

// expectAccess calls every staff method as actor, in a world where id 1 names one of each thing, and holds it
// to staffAccess: a method whose access is not in reaches must answer ErrForbidden, one whose access is in reaches
// must not (any other error is fine: the arguments are made up, and earlier calls may have changed the world).
func expectAccess(t *testing.T, a *app.App, who string, actor app.Actor, reaches ...string) {
	t.Helper()
	withActor, _ := staffMethods(t)
	for _, m := range withActor {
		access, ok := staffAccess[m.Name]
		if !ok {
			t.Errorf("%s: no line in staffAccess", m.Name)
			continue
		}
		err := callAsActor(t, a, m, actor, 1)
		switch {
		case slices.Contains(reaches, access) && errors.Is(err, app.ErrForbidden):
			t.Errorf("%s (%s): refused %s", m.Name, access, who)
		case !slices.Contains(reaches, access) && !errors.Is(err, app.ErrForbidden):
			t.Errorf("%s (%s): %s got %v, want ErrForbidden", m.Name, access, who, err)
		}
	}
}

// actorIn adds a staff member with role to a's world and loads them as a request would.
func actorIn(t *testing.T, a *app.App, email, role string) app.Actor {
	t.Helper()
	return fixtures.Actor(t, a, addStaff(t, a, email, role))
}

// TestAFacilitatorReachesOnlyTheirGroups calls every staff method as a facilitator who leads no group: every
// method must refuse, but those open to every staff member.
func TestAFacilitatorReachesOnlyTheirGroups(t *testing.T) {
	a, _ := newStaffApp(t, testNow)
	oneOfEach(t, a)
	actor := actorIn(t, a, "begeleider@example.be", app.RoleFacilitator)
	if len(actor.Leads) != 0 {
		t.Fatalf("the facilitator leads %v, want none", actor.Leads)
	}
	expectAccess(t, a, "a facilitator who leads no group", actor, everyStaff)
}

// TestAFacilitatorReachesTheGroupTheyLead calls every staff method as the facilitator of group 1, the group of
// session 1 and registration 1: what is about one group is open to them, the office's and the admins' work is not.
func TestAFacilitatorReachesTheGroupTheyLead(t *testing.T) {
	a, _ := newStaffApp(t, testNow)
	oneOfEach(t, a)
	fac := addStaff(t, a, "begeleider@example.be", app.RoleFacilitator)
	lead(t, a, 1, fac)
	actor := fixtures.Actor(t, a, fac)
	if !slices.Equal(actor.Leads, []int64{1}) {
		t.Fatalf("the facilitator leads %v, want group 1", actor.Leads)
	}
	expectAccess(t, a, "the facilitator of group 1", actor, groupScoped, everyStaff)
}

// TestACoordinatorRunsTheOfferButNotTheAccounts calls every staff method as a coordinator: everything but the
// admins' work.
func TestACoordinatorRunsTheOfferButNotTheAccounts(t *testing.T) {
	a, _ := newStaffApp(t, testNow)
	oneOfEach(t, a)
	actor := actorIn(t, a, "coordinator@example.be", app.RoleCoordinator)
	expectAccess(t, a, "a coordinator", actor, officeOnly, groupScoped, everyStaff)
}

// TestAnAdminReachesEveryStaffMethod calls every staff method as an admin: none refuses.
func TestAnAdminReachesEveryStaffMethod(t *testing.T) {
	a, _ := newStaffApp(t, testNow)
	oneOfEach(t, a)
	actor := actorIn(t, a, "admin@example.be", app.RoleAdmin)
	expectAccess(t, a, "an admin", actor, adminOnly, officeOnly, groupScoped, everyStaff)
}

// oneOfEach loads the demo offer, signs one professional up for group 1, sends one survivor request and one
// Waakvlam request, and checks that id 1 names one of each thing, and that session 1 and registration 1 (of
// person 1) are in group 1: the access tests pass 1 for every id argument.
func oneOfEach(t *testing.T, a *app.App) {
	t.Helper()
	if err := a.Seed(t.Context()); err != nil {
		t.Fatal(err)
	}
	signup(t, a, 1, 1)
	request(t, a, "lotgenotengroepen", 0, "Anna")
	if _, err := a.RequestWaakvlam(t.Context(), app.WaakvlamInput{Organisation: "CKG", ServiceType: "ckg",
		ContactName: "Jo", ContactEmail: "jo@example.be", ExpectedStaff: "12", PreferredPeriods: "mei", Consent: true, ConsentText: consentText,
		Language: "nl"}); err != nil {
		t.Fatal(err)
	}
	for _, table := range []string{"offerings", "groups", "sessions", "people", "registrations", "waakvlam_requests"} {
		var n int
		testenv.MustGet(t, a.Store.DB, &n, `SELECT count(*) FROM `+table+` WHERE id = 1`)
		if n != 1 {
			t.Fatalf("the demo data has no %s row with id 1: the access tests need one", table)
		}
	}
	var inGroup1 bool
	testenv.MustGet(t, a.Store.DB, &inGroup1, `SELECT (SELECT group_id FROM sessions WHERE id = 1) = 1
		AND (SELECT group_id = 1 AND person_id = 1 FROM registrations WHERE id = 1)`)
	if !inGroup1 {
		t.Fatal("session 1 or registration 1 (of person 1) is not in group 1: the access tests need them there")
	}
}
