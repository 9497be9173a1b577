package app_test

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"portal/app"
)

// TestTakeoverNeedsTheCode walks the takeover of issue "the link can take her over", step by step. Someone who
// has only her link (he read her mailbox) tries to change her e-mail address, make a new link, ask a fresh link
// for his own address, and give up her seat: every step is refused and changes nothing; wrong codes lock the
// page and give staff a work item, not a mail. With her code (after staff reset it through her safe channel),
// the same steps work, the old address is told, and staff see the change with the previous address.
func TestTakeoverNeedsTheCode(t *testing.T) {
	a := seeded(t)
	ctx := t.Context()
	var group int64
	if err := a.Store.DB.Get(&group, `SELECT g.id FROM groups g JOIN offerings o ON o.id = g.offering_id
		WHERE o.slug = 'lotgenotengroepen' AND g.visibility = 'public' ORDER BY g.id LIMIT 1`); err != nil {
		t.Fatal(err)
	}
	res, err := a.Request(ctx, app.RequestInput{OfferingSlug: "lotgenotengroepen", GroupID: group, Alias: "Lena",
		Contact: app.ContactInput{ByEmail: true, Email: "lena@example.be", SafeTimes: "na 18 uur"},
		Consent: true, ConsentText: consentText, Language: "nl", Code: "Zonnebloem"})
	if err != nil {
		t.Fatal(err)
	}
	token, reg := res.Token, res.RegistrationID
	contactNow := func() app.Contact {
		t.Helper()
		v, err := a.Personal(ctx, token)
		if err != nil {
			t.Fatal(err)
		}
		return v.Contact
	}
	mails := func(kind string) int {
		t.Helper()
		var n int
		if err := a.Store.DB.Get(&n, `SELECT count(*) FROM outbox WHERE kind = $1`, kind); err != nil {
			t.Fatal(err)
		}
		return n
	}
	openItems := func(kind string) int {
		t.Helper()
		var n int
		if err := a.Store.DB.Get(&n, `SELECT count(*) FROM work_items WHERE kind = $1 AND registration_id = $2
			AND done_at IS NULL`, kind, reg); err != nil {
			t.Fatal(err)
		}
		return n
	}
	outboxBefore := len(outboxKinds(t, a, reg))

	// Without the code the page holds only dates and times.
	v, err := a.PersonalPage(ctx, token, "")
	if err != nil || !v.Limited || v.Offering.Name != nil || v.Group != nil || v.Person.DisplayName != "" ||
		v.Contact != (app.Contact{}) || len(v.Household) != 0 {
		t.Fatalf("page without the code: %+v %v", v, err)
	}

	// Step by step, without the code: refused, nothing changes.
	evil := app.ContactInput{ByEmail: true, Email: "hij@example.be"}
	if err := a.UpdateContact(ctx, token, "", evil, "nl"); !errors.Is(err, app.ErrCodeNeeded) {
		t.Errorf("contact change without the code: %v", err)
	}
	if c := contactNow(); c.Email != "lena@example.be" {
		t.Errorf("contact changed without the code: %+v", c)
	}
	if _, err := a.RotateLinks(ctx, token, ""); !errors.Is(err, app.ErrCodeNeeded) {
		t.Errorf("new link without the code: %v", err)
	}
	if _, err := a.PersonalPage(ctx, token, ""); err != nil {
		t.Errorf("her link stopped working: %v", err)
	}
	if err := a.SendLinksAgain(ctx, "hij@example.be"); err != nil {
		t.Fatal(err)
	}
	if n := mails(app.MailLinkAgain); n != 0 {
		t.Errorf("%d fresh links went out for his address", n)
	}
	if err := a.Cancel(ctx, token, ""); !errors.Is(err, app.ErrCodeNeeded) {
		t.Errorf("cancel without the code: %v", err)
	}
	if s := status(t, a, reg); s != app.StatusRequested {
		t.Errorf("status %s after a refused cancel", s)
	}
	// A forged or foreign proof of the code opens nothing.
	if err := a.Cancel(ctx, token, a.Keys.Sign("unlock", a.Now().Add(1e12), reg+1)); !errors.Is(err, app.ErrCodeNeeded) {
		t.Errorf("cancel with another registration's proof: %v", err)
	}

	// An empty code (sent without typing one) is no try: it asks for the code and counts towards no lock.
	for _, empty := range []string{"", "   ", "", "", "", "", ""} {
		_, err := a.UnlockPersonal(ctx, token, empty)
		if v, ok := app.AsValidation(err); !ok || v.Fields["code"] != "code.empty" {
			t.Fatalf("an empty code: %v", err)
		}
	}

	// He guesses the code, many at once: no more than five guesses are ever checked; the page locks; staff get
	// one work item; nothing is mailed to her.
	var wg sync.WaitGroup
	results := make(chan error, 12)
	for i := range 12 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := a.UnlockPersonal(ctx, token, fmt.Sprintf("raad%d", i))
			results <- err
		}()
	}
	wg.Wait()
	close(results)
	wrong, locked := 0, 0
	for err := range results {
		switch _, invalid := app.AsValidation(err); {
		case invalid:
			wrong++
		case errors.Is(err, app.ErrLocked):
			locked++
		default:
			t.Errorf("guess: %v", err)
		}
	}
	if wrong != app.CodeAttempts-1 || locked != 12-wrong {
		t.Errorf("%d guesses told wrong, %d locked; want %d wrong before the lock", wrong, locked, app.CodeAttempts-1)
	}
	if _, err := a.UnlockPersonal(ctx, token, "zonnebloem"); !errors.Is(err, app.ErrLocked) {
		t.Errorf("the right code opened a locked page: %v", err)
	}
	if n := openItems(app.WorkCodeLocked); n != 1 {
		t.Errorf("%d open 'wrong codes' work items, want 1", n)
	}
	if got := len(outboxKinds(t, a, reg)); got != outboxBefore {
		t.Errorf("mail to her after wrong codes: %v", outboxKinds(t, a, reg))
	}

	// Staff reach her through her safe channel and set the code she chooses; audited, the item closed.
	office, err := a.ActorOf(ctx, app.Staff{ID: staffMember(t, a)})
	if err != nil {
		t.Fatal(err)
	}
	if err := a.ResetCode(ctx, app.Actor{}, reg, "nieuwe code"); !errors.Is(err, app.ErrForbidden) {
		t.Errorf("code reset without rights: %v", err)
	}
	if err := a.ResetCode(ctx, office, reg, "Nieuwe Code"); err != nil {
		t.Fatal(err)
	}
	if auditCount(t, a, "registration.code_reset") != 1 || openItems(app.WorkCodeLocked) != 0 {
		t.Error("the reset is not audited, or the work item stayed open")
	}

	// With her code every step works.
	unlock, err := a.UnlockPersonal(ctx, token, "  nieuwe   CODE ")
	if err != nil {
		t.Fatal(err)
	}
	if v, err := a.PersonalPage(ctx, token, unlock); err != nil || v.Limited || v.Offering.Name == nil {
		t.Fatalf("page with the code: %+v %v", v, err)
	}
	if err := a.UpdateContact(ctx, token, unlock, app.ContactInput{ByEmail: true, Email: "lena.nieuw@example.be",
		SafeTimes: "na 18 uur"}, "nl"); err != nil {
		t.Fatal(err)
	}
	if c := contactNow(); c.Email != "lena.nieuw@example.be" {
		t.Errorf("contact not changed with the code: %+v", c)
	}
	// The old address is told; the mail goes there, not to the new one.
	var secret []byte
	if err := a.Store.DB.Get(&secret, `SELECT secret_enc FROM outbox WHERE kind = $1 AND registration_id = $2`,
		app.MailContactChanged, reg); err != nil {
		t.Fatalf("no notice to the old address: %v", err)
	}
	if old, err := a.Keys.Decrypt(secret); err != nil || old != "lena@example.be" {
		t.Errorf("the notice goes to %q, want the old address", old)
	}
	// Staff see "changed online" with the previous address until they confirm.
	st, err := a.CodeStatusForStaff(ctx, office, reg)
	if err != nil || st.ChangedAt.IsZero() || st.Previous == nil || st.Previous.Email != "lena@example.be" {
		t.Fatalf("staff do not see the change: %+v %v", st, err)
	}
	var item int64
	if err := a.Store.DB.Get(&item, `SELECT id FROM work_items WHERE kind = $1 AND registration_id = $2 AND done_at IS NULL`,
		app.WorkContactChanged, reg); err != nil {
		t.Fatalf("no work item for the change: %v", err)
	}
	if err := a.CloseWorkItem(ctx, app.Actor{}, item); !errors.Is(err, app.ErrForbidden) {
		t.Errorf("closing without rights: %v", err)
	}
	if err := a.CloseWorkItem(ctx, office, item); err != nil {
		t.Fatal(err)
	}
	if st, err := a.CodeStatusForStaff(ctx, office, reg); err != nil {
		t.Fatal(err)
	} else if !st.ChangedAt.IsZero() || st.Previous != nil {
		t.Errorf("the change still shows after staff confirmed it: %+v", st)
	}
	if auditCount(t, a, "work_item.done") != 1 {
		t.Error("closing the work item is not audited")
	}

	// Retiring the old links really retires them.
	fresh, err := a.RotateLinks(ctx, token, unlock)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.PersonalPage(ctx, token, ""); !errors.Is(err, app.ErrNotFound) {
		t.Errorf("the old link still opens the page: %v", err)
	}
	if err := a.Cancel(ctx, fresh, unlock); err != nil {
		t.Fatal(err)
	}
	if s := status(t, a, reg); s != app.StatusWithdrawn {
		t.Errorf("status %s after cancelling with the code", s)
	}
	if v, err := a.PersonalPage(ctx, fresh, unlock); err != nil || !v.StatusOnly || v.Group != nil || len(v.Sessions) != 0 {
		t.Errorf("a withdrawn person's page shows more than the status: %+v %v", v, err)
	}
}

