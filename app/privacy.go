package app

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

// anonymise removes everything that identifies a person, in place: the row stays (as a number) so that
// attendance and other counts keep adding up, but no name, contact detail, free text, consent, separation or
// pending mail is left.
func anonymise(ctx context.Context, tx *sqlx.Tx, personID int64, now time.Time) error {
	if _, err := tx.ExecContext(ctx, `UPDATE people SET display_name = '', email_enc = NULL, email_hash = NULL,
			phone_enc = NULL, organisation = '', municipality = '', age = NULL, safe_times_enc = NULL,
			contact_email = false, contact_phone = false, contact_sms = false, voicemail_ok = false, ics_opt_in = false,
			anonymised_at = COALESCE(anonymised_at, $2)
		WHERE id = $1`, personID, now); err != nil {
		return fmt.Errorf("store: unable to anonymise person: %w", err)
	}
	steps := []struct{ what, sql string }{
		{"registrations", `UPDATE registrations SET message_enc = NULL, intake_note_enc = NULL, decline_reason = '',
			referrer_detail = '', token_hash = NULL WHERE person_id = $1`},
		{"links", `DELETE FROM registration_tokens WHERE registration_id IN (SELECT id FROM registrations WHERE person_id = $1)`},
		{"consents", `DELETE FROM consents WHERE person_id = $1`},
		{"referral notes", `UPDATE onward_referrals SET note_enc = NULL WHERE person_id = $1`},
		{"separations", `DELETE FROM separations WHERE person_a = $1 OR person_b = $1`},
		{"mail", `DELETE FROM outbox WHERE person_id = $1`},
	}
	for _, s := range steps {
		if _, err := tx.ExecContext(ctx, s.sql, personID); err != nil {
			return fmt.Errorf("store: unable to anonymise %s: %w", s.what, err)
		}
	}
	return nil
}

// Erase anonymises one person now, at their request (the right to erasure). Counts stay right; the audit log
// records who did it. Admins only (ErrForbidden); ErrNotFound for an unknown person.
func (a *App) Erase(ctx context.Context, actor Actor, personID int64) error {
	if err := actor.Allow(AdminRoles); err != nil {
		return err
	}
	staffID := actor.ID()
	return a.Store.tx(ctx, func(tx *sqlx.Tx) error {
		var exists bool
		if err := tx.GetContext(ctx, &exists, `SELECT EXISTS (SELECT 1 FROM people WHERE id = $1)`, personID); err != nil {
			return fmt.Errorf("store: unable to find person: %w", err)
		}
		if !exists {
			return ErrNotFound
		}
		// Their places end: an erased person is no longer on any list. Groups are locked first (in id order), a
		// freed seat goes to whoever waits, reminders stop.
		var groupIDs []int64
		if err := tx.SelectContext(ctx, &groupIDs, `SELECT DISTINCT group_id FROM registrations WHERE person_id = $1
			AND group_id IS NOT NULL AND status IN ('requested', 'intake_planned', 'admitted', 'waitlisted', 'offered')
			ORDER BY group_id`, personID); err != nil {
			return fmt.Errorf("store: unable to read groups: %w", err)
		}
		groups := map[int64]Group{}
		for _, id := range groupIDs {
			g, err := lockGroup(ctx, tx, id)
			if err != nil {
				return err
			}
			groups[id] = g
		}
		var regs []Registration
		if err := tx.SelectContext(ctx, &regs, `SELECT `+registrationColumns+` FROM registrations WHERE person_id = $1
			AND status IN ('requested', 'intake_planned', 'admitted', 'waitlisted', 'offered') FOR UPDATE`, personID); err != nil {
			return fmt.Errorf("store: unable to read registrations: %w", err)
		}
		type track struct {
			group int64
			child bool
		}
		freed := map[track]bool{}
		for _, r := range regs {
			if r.HoldsSeat() && r.GroupID != nil {
				freed[track{*r.GroupID, r.Role == RoleChild}] = true
			}
			if err := a.setStatus(ctx, tx, r, StatusWithdrawn, &staffID); err != nil {
				return err
			}
			if err := a.dropReminders(ctx, tx, r.ID, nil); err != nil {
				return err
			}
		}
		for tr := range freed {
			if err := a.offerFreedSeats(ctx, tx, groups[tr.group], tr.child); err != nil {
				return err
			}
		}
		if err := a.Audit(ctx, tx, AuditEntry{StaffID: &staffID, Action: "person.erase", PersonID: &personID}); err != nil {
			return err
		}
		return anonymise(ctx, tx, personID, a.Now())
	})
}

