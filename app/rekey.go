package app

import (
	"context"
	"fmt"
)

// encryptedColumns lists every column sealed with Keys.Encrypt, with the table's key column.
var encryptedColumns = []struct{ table, column string }{
	{"staff_users", "totp_secret_enc"},
	{"people", "display_name_enc"},
	{"people", "email_enc"},
	{"people", "phone_enc"},
	{"people", "safe_times_enc"},
	{"people", "contact_previous_enc"},
	{"waakvlam_requests", "contact_name_enc"},
	{"waakvlam_requests", "contact_email_enc"},
	{"waakvlam_requests", "contact_phone_enc"},
	{"registrations", "referrer_detail_enc"},
	{"registrations", "decline_reason_enc"},
	{"registrations", "message_enc"},
	{"registrations", "intake_note_enc"},
	{"onward_referrals", "note_enc"},
	{"outbox", "secret_enc"},
	{"work_items", "detail_enc"},
}

// Rekey re-encrypts every value sealed with a previous key under the current one, and recomputes the e-mail
// hashes and the search index, so that after a key rotation the old key can be dropped. It returns the number of
// values rewritten. It is safe to run while the portal runs, and to run again.
func (a *App) Rekey(ctx context.Context) (int, error) {
	total := 0
	for _, col := range encryptedColumns {
		rows, err := sealedValues(ctx, a.Store.DB, col.table, col.column, "")
		if err != nil {
			return total, err
		}
		for _, r := range rows {
			if !a.Keys.NeedsRekey(r.Sealed) {
				continue
			}
			plain, err := a.Keys.Decrypt(r.Sealed)
			if err != nil {
				return total, fmt.Errorf("rekey: %s.%s of row %d: %w", col.table, col.column, r.ID, err)
			}
			if err := rewriteSealed(ctx, a.Store.DB, col.table, col.column, r.ID, a.Keys.Encrypt(plain), r.Sealed); err != nil {
				return total, err
			}
			total++
		}
	}
	if err := a.rehashEmails(ctx); err != nil {
		return total, err
	}
	// The search index's pieces are hashed with a key derived from the secret: rebuilt whole under the new one.
	if _, err := a.indexPeople(ctx, true); err != nil {
		return total, err
	}
	return total, nil
}

// rehashEmails recomputes the keyed e-mail hashes with the current key.
func (a *App) rehashEmails(ctx context.Context) error {
	for _, t := range []struct{ table, enc, hash string }{
		{"people", "email_enc", "email_hash"},
		{"waakvlam_requests", "contact_email_enc", "contact_email_hash"},
	} {
		rows, err := sealedValues(ctx, a.Store.DB, t.table, t.enc, t.hash)
		if err != nil {
			return err
		}
		for _, r := range rows {
			email, err := a.Keys.Decrypt(r.Sealed)
			if err != nil {
				return fmt.Errorf("rekey: %s row %d: %w", t.table, r.ID, err)
			}
			h := a.Keys.EmailHash(email)
			if string(h) == string(r.Hash) {
				continue
			}
			if err := setEmailHash(ctx, a.Store.DB, t.table, t.hash, r.ID, h); err != nil {
				return err
			}
		}
	}
	return nil
}
