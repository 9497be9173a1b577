package app_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"portal/app"
	"portal/internal/fixtures"
)

func queueMany(t *testing.T, a *app.App, n int) []int64 {
	t.Helper()
	p := fixtures.AddPerson(t, a, fixtures.Person{Kind: "professional", Email: "pro@example.org"})
	var ids []int64
	for i := range n {
		ids = append(ids, fixtures.Queue(t, a, app.Mail{DedupeKey: fmt.Sprint("test:", i), Kind: app.MailLinkAgain,
			PersonID: &p, Secret: "token"}))
	}
	return ids
}

func TestClaimMailTakesEachRowOnce(t *testing.T) {
	a, _ := mailWorld(t)
	ctx := context.Background()
	ids := queueMany(t, a, 300)
	var mu sync.Mutex
	claimed := map[int64]string{}
	var wg sync.WaitGroup
	for w := range 8 {
		worker := fmt.Sprint("w", w)
		wg.Go(func() {
			for {
				got, err := a.Store.ClaimMail(ctx, worker, 7, a.Now(), time.Minute)
				if err != nil {
					t.Error(err)
					return
				}
				if len(got) == 0 {
					return
				}
				mu.Lock()
				for _, id := range got {
					if other, dup := claimed[id]; dup {
						t.Errorf("mail %d claimed by %s and %s", id, other, worker)
					}
					claimed[id] = worker
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if len(claimed) != len(ids) {
		t.Fatalf("%d of %d mails claimed", len(claimed), len(ids))
	}
	for _, r := range fixtures.Rows(t, a, "") {
		if r.Status != app.OutboxSending || r.Attempts != 1 {
			t.Errorf("mail %d: %s after %d attempts", r.ID, r.Status, r.Attempts)
		}
	}
}

func TestClaimMailTakesStalledRowsAgain(t *testing.T) {
	a, now := mailWorld(t)
	ctx := context.Background()
	queueMany(t, a, 3)
	stall := 10 * time.Minute
	dead, err := a.Store.ClaimMail(ctx, "dead", 10, *now, stall)
	if err != nil || len(dead) != 3 {
		t.Fatalf("claim: %v %v", dead, err)
	}
	// Within the stall timeout the rows stay with their worker.
	if got, err := a.Store.ClaimMail(ctx, "alive", 10, now.Add(stall-time.Second), stall); err != nil {
		t.Fatal(err)
	} else if len(got) != 0 {
		t.Fatalf("took %d rows from a worker that may still be busy", len(got))
	}
	// After it, another worker takes them, and the lost attempt is on record.
	got, err := a.Store.ClaimMail(ctx, "alive", 10, now.Add(stall+time.Second), stall)
	if err != nil || len(got) != 3 {
		t.Fatalf("after the stall timeout: %v %v", got, err)
	}
	e, attempts, err := a.OutboxItem(ctx, fixtures.Actor(t, a, fixtures.AddStaff(t, a, "c@example.org", "C", app.RoleCoordinator, "")), got[0])
	if err != nil {
		t.Fatal(err)
	}
	if e.Attempts != 2 || e.ClaimedBy == nil || *e.ClaimedBy != "alive" {
		t.Errorf("reclaimed row: %+v", e)
	}
	if len(attempts) != 1 || attempts[0].OK || attempts[0].Worker != "dead" {
		t.Errorf("attempts: %+v", attempts)
	}
	// The dead worker's late answer no longer counts as the row's outcome.
	lost, err := a.Store.RecordMail(ctx, "dead", *now, []app.MailOutcome{{ID: got[0], Status: app.OutboxSent}})
	if err != nil || len(lost) != 1 || lost[0] != got[0] {
		t.Errorf("late mark by the dead worker: lost %v, err %v", lost, err)
	}

	// A row that keeps stalling until it has no attempts left fails instead of looping.
	if _, err := a.Store.DB.Exec(`UPDATE outbox SET max_attempts = 2 WHERE id = $1`, got[1]); err != nil {
		t.Fatal(err)
	}
	again, err := a.Store.ClaimMail(ctx, "third", 10, now.Add(3*stall), stall)
	if err != nil {
		t.Fatal(err)
	}
	if len(again) != 2 {
		t.Errorf("claimed %v, want the two rows with attempts left", again)
	}
	for _, r := range fixtures.Rows(t, a, "") {
		if r.ID == got[1] && (r.Status != app.OutboxFailed || r.HasSecret) {
			t.Errorf("exhausted stalled row: %s, secret kept %v", r.Status, r.HasSecret)
		}
	}
}

func TestRecordMailOutcomes(t *testing.T) {
	a, now := mailWorld(t)
	ctx := context.Background()
	queueMany(t, a, 4)
	ids, err := a.Store.ClaimMail(ctx, "w", 10, *now, time.Minute)
	if err != nil || len(ids) != 4 {
		t.Fatal(ids, err)
	}
	retry := now.Add(app.RetryDelay(1))
	lost, err := a.Store.RecordMail(ctx, "w", *now, []app.MailOutcome{
		{ID: ids[0], Status: app.OutboxSent, Subject: "Onderwerp", MessageID: "<x@localhost>"},
		{ID: ids[1], Status: app.OutboxRetrying, RetryAt: retry, Error: "connection refused"},
		{ID: ids[2], Status: app.OutboxFailed, Error: "550 no such user"},
		{ID: ids[3], Status: app.OutboxCancelled, Error: "no e-mail address"},
	})
	if err != nil || len(lost) != 0 {
		t.Fatal(lost, err)
	}
	want := map[int64]struct {
		status string
		secret bool
	}{ids[0]: {app.OutboxSent, false}, ids[1]: {app.OutboxRetrying, true}, ids[2]: {app.OutboxFailed, false},
		ids[3]: {app.OutboxCancelled, false}}
	for _, r := range fixtures.Rows(t, a, "") {
		w := want[r.ID]
		if r.Status != w.status || r.HasSecret != w.secret {
			t.Errorf("mail %d: %s secret=%v, want %s secret=%v", r.ID, r.Status, r.HasSecret, w.status, w.secret)
		}
		if r.ID == ids[1] && !r.DueAt.Equal(retry) {
			t.Errorf("retry due %v, want %v", r.DueAt, retry)
		}
	}
	var attempts []struct {
		OK    bool   `db:"ok"`
		Error string `db:"error"`
	}
	if err := a.Store.DB.Select(&attempts, `SELECT ok, error FROM outbox_attempts ORDER BY outbox_id`); err != nil {
		t.Fatal(err)
	}
	if len(attempts) != 4 || !attempts[0].OK || attempts[1].OK || attempts[1].Error != "connection refused" ||
		attempts[3].Error != "not sent: no e-mail address" {
		t.Errorf("attempts %+v", attempts)
	}
	// The retrying mail is not due before its time.
	if got, err := a.Store.ClaimMail(ctx, "w", 10, retry.Add(-time.Second), time.Minute); err != nil {
		t.Fatal(err)
	} else if len(got) != 0 {
		t.Errorf("claimed %v before the retry time", got)
	}
	if got, err := a.Store.ClaimMail(ctx, "w", 10, retry, time.Minute); err != nil {
		t.Fatal(err)
	} else if len(got) != 1 || got[0] != ids[1] {
		t.Errorf("claimed %v at the retry time, want [%d]", got, ids[1])
	}
	// Handing back what was not tried restores the row as it was.
	if err := a.Store.ReleaseMail(ctx, []int64{ids[1]}, "w"); err != nil {
		t.Fatal(err)
	}
	for _, r := range fixtures.Rows(t, a, "") {
		if r.ID == ids[1] && (r.Status != app.OutboxRetrying || r.Attempts != 1) {
			t.Errorf("released: %s after %d attempts", r.Status, r.Attempts)
		}
	}
}

func TestRetryDelayDoublesUpToACap(t *testing.T) {
	for attempts, want := range map[int]time.Duration{1: time.Minute, 2: 2 * time.Minute, 3: 4 * time.Minute,
		8: 128 * time.Minute, 12: 6 * time.Hour, 50: 6 * time.Hour} {
		if got := app.RetryDelay(attempts); got != want {
			t.Errorf("after %d attempts: %v, want %v", attempts, got, want)
		}
	}
}

func TestOutboxForStaff(t *testing.T) {
	a, now := mailWorld(t)
	ctx := context.Background()
	coordinator := fixtures.Actor(t, a, fixtures.AddStaff(t, a, "c@example.org", "C", app.RoleCoordinator, ""))
	facilitator := fixtures.Actor(t, a, fixtures.AddStaff(t, a, "f@example.org", "F", app.RoleFacilitator, ""))
	ids := queueMany(t, a, 5)
	claimed, err := a.Store.ClaimMail(ctx, "w", 2, *now, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Store.RecordMail(ctx, "w", *now, []app.MailOutcome{
		{ID: claimed[0], Status: app.OutboxSent, Subject: "Je persoonlijke link", MessageID: "<a@b>"},
		{ID: claimed[1], Status: app.OutboxFailed, Error: "550 unknown"},
	}); err != nil {
		t.Fatal(err)
	}

	if _, err := a.OutboxList(ctx, facilitator, app.OutboxFilter{}); !errors.Is(err, app.ErrForbidden) {
		t.Errorf("a facilitator saw the whole outbox: %v", err)
	}
	if err := a.ResendMail(ctx, facilitator, claimed[0]); !errors.Is(err, app.ErrForbidden) {
		t.Errorf("a facilitator resent mail: %v", err)
	}
	page, err := a.OutboxList(ctx, coordinator, app.OutboxFilter{Limit: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Entries) != 2 || page.Entries[0].ID != ids[4] || page.NextBeforeID != ids[3] {
		t.Errorf("first page: %+v next %d", page.Entries, page.NextBeforeID)
	}
	if page.Counts[app.OutboxQueued] != 3 || page.Counts[app.OutboxSent] != 1 || page.Counts[app.OutboxFailed] != 1 {
		t.Errorf("counts %v", page.Counts)
	}
	next, err := a.OutboxList(ctx, coordinator, app.OutboxFilter{Limit: 2, BeforeID: page.NextBeforeID})
	if err != nil || len(next.Entries) != 2 || next.Entries[0].ID != ids[2] {
		t.Errorf("second page: %+v %v", next.Entries, err)
	}
	failed, err := a.OutboxList(ctx, coordinator, app.OutboxFilter{Status: app.OutboxFailed})
	if err != nil || len(failed.Entries) != 1 || failed.Entries[0].LastError != "550 unknown" {
		t.Errorf("failed filter: %+v %v", failed.Entries, err)
	}

	// Resend: back in the queue with its history, written to the audit log.
	for _, id := range claimed {
		if err := a.ResendMail(ctx, coordinator, id); err != nil {
			t.Fatal(err)
		}
		e, attempts, err := a.OutboxItem(ctx, coordinator, id)
		if err != nil {
			t.Fatal(err)
		}
		if e.Status != app.OutboxQueued || e.Attempts != 0 || len(attempts) != 1 {
			t.Errorf("resent mail %d: %s, %d attempts, history %d", id, e.Status, e.Attempts, len(attempts))
		}
	}
	if err := a.ResendMail(ctx, coordinator, ids[4]); !errors.Is(err, app.ErrTransition) {
		t.Errorf("resent a mail still waiting: %v", err)
	}
	if _, _, err := a.OutboxItem(ctx, coordinator, 424242); !errors.Is(err, app.ErrNotFound) {
		t.Errorf("unknown mail: %v", err)
	}
	var audits int
	if err := a.Store.DB.Get(&audits, `SELECT count(*) FROM audit_log WHERE action = $1 AND staff_id = $2`, app.AuditMailResend,
		coordinator.ID()); err != nil || audits != 2 {
		t.Errorf("%d audit entries (%v), want 2", audits, err)
	}
}
