package app_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"portal/app"
	"portal/internal/fixtures"
	"portal/internal/testenv"
)

func TestCancellationOffersTheSeatAndOffersExpire(t *testing.T) {
	a := seeded(t)
	ctx := t.Context()
	g := addGroup(t, a, "intervisie", "intervisie-test", 1, 0, 3)
	first := signup(t, a, g, 1)
	second := signup(t, a, g, 2)
	third := signup(t, a, g, 3)
	if first.Status != "admitted" || second.Status != "waitlisted" || third.Status != "waitlisted" {
		t.Fatal("setup")
	}
	if err := a.Cancel(ctx, first.Token, ""); err != nil {
		t.Fatal(err)
	}
	if s := status(t, a, second.RegistrationID); s != "offered" {
		t.Fatalf("after a cancellation the first waiting is %s, want offered", s)
	}
	var reminders int
	testenv.MustGet(t, a.Store.DB, &reminders, `SELECT count(*) FROM outbox WHERE registration_id = $1 AND kind = 'reminder' AND status = 'queued'`, first.RegistrationID)
	if reminders != 0 {
		t.Errorf("%d reminders left for a cancelled place", reminders)
	}
	// The offer waits 48 hours, then passes on.
	a.Now = func() time.Time { return testNow.Add(47 * time.Hour) }
	if n, err := a.ExpireOffers(ctx); err != nil || n != 0 {
		t.Fatalf("expired early: %d, %v", n, err)
	}
	a.Now = func() time.Time { return testNow.Add(49 * time.Hour) }
	if n, err := a.ExpireOffers(ctx); err != nil || n != 1 {
		t.Fatalf("expire: %d, %v", n, err)
	}
	if s := status(t, a, second.RegistrationID); s != "withdrawn" {
		t.Errorf("expired offer left %s", s)
	}
	if s := status(t, a, third.RegistrationID); s != "offered" {
		t.Fatalf("the seat did not pass on: %s", s)
	}
	// The third accepts through the link in the offer mail.
	view, err := a.Personal(ctx, third.Token)
	if err != nil || view.OfferLink == "" {
		t.Fatalf("personal view of an offer: %v %+v", err, view)
	}
	sig := view.OfferLink[strings.LastIndex(view.OfferLink, "/")+1:]
	if err := a.AnswerOffer(ctx, sig, "", true); err != nil {
		t.Fatal(err)
	}
	if s := status(t, a, third.RegistrationID); s != "admitted" {
		t.Errorf("accepted offer: %s", s)
	}
	if err := a.AnswerOffer(ctx, sig, "", true); !errors.Is(err, app.ErrExpired) {
		t.Errorf("answering twice: %v", err)
	}
	kinds := outboxKinds(t, a, second.RegistrationID)
	if strings.Join(kinds, ",") != "waitlisted,waitlist_offer,offer_expired" {
		t.Errorf("mails of the second: %v", kinds)
	}
}

func TestPersonalLinkShowsPlaceOnlyWhenAdmittedAndExpires(t *testing.T) {
	a := seeded(t)
	ctx := t.Context()
	staff := staffMember(t, a)
	g := addGroup(t, a, "lotgenotengroepen", "lotgenoten-test", 5, 0, 2)
	r := request(t, a, "lotgenotengroepen", g, "Mira")
	v, err := a.Personal(ctx, r.Token)
	if err != nil {
		t.Fatal(err)
	}
	if v.ShowPlace || v.Contact.SafeTimes != "na 18 uur" || v.Registration.Status != "requested" {
		t.Errorf("before admission: showPlace=%v %+v", v.ShowPlace, v.Contact)
	}
	if err := a.Admit(ctx, fixtures.ActiveActor(t, a, staff), r.RegistrationID, app.AdmitOptions{}); err != nil {
		t.Fatal(err)
	}
	// The link from the request keeps working: a new link is added, never swapped in.
	if v, err := a.Personal(ctx, r.Token); err != nil || !v.ShowPlace {
		t.Errorf("the request's link after admission: %v", err)
	}
	token := secretOf(t, a, r.RegistrationID, "admitted")
	v, err = a.Personal(ctx, token)
	if err != nil || !v.ShowPlace || len(v.Sessions) != 2 {
		t.Fatalf("after admission: %v showPlace=%v sessions=%d", err, v.ShowPlace, len(v.Sessions))
	}
	// Excusing one session records it for the roll call and stops that session's reminders.
	if err := a.Excuse(ctx, token, "", v.Sessions[0].ID, true); err != nil {
		t.Fatal(err)
	}
	var st string
	testenv.MustGet(t, a.Store.DB, &st, `SELECT status FROM attendance WHERE session_id = $1`, v.Sessions[0].ID)
	if st != "excused" {
		t.Errorf("attendance %q", st)
	}
	var queued int
	testenv.MustGet(t, a.Store.DB, &queued, `SELECT count(*) FROM outbox WHERE session_id = $1 AND kind = 'reminder' AND status = 'queued'`, v.Sessions[0].ID)
	if queued != 0 {
		t.Errorf("%d reminders left for an excused session", queued)
	}
	// A month after the last session the link stops working.
	a.Now = func() time.Time { return testNow.AddDate(0, 0, 14+31) }
	if _, err := a.Personal(ctx, token); !errors.Is(err, app.ErrNotFound) {
		t.Errorf("an old link still works: %v", err)
	}
}

