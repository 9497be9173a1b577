package app_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"portal/app"
	"portal/app/locale"
	"portal/internal/fixtures"
	"portal/internal/testenv"
)

// TestGroupMembersByStatus: the group page's member list holds everyone with a registration in the group, by
// status, adults and children apart, with attendance so far and contact wishes; a facilitator of another group
// gets nothing; the view is audited with the people listed.
func TestGroupMembersByStatus(t *testing.T) {
	now := time.Date(2026, 11, 28, 10, 0, 0, 0, locale.Brussels)
	a, _ := newStaffApp(t, now)
	ctx := t.Context()
	if err := a.Seed(ctx); err != nil {
		t.Fatal(err)
	}
	coord := addStaff(t, a, "coord@example.org", app.RoleCoordinator)
	fac := addStaff(t, a, "fac@example.org", app.RoleFacilitator)
	other := addStaff(t, a, "other@example.org", app.RoleFacilitator)
	group := fixtures.GroupID(t, a, "blaffen-mechelen")
	lead(t, a, group, fac)
	lead(t, a, fixtures.GroupID(t, a, "rotonde-groep-1"), other)

	add := func(name, status, role string) (int64, int64) {
		p := fixtures.AddPerson(t, a, fixtures.Person{Name: name})
		return p, fixtures.Register(t, a, p, "blaffen-mechelen", status, role)
	}
	mother, motherReg := add("Sara", app.StatusAdmitted, app.RoleParent)
	child, _ := add("Noor", app.StatusAdmitted, app.RoleChild)
	add("Ward", app.StatusWaitlisted, app.RoleParent)
	add("Ilse", app.StatusRequested, app.RoleParent)
	add("Gone", app.StatusWithdrawn, app.RoleParent)
	testenv.MustExec(t, a.Store.DB, `UPDATE people SET contact_phone = true, voicemail_ok = false, safe_times_enc = $2
		WHERE id = $1`, mother, a.Keys.Encrypt("na 20 uur"))
	sessions := fixtures.Sessions(t, a, group)
	for i, mark := range []string{"present", "late", "absent"} {
		testenv.MustExec(t, a.Store.DB, `INSERT INTO attendance (session_id, person_id, registration_id, status)
			VALUES ($1, $2, $3, $4)`, sessions[i].ID, mother, motherReg, mark)
	}

	lists, err := a.GroupMembers(ctx, fixtures.ActiveActor(t, a, coord), group)
	if err != nil {
		t.Fatal(err)
	}
	var statuses []string
	for _, l := range lists {
		statuses = append(statuses, l.Status)
	}
	if want := []string{app.StatusAdmitted, app.StatusWaitlisted, app.StatusRequested}; !slices.Equal(statuses, want) {
		t.Fatalf("statuses %v, want %v (withdrawn left out, empty statuses too)", statuses, want)
	}
	admitted := lists[0]
	if len(admitted.Adults) != 1 || len(admitted.Children) != 1 || admitted.Children[0].PersonID != child {
		t.Fatalf("admitted: adults %v, children %v", admitted.Adults, admitted.Children)
	}
	m := admitted.Adults[0]
	if m.Name != "Sara" || m.RegistrationID != motherReg {
		t.Errorf("member %q, registration %d", m.Name, m.RegistrationID)
	}
	if m.Present != 1 || m.Late != 1 || m.Absent != 1 || m.Attended() != 2 || m.Marked() != 3 {
		t.Errorf("attendance %+v", m)
	}
	if !slices.Equal(m.Channels(), []string{"phone"}) || m.VoicemailOK || m.SafeTimes != "na 20 uur" {
		t.Errorf("contact wishes: %v, voicemail %v, safe times %q", m.Channels(), m.VoicemailOK, m.SafeTimes)
	}

	// The facilitator of the group sees it too; one of another group gets nothing.
	if _, err := a.GroupMembers(ctx, fixtures.ActiveActor(t, a, fac), group); err != nil {
		t.Errorf("the group's facilitator: %v", err)
	}
	if got, err := a.GroupMembers(ctx, fixtures.ActiveActor(t, a, other), group); !errors.Is(err, app.ErrForbidden) || got != nil {
		t.Errorf("another group's facilitator: %v, %v", got, err)
	}

	var audited int
	if err := a.Store.DB.Get(&audited, `SELECT count(*) FROM audit_log WHERE action = $1 AND group_id = $2
		AND staff_id = $3 AND detail->'people' @> to_jsonb($4::bigint)`, app.AuditGroupMembers, group, coord, mother); err != nil {
		t.Fatal(err)
	}
	if audited != 1 {
		t.Errorf("%d audit rows of the coordinator's view naming the mother, want 1", audited)
	}
	var refused int
	if err := a.Store.DB.Get(&refused, `SELECT count(*) FROM audit_log WHERE action = $1 AND staff_id = $2`,
		app.AuditGroupMembers, other); err != nil {
		t.Fatal(err)
	}
	if refused != 0 {
		t.Errorf("a refused view was audited as seen: %d rows", refused)
	}
}
