package app_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"portal/app"
	"portal/internal/testenv"
)

// The links in a mail answer it: "I can't come" in a reminder, accept or refuse in an offer. Whoever reads her
// mailbox can open them too, so when her page is guarded by a code, each answer needs that code, given on the
// page or proven by the personal page's unlock; without it nothing changes, and wrong codes count towards the
// lock like on the personal page.
func TestAnswersFromMailNeedTheCode(t *testing.T) {
	a := seeded(t)
	ctx := t.Context()
	g := addGroup(t, a, "activiteiten", "discreet-test", 1, 0, 2)
	testenv.MustExec(t, a.Store.DB, `UPDATE groups SET discreet = true WHERE id = $1`, g)
	first, err := a.SignUp(ctx, app.SignupInput{GroupID: g, Name: "Noor", ByPhone: true, Phone: "0470 21 21 21",
		Code: "Regenboog", Consent: true, ConsentText: consentText})
	if err != nil {
		t.Fatal(err)
	}
	second, err := a.SignUp(ctx, app.SignupInput{GroupID: g, Name: "Ida", ByPhone: true, Phone: "0470 21 21 22",
		Code: "Maanlicht", Consent: true, ConsentText: consentText})
	if err != nil || first.Status != app.StatusAdmitted || second.Status != app.StatusWaitlisted {
		t.Fatalf("setup: %s, %s, %v", first.Status, second.Status, err)
	}
	s, sig := firstExcuseLink(t, a, first.Token, first.RegistrationID)
	excused := func() bool {
		t.Helper()
		ev, err := a.ExcuseLinkView(ctx, sig)
		if err != nil {
			t.Fatal(err)
		}
		if !ev.CodeNeeded {
			t.Error("the excuse page does not ask for the code")
		}
		return ev.Excused
	}

	// Without the code, or with a wrong one, the excuse is refused and nothing changes.
	if err := a.ExcuseByLink(ctx, sig, ""); !errors.Is(err, app.ErrCodeNeeded) {
		t.Errorf("excuse by link without the code: %v", err)
	}
	if _, invalid := app.AsValidation(a.ExcuseByLink(ctx, sig, "zonneschijn")); !invalid {
		t.Error("excuse by link with a wrong code was not refused as wrong")
	}
	if err := a.Excuse(ctx, first.Token, "", s.ID, true); !errors.Is(err, app.ErrCodeNeeded) {
		t.Errorf("excuse on the page without the code: %v", err)
	}
	if excused() {
		t.Fatal("excused without the code")
	}
	// With it, the excuse is taken; on her page, with the page's proof, she takes it back.
	if err := a.ExcuseByLink(ctx, sig, " REGENBOOG "); err != nil {
		t.Fatal(err)
	}
	if !excused() {
		t.Fatal("not excused with the code")
	}
	unlock, err := a.UnlockPersonal(ctx, first.Token, "regenboog")
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Excuse(ctx, first.Token, unlock, s.ID, false); err != nil {
		t.Fatal(err)
	}
	if excused() {
		t.Error("the excuse was not taken back")
	}

	// She gives up her seat (with her code): the next one is offered it, and her offer's answers need her code.
	if err := a.Cancel(ctx, first.Token, unlock); err != nil {
		t.Fatal(err)
	}
	if st := status(t, a, second.RegistrationID); st != app.StatusOffered {
		t.Fatalf("the seat was not offered: %s", st)
	}
	pv, err := a.Personal(ctx, second.Token)
	if err != nil {
		t.Fatal(err)
	}
	offer := pv.OfferLink[strings.LastIndex(pv.OfferLink, "/")+1:]
	if ov, err := a.Offer(ctx, offer); err != nil || !ov.CodeNeeded || ov.Locked {
		t.Fatalf("offer page: code needed %v, locked %v, %v", ov.CodeNeeded, ov.Locked, err)
	}
	for _, accept := range []bool{false, true} {
		if err := a.AnswerOffer(ctx, offer, "", accept); !errors.Is(err, app.ErrCodeNeeded) {
			t.Errorf("answer %v by link without the code: %v", accept, err)
		}
		if err := a.AnswerOfferByToken(ctx, second.Token, "", accept); !errors.Is(err, app.ErrCodeNeeded) {
			t.Errorf("answer %v on the page without the code: %v", accept, err)
		}
		if _, invalid := app.AsValidation(a.AnswerOffer(ctx, offer, "regenboog", accept)); !invalid {
			t.Errorf("answer %v with another's code was not refused as wrong", accept)
		}
	}
	if st := status(t, a, second.RegistrationID); st != app.StatusOffered {
		t.Fatalf("answered without her code: %s", st)
	}
	// Two wrong codes were counted: three more lock her page, and the offer page says so.
	for range 2 {
		if _, invalid := app.AsValidation(a.AnswerOffer(ctx, offer, "fout", false)); !invalid {
			t.Fatal("a wrong code was not refused as wrong")
		}
	}
	if err := a.AnswerOffer(ctx, offer, "fout", false); !errors.Is(err, app.ErrLocked) {
		t.Fatalf("the fifth wrong code: %v", err)
	}
	if err := a.AnswerOffer(ctx, offer, "maanlicht", true); !errors.Is(err, app.ErrLocked) {
		t.Errorf("the right code on a locked page: %v", err)
	}
	if ov, err := a.Offer(ctx, offer); err != nil || !ov.Locked {
		t.Errorf("offer page after the lock: locked %v, %v", ov.Locked, err)
	}
	var items int
	testenv.MustGet(t, a.Store.DB, &items, `SELECT count(*) FROM work_items WHERE kind = $1 AND registration_id = $2
		AND done_at IS NULL`, app.WorkCodeLocked, second.RegistrationID)
	if items != 1 || status(t, a, second.RegistrationID) != app.StatusOffered {
		t.Errorf("after the lock: %d work items, status %s", items, status(t, a, second.RegistrationID))
	}
	// Staff reset her code through her safe channel; with it she accepts.
	office, err := a.ActorOf(ctx, app.Staff{ID: staffMember(t, a)})
	if err != nil {
		t.Fatal(err)
	}
	if err := a.ResetCode(ctx, office, second.RegistrationID, "Maanlicht"); err != nil {
		t.Fatal(err)
	}
	if err := a.AnswerOffer(ctx, offer, "maanlicht", true); err != nil {
		t.Fatal(err)
	}
	if st := status(t, a, second.RegistrationID); st != app.StatusAdmitted {
		t.Errorf("accepted with the code: %s", st)
	}
}