// Purge anonymises the people whose every registration belongs to a group that ended longer ago than its
// offering's retention period (or, without a group, ended that long ago) — but only for years whose figures
// are frozen, so the yearly report survives. It returns how many people it anonymised. Several processes may
// run it at once: each person is locked with SKIP LOCKED.
func (a *App) Purge(ctx context.Context) (int, error) {
	var ids []int64
	err := a.Store.DB.SelectContext(ctx, &ids, `
		WITH ended AS (
			SELECT r.person_id,
			       COALESCE((SELECT max(s.ends_at) FROM sessions s WHERE s.group_id = r.group_id),
			                CASE WHEN r.status IN ('declined', 'withdrawn', 'completed') THEN r.updated_at END) AS ended_at,
			       o.retention_days,
			       r.status
			FROM registrations r JOIN offerings o ON o.id = r.offering_id
		)
		SELECT p.id FROM people p
		WHERE p.anonymised_at IS NULL
		  AND EXISTS (SELECT 1 FROM ended e WHERE e.person_id = p.id)
		  AND NOT EXISTS (
			SELECT 1 FROM ended e WHERE e.person_id = p.id AND (
				e.ended_at IS NULL
				OR e.ended_at + make_interval(days => e.retention_days) > $1
				OR NOT EXISTS (SELECT 1 FROM years_closed y
				               WHERE y.year = extract(year FROM e.ended_at AT TIME ZONE 'Europe/Brussels'))
				OR (e.status IN ('requested', 'intake_planned', 'admitted', 'waitlisted', 'offered')
				    AND e.ended_at > $1)))
		ORDER BY p.id LIMIT 1000`, a.Now())
	if err != nil {
		return 0, fmt.Errorf("store: unable to find people to purge: %w", err)
	}
	n := 0
	for _, id := range ids {
		err := a.Store.tx(ctx, func(tx *sqlx.Tx) error {
			var locked int64
			err := tx.GetContext(ctx, &locked, `SELECT id FROM people WHERE id = $1 AND anonymised_at IS NULL
				FOR UPDATE SKIP LOCKED`, id)
			if errors.Is(err, sql.ErrNoRows) {
				return nil // done by another process meanwhile
			}
			if err != nil {
				return fmt.Errorf("store: unable to lock person: %w", err)
			}
			n++
			return anonymise(ctx, tx, id, a.Now())
		})
		if err != nil {
			return n, err
		}
	}
	if _, err := a.Store.DB.ExecContext(ctx, `UPDATE waakvlam_requests w SET contact_name = '', contact_email_enc = NULL,
			contact_email_hash = NULL, contact_phone_enc = NULL, token_hash = NULL
		FROM offerings o
		WHERE o.slug = 'waakvlam' AND w.contact_email_enc IS NOT NULL
		  AND COALESCE((SELECT max(s.ends_at) FROM sessions s WHERE s.group_id = w.group_id), w.updated_at)
		      + make_interval(days => o.retention_days) < $1`, a.Now()); err != nil {
		return n, fmt.Errorf("store: unable to purge Waakvlam contacts: %w", err)
	}
	return n, nil
}

// PersonExport is everything stored about one person, decrypted, and nothing about anyone else.
type PersonExport struct {
	ExportedAt    time.Time         `json:"exported_at"`
	Person        map[string]any    `json:"person"`
	Registrations []map[string]any  `json:"registrations"`
	Attendance    []map[string]any  `json:"attendance"`
	Consents      []map[string]any  `json:"consents"`
	Referrals     []map[string]any  `json:"onward_referrals"`
	Access        []map[string]any  `json:"access_log"`
	Mail          []map[string]any  `json:"mail"`
	Notes         map[string]string `json:"notes"`
}

