package app_test

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"portal/app"
)

func TestDailyJobRunsOncePerDayAcrossProcesses(t *testing.T) {
	a := seeded(t)
	var ran atomic.Int32
	var wg sync.WaitGroup
	for range 8 {
		b, err := app.New(a.Store.DB, a.Config, a.Log) // eight portal processes on one database
		if err != nil {
			t.Fatal(err)
		}
		b.Now = a.Now
		wg.Add(1)
		go func() {
			defer wg.Done()
			if ok, err := b.ClaimDayForTest(t.Context(), "daily"); err != nil {
				t.Error(err)
			} else if ok {
				ran.Add(1)
			}
		}()
	}
	wg.Wait()
	if ran.Load() != 1 {
		t.Errorf("the daily job ran %d times, want 1", ran.Load())
	}
}

// A daily run whose process died midway (claimed, never finished) is run again the same day once it is stale;
// a finished run is not.
func TestDailyJobRunsAgainWhenARunDidNotFinish(t *testing.T) {
	a := seeded(t)
	ctx := t.Context()
	start := a.Now()
	claim := func(want bool) {
		t.Helper()
		if ok, err := a.ClaimDayForTest(ctx, "daily"); err != nil || ok != want {
			t.Fatalf("claim at %v: %v %v, want %v", a.Now().Sub(start), ok, err, want)
		}
	}
	claim(true)
	claim(false) // running
	a.Now = func() time.Time { return start.Add(app.StaleJobRun - time.Minute) }
	claim(false) // maybe still running
	a.Now = func() time.Time { return start.Add(app.StaleJobRun + time.Minute) }
	claim(true) // its process died: run again
	if err := a.FinishDayForTest(ctx, "daily"); err != nil {
		t.Fatal(err)
	}
	a.Now = func() time.Time { return start.Add(3 * app.StaleJobRun) }
	claim(false) // done for today
}
