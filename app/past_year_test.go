package app_test

import (
	"reflect"
	"testing"
	"time"

	"portal/app"
	"portal/app/locale"
	"portal/internal/testenv"
)

// pastYear enters the year 2025 through the app's workflows: groups with their sessions, requests with their
// request date, introductory talks, admissions, a decline, roll calls (with two absences in a row), a walk-in,
// an onward referral, a moved session and a withdrawal. With live, the clock moves along through 2025 as if
// each step happened on its day; without, the clock stays at today (2 March 2026) and the year is recorded
// afterwards. It returns the app's figures for 2025, read at today.
func pastYear(t *testing.T, live bool) (*app.App, app.Figures) {
	t.Helper()
	a := seeded(t)
	ctx := t.Context()
	office := app.Actor{Staff: app.Staff{ID: staffMember(t, a), Role: app.RoleCoordinator, Active: true}}
	today := time.Date(2026, 3, 2, 10, 0, 0, 0, locale.Brussels)
	a.Now = func() time.Time { return today }
	at := func(ts time.Time) {
		if live {
			a.Now = func() time.Time { return ts }
		}
	}
	day := func(m time.Month, d, hour int) time.Time {
		return time.Date(2025, m, d, hour, 0, 0, 0, locale.Brussels)
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	group := func(offering, slug, town, closedAfter string, first time.Time, n int) (int64, []int64) {
		t.Helper()
		o, err := a.Store.OfferingBySlug(ctx, offering)
		must(err)
		id, err := a.CreateGroup(ctx, office, o.ID, app.GroupForm{Name: app.Text{"nl": "Groep " + town, "en": "Group " + town},
			Slug: slug, Municipality: town, Capacity: "8", ClosedAfter: closedAfter, Status: app.GroupOpen,
			Visibility: app.VisibilityPublic})
		must(err)
		var times []app.SessionTime
		for i := range n {
			s := first.AddDate(0, 0, 7*i)
			times = append(times, app.SessionTime{Start: s, End: s.Add(2 * time.Hour)})
		}
		sessions, err := a.AddSessions(ctx, office, id, times)
		must(err)
		return id, sessions
	}
	person := func(regID int64) int64 {
		var p int64
		testenv.MustGet(t, a.Store.DB, &p, `SELECT person_id FROM registrations WHERE id = $1`, regID)
		return p
	}
	request := func(offering string, groupID int64, alias, referrer, town string, on time.Time) int64 {
		t.Helper()
		at(on)
		res, err := a.RequestOnBehalf(ctx, office, app.RequestInput{OfferingSlug: offering, GroupID: groupID, Alias: alias,
			Contact: app.ContactInput{ByEmail: true, Email: alias + "@example.be"}, Municipality: town, Referrer: referrer,
			Consent: true, ConsentText: consentText})
		must(err)
		must(a.SetRequestDate(ctx, office, res.RegistrationID, on)) // the day it came in, whenever it is typed
		return res.RegistrationID
	}
	// mark takes a session's roll call an hour after it starts (live), or from the paper list afterwards.
	mark := func(session int64, marks map[int64]string) {
		t.Helper()
		var start time.Time
		testenv.MustGet(t, a.Store.DB, &start, `SELECT starts_at FROM sessions WHERE id = $1`, session)
		at(start.Add(time.Hour))
		if a.Now().Sub(start) > app.EditWindow {
			must(a.MarkManyWithReason(ctx, office, session, marks, "paper_list"))
			return
		}
		must(a.MarkMany(ctx, office, session, marks))
	}
	walkIn := func(session int64, name string) {
		t.Helper()
		var start time.Time
		testenv.MustGet(t, a.Store.DB, &start, `SELECT starts_at FROM sessions WHERE id = $1`, session)
		at(start.Add(90 * time.Minute))
		_, err := a.AddWalkInWithReason(ctx, office, session, name, "", "paper_list")
		must(err)
	}

	// The groups, planned in summer.
	at(day(8, 1, 9))
	rot, rs := group("rotonde", "rotonde-najaar-2025", "Mechelen", "2", day(9, 8, 19), 4)
	peer, ps := group("lotgenotengroepen", "lotgenoten-najaar-2025", "Lier", "", day(9, 9, 19), 3)

	// Requests, talks and decisions.
	tom := request("rotonde", rot, "Tom", "police", "Mechelen", day(8, 4, 11))
	bart := request("rotonde", rot, "Bart", "parket", "Bornem", day(8, 5, 11))
	jan := request("rotonde", rot, "Jan", "self", "Mechelen", day(8, 6, 11))
	ann := request("lotgenotengroepen", peer, "Ann", "caw", "Lier", day(8, 7, 11))
	els := request("lotgenotengroepen", peer, "Els", "police", "Lier", day(8, 8, 11))
	at(day(8, 11, 9))
	for i, r := range []int64{tom, bart, jan, ann, els} {
		must(a.PlanIntake(ctx, office, r, day(8, 18+i, 10), ""))
	}
	at(day(8, 28, 9))
	must(a.Admit(ctx, office, tom, app.AdmitOptions{}))
	must(a.Admit(ctx, office, bart, app.AdmitOptions{}))
	must(a.Decline(ctx, office, jan, "past het aanbod niet", ""))
	must(a.Admit(ctx, office, ann, app.AdmitOptions{}))
	must(a.Admit(ctx, office, els, app.AdmitOptions{}))
	// A session moved before it took place.
	at(day(9, 1, 9))
	must(a.MoveSession(ctx, office, ps[1], day(9, 17, 19), day(9, 17, 21)))

	// The roll calls: Bart is absent twice in a row (an alert for staff), a walk-in joins the Rotonde group.
	pTom, pBart, pAnn, pEls := person(tom), person(bart), person(ann), person(els)
	mark(rs[0], map[int64]string{pTom: app.MarkPresent, pBart: app.MarkPresent})
	walkIn(rs[0], "Koen")
	mark(rs[1], map[int64]string{pTom: app.MarkLate, pBart: app.MarkAbsent})
	mark(rs[2], map[int64]string{pTom: app.MarkPresent, pBart: app.MarkAbsent})
	mark(ps[0], map[int64]string{pAnn: app.MarkPresent, pEls: app.MarkPresent})
	mark(ps[1], map[int64]string{pAnn: app.MarkExcused, pEls: app.MarkPresent})
	// Els stops after the second session; Ann is referred on to the CAW.
	at(day(9, 20, 9))
	must(a.Withdraw(ctx, office, els))
	mark(ps[2], map[int64]string{pAnn: app.MarkPresent})
	mark(rs[3], map[int64]string{pTom: app.MarkPresent})
	at(day(10, 6, 9))
	must(a.RecordReferral(ctx, office, pAnn, &ann, "caw_individual", day(10, 6, 0), ""))

	a.Now = func() time.Time { return today }
	var alerts int
	testenv.MustGet(t, a.Store.DB, &alerts, `SELECT count(*) FROM work_items WHERE kind = $1 AND registration_id = $2`,
		app.WorkAbsenceAlert, bart)
	if alerts != 1 {
		t.Errorf("live %v: %d absence alerts for staff after two absences in a row, want 1", live, alerts)
	}
	f, err := a.FiguresOf(ctx, office, 2025)
	must(err)
	return a, f
}

// A past year entered afterwards, with the clock at today, mails nobody (the outbox holds only mails cancelled
// "in het verleden") and gives the same figures and sentences as the same year recorded as it happened.
func TestAPastYearIsRecordedWithoutMailAndCountsAsIfLive(t *testing.T) {
	livePortal, liveFigures := pastYear(t, true)
	pastPortal, pastFigures := pastYear(t, false)

	var cancelled, other int
	testenv.MustGet(t, pastPortal.Store.DB, &cancelled, `SELECT count(*) FROM outbox WHERE status = 'cancelled' AND last_error = $1`,
		app.ReasonPast)
	testenv.MustGet(t, pastPortal.Store.DB, &other, `SELECT count(*) FROM outbox WHERE NOT (status = 'cancelled' AND last_error = $1)`,
		app.ReasonPast)
	if other != 0 {
		var rows []string
		testenv.MustSelect(t, pastPortal.Store.DB, &rows, `SELECT kind || ' ' || status || ' ' || last_error FROM outbox
			WHERE NOT (status = 'cancelled' AND last_error = $1) ORDER BY id`, app.ReasonPast)
		t.Errorf("recording the past left %d mails that may go out: %v", other, rows)
	}
	// The same steps taken live do mail people, of the same kinds (reminders aside: they are planned only for
	// sessions ahead): the rule above is not vacuous.
	kinds := func(a *app.App, where string) []string {
		var k []string
		testenv.MustSelect(t, a.Store.DB, &k, `SELECT DISTINCT kind FROM outbox WHERE `+where+` AND kind <> 'reminder' ORDER BY kind`)
		return k
	}
	liveKinds, pastKinds := kinds(livePortal, "status = 'queued'"), kinds(pastPortal, "true")
	if len(liveKinds) < 4 || !reflect.DeepEqual(liveKinds, pastKinds) || cancelled == 0 {
		t.Errorf("kinds of mail queued live %v, recorded as not sent afterwards %v (%d mails)", liveKinds, pastKinds, cancelled)
	}

	if !reflect.DeepEqual(liveFigures, pastFigures) {
		t.Errorf("the figures of 2025 differ:\nlive       %+v\nafterwards %+v", liveFigures, pastFigures)
	}
	if o := pastFigures.Offering("rotonde"); o.Participants != 3 || o.SessionsHeld != 4 {
		t.Errorf("Rotonde 2025 recorded afterwards: %d participants in %d sessions, want 3 in 4", o.Participants, o.SessionsHeld)
	}
	cat, err := locale.Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range []string{"nl", "en"} {
		live, past := app.Sentences(cat, lang, liveFigures), app.Sentences(cat, lang, pastFigures)
		if len(past) == 0 || !reflect.DeepEqual(live, past) {
			t.Errorf("%s sentences differ:\nlive       %v\nafterwards %v", lang, live, past)
		}
	}
}