// ExportPerson gathers everything stored about one person as JSON (the right of access). Household members,
// separations and other participants are left out: they are data about someone else. Admins only
// (ErrForbidden); ErrNotFound for an unknown person. The export is written to the audit log.
func (a *App) ExportPerson(ctx context.Context, actor Actor, personID int64) ([]byte, error) {
	if err := actor.Allow(AdminRoles); err != nil {
		return nil, err
	}
	p, err := personByID(ctx, a.Store.DB, personID)
	if err != nil {
		return nil, err
	}
	c := a.ContactOf(p)
	ex := PersonExport{ExportedAt: a.Now(), Notes: map[string]string{
		"scope": "Alle gegevens die Veilig Huis Rivierenland over deze persoon bewaart, zonder gegevens over anderen.",
	}}
	ex.Person = map[string]any{"id": p.ID, "kind": p.Kind, "name": p.DisplayName, "email": c.Email, "phone": c.Phone,
		"organisation": p.Organisation, "sector": p.Sector, "municipality": p.Municipality, "age": p.Age,
		"contact_by_email": p.ContactEmail, "contact_by_phone": p.ContactPhone, "contact_by_sms": p.ContactSMS,
		"voicemail_ok": p.VoicemailOK, "safe_times": c.SafeTimes, "calendar_invites": p.ICSOptIn, "language": p.Language,
		"created_at": p.CreatedAt, "anonymised_at": p.AnonymisedAt}
	type regRow struct {
		Registration
		Offering string  `db:"offering"`
		Group    *string `db:"group_name"`
	}
	var regs []regRow
	if err := a.Store.DB.SelectContext(ctx, &regs, `SELECT `+prefixed("r.", registrationColumns)+`,
			o.name->>'nl' AS offering, g.name->>'nl' AS group_name
		FROM registrations r JOIN offerings o ON o.id = r.offering_id LEFT JOIN groups g ON g.id = r.group_id
		WHERE r.person_id = $1 ORDER BY r.id`, personID); err != nil {
		return nil, fmt.Errorf("store: unable to export registrations: %w", err)
	}
	for _, r := range regs {
		ex.Registrations = append(ex.Registrations, map[string]any{"id": r.ID, "offering": r.Offering, "group": r.Group,
			"role": r.Role, "status": r.Status, "referrer": r.Referrer, "referrer_detail": r.ReferrerDetail,
			"message": a.Keys.MustDecrypt(r.MessageEnc), "intake_at": r.IntakeAt, "intake_note": a.Keys.MustDecrypt(r.IntakeNoteEnc),
			"decline_reason": r.DeclineReason, "created_at": r.CreatedAt, "updated_at": r.UpdatedAt})
	}
	queries := []struct {
		into *[]map[string]any
		sql  string
	}{
		{&ex.Attendance, `SELECT s.starts_at, a.status, a.by_self, a.recorded_at FROM attendance a JOIN sessions s ON s.id = a.session_id
			WHERE a.person_id = $1 ORDER BY s.starts_at`},
		{&ex.Consents, `SELECT text_version, text, via, given_at FROM consents WHERE person_id = $1 ORDER BY given_at`},
		{&ex.Referrals, `SELECT destination, referred_on FROM onward_referrals WHERE person_id = $1 ORDER BY referred_on`},
		{&ex.Access, `SELECT l.at, l.action, su.role AS staff_role FROM audit_log l LEFT JOIN staff_users su ON su.id = l.staff_id
			WHERE l.person_id = $1 ORDER BY l.at`},
		{&ex.Mail, `SELECT kind, status, created_at, sent_at FROM outbox WHERE person_id = $1 ORDER BY id`},
	}
	for _, q := range queries {
		rows, err := a.Store.DB.QueryxContext(ctx, q.sql, personID)
		if err != nil {
			return nil, fmt.Errorf("store: unable to export: %w", err)
		}
		for rows.Next() {
			m := map[string]any{}
			if err := rows.MapScan(m); err != nil {
				rows.Close()
				return nil, fmt.Errorf("store: unable to export: %w", err)
			}
			for k, v := range m {
				if b, ok := v.([]byte); ok {
					m[k] = string(b)
				}
			}
			*q.into = append(*q.into, m)
		}
		rows.Close()
	}
	b, err := json.MarshalIndent(ex, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	staffID := actor.ID()
	if err := a.Audit(ctx, a.Store.DB, AuditEntry{StaffID: &staffID, Action: "person.export", PersonID: &personID}); err != nil {
		return nil, err
	}
	return b, nil
}
