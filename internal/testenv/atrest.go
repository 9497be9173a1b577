package testenv

import (
	"bytes"
	"context"
	"encoding/hex"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// Dump returns the plain SQL dump pg_dump makes of the database at url (schema and every row): what someone
// holding a leaked backup would read. It fails the test when no pg_dump is installed (Debian:
// postgresql-client).
func Dump(t testing.TB, url string) []byte {
	t.Helper()
	bin, err := exec.LookPath("pg_dump")
	if err != nil {
		// Debian keeps the versioned tools beside the server; the newest suits every older server.
		found, _ := filepath.Glob("/usr/lib/postgresql/*/bin/pg_dump") // Glob fails only on a malformed pattern
		if len(found) == 0 {
			t.Fatal("testenv: pg_dump not found (install postgresql-client)")
		}
		slices.Sort(found)
		bin = found[len(found)-1]
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var out, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, bin, "--no-owner", "--no-privileges", "--dbname", url)
	cmd.Stdout, cmd.Stderr = &out, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("testenv: pg_dump: %v: %s", err, stderr.Bytes())
	}
	if out.Len() < 1000 || !bytes.Contains(out.Bytes(), []byte("CREATE TABLE public.people")) {
		t.Fatalf("testenv: pg_dump wrote %d bytes without the people table", out.Len())
	}
	return out.Bytes()
}

// InDump returns each secret found in dump: as its bytes case-insensitively (text columns, JSON, a bytea
// printed as escaped text), or as the hex of its bytes (a clear value in a bytea column, as pg_dump writes
// bytea). secrets should be unique enough not to occur by chance (a test's own markers).
func InDump(dump []byte, secrets ...string) []string {
	lower := bytes.ToLower(dump)
	var found []string
	for _, s := range secrets {
		text := bytes.ToLower([]byte(s))
		if bytes.Contains(lower, text) || bytes.Contains(lower, []byte(hex.EncodeToString([]byte(s)))) {
			found = append(found, s)
		}
	}
	return found
}