// TestWithoutACodeChangesBecomeRequests: a person who chose no code cannot change anything from her link;
// each change becomes a request that staff confirm through her safe channel.
func TestWithoutACodeChangesBecomeRequests(t *testing.T) {
	a := seeded(t)
	ctx := t.Context()
	res := request(t, a, "rotonde", 0, "Tom")
	if err := a.UpdateContact(ctx, res.Token, "", app.ContactInput{ByPhone: true, Phone: "0470 99 88 77"}, "nl"); !errors.Is(err, app.ErrRequested) {
		t.Fatalf("contact change without a code: %v", err)
	}
	if _, err := a.RotateLinks(ctx, res.Token, ""); !errors.Is(err, app.ErrRequested) {
		t.Fatalf("new link without a code: %v", err)
	}
	if err := a.Cancel(ctx, res.Token, ""); !errors.Is(err, app.ErrRequested) {
		t.Fatalf("cancel without a code: %v", err)
	}
	if err := a.AskContact(ctx, res.Token); err != nil {
		t.Fatal(err)
	}
	if status(t, a, res.RegistrationID) != app.StatusRequested {
		t.Error("the request changed the registration")
	}
	v, err := a.Personal(ctx, res.Token)
	if err != nil {
		t.Fatal(err)
	}
	if v.Contact.Phone != "" || !v.Contact.ByEmail {
		t.Errorf("contact changed without a code: %+v", v.Contact)
	}
	office, err := a.ActorOf(ctx, app.Staff{ID: staffMember(t, a)})
	if err != nil {
		t.Fatal(err)
	}
	items, err := a.OpenWorkItems(ctx, office)
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]string{}
	for _, w := range items {
		kinds[w.Kind] = w.Detail
	}
	for _, k := range []string{app.WorkRequestContact, app.WorkRequestNewLink, app.WorkRequestCancel, app.WorkContactMe} {
		if _, ok := kinds[k]; !ok {
			t.Errorf("no work item %s: %v", k, kinds)
		}
	}
	if !strings.Contains(kinds[app.WorkRequestContact], "0470 99 88 77") {
		t.Errorf("the request does not say what she asked: %q", kinds[app.WorkRequestContact])
	}
	var stored [][]byte
	if err := a.Store.DB.Select(&stored, `SELECT detail_enc FROM work_items WHERE detail_enc IS NOT NULL`); err != nil {
		t.Fatal(err)
	}
	for _, b := range stored {
		if bytes.Contains(b, []byte("0470")) {
			t.Error("the wish is stored in clear")
		}
	}
	if _, err := a.OpenWorkItems(ctx, app.Actor{}); !errors.Is(err, app.ErrForbidden) {
		t.Errorf("work items without rights: %v", err)
	}
}

