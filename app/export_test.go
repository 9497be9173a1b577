package app

import (
	"context"

	"github.com/jmoiron/sqlx"
)

// ClaimDayForTest exposes claimDay to the tests of package app_test.
func (a *App) ClaimDayForTest(ctx context.Context, job string) (bool, error) {
	return a.claimDay(ctx, job)
}

// Test doors to the reminder planning, which workflows call inside their own transactions.

func (a *App) PlanReminders(ctx context.Context, registrationID int64) error {
	return a.Store.tx(ctx, func(tx *sqlx.Tx) error { return a.planReminders(ctx, tx, registrationID) })
}

func (a *App) PlanSessionReminders(ctx context.Context, sessionID int64) error {
	return a.Store.tx(ctx, func(tx *sqlx.Tx) error { return a.planSessionReminders(ctx, tx, sessionID) })
}

func (a *App) DropReminders(ctx context.Context, registrationID int64, sessionID *int64) error {
	return a.Store.tx(ctx, func(tx *sqlx.Tx) error { return a.dropReminders(ctx, tx, registrationID, sessionID) })
}
