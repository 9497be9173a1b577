package app_test

import (
	"sync"
	"sync/atomic"
	"testing"

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