// A code reset by staff ends at once what the old code opened: a browser still holding the old proof sees only
// her appointments again, not for up to half an hour.
func TestACodeResetEndsAnOpenPageAtOnce(t *testing.T) {
	a := seeded(t)
	ctx := t.Context()
	res, err := a.Request(ctx, app.RequestInput{OfferingSlug: "lotgenotengroepen", Alias: "Mona",
		Contact: app.ContactInput{ByPhone: true, Phone: "0470 12 12 12"}, Consent: true, ConsentText: consentText,
		Language: "nl", Code: "Tulpenveld"})
	if err != nil {
		t.Fatal(err)
	}
	old, err := a.UnlockPersonal(ctx, res.Token, "tulpenveld")
	if err != nil {
		t.Fatal(err)
	}
	if v, err := a.PersonalPage(ctx, res.Token, old); err != nil || v.Limited {
		t.Fatalf("page with the code: limited %v, %v", v.Limited, err)
	}
	office, err := a.ActorOf(ctx, app.Staff{ID: staffMember(t, a)})
	if err != nil {
		t.Fatal(err)
	}
	if err := a.ResetCode(ctx, office, res.RegistrationID, "Tulpenveld"); err != nil { // even the same code, anew
		t.Fatal(err)
	}
	if v, err := a.PersonalPage(ctx, res.Token, old); err != nil || !v.Limited {
		t.Errorf("the old proof still opens the page after a reset: limited %v, %v", v.Limited, err)
	}
	if err := a.Cancel(ctx, res.Token, old); !errors.Is(err, app.ErrCodeNeeded) {
		t.Errorf("cancel with the old proof: %v", err)
	}
	fresh, err := a.UnlockPersonal(ctx, res.Token, "tulpenveld")
	if err != nil {
		t.Fatal(err)
	}
	if v, err := a.PersonalPage(ctx, res.Token, fresh); err != nil || v.Limited {
		t.Errorf("the new code does not open the page: limited %v, %v", v.Limited, err)
	}
}

