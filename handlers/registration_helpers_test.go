package handlers_test

import (
	"testing"

	"portal/app"
)

// staffActor loads the actor of staff member id, as the portal does at the start of every request.
func staffActor(t testing.TB, a *app.App, id int64) app.Actor {
	t.Helper()
	actor, err := a.ActorOf(t.Context(), app.Staff{ID: id})
	if err != nil {
		t.Fatal(err)
	}
	if actor.Allow(app.AllRoles) != nil {
		t.Fatalf("staff member %d is not an active staff member", id)
	}
	return actor
}
