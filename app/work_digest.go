package app

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
	"portal/app/locale"
)

// DigestHour is the hour (Brussels) from which the daily digest of new work items goes out: before the working
// day starts, after the night's jobs.
const DigestHour = 7

// WorkCount is how many items of one kind the digest reports.
type WorkCount struct {
	Kind  string
	Count int
}

// WorkDigest reports whether the actor chose the daily digest mail of new work items. Office roles only (the
// digest counts the office's queue).
func (a *App) WorkDigest(ctx context.Context, actor Actor) (bool, error) {
	if err := actor.Allow(OfficeRoles); err != nil {
		return false, err
	}
	return workDigestOf(ctx, a.Store.DB, actor.ID())
}

// SetWorkDigest turns the actor's daily digest mail on or off, audited. Office roles only.
func (a *App) SetWorkDigest(ctx context.Context, actor Actor, on bool) error {
	if err := actor.Allow(OfficeRoles); err != nil {
		return err
	}
	return a.Store.tx(ctx, func(tx *sqlx.Tx) error {
		if err := setWorkDigest(ctx, tx, actor.ID(), on); err != nil {
			return err
		}
		by := actor.ID()
		return a.Audit(ctx, tx, AuditEntry{StaffID: &by, Action: AuditWorkDigest, Detail: map[string]any{"on": on}})
	})
}

// SendWorkDigests queues, once a day from DigestHour (Brussels) and in one process only, the digest mail to every
// active office staff member who chose it: how many items of each kind arose in the 24 hours before now, and the
// link to the dashboard; no names, no groups, no topics (a mailbox is read on many devices). Nobody gets a mail
// on a day without new items. The dedupe key (kind, day, staff member) makes a second run the same day harmless.
// It returns how many digests it queued; before DigestHour or when the day's run is done, 0.
func (a *App) SendWorkDigests(ctx context.Context) (int, error) {
	if a.Now().In(locale.Brussels).Hour() < DigestHour {
		return 0, nil
	}
	claimed, err := a.claimDay(ctx, "work_digest")
	if err != nil || !claimed {
		return 0, err
	}
	day := a.today()
	n, err := a.sendWorkDigests(ctx, day)
	if err != nil {
		if rerr := a.Store.releaseJobRun(context.WithoutCancel(ctx), "work_digest", day); rerr != nil {
			a.Log.Error("job: release work digest", "err", rerr.Error())
		}
		return n, err
	}
	return n, a.Store.finishJobRun(context.WithoutCancel(ctx), "work_digest", day, a.Now())
}

func (a *App) sendWorkDigests(ctx context.Context, day string) (int, error) {
	ids, err := workDigestReaders(ctx, a.Store.DB)
	if err != nil {
		return 0, err
	}
	since := a.Now().Add(-24 * time.Hour)
	sent := 0
	for _, id := range ids {
		actor, err := a.ActorOf(ctx, Staff{ID: id})
		if err != nil {
			return sent, err
		}
		if actor.Allow(OfficeRoles) != nil {
			continue
		}
		items, err := a.workQueue(ctx, actor)
		if err != nil {
			return sent, err
		}
		counts := newWorkCounts(items, since, a.Now())
		if len(counts) == 0 {
			continue
		}
		params := map[string]any{}
		for _, c := range counts {
			params[c.Kind] = c.Count
		}
		err = a.Store.tx(ctx, func(tx *sqlx.Tx) error {
			return a.enqueue(ctx, tx, Mail{DedupeKey: fmt.Sprintf("%s:%s:%d", MailWorkDigest, day, id),
				Kind: MailWorkDigest, StaffID: &id, Params: map[string]any{"counts": params}})
		})
		if err != nil {
			return sent, err
		}
		sent++
	}
	return sent, nil
}

// newWorkCounts counts, per kind in the order of QueueKinds, the items that arose in (since, now].
func newWorkCounts(items []WorkQueueItem, since, now time.Time) []WorkCount {
	per := map[string]int{}
	for _, it := range items {
		if it.Since.After(since) && !it.Since.After(now) {
			per[it.Kind]++
		}
	}
	var out []WorkCount
	for _, k := range QueueKinds {
		if per[k] > 0 {
			out = append(out, WorkCount{Kind: k, Count: per[k]})
		}
	}
	return out
}

// workCountsOf reads a digest's counts from its params ({"counts": {"kind": n}}), in the order of QueueKinds;
// unknown kinds and odd values are left out.
func workCountsOf(params map[string]any) []WorkCount {
	m, _ := params["counts"].(map[string]any)
	var out []WorkCount
	for _, k := range QueueKinds {
		if n, ok := m[k].(float64); ok && n > 0 {
			out = append(out, WorkCount{Kind: k, Count: int(n)})
		}
	}
	return out
}
