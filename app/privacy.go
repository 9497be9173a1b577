package app

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

// Erase anonymises one person now, at their request (the right to erasure). Counts stay right; the audit log
// records who did it. Admins only (ErrForbidden); ErrNotFound for an unknown person.
func (a *App) Erase(ctx context.Context, actor Actor, personID int64) error {
	if err := actor.Allow(AdminRoles); err != nil {
		return err
	}
	staffID := actor.ID()
	return a.Store.tx(ctx, func(tx *sqlx.Tx) error {
		exists, err := personExists(ctx, tx, personID)
		if err != nil {
			return err
		}
		if !exists {
			return ErrNotFound
		}
		// Their places end: an erased person is no longer on any list. Groups are locked first (in id order), a
		// freed seat goes to whoever waits, reminders stop.
		groupIDs, err := openGroupsOfPerson(ctx, tx, personID)
		if err != nil {
			return err
		}
		for _, id := range groupIDs {
			if _, err := lockGroup(ctx, tx, id); err != nil {
				return err
			}
		}
		regs, err := lockOpenRegistrationsOfPerson(ctx, tx, personID)
		if err != nil {
			return err
		}
		for _, r := range regs {
			if err := a.setStatus(ctx, tx, r, StatusWithdrawn, &staffID); err != nil {
				return err
			}
			if err := a.dropReminders(ctx, tx, r.ID, nil); err != nil {
				return err
			}
		}
		for _, id := range groupIDs {
			if err := a.reconcileSeats(ctx, tx, id); err != nil {
				return err
			}
		}
		if err := a.Audit(ctx, tx, AuditEntry{StaffID: &staffID, Action: AuditPersonErase, PersonID: &personID}); err != nil {
			return err
		}
		return anonymise(ctx, tx, personID, a.Now())
	})
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
	p, err := a.personByID(ctx, a.Store.DB, personID)
	if err != nil {
		return nil, err
	}
	c := a.contactOf(p)
	ex := PersonExport{ExportedAt: a.Now(), Notes: map[string]string{
		"scope": "Alle gegevens die Veilig Huis Rivierenland over deze persoon bewaart, zonder gegevens over anderen.",
	}}
	ex.Person = map[string]any{"id": p.ID, "kind": p.Kind, "name": p.DisplayName, "email": c.Email, "phone": c.Phone,
		"organisation": p.Organisation, "sector": p.Sector, "municipality": p.Municipality, "age": p.Age,
		"contact_by_email": p.ContactEmail, "contact_by_phone": p.ContactPhone, "contact_by_sms": p.ContactSMS,
		"voicemail_ok": p.VoicemailOK, "safe_times": c.SafeTimes, "calendar_invites": p.ICSOptIn, "language": p.Language,
		"created_at": p.CreatedAt, "anonymised_at": p.AnonymisedAt}
	regs, err := registrationsToExport(ctx, a.Store.DB, personID)
	if err != nil {
		return nil, err
	}
	for _, r := range regs {
		ex.Registrations = append(ex.Registrations, map[string]any{"id": r.ID, "offering": r.Offering, "group": r.Group,
			"role": r.Role, "status": r.Status, "referrer": r.Referrer, "referrer_detail": a.Keys.MustDecrypt(r.ReferrerDetailEnc),
			"message": a.Keys.MustDecrypt(r.MessageEnc), "intake_at": r.IntakeAt, "intake_note": a.Keys.MustDecrypt(r.IntakeNoteEnc),
			"decline_reason": a.Keys.MustDecrypt(r.DeclineReasonEnc), "created_at": r.CreatedAt, "updated_at": r.UpdatedAt})
	}
	if ex.Attendance, ex.Consents, ex.Referrals, ex.Access, ex.Mail, err = personRecordsToExport(ctx, a.Store.DB, personID); err != nil {
		return nil, err
	}
	b, err := json.MarshalIndent(ex, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	staffID := actor.ID()
	if err := a.Audit(ctx, a.Store.DB, AuditEntry{StaffID: &staffID, Action: AuditPersonExport, PersonID: &personID}); err != nil {
		return nil, err
	}
	return b, nil
}
