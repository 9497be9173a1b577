package app_test

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"github.com/lib/pq"

	"portal/app"
)

// A worker that records its outcomes again because the answer to the first try was lost (the commit went
// through) changes nothing and loses nothing; a mail another worker took over is reported as lost.
func TestRecordMailTwiceAndRenewMail(t *testing.T) {
	a, now := mailWorld(t)
	ctx := context.Background()
	queueMany(t, a, 3)
	ids, err := a.Store.ClaimMail(ctx, "w", 10, *now, time.Minute)
	if err != nil || len(ids) != 3 {
		t.Fatal(ids, err)
	}
	// Renewing moves the claims on; a mail that is not this worker's is not renewed.
	later := now.Add(30 * time.Second)
	mine, err := a.Store.RenewMail(ctx, "w", later, ids)
	if err != nil || len(mine) != 3 {
		t.Fatalf("renew: %v %v", mine, err)
	}
	if mine, err := a.Store.RenewMail(ctx, "other", later, ids); err != nil || len(mine) != 0 {
		t.Fatalf("another worker renewed %v %v", mine, err)
	}
	// 40 s after the claim but 10 s after the renewal: nothing has stalled for a minute.
	if got, err := a.Store.ClaimMail(ctx, "other", 10, now.Add(40*time.Second), 30*time.Second); err != nil || len(got) != 0 {
		t.Fatalf("renewed mail taken over: %v %v", got, err)
	}
	outcomes := []app.MailOutcome{{ID: ids[0], Status: app.OutboxSent}, {ID: ids[1], Status: app.OutboxSent}}
	for try := range 2 {
		lost, err := a.Store.RecordMail(ctx, "w", later, outcomes)
		if err != nil || len(lost) != 0 {
			t.Fatalf("try %d: lost %v, %v", try+1, lost, err)
		}
	}
	var attempts int
	if err := a.Store.DB.Get(&attempts, `SELECT count(*) FROM outbox_attempts WHERE outbox_id = ANY($1)`,
		pq.Int64Array(ids[:2])); err != nil || attempts != 2 {
		t.Fatalf("%d attempts recorded for two mails (%v)", attempts, err)
	}
	// The third stalls (no renewal for over a minute) and another worker takes it: that one is lost.
	if got, err := a.Store.ClaimMail(ctx, "other", 10, later.Add(2*time.Minute), time.Minute); err != nil || len(got) != 1 {
		t.Fatalf("stalled mail not taken over: %v %v", got, err)
	}
	if lost, err := a.Store.RecordMail(ctx, "w", later.Add(2*time.Minute), []app.MailOutcome{{ID: ids[2], Status: app.OutboxSent}}); err != nil || len(lost) != 1 {
		t.Fatalf("taken-over mail not reported lost: %v %v", lost, err)
	}
}

// A worker whose claim's answer was lost hands back everything its name still holds, and nothing of another's:
// the mails are due again at once, their attempt not counted.
func TestReleaseOrphansHandsBackOnlyThisWorkersClaims(t *testing.T) {
	a, now := mailWorld(t)
	ctx := context.Background()
	queueMany(t, a, 5)
	lost, err := a.Store.ClaimMail(ctx, "w", 3, *now, time.Minute)
	if err != nil || len(lost) != 3 {
		t.Fatal(lost, err)
	}
	other, err := a.Store.ClaimMail(ctx, "v", 10, *now, time.Minute)
	if err != nil || len(other) != 2 {
		t.Fatal(other, err)
	}
	if n, err := a.Store.ReleaseOrphans(ctx, "w", lost[:1]); err != nil || n != 2 {
		t.Fatalf("released %d, %v; want 2 (the third is still held)", n, err)
	}
	var kept string
	if err := a.Store.DB.Get(&kept, `SELECT status FROM outbox WHERE id = $1`, lost[0]); err != nil || kept != "sending" {
		t.Fatalf("a mail still held was handed back: %q, %v", kept, err)
	}
	if n, err := a.Store.ReleaseOrphans(ctx, "w", nil); err != nil || n != 1 {
		t.Fatalf("released %d, %v; want 1", n, err)
	}
	var rows []struct {
		Status   string         `db:"status"`
		Attempts int            `db:"attempts"`
		By       sql.NullString `db:"claimed_by"`
	}
	if err := a.Store.DB.Select(&rows, `SELECT status, attempts, claimed_by FROM outbox WHERE id = ANY($1) ORDER BY id`,
		pq.Int64Array(lost)); err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if r.Status != app.OutboxQueued || r.Attempts != 0 || r.By.Valid {
			t.Errorf("handed back: %+v", r)
		}
	}
	if mine, err := a.Store.RenewMail(ctx, "v", *now, other); err != nil || len(mine) != 2 {
		t.Errorf("the other worker's claims: %v %v", mine, err)
	}
	if again, err := a.Store.ClaimMail(ctx, "u", 10, *now, time.Minute); err != nil || len(again) != 3 {
		t.Errorf("claimed again: %v %v; want the three handed back", again, err)
	}
}
