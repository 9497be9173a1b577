package app

import (
	"context"

	"github.com/jmoiron/sqlx"
)

// Separate marks two people who must never be in the same group. It reports the groups where both are active
// right now, so staff can act; the portal refuses any new placement that would bring them together.
func (a *App) Separate(ctx context.Context, actor Actor, personA, personB int64) (shared []int64, err error) {
	if err := actor.Allow(OfficeRoles); err != nil {
		return nil, err
	}
	staffID := actor.ID()
	if personA == personB {
		return nil, &ValidationError{Fields: map[string]string{"other": "form.separation.self"}}
	}
	if personA > personB {
		personA, personB = personB, personA
	}
	err = a.Store.tx(ctx, func(tx *sqlx.Tx) error {
		if err := insertSeparation(ctx, tx, personA, personB, staffID); err != nil {
			return err
		}
		if err := a.Audit(ctx, tx, AuditEntry{StaffID: &staffID, Action: AuditSeparationCreate, PersonID: &personA,
			Detail: map[string]any{"other_person": personB}}); err != nil {
			return err
		}
		shared, err = sharedGroups(ctx, tx, personA, personB)
		return err
	})
	return shared, err
}
