package app_test

import (
	"testing"

	"portal/app"
)

// actorFor loads the actor of staff member id as a request would: their current row and the groups they lead.
func actorFor(t testing.TB, a *app.App, id int64) app.Actor {
	t.Helper()
	ac, err := a.ActorOf(t.Context(), app.Staff{ID: id})
	if err != nil {
		t.Fatal(err)
	}
	return ac
}
