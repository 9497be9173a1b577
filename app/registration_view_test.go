package app_test

import (
	"errors"
	"testing"
	"time"

	"portal/app"
	"portal/internal/fixtures"
)

// TestTheRegistrationPageFollowsTheGroup checks the app's own rule for one registration: the office sees
// everything; a facilitator sees registrations of the group they lead, without separations, candidates,
// referrals or other groups, and nothing of another group or of a request without a group. Every view that is
// shown is in the audit log; a refused one is not.
func TestTheRegistrationPageFollowsTheGroup(t *testing.T) {
	a, _ := newStaffApp(t, testNow)
	ctx := t.Context()
	if err := a.Seed(ctx); err != nil {
		t.Fatal(err)
	}
	own := addGroup(t, a, "lotgenotengroepen", "lotgenoten-eigen", 10, 0, 2)
	other := addGroup(t, a, "lotgenotengroepen", "lotgenoten-elders", 10, 0, 2)
	office := fixtures.ActiveActor(t, a, addStaff(t, a, "coord@example.org", app.RoleCoordinator))
	facID := addStaff(t, a, "fac@example.org", app.RoleFacilitator)
	a.Store.DB.MustExec(`INSERT INTO group_facilitators (group_id, staff_id) VALUES ($1, $2)`, own, facID)
	fac := fixtures.ActiveActor(t, a, facID)

	mira := request(t, a, "lotgenotengroepen", own, "Mira")
	ann := request(t, a, "lotgenotengroepen", other, "Ann")
	lien := request(t, a, "lotgenotengroepen", 0, "Lien")
	person := func(regID int64) int64 {
		v, err := a.RegistrationForStaff(ctx, office, regID)
		if err != nil {
			t.Fatal(err)
		}
		return v.Person.ID
	}
	if _, err := a.Separate(ctx, office, person(mira.RegistrationID), person(ann.RegistrationID)); err != nil {
		t.Fatal(err)
	}
	if err := a.RecordReferral(ctx, office, person(mira.RegistrationID), &mira.RegistrationID, "caw_individual",
		time.Time{}, "traject gestart"); err != nil {
		t.Fatal(err)
	}

	views := auditCount(t, a, app.AuditPersonView)
	seen, err := a.RegistrationForStaff(ctx, office, mira.RegistrationID)
	if err != nil {
		t.Fatal(err)
	}
	if len(seen.Separations) != 1 || len(seen.Candidates) != 1 || len(seen.Referrals) != 1 || len(seen.Places) < 2 {
		t.Errorf("the office sees %d separations, %d candidates, %d referrals, %d places; want 1, 1 (Lien), 1, 2 or more",
			len(seen.Separations), len(seen.Candidates), len(seen.Referrals), len(seen.Places))
	}
	led, err := a.RegistrationForStaff(ctx, fac, mira.RegistrationID)
	if err != nil {
		t.Fatalf("the facilitator of the group: %v", err)
	}
	if led.Person.ID != seen.Person.ID || len(led.Separations)+len(led.Candidates)+len(led.Referrals)+len(led.Places) != 0 {
		t.Errorf("the facilitator sees %d separations, %d candidates, %d referrals, %d places; want none",
			len(led.Separations), len(led.Candidates), len(led.Referrals), len(led.Places))
	}
	for name, regID := range map[string]int64{"another group": ann.RegistrationID, "no group": lien.RegistrationID} {
		if _, err := a.RegistrationForStaff(ctx, fac, regID); !errors.Is(err, app.ErrForbidden) {
			t.Errorf("the facilitator opens a request of %s: %v, want ErrForbidden", name, err)
		}
	}
	if got := auditCount(t, a, app.AuditPersonView) - views; got != 2 {
		t.Errorf("%d views in the audit log, want 2 (the refused ones are not shown)", got)
	}

	queue, err := a.Queue(ctx, fac, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(queue) != 1 || queue[0].RegistrationID != mira.RegistrationID {
		t.Errorf("the facilitator's queue holds %+v, want only Mira", queue)
	}
	if _, err := a.OfferingCounts(ctx, fac); !errors.Is(err, app.ErrForbidden) {
		t.Errorf("a facilitator reads the offer's counts: %v, want ErrForbidden", err)
	}
}
