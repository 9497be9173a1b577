package app_test

import (
	"slices"
	"testing"
	"time"

	"portal/app"
	"portal/internal/fixtures"
)

// queueEnv is a seeded portal with a clock the test moves, a coordinator and two facilitators (Fien leads the
// test group, Ward leads none of the test groups).
type queueEnv struct {
	t                  *testing.T
	a                  *app.App
	now                time.Time
	office, fien, ward app.Actor
}

func newQueueEnv(t *testing.T) *queueEnv {
	e := &queueEnv{t: t, a: seeded(t), now: testNow}
	e.a.Now = func() time.Time { return e.now }
	e.office = fixtures.ActiveActor(t, e.a, staffMember(t, e.a))
	return e
}

// facilitators makes Fien the facilitator of group and Ward of none of the test groups.
func (e *queueEnv) facilitators(group int64) {
	fien := fixtures.AddStaff(e.t, e.a, "fien@example.be", "Fien", "facilitator", "nl")
	fixtures.Facilitate(e.t, e.a, fien, group)
	e.fien = fixtures.ActiveActor(e.t, e.a, fien)
	e.ward = fixtures.ActiveActor(e.t, e.a, fixtures.AddStaff(e.t, e.a, "ward@example.be", "Ward", "facilitator", "nl"))
}

// find returns the actor's queue items of kind that match.
func (e *queueEnv) find(actor app.Actor, kind string, match func(app.WorkQueueItem) bool) []app.WorkQueueItem {
	e.t.Helper()
	items, err := e.a.WorkQueue(e.t.Context(), actor)
	if err != nil {
		e.t.Fatal(err)
	}
	if !slices.IsSortedFunc(items, func(x, y app.WorkQueueItem) int { return x.Since.Compare(y.Since) }) {
		e.t.Errorf("the queue is not oldest first")
	}
	var out []app.WorkQueueItem
	for _, it := range items {
		if it.Kind == kind && match(it) {
			out = append(out, it)
		}
	}
	return out
}

// expect fails unless the actor's queue holds exactly want items of kind that match.
func (e *queueEnv) expect(step string, actor app.Actor, kind string, want int, match func(app.WorkQueueItem) bool) []app.WorkQueueItem {
	e.t.Helper()
	got := e.find(actor, kind, match)
	if len(got) != want {
		e.t.Errorf("%s: %d %s items for %s, want %d", step, len(got), kind, actor.Staff.Name, want)
	}
	return got
}

func aboutRegistration(id int64) func(app.WorkQueueItem) bool {
	return func(it app.WorkQueueItem) bool { return it.RegistrationID != nil && *it.RegistrationID == id }
}

func aboutSession(id int64) func(app.WorkQueueItem) bool {
	return func(it app.WorkQueueItem) bool { return it.SessionID != nil && *it.SessionID == id }
}

// A request to contact appears with her name; planning the intake takes it off and puts "intake today" on;
// admitting her takes that off. A talk that passed without a decision shows until staff decide.
func TestWorkQueueRequestsAndIntakes(t *testing.T) {
	e := newQueueEnv(t)
	ctx := t.Context()
	g := addGroup(t, e.a, "lotgenotengroepen", "lotgenoten-queue", 4, 0, 4)
	e.facilitators(g)
	anna, bea := request(t, e.a, "lotgenotengroepen", g, "Anna"), request(t, e.a, "lotgenotengroepen", g, "Bea")

	got := e.expect("after the request", e.office, app.QueueNewRequest, 1, aboutRegistration(anna.RegistrationID))
	if len(got) == 1 && got[0].PersonName != "Anna" {
		t.Errorf("the request shows %q, want her alias", got[0].PersonName)
	}
	e.expect("a facilitator", e.fien, app.QueueNewRequest, 0, aboutRegistration(anna.RegistrationID))

	if err := e.a.PlanIntake(ctx, e.office, anna.RegistrationID, e.now.Add(4*time.Hour), ""); err != nil {
		t.Fatal(err)
	}
	if err := e.a.PlanIntake(ctx, e.office, bea.RegistrationID, e.now.Add(4*time.Hour), ""); err != nil {
		t.Fatal(err)
	}
	e.expect("intake planned", e.office, app.QueueNewRequest, 0, aboutRegistration(anna.RegistrationID))
	e.expect("intake planned today", e.office, app.QueueIntakeToday, 1, aboutRegistration(anna.RegistrationID))
	if err := e.a.Admit(ctx, e.office, anna.RegistrationID, app.AdmitOptions{}); err != nil {
		t.Fatal(err)
	}
	e.expect("admitted", e.office, app.QueueIntakeToday, 0, aboutRegistration(anna.RegistrationID))

	e.now = e.now.Add(24 * time.Hour)
	e.expect("the day after", e.office, app.QueueIntakeToday, 0, aboutRegistration(bea.RegistrationID))
	e.expect("the day after", e.office, app.QueueIntakePast, 1, aboutRegistration(bea.RegistrationID))
	if err := e.a.Decline(ctx, e.office, bea.RegistrationID, "not_fitting", ""); err != nil {
		t.Fatal(err)
	}
	e.expect("declined", e.office, app.QueueIntakePast, 0, aboutRegistration(bea.RegistrationID))
}

