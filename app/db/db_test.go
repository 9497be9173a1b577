package db_test

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"regexp"
	"strconv"
	"sync"
	"testing"

	"portal/app/db"
	"portal/internal/testenv"
)

func TestMain(m *testing.M) { testenv.Main(m) }

func TestSchemaAppliesTwiceCleanly(t *testing.T) {
	conn := testenv.DB(t)
	schema, err := testenv.Schema()
	if err != nil {
		t.Fatal(err)
	}
	// The template already has it once; run the whole file twice more, as an upgrade would.
	for i := range 2 {
		if _, err := conn.Exec(schema); err != nil {
			t.Fatalf("applying schema again (%d): %v", i+1, err)
		}
	}
	var transitions int
	if err := conn.Get(&transitions, `SELECT count(*) FROM registration_transitions`); err != nil {
		t.Fatal(err)
	}
	if transitions != 19 {
		t.Errorf("transitions after three applications = %d, want 19 (no duplicates)", transitions)
	}
}

func TestSchemaVersionIsRecordedAndCurrentDatabaseIsLeftAlone(t *testing.T) {
	conn := testenv.DB(t)
	schema, err := testenv.Schema()
	if err != nil {
		t.Fatal(err)
	}
	want, err := db.SchemaVersion(schema)
	if err != nil {
		t.Fatal(err)
	}
	var have int
	if err := conn.Get(&have, `SELECT max(version) FROM schema_version`); err != nil {
		t.Fatal(err)
	}
	if have != want {
		t.Fatalf("recorded version %d, want %d", have, want)
	}
	applied, err := db.Migrate(context.Background(), conn, schema)
	if err != nil || applied {
		t.Fatalf("Migrate on a current database: applied=%v err=%v, want false, nil", applied, err)
	}
}

func TestConcurrentMigrationsApplyOnce(t *testing.T) {
	conn := testenv.DB(t)
	schema, err := testenv.Schema()
	if err != nil {
		t.Fatal(err)
	}
	// Pretend the database is one version behind, then let eight processes start together.
	if _, err := conn.Exec(`DELETE FROM schema_version`); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	appliedCount := 0
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			applied, err := db.Migrate(context.Background(), conn, schema)
			if err != nil {
				t.Error(err)
			}
			if applied {
				mu.Lock()
				appliedCount++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if appliedCount != 1 {
		t.Errorf("schema applied %d times, want exactly 1", appliedCount)
	}
}

// The version line must name the newest section: a section appended without raising it never reaches a
// database at the version before (it happened once, with version 7).
func TestSchemaVersionLineNamesTheNewestSection(t *testing.T) {
	schema, err := testenv.Schema()
	if err != nil {
		t.Fatal(err)
	}
	declared, err := db.SchemaVersion(schema)
	if err != nil {
		t.Fatal(err)
	}
	newest := 1
	for _, m := range regexp.MustCompile(`(?m)^-- version (\d+):`).FindAllStringSubmatch(schema, -1) {
		n, err := strconv.Atoi(m[1])
		if err != nil {
			t.Fatal(err)
		}
		newest = max(newest, n)
	}
	if declared != newest {
		t.Errorf("schema-version line says %d; the newest section is version %d", declared, newest)
	}
}

func TestSchemaVersionLineIsRequired(t *testing.T) {
	if _, err := db.SchemaVersion("CREATE TABLE x (id int);"); err == nil {
		t.Fatal("want an error for a schema without a version line")
	}
	if v, err := db.SchemaVersion("-- x\n-- schema-version: 12\n"); err != nil || v != 12 {
		t.Fatalf("got %d, %v", v, err)
	}
}

func TestPrivateServerKeepsDataAndRefusesASecondUser(t *testing.T) {
	if testing.Short() {
		t.Skip("starts its own PostgreSQL")
	}
	ctx := context.Background()
	dir := t.TempDir()
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	quiet := slog.New(slog.DiscardHandler)
	first, err := db.StartServer(ctx, db.ServerOptions{DataDir: dir, Logger: quiet}, "portal")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.StartServer(ctx, db.ServerOptions{DataDir: dir, Logger: quiet}, "portal"); !errors.Is(err, db.ErrAlreadyRunning) {
		t.Errorf("second start on the same folder: %v, want ErrAlreadyRunning", err)
	}
	conn, err := db.Open(ctx, first.URL("portal"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Exec(`CREATE TABLE kept (v text); INSERT INTO kept VALUES ('still here')`); err != nil {
		t.Fatal(err)
	}
	conn.Close()
	if err := first.Stop(); err != nil {
		t.Fatal(err)
	}
	second, err := db.StartServer(ctx, db.ServerOptions{DataDir: dir, Logger: quiet}, "portal")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := second.Stop(); err != nil {
			t.Error(err)
		}
	})
	conn, err = db.Open(ctx, second.URL("portal"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var v string
	if err := conn.Get(&v, `SELECT v FROM kept`); err != nil || v != "still here" {
		t.Fatalf("data after restart: %q, %v", v, err)
	}
}
