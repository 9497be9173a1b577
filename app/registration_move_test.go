package app_test

import (
	"testing"

	"portal/app"
	"portal/internal/fixtures"
	"portal/internal/testenv"
)

// Moving someone to another group tells them: the admitted adult gets a group_moved mail naming the group they
// left, whose calendar file takes that group's sessions off (mail/moved_test.go).
func TestMoveGroupTellsTheAdmittedPerson(t *testing.T) {
	a, _ := mailWorld(t)
	ctx := t.Context()
	coord := fixtures.Actor(t, a, fixtures.AddStaff(t, a, "coord@example.org", "C", app.RoleCoordinator, ""))
	from, to := fixtures.GroupID(t, a, "intervisie-mechelen"), fixtures.GroupID(t, a, "intervisie-lier")
	pro := fixtures.AddPerson(t, a, fixtures.Person{Kind: "professional", Name: "An", Email: "an@example.org"})
	admitted := fixtures.Register(t, a, pro, "intervisie-mechelen", app.StatusAdmitted, "")

	if err := a.MoveGroup(ctx, coord, admitted, to); err != nil {
		t.Fatal(err)
	}
	rows := fixtures.Rows(t, a, app.MailGroupMoved)
	if len(rows) != 1 {
		t.Fatalf("%d group_moved mails, want 1", len(rows))
	}
	var regID int64
	var fromGroup float64
	testenv.MustGet(t, a.Store.DB, &regID, `SELECT registration_id FROM outbox WHERE id = $1`, rows[0].ID)
	testenv.MustGet(t, a.Store.DB, &fromGroup, `SELECT (params->>'from_group')::float8 FROM outbox WHERE id = $1`, rows[0].ID)
	if regID != admitted || int64(fromGroup) != from {
		t.Errorf("the mail is for registration %d about group %v, want %d about %d", regID, fromGroup, admitted, from)
	}
}