// A freed seat in an intake group shows as "1 free seat, 2 waiting" and goes when staff give the seat.
func TestWorkQueueFreeSeat(t *testing.T) {
	e := newQueueEnv(t)
	ctx := t.Context()
	g := addGroup(t, e.a, "lotgenotengroepen", "lotgenoten-seat", 1, 0, 4)
	member := request(t, e.a, "lotgenotengroepen", g, "Anna")
	first, second := request(t, e.a, "lotgenotengroepen", g, "Bea"), request(t, e.a, "lotgenotengroepen", g, "Cleo")
	if err := e.a.Admit(ctx, e.office, member.RegistrationID, app.AdmitOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, r := range []int64{first.RegistrationID, second.RegistrationID} {
		if err := e.a.Waitlist(ctx, e.office, r, g); err != nil {
			t.Fatal(err)
		}
	}
	inGroup := func(it app.WorkQueueItem) bool { return it.GroupID != nil && *it.GroupID == g }
	e.expect("full", e.office, app.WorkSeatFree, 0, inGroup)
	if err := e.a.Withdraw(ctx, e.office, member.RegistrationID); err != nil {
		t.Fatal(err)
	}
	got := e.expect("a seat freed", e.office, app.WorkSeatFree, 1, inGroup)
	if len(got) == 1 && (got[0].Free != 1 || got[0].Waiting != 2 || got[0].PersonName != "Bea") {
		t.Errorf("free seat item: %d free, %d waiting, naming %q; want 1, 2, Bea", got[0].Free, got[0].Waiting, got[0].PersonName)
	}
	// The reconciliation raises the item again every minute while the seat stays free: it keeps its first time
	// (oldest first, and the digest must not count it as new every day).
	e.now = e.now.Add(3 * time.Minute)
	if _, err := e.a.ReconcileAllSeats(ctx); err != nil {
		t.Fatal(err)
	}
	if again := e.expect("three minutes on", e.office, app.WorkSeatFree, 1, inGroup); len(got) == 1 && len(again) == 1 &&
		!again[0].Since.Equal(got[0].Since) {
		t.Errorf("the free seat is waiting since %v, was %v", again[0].Since, got[0].Since)
	}
	if err := e.a.Promote(ctx, e.office, first.RegistrationID, false); err != nil {
		t.Fatal(err)
	}
	e.expect("seat given", e.office, app.WorkSeatFree, 0, inGroup)
}

// An offer shows a day before it expires, and goes when she answers.
func TestWorkQueueOfferExpiring(t *testing.T) {
	e := newQueueEnv(t)
	ctx := t.Context()
	g := addGroup(t, e.a, "intervisie", "intervisie-queue", 1, 0, 4)
	first, second := signup(t, e.a, g, 1), signup(t, e.a, g, 2)
	if second.Status != app.StatusWaitlisted {
		t.Fatalf("second signup is %s", second.Status)
	}
	if err := e.a.Withdraw(ctx, e.office, first.RegistrationID); err != nil {
		t.Fatal(err)
	}
	if s := status(t, e.a, second.RegistrationID); s != app.StatusOffered {
		t.Fatalf("the waiting one is %s, want offered", s)
	}
	e.expect("just offered", e.office, app.QueueOfferExpiring, 0, aboutRegistration(second.RegistrationID))
	e.now = e.now.Add(30 * time.Hour) // offers hold 48 hours
	e.expect("18 hours left", e.office, app.QueueOfferExpiring, 1, aboutRegistration(second.RegistrationID))
	if err := e.a.AnswerOfferByToken(ctx, second.Token, "", true); err != nil {
		t.Fatal(err)
	}
	e.expect("accepted", e.office, app.QueueOfferExpiring, 0, aboutRegistration(second.RegistrationID))
}

// A session that ended without a roll call shows for the office and the group's facilitator (not another), and
// goes when the attendance is taken. Two unexcused absences in a row give an alert, for the office and the
// group's facilitator, that the office closes after calling.
func TestWorkQueueRollCallAndAbsences(t *testing.T) {
	e := newQueueEnv(t)
	ctx := t.Context()
	g := addGroup(t, e.a, "lotgenotengroepen", "lotgenoten-rollcall", 4, 0, 3)
	e.facilitators(g)
	anna := request(t, e.a, "lotgenotengroepen", g, "Anna")
	if err := e.a.Admit(ctx, e.office, anna.RegistrationID, app.AdmitOptions{}); err != nil {
		t.Fatal(err)
	}
	var person int64
	if err := e.a.Store.DB.Get(&person, `SELECT person_id FROM registrations WHERE id = $1`, anna.RegistrationID); err != nil {
		t.Fatal(err)
	}
	sessions := fixtures.Sessions(t, e.a, g)
	e.expect("before the session", e.fien, app.QueueRollCallMissing, 0, aboutSession(sessions[0].ID))

	e.now = sessions[0].EndsAt.Add(time.Hour)
	for _, ac := range []app.Actor{e.office, e.fien} {
		e.expect("after the session", ac, app.QueueRollCallMissing, 1, aboutSession(sessions[0].ID))
	}
	e.expect("another group's facilitator", e.ward, app.QueueRollCallMissing, 0, aboutSession(sessions[0].ID))
	if err := e.a.MarkMany(ctx, e.fien, sessions[0].ID, map[int64]string{person: app.MarkAbsent}); err != nil {
		t.Fatal(err)
	}
	e.expect("roll call taken", e.fien, app.QueueRollCallMissing, 0, aboutSession(sessions[0].ID))
	e.expect("one absence", e.office, app.WorkAbsenceAlert, 0, aboutRegistration(anna.RegistrationID))

	e.now = sessions[1].EndsAt.Add(time.Hour)
	if err := e.a.MarkMany(ctx, e.fien, sessions[1].ID, map[int64]string{person: app.MarkAbsent}); err != nil {
		t.Fatal(err)
	}
	var alert []app.WorkQueueItem
	for _, ac := range []app.Actor{e.office, e.fien} {
		alert = e.expect("two absences", ac, app.WorkAbsenceAlert, 1, aboutRegistration(anna.RegistrationID))
	}
	e.expect("another group's facilitator", e.ward, app.WorkAbsenceAlert, 0, aboutRegistration(anna.RegistrationID))
	if len(alert) != 1 {
		t.FailNow()
	}
	if err := e.a.CloseWorkItem(ctx, e.fien, alert[0].WorkItemID); err == nil {
		t.Error("a facilitator closed a work item (the office calls her)")
	}
	if err := e.a.CloseWorkItem(ctx, e.office, alert[0].WorkItemID); err != nil {
		t.Fatal(err)
	}
	e.expect("called", e.office, app.WorkAbsenceAlert, 0, aboutRegistration(anna.RegistrationID))
}

// A facilitator's queue holds only roll calls and absence alerts of the groups they lead: no requests, no
// Waakvlam, no mail, no names from elsewhere, and no registration's page.
func TestWorkQueueFacilitatorScope(t *testing.T) {
	e := newQueueEnv(t)
	ctx := t.Context()
	g := addGroup(t, e.a, "lotgenotengroepen", "lotgenoten-scope", 4, 0, 2)
	other := addGroup(t, e.a, "lotgenotengroepen", "lotgenoten-elders", 4, 0, 2)
	e.facilitators(g)
	for _, grp := range []int64{g, other} {
		r := request(t, e.a, "lotgenotengroepen", grp, "Zoë")
		if err := e.a.Admit(ctx, e.office, r.RegistrationID, app.AdmitOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	request(t, e.a, "lotgenotengroepen", other, "Yara")
	if err := e.a.AskContact(ctx, request(t, e.a, "lotgenotengroepen", g, "Xena").Token); err != nil {
		t.Fatal(err)
	}
	e.now = fixtures.Sessions(t, e.a, other)[1].EndsAt.Add(time.Hour)
	for _, ac := range []app.Actor{e.fien, e.ward} {
		items, err := e.a.WorkQueue(ctx, ac)
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range items {
			if it.Kind != app.QueueRollCallMissing && it.Kind != app.WorkAbsenceAlert {
				t.Errorf("%s sees a %s item", ac.Staff.Name, it.Kind)
			}
			if it.GroupID == nil || !slices.Contains(ac.Leads, *it.GroupID) {
				t.Errorf("%s sees an item of a group they do not lead: %+v", ac.Staff.Name, it)
			}
			if it.PersonName == "Yara" || it.PersonName == "Xena" {
				t.Errorf("%s sees the name %q from a request", ac.Staff.Name, it.PersonName)
			}
		}
		if ac.Staff.Name == "Fien" && len(items) == 0 {
			t.Error("Fien sees no roll call of her own group")
		}
	}
	all, err := e.a.WorkQueue(ctx, e.office)
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]bool{}
	for _, it := range all {
		kinds[it.Kind] = true
	}
	for _, k := range []string{app.QueueNewRequest, app.WorkContactMe, app.QueueRollCallMissing} {
		if !kinds[k] {
			t.Errorf("the office does not see %s", k)
		}
	}
}

// Requests from a personal page show and go when staff mark them done; a Waakvlam request goes when planned or
// cancelled; a failed mail goes when resent.
func TestWorkQueuePersonalWaakvlamAndMail(t *testing.T) {
	e := newQueueEnv(t)
	ctx := t.Context()
	g := addGroup(t, e.a, "lotgenotengroepen", "lotgenoten-personal", 4, 0, 2)
	lena := request(t, e.a, "lotgenotengroepen", g, "Lena")
	if err := e.a.AskContact(ctx, lena.Token); err != nil {
		t.Fatal(err)
	}
	got := e.expect("asked", e.office, app.WorkContactMe, 1, aboutRegistration(lena.RegistrationID))
	if len(got) == 1 {
		if err := e.a.CloseWorkItem(ctx, e.office, got[0].WorkItemID); err != nil {
			t.Fatal(err)
		}
	}
	e.expect("contacted", e.office, app.WorkContactMe, 0, aboutRegistration(lena.RegistrationID))

	wv, err := e.a.RequestWaakvlam(ctx, app.WaakvlamInput{Organisation: "CKG Kwetsbaar", ServiceType: "ckg",
		ContactName: "Jorin", ContactEmail: "jorin@example.be", ExpectedStaff: "12", PreferredPeriods: "mei", Consent: true, ConsentText: consentText, Language: "nl"})
	if err != nil {
		t.Fatal(err)
	}
	var wvID int64
	if err := e.a.Store.DB.Get(&wvID, `SELECT id FROM waakvlam_requests WHERE reference = $1`, wv.Reference); err != nil {
		t.Fatal(err)
	}
	isWaakvlam := func(it app.WorkQueueItem) bool { return it.WaakvlamID != nil && *it.WaakvlamID == wvID }
	got = e.expect("requested", e.office, app.QueueWaakvlamRequest, 1, isWaakvlam)
	if len(got) == 1 && got[0].Organisation != "CKG Kwetsbaar" {
		t.Errorf("the Waakvlam item names %q", got[0].Organisation)
	}
	if err := e.a.SetWaakvlamStatus(ctx, e.office, wvID, "cancelled"); err != nil {
		t.Fatal(err)
	}
	e.expect("cancelled", e.office, app.QueueWaakvlamRequest, 0, isWaakvlam)

	mail := fixtures.Queue(t, e.a, app.Mail{DedupeKey: "queue-test", Kind: app.MailRequestReceived,
		RegistrationID: &lena.RegistrationID})
	if _, err := e.a.Store.DB.Exec(`UPDATE outbox SET status = 'failed', attempts = max_attempts WHERE id = $1`, mail); err != nil {
		t.Fatal(err)
	}
	isMail := func(it app.WorkQueueItem) bool { return it.OutboxID != nil && *it.OutboxID == mail }
	e.expect("failed", e.office, app.QueueMailFailed, 1, isMail)
	if err := e.a.ResendMail(ctx, e.office, mail); err != nil {
		t.Fatal(err)
	}
	e.expect("resent", e.office, app.QueueMailFailed, 0, isMail)
}

// An erased person's open work items go (nobody can contact her), and her own words in them with them.
func TestWorkQueueForgetsAnErasedPerson(t *testing.T) {
	e := newQueueEnv(t)
	ctx := t.Context()
	g := addGroup(t, e.a, "lotgenotengroepen", "lotgenoten-erased", 4, 0, 2)
	mia := request(t, e.a, "lotgenotengroepen", g, "Mia")
	if err := e.a.AskContact(ctx, mia.Token); err != nil {
		t.Fatal(err)
	}
	e.expect("asked", e.office, app.WorkContactMe, 1, aboutRegistration(mia.RegistrationID))
	admin := fixtures.ActiveActor(t, e.a, fixtures.AddStaff(t, e.a, "admin-erase@example.be", "Ada", "admin", "nl"))
	var person int64
	if err := e.a.Store.DB.Get(&person, `SELECT person_id FROM registrations WHERE id = $1`, mia.RegistrationID); err != nil {
		t.Fatal(err)
	}
	if err := e.a.Erase(ctx, admin, person); err != nil {
		t.Fatal(err)
	}
	e.expect("erased", e.office, app.WorkContactMe, 0, aboutRegistration(mia.RegistrationID))
	var open, words int
	if err := e.a.Store.DB.Get(&open, `SELECT count(*) FILTER (WHERE done_at IS NULL) FROM work_items WHERE person_id = $1`, person); err != nil {
		t.Fatal(err)
	}
	if err := e.a.Store.DB.Get(&words, `SELECT count(*) FILTER (WHERE detail_enc IS NOT NULL) FROM work_items WHERE person_id = $1`, person); err != nil {
		t.Fatal(err)
	}
	if open != 0 || words != 0 {
		t.Errorf("after erasure: %d open work items, %d with her words", open, words)
	}
}

// An absence alert is about her last two sessions: when she comes to the next one (or a past year is entered
// session by session and reaches one she came to), it is answered; a correction of an older session leaves a
// current alert alone.
func TestAnAbsenceAlertGoesWhenSheComesBack(t *testing.T) {
	e := newQueueEnv(t)
	ctx := t.Context()
	g := addGroup(t, e.a, "lotgenotengroepen", "lotgenoten-terug", 4, 0, 3)
	e.facilitators(g)
	people := map[string]int64{}
	regs := map[string]int64{}
	for _, name := range []string{"Anna", "Bram"} {
		r := request(t, e.a, "lotgenotengroepen", g, name)
		if err := e.a.Admit(ctx, e.office, r.RegistrationID, app.AdmitOptions{}); err != nil {
			t.Fatal(err)
		}
		var person int64
		if err := e.a.Store.DB.Get(&person, `SELECT person_id FROM registrations WHERE id = $1`, r.RegistrationID); err != nil {
			t.Fatal(err)
		}
		people[name], regs[name] = person, r.RegistrationID
	}
	sessions := fixtures.Sessions(t, e.a, g)
	mark := func(i int, marks map[string]string) {
		t.Helper()
		m := map[int64]string{}
		for name, v := range marks {
			m[people[name]] = v
		}
		// The office, with a reason: a correction may come after the facilitator's 14 days.
		if err := e.a.MarkManyWithReason(ctx, e.office, sessions[i].ID, m, "mistake"); err != nil {
			t.Fatal(err)
		}
	}
	e.now = sessions[0].EndsAt.Add(time.Hour)
	mark(0, map[string]string{"Anna": app.MarkAbsent, "Bram": app.MarkPresent})
	e.now = sessions[1].EndsAt.Add(time.Hour)
	mark(1, map[string]string{"Anna": app.MarkAbsent, "Bram": app.MarkAbsent})
	e.expect("Anna twice absent", e.office, app.WorkAbsenceAlert, 1, aboutRegistration(regs["Anna"]))
	e.now = sessions[2].EndsAt.Add(time.Hour)
	mark(2, map[string]string{"Anna": app.MarkPresent, "Bram": app.MarkAbsent})
	e.expect("Anna came back", e.office, app.WorkAbsenceAlert, 0, aboutRegistration(regs["Anna"]))
	e.expect("Bram twice absent", e.office, app.WorkAbsenceAlert, 1, aboutRegistration(regs["Bram"]))
	mark(0, map[string]string{"Bram": app.MarkLate})
	e.expect("an older session corrected", e.office, app.WorkAbsenceAlert, 1, aboutRegistration(regs["Bram"]))
	mark(1, map[string]string{"Bram": app.MarkExcused})
	e.expect("Bram had excused himself after all", e.office, app.WorkAbsenceAlert, 0, aboutRegistration(regs["Bram"]))
}
