package handlers_test

import (
	"context"
	"io"
	"strings"
	"testing"

	"github.com/lib/pq"

	"portal/app/db"
	"portal/internal/testenv"
	"portal/internal/testserver"
)

// A database that answers but takes no writes (read-only here; a full disk behaves alike) is not ready, and a
// change it refuses answers 503 with the page that says nothing was saved, not 500.
func TestReadinessReportsADatabaseThatRefusesWrites(t *testing.T) {
	ctx := context.Background()
	u := testenv.URL(t)
	conn, err := db.Open(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	srv := testserver.Start(t, testserver.Options{DB: conn, Seed: true})
	c := testserver.Client()
	if status, _ := get(t, c, srv.URL+"/readyz"); status != 200 {
		t.Fatalf("/readyz %d before", status)
	}
	form := formFor(t, c, srv.URL+"/aanbod/intervisie/inschrijven/intervisie-bornem")
	cfg, err := pq.NewConfig(u)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Exec(`ALTER DATABASE ` + pq.QuoteIdentifier(cfg.Database) + ` SET default_transaction_read_only = on`); err != nil {
		t.Fatal(err)
	}
	conn.SetMaxIdleConns(0) // new connections get the setting
	if status, _ := get(t, c, srv.URL+"/readyz"); status != 503 {
		t.Errorf("/readyz %d on a read-only database, want 503", status)
	}
	for k, v := range map[string]string{"name": "An Peeters", "email": "an@example.be", "organisation": "CAW",
		"sector": "caw", "consent": "ja"} {
		form.Set(k, v)
	}
	resp, err := c.PostForm(srv.URL+"/aanbod/intervisie/inschrijven/intervisie-bornem", form)
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	body := string(b)
	if resp.StatusCode != 503 || !strings.Contains(body, "niet bewaard") {
		t.Errorf("a signup the database refused answered %d; want 503 with the page that says nothing was saved", resp.StatusCode)
	}
}