// A discreet group joined by open signup offers the personal code on its form: with one chosen, her page shows
// only her appointments until the code is given; without one it shows only her appointments, and changes become
// requests for staff, as for a request without a code.
func TestADiscreetSignupCanChooseACode(t *testing.T) {
	a := seeded(t)
	ctx := t.Context()
	var group int64
	if err := a.Store.DB.Get(&group, `SELECT id FROM groups WHERE slug = 'samen-naar-herstel'`); err != nil {
		t.Fatal(err)
	}
	with, err := a.SignUp(ctx, app.SignupInput{GroupID: group, Name: "Noor", ByPhone: true, Phone: "0470 21 21 21",
		Code: "Regenboog", Consent: true, ConsentText: consentText})
	if err != nil {
		t.Fatal(err)
	}
	if v, err := a.PersonalPage(ctx, with.Token, ""); err != nil || !v.Limited || !v.CodeSet {
		t.Errorf("page without the code: limited %v, code set %v, %v", v.Limited, v.CodeSet, err)
	}
	unlock, err := a.UnlockPersonal(ctx, with.Token, "regenboog")
	if err != nil {
		t.Fatal(err)
	}
	if v, err := a.PersonalPage(ctx, with.Token, unlock); err != nil || v.Limited || v.Group == nil {
		t.Errorf("page with the code: limited %v, %v", v.Limited, err)
	}
	without, err := a.SignUp(ctx, app.SignupInput{GroupID: group, Name: "Ida", ByPhone: true, Phone: "0470 21 21 22",
		Consent: true, ConsentText: consentText})
	if err != nil {
		t.Fatal(err)
	}
	// Without one her page shows only her appointments too, and a change becomes a request for staff: whoever
	// reads her mailbox can open the link whether or not she chose a code.
	if v, err := a.PersonalPage(ctx, without.Token, ""); err != nil || !v.Limited || v.CodeSet {
		t.Errorf("page of a signup without a code: limited %v, code set %v, %v", v.Limited, v.CodeSet, err)
	}
	if err := a.UpdateContact(ctx, without.Token, "", app.ContactInput{ByPhone: true, Phone: "0470 99 99 99"}, "nl"); !errors.Is(err, app.ErrRequested) {
		t.Errorf("contact change of a signup without a code: %v", err)
	}
	if err := a.Cancel(ctx, without.Token, ""); !errors.Is(err, app.ErrRequested) {
		t.Errorf("cancel of a signup without a code: %v", err)
	}
	if s := status(t, a, without.RegistrationID); s != app.StatusAdmitted {
		t.Errorf("status %s after a cancel that became a request", s)
	}
	if _, err := a.SignUp(ctx, app.SignupInput{GroupID: group, Name: "Eva", ByPhone: true, Phone: "0470 21 21 23",
		Code: "ab", Consent: true, ConsentText: consentText}); err == nil {
		t.Error("a code of two characters was taken")
	}
}

// Code checks take turns (one argon2id hash at a time, for the memory budget): twenty-one at once all finish,
// the last ones waiting, none refused.
func TestCodeChecksAtOnceWaitTheirTurn(t *testing.T) {
	n, err := app.CheckCodesAtOnce(t.Context(), 21)
	if err != nil || n != 21 {
		t.Errorf("%d of 21 code checks matched: %v", n, err)
	}
}
