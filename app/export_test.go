package app

import "context"

// ClaimDayForTest exposes claimDay to the tests of package app_test.
func (a *App) ClaimDayForTest(ctx context.Context, job string) (bool, error) {
	return a.claimDay(ctx, job)
}
