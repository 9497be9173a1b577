package handlers_test

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"portal/app/db"
	"portal/internal/testenv"
	"portal/internal/testserver"
)

func TestHealthAndReadinessFollowTheDatabase(t *testing.T) {
	if testing.Short() {
		t.Skip("starts its own PostgreSQL")
	}
	ctx := context.Background()
	server, err := db.StartServer(ctx, db.ServerOptions{Ephemeral: true, Logger: slog.New(slog.DiscardHandler)}, "portal")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := server.Stop(); err != nil {
			t.Error(err)
		}
	})
	conn, err := db.Open(ctx, server.URL("portal"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	schema, err := testenv.Schema()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Migrate(ctx, conn, schema); err != nil {
		t.Fatal(err)
	}
	srv := testserver.Start(t, testserver.Options{DB: conn})
	c := testserver.Client()

	expect := func(path string, want int) {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for {
			status, _ := get(t, c, srv.URL+path)
			if status == want {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s: status %d, want %d", path, status, want)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	expect("/healthz", 200)
	expect("/readyz", 200)
	if err := server.Halt(ctx); err != nil {
		t.Fatal(err)
	}
	expect("/readyz", 503)
	expect("/healthz", 200)
	if err := server.Resume(ctx); err != nil {
		t.Fatal(err)
	}
	expect("/readyz", 200) // without restarting the portal
}