func TestExcuseLinkFromAReminder(t *testing.T) {
	a := seeded(t)
	ctx := t.Context()
	g := addGroup(t, a, "intervisie", "intervisie-test", 5, 0, 2)
	res := signup(t, a, g, 1)
	v, err := a.Personal(ctx, res.Token)
	if err != nil {
		t.Fatal(err)
	}
	s := v.Sessions[1]
	link := a.ExcuseLink(res.RegistrationID, s.ID, s.StartsAt)
	sig := link[strings.LastIndex(link, "/")+1:]
	ev, err := a.ExcuseLinkView(ctx, sig)
	if err != nil || ev.Excused || ev.Session.ID != s.ID {
		t.Fatalf("view: %+v %v", ev, err)
	}
	if err := a.ExcuseByLink(ctx, sig, ""); err != nil {
		t.Fatal(err)
	}
	if ev, err = a.ExcuseLinkView(ctx, sig); err != nil {
		t.Fatal(err)
	} else if !ev.Excused {
		t.Error("not excused")
	}
	a.Now = func() time.Time { return s.StartsAt.Add(time.Minute) }
	if err := a.ExcuseByLink(ctx, sig, ""); !errors.Is(err, app.ErrExpired) {
		t.Errorf("excusing after the start: %v", err)
	}
}

func TestSendLinksAgainAnswersTheSameAndRenewsLinks(t *testing.T) {
	a := seeded(t)
	ctx := t.Context()
	g := addGroup(t, a, "intervisie", "intervisie-test", 5, 0, 2)
	res := signup(t, a, g, 1)
	if err := a.SendLinksAgain(ctx, "PERSOON1@example.be"); err != nil {
		t.Fatal(err)
	}
	if err := a.SendLinksAgain(ctx, "nobody@example.be"); err != nil {
		t.Fatal(err)
	}
	// Whoever asks, the person's links keep working: nobody who knows an address can cut them off.
	if _, err := a.Personal(ctx, res.Token); err != nil {
		t.Errorf("the old link stopped working: %v", err)
	}
	fresh := secretOf(t, a, res.RegistrationID, "link_again")
	if _, err := a.Personal(ctx, fresh); err != nil {
		t.Errorf("the new link: %v", err)
	}
	// Only the person can retire them, from their own page: then just the one new link works.
	newest, err := a.RotateLinks(ctx, fresh, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, old := range []string{res.Token, fresh} {
		if _, err := a.Personal(ctx, old); !errors.Is(err, app.ErrNotFound) {
			t.Errorf("a retired link still works: %v", err)
		}
	}
	if _, err := a.Personal(ctx, newest); err != nil {
		t.Errorf("the link after retiring the others: %v", err)
	}
	var n int
	testenv.MustGet(t, a.Store.DB, &n, `SELECT count(*) FROM outbox WHERE kind = 'link_again'`)
	if n != 1 {
		t.Errorf("%d link mails, want 1", n)
	}
}

func TestWaakvlamRequestPlanAndPrivateSignup(t *testing.T) {
	a := seeded(t)
	ctx := t.Context()
	staff := staffMember(t, a)
	res, err := a.RequestWaakvlam(ctx, app.WaakvlamInput{Organisation: "Sociaal Huis Lier", ServiceType: "social_services",
		Municipality: "Lier", ContactName: "Jo", ContactEmail: "jo@lier.example", ExpectedStaff: "20",
		PreferredPeriods: "maart", Topics: "signalen", Consent: true, ConsentText: consentText})
	if err != nil || res.Reference != "WV-2026-0001" {
		t.Fatalf("request: %+v %v", res, err)
	}
	st, err := a.WaakvlamByToken(ctx, res.Token)
	if err != nil || st.Request.Status != "requested" {
		t.Fatalf("status: %+v %v", st, err)
	}
	start := testNow.AddDate(0, 1, 0)
	groupID, err := a.PlanWaakvlam(ctx, fixtures.Actor(t, a, staff), st.Request.ID, start, start.Add(3*time.Hour), "Sociaal Huis", "Paradeplein 2, 2500 Lier")
	if err != nil {
		t.Fatal(err)
	}
	token := secretOf(t, a, 0, "waakvlam_planned")
	g, o, err := a.GroupBySignupToken(ctx, token)
	if err != nil || g.ID != groupID || o.Slug != "waakvlam" || g.Visibility != "private" {
		t.Fatalf("private group: %+v %v", g, err)
	}
	view, err := a.OfferingPage(ctx, "waakvlam")
	if err != nil {
		t.Fatal(err)
	}
	if len(view.Groups) != 0 {
		t.Error("the private Waakvlam group is listed publicly")
	}
	for n := range 3 {
		if s := signup(t, a, groupID, n); s.Status != "admitted" {
			t.Errorf("staff signup %d: %s", n, s.Status)
		}
	}
	if st, err = a.WaakvlamByToken(ctx, res.Token); err != nil {
		t.Fatal(err)
	} else if st.Signups != 3 || st.Request.Status != "planned" {
		t.Errorf("status page: %d signups, %s", st.Signups, st.Request.Status)
	}
}

// secretOf decrypts the token in the newest outbox mail of kind (for registration regID, or any when 0).
func secretOf(t *testing.T, a *app.App, regID int64, kind string) string {
	t.Helper()
	var enc []byte
	err := a.Store.DB.Get(&enc, `SELECT secret_enc FROM outbox WHERE kind = $1 AND ($2 = 0 OR registration_id = $2)
		ORDER BY id DESC LIMIT 1`, kind, regID)
	if err != nil {
		t.Fatal(err)
	}
	s, err := a.Keys.Decrypt(enc)
	if err != nil || s == "" {
		t.Fatalf("secret of %s: %v", kind, err)
	}
	return s
}
