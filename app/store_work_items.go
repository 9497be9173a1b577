package app

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// addWorkItem records a work item for staff in the caller's transaction. detail (the person's own words or
// wishes) is stored encrypted. An open item of the same kind for the same registration and session is kept, with
// the newest detail but its first time: the queue is oldest first, the digest counts what is new, and the
// reconciliation raises a "free seat" item again every minute while the seat stays free.
func (a *App) addWorkItem(ctx context.Context, q sqlx.ExecerContext, w WorkItem, detail string) error {
	var enc []byte
	if detail != "" {
		enc = a.Keys.Encrypt(detail)
	}
	_, err := q.ExecContext(ctx, `INSERT INTO work_items (kind, registration_id, person_id, group_id, session_id,
			detail_enc, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)
		ON CONFLICT (kind, registration_id, (COALESCE(session_id, 0))) WHERE done_at IS NULL
		DO UPDATE SET detail_enc = EXCLUDED.detail_enc`,
		w.Kind, w.RegistrationID, w.PersonID, w.GroupID, w.SessionID, enc, a.Now())
	if err != nil {
		return fmt.Errorf("store: unable to add a work item: %w", err)
	}
	return nil
}

// workItemColumns are the columns of a work item as lists show it.
const workItemColumns = `w.id, w.kind, w.registration_id, w.person_id, w.group_id, w.session_id, w.detail_enc,
	w.created_at, w.done_at, w.done_by, p.display_name_enc, s.starts_at AS session_starts_at`

// openWorkItems lists the open work items, oldest first.
func (a *App) openWorkItems(ctx context.Context, q sqlx.QueryerContext) ([]WorkItem, error) {
	var out []WorkItem
	if err := sqlx.SelectContext(ctx, q, &out, `SELECT `+workItemColumns+`
		FROM work_items w LEFT JOIN people p ON p.id = w.person_id LEFT JOIN sessions s ON s.id = w.session_id
		WHERE w.done_at IS NULL ORDER BY w.created_at, w.id`); err != nil {
		return nil, fmt.Errorf("store: unable to list work items: %w", err)
	}
	openNames(a.Keys, out, func(w *WorkItem) ([]byte, *string) { return w.PersonNameEnc, &w.PersonName })
	return out, nil
}

// markWorkItemDone closes open work item id for staff member staffID and returns it; ErrNotFound when there is
// no such open item.
func (a *App) markWorkItemDone(ctx context.Context, tx *sqlx.Tx, staffID, id int64) (WorkItem, error) {
	var w WorkItem
	err := tx.GetContext(ctx, &w, `UPDATE work_items w SET done_at = $3, done_by = $2
		FROM work_items o LEFT JOIN people p ON p.id = o.person_id LEFT JOIN sessions s ON s.id = o.session_id
		WHERE w.id = $1 AND o.id = w.id AND w.done_at IS NULL
		RETURNING `+workItemColumns, id, staffID, a.Now())
	if errors.Is(err, sql.ErrNoRows) {
		return w, ErrNotFound
	}
	if err != nil {
		return w, fmt.Errorf("store: unable to close a work item: %w", err)
	}
	w.PersonName = a.Keys.MustDecrypt(w.PersonNameEnc)
	return w, nil
}

// closeWorkItems closes the open items of kind for registration regID (staff did what they ask).
func (a *App) closeWorkItems(ctx context.Context, q sqlx.ExecerContext, staffID, regID int64, kind string) error {
	if _, err := q.ExecContext(ctx, `UPDATE work_items SET done_at = $4, done_by = $1
		WHERE registration_id = $2 AND kind = $3 AND done_at IS NULL`, staffID, regID, kind, a.Now()); err != nil {
		return fmt.Errorf("store: unable to close work items: %w", err)
	}
	return nil
}

// closeSeatFreeItems closes the open "free seat, people waiting" items of group groupID except those about a
// registration in keep (nobody closes them: the portal saw the seat taken, or the person gone).
func closeSeatFreeItems(ctx context.Context, q sqlx.ExecerContext, groupID int64, keep []int64, now time.Time) error {
	if _, err := q.ExecContext(ctx, `UPDATE work_items SET done_at = $3
		WHERE group_id = $1 AND kind = 'seat_free' AND done_at IS NULL AND NOT (registration_id = ANY($2))`,
		groupID, pq.Array(keep), now); err != nil {
		return fmt.Errorf("store: unable to close work items: %w", err)
	}
	return nil
}

// confirmContactChange clears the "changed online" mark of person personID.
func (a *App) confirmContactChange(ctx context.Context, q sqlx.ExecerContext, personID int64) error {
	if _, err := q.ExecContext(ctx, `UPDATE people SET contact_changed_at = NULL, contact_previous_enc = NULL
		WHERE id = $1`, personID); err != nil {
		return fmt.Errorf("store: unable to confirm a contact change: %w", err)
	}
	return nil
}

// contactChangeOf reads when the contact details of registration regID's person were changed online (nil when
// confirmed or never) and the encrypted details from before.
func (a *App) contactChangeOf(ctx context.Context, q sqlx.QueryerContext, regID int64) (*time.Time, []byte, error) {
	var row struct {
		At       *time.Time `db:"contact_changed_at"`
		Previous []byte     `db:"contact_previous_enc"`
	}
	err := sqlx.GetContext(ctx, q, &row, `SELECT p.contact_changed_at, p.contact_previous_enc
		FROM registrations r JOIN people p ON p.id = r.person_id WHERE r.id = $1`, regID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, ErrNotFound
	}
	if err != nil {
		return nil, nil, fmt.Errorf("store: unable to read a contact change: %w", err)
	}
	return row.At, row.Previous, nil
}
