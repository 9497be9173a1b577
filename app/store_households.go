package app

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"
)

// insertHousehold creates a household and returns its id: the link between a family's registrations.
func insertHousehold(ctx context.Context, tx sqlx.QueryerContext) (int64, error) {
	var id int64
	if err := sqlx.GetContext(ctx, tx, &id, `INSERT INTO households DEFAULT VALUES RETURNING id`); err != nil {
		return 0, fmt.Errorf("store: unable to create household: %w", err)
	}
	return id, nil
}
