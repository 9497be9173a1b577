package app_test

import (
	"testing"
	"time"

	"portal/app"
	"portal/internal/fixtures"
	"portal/internal/testenv"
)

// TestACancelledWaakvlamChangesAllOrNothing makes the last step of a cancellation (the request's status) fail in
// the database, and expects nothing of it to stay: the session still planned, no notice queued, the group open,
// no audit row. Cancelling sessions, closing the group, the status and the audit are one transaction.
func TestACancelledWaakvlamChangesAllOrNothing(t *testing.T) {
	a := seeded(t)
	ctx := t.Context()
	coordinator, requestID, groupID := plannedWaakvlam(t, a)
	signup(t, a, groupID, 1)
	testenv.MustExec(t, a.Store.DB, `CREATE FUNCTION refuse_status() RETURNS trigger LANGUAGE plpgsql AS
		$$ BEGIN RAISE EXCEPTION 'status refused for the test'; END $$`)
	testenv.MustExec(t, a.Store.DB, `CREATE TRIGGER refuse_status BEFORE UPDATE OF status ON waakvlam_requests
		FOR EACH ROW EXECUTE FUNCTION refuse_status()`)
	if err := a.SetWaakvlamStatus(ctx, coordinator, requestID, "cancelled"); err == nil {
		t.Fatal("the cancellation succeeded although its status could not be written")
	}
	var sessionStatus, groupStatus string
	var notices, audits int
	testenv.MustGet(t, a.Store.DB, &sessionStatus, `SELECT status FROM sessions WHERE group_id = $1`, groupID)
	testenv.MustGet(t, a.Store.DB, &groupStatus, `SELECT status FROM groups WHERE id = $1`, groupID)
	testenv.MustGet(t, a.Store.DB, &notices, `SELECT count(*) FROM outbox WHERE kind = 'session_cancelled'`)
	testenv.MustGet(t, a.Store.DB, &audits, `SELECT count(*) FROM audit_log WHERE action IN ($1, $2)`,
		app.AuditSessionCancel, app.AuditWaakvlamCancel)
	if sessionStatus != "planned" || groupStatus == "cancelled" || notices != 0 || audits != 0 {
		t.Errorf("after a failed cancellation: session %s, group %s, %d notices, %d audit rows; want nothing changed",
			sessionStatus, groupStatus, notices, audits)
	}
}

// plannedWaakvlam requests a Waakvlam training for an organisation and plans it a month ahead, as a coordinator;
// it returns that coordinator, the request and the group the plan made.
func plannedWaakvlam(t *testing.T, a *app.App) (coordinator app.Actor, requestID, groupID int64) {
	t.Helper()
	ctx := t.Context()
	staff := staffMember(t, a)
	wv, err := a.RequestWaakvlam(ctx, app.WaakvlamInput{Organisation: "CKG", ServiceType: "ckg", ContactName: "Jo",
		ContactEmail: "jo@ckg.example", ExpectedStaff: "8", PreferredPeriods: "mei", Consent: true, ConsentText: consentText})
	if err != nil {
		t.Fatal(err)
	}
	st, err := a.WaakvlamByToken(ctx, wv.Token)
	if err != nil {
		t.Fatal(err)
	}
	start := testNow.AddDate(0, 1, 0)
	coordinator = fixtures.Actor(t, a, staff)
	groupID, err = a.PlanWaakvlam(ctx, coordinator, st.Request.ID, start, start.Add(3*time.Hour), "CKG", "Berlaar")
	if err != nil {
		t.Fatal(err)
	}
	return coordinator, st.Request.ID, groupID
}