// Without a code set, an answer from a mail goes ahead as before: a page of a group that is not discreet, or a
// discreet signup whose person chose no code.
func TestAnswersWithoutACodeGoAhead(t *testing.T) {
	a := seeded(t)
	ctx := t.Context()
	g := addGroup(t, a, "activiteiten", "discreet-zonder-code", 5, 0, 2)
	testenv.MustExec(t, a.Store.DB, `UPDATE groups SET discreet = true WHERE id = $1`, g)
	res, err := a.SignUp(ctx, app.SignupInput{GroupID: g, Name: "Eva", ByPhone: true, Phone: "0470 21 21 23",
		Consent: true, ConsentText: consentText})
	if err != nil {
		t.Fatal(err)
	}
	s, sig := firstExcuseLink(t, a, res.Token, res.RegistrationID)
	if ev, err := a.ExcuseLinkView(ctx, sig); err != nil || ev.CodeNeeded {
		t.Fatalf("excuse page without a code set: code needed %v, %v", ev.CodeNeeded, err)
	}
	if err := a.ExcuseByLink(ctx, sig, ""); err != nil {
		t.Fatal(err)
	}
	if err := a.Excuse(ctx, res.Token, "", s.ID, false); err != nil {
		t.Fatal(err)
	}
}

// firstExcuseLink returns the first session of registration regID (behind personal link token) and the signed
// part of the "I can't come" link its reminder carries.
func firstExcuseLink(t *testing.T, a *app.App, token string, regID int64) (app.SessionView, string) {
	t.Helper()
	v, err := a.Personal(t.Context(), token)
	if err != nil || len(v.Sessions) == 0 {
		t.Fatalf("personal view: %d sessions, %v", len(v.Sessions), err)
	}
	s := v.Sessions[0]
	link := a.ExcuseLink(regID, s.ID, s.StartsAt)
	return s, link[strings.LastIndex(link, "/")+1:]
}

// "Dit moment past niet" needs no code, like "contact me": it changes nothing but asks staff, who contact her
// through her safe channel. Her intake mail points to it, with or without a code.
func TestMomentUnsuitableNeedsNoCode(t *testing.T) {
	a := seeded(t)
	ctx := t.Context()
	office, err := a.ActorOf(ctx, app.Staff{ID: staffMember(t, a)})
	if err != nil {
		t.Fatal(err)
	}
	res := request(t, a, "rotonde", 0, "Tom")
	at := testNow.Add(48 * time.Hour)
	if err := a.PlanIntake(ctx, office, res.RegistrationID, at, ""); err != nil {
		t.Fatal(err)
	}
	if v, err := a.PersonalPage(ctx, res.Token, ""); err != nil || !v.Limited || v.Registration.IntakeAt == nil {
		t.Fatalf("limited page with the intake: %+v %v", v.Registration, err)
	}
	if err := a.MomentUnsuitable(ctx, res.Token, 0); err != nil {
		t.Fatal(err)
	}
	var items int
	testenv.MustGet(t, a.Store.DB, &items, `SELECT count(*) FROM work_items WHERE kind = $1 AND registration_id = $2
		AND done_at IS NULL`, app.WorkMomentUnsuitable, res.RegistrationID)
	if items != 1 || status(t, a, res.RegistrationID) != app.StatusIntakePlanned {
		t.Errorf("after 'dit moment past niet': %d work items, status %s", items, status(t, a, res.RegistrationID))
	}
}
