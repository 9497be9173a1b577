package app

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

// Queries on audit_log: who did what, when.

// insertAuditRow writes one line of the audit log at time at; detail is the entry's detail as JSON.
func insertAuditRow(ctx context.Context, q sqlx.ExecerContext, at time.Time, e AuditEntry, detail []byte) error {
	_, err := q.ExecContext(ctx, `INSERT INTO audit_log (at, staff_id, actor, action, person_id, registration_id,
			group_id, detail)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		at, e.StaffID, e.Actor, e.Action, e.PersonID, e.RegistrationID, e.GroupID, detail)
	if err != nil {
		return fmt.Errorf("store: unable to write audit log: %w", err)
	}
	return nil
}

// AuditLog is auditLogPage on the database, for callers outside a transaction.
func (s *Store) AuditLog(ctx context.Context, f AuditFilter) ([]AuditRow, bool, error) {
	return auditLogPage(ctx, s.DB, f)
}

// auditLogPage returns one page of the audit log, newest first, and whether an older page exists.
func auditLogPage(ctx context.Context, q sqlx.QueryerContext, f AuditFilter) ([]AuditRow, bool, error) {
	f.Page = min(max(f.Page, 1), 100000) // beyond that the offset would overflow; nobody pages that far
	var from, to *time.Time
	if !f.From.IsZero() {
		from = &f.From
	}
	if !f.To.IsZero() {
		end := f.To.AddDate(0, 0, 1)
		to = &end
	}
	var rows []AuditRow
	err := sqlx.SelectContext(ctx, q, &rows, `SELECT l.id, l.at, l.staff_id, u.name AS staff_name, l.actor, l.action,
			l.person_id, l.registration_id, l.group_id, l.detail::text AS detail
		FROM audit_log l LEFT JOIN staff_users u ON u.id = l.staff_id
		WHERE ($1::bigint = 0 OR l.person_id = $1)
		  AND ($2::bigint = 0 OR l.staff_id = $2)
		  AND ($3::timestamptz IS NULL OR l.at >= $3)
		  AND ($4::timestamptz IS NULL OR l.at < $4)
		ORDER BY l.at DESC, l.id DESC
		LIMIT $5 OFFSET $6`,
		f.PersonID, f.StaffID, from, to, AuditPageSize+1, (f.Page-1)*AuditPageSize)
	if err != nil {
		return nil, false, fmt.Errorf("store: unable to read audit log: %w", err)
	}
	more := len(rows) > AuditPageSize
	if more {
		rows = rows[:AuditPageSize]
	}
	return rows, more, nil
}
