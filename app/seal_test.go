package app_test

import (
	"testing"

	appdb "portal/app/db"
	"portal/internal/fixtures"
	"portal/internal/testenv"
)

// A database from before schema version 6 holds names and referral details in clear (and one before version 8
// the reasons of declined requests): the start seals them into the encrypted columns and drops the clear ones,
// once.
func TestClearNamesAreSealedAndTheClearColumnsDropped(t *testing.T) {
	a := seeded(t)
	ctx, db := t.Context(), a.Store.DB
	testenv.MustExec(t, db, `ALTER TABLE people ADD COLUMN display_name text NOT NULL DEFAULT ''`)
	testenv.MustExec(t, db, `ALTER TABLE registrations ADD COLUMN referrer_detail text NOT NULL DEFAULT ''`)
	testenv.MustExec(t, db, `ALTER TABLE registrations ADD COLUMN decline_reason text NOT NULL DEFAULT ''`)
	var person, reg int64
	testenv.MustGet(t, db, &person, `INSERT INTO people (kind, display_name) VALUES ('participant', 'Mira') RETURNING id`)
	testenv.MustExec(t, db, `INSERT INTO people (kind) VALUES ('child')`) // no name: nothing to seal
	testenv.MustGet(t, db, &reg, `INSERT INTO registrations (person_id, offering_id, status, referrer, referrer_detail, decline_reason)
		SELECT $1, id, 'declined', 'other', 'wijkagent Jan', 'past nu niet' FROM offerings WHERE slug = 'lotgenotengroepen' RETURNING id`, person)

	if _, err := appdb.SealClearColumns(ctx, db, nil); err == nil {
		t.Fatal("values in clear were dropped without a key")
	}
	n, err := appdb.SealClearColumns(ctx, db, a.Keys.Encrypt)
	if err != nil || n != 3 {
		t.Fatalf("sealed %d values: %v", n, err)
	}
	if name := fixtures.NameOf(t, a, person); name != "Mira" {
		t.Errorf("name after sealing: %q", name)
	}
	var detail []byte
	testenv.MustGet(t, db, &detail, `SELECT referrer_detail_enc FROM registrations WHERE id = $1`, reg)
	if d, err := a.Keys.Decrypt(detail); err != nil || d != "wijkagent Jan" {
		t.Errorf("referral detail after sealing: %q %v", d, err)
	}
	testenv.MustGet(t, db, &detail, `SELECT decline_reason_enc FROM registrations WHERE id = $1`, reg)
	if d, err := a.Keys.Decrypt(detail); err != nil || d != "past nu niet" {
		t.Errorf("decline reason after sealing: %q %v", d, err)
	}
	var left int
	testenv.MustGet(t, db, &left, `SELECT count(*) FROM information_schema.columns WHERE table_schema = current_schema()
		AND ((table_name = 'people' AND column_name = 'display_name')
		  OR (table_name = 'registrations' AND column_name IN ('referrer_detail', 'decline_reason')))`)
	if left != 0 {
		t.Errorf("%d clear columns left", left)
	}
	if n, err := appdb.SealClearColumns(ctx, db, a.Keys.Encrypt); err != nil || n != 0 {
		t.Errorf("a second start sealed %d values: %v", n, err)
	}
}
