package app

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"fmt"
	"slices"
	"strings"
	"unicode"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// The search index: finding people by part of a name, e-mail address or phone number although all three are
// encrypted at rest. Decrypting everyone within reach at every search was measured first: 30,000 values (10,000
// people, three fields) take 32 ms to decrypt alone on the 2-core machine under load, before PostgreSQL has sent
// a row; with the rows and a few searches at once the p99 would pass 100 ms. So each person's name, address and
// number are also kept as a blind index (people_search): the distinct three-character pieces ("grams") of the
// folded text, each as a keyed hash (HMAC-SHA256 with a key of its own derived from SECRET_KEY, cut to 8 bytes,
// the field's kind mixed in). A search hashes the pieces of what was typed the same way, lets PostgreSQL find the
// people holding all of them, and decrypts only those few to confirm the match (a hash collision or pieces in
// another order are dropped there). Without the key the table says nothing readable; what it does give away is
// which people share pieces, as much as the e-mail hash already does for whole addresses.
//
// The index is kept in step wherever these fields are written: insertPerson, a contact change (reindexPerson),
// anonymisation (emptied). IndexPeopleForSearch at start-up indexes whoever has no pieces yet and rebuilds
// everything when SECRET_KEY changed; Rekey rebuilds it under the new key.

// Kinds of indexed text: each hashed with its own prefix, so a piece of a name never matches an address.
const (
	gramName  = 'n'
	gramEmail = 'e'
	gramPhone = 'p'
)

// gramKey is a piece of one kind of text, hashed with the current search key.
func (k *Keys) gramKey(kind byte, gram string) []byte {
	m := hmac.New(sha256.New, k.current.search)
	m.Write([]byte{kind})
	m.Write([]byte(gram))
	return m.Sum(nil)[:8]
}

// searchKeyID identifies the current search key, so a start-up can tell that the index was built with another.
func (k *Keys) searchKeyID() []byte {
	sum := sha256.Sum256(append([]byte("search-key-id/"), k.current.search...))
	return sum[:8]
}

// foldText is text as it is compared: lower case, accents dropped (é is e), every run of other characters than
// letters and digits one space.
func foldText(s string) string {
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	folded, _, err := transform.String(t, s)
	if err != nil {
		folded = s
	}
	var b strings.Builder
	space := false
	for _, r := range strings.ToLower(folded) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(r)
			continue
		}
		space = true
	}
	return b.String()
}

// phoneDigits is a phone number as it is compared: its digits only, an international Belgian prefix (+32,
// 0032) written as the national 0.
func phoneDigits(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	d := b.String()
	trimmed := strings.TrimSpace(s)
	switch {
	case strings.HasPrefix(trimmed, "+32"):
		d = "0" + strings.TrimPrefix(d, "32")
	case strings.HasPrefix(d, "0032"):
		d = "0" + strings.TrimPrefix(d, "0032")
	}
	return d
}

// storedGrams are the pieces kept for a text: of every word with a space before and after, so that a word's
// start and end are pieces of their own (" sa", "sar", "ara", "ra " for "sara").
func storedGrams(words []string) []string {
	var out []string
	for _, w := range words {
		r := []rune(" " + w + " ")
		for i := 0; i+3 <= len(r); i++ {
			out = append(out, string(r[i:i+3]))
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// queryGrams are the pieces a typed word must match: every three characters within it; a word of two only as
// the start of a word (so "jo" finds Jo and Johan, not Marjolein); a single character none.
func queryGrams(words []string) []string {
	var out []string
	for _, w := range words {
		r := []rune(w)
		switch {
		case len(r) >= 3:
			for i := 0; i+3 <= len(r); i++ {
				out = append(out, string(r[i:i+3]))
			}
		case len(r) == 2:
			out = append(out, " "+w)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// personGrams are the hashed pieces of a person's name, e-mail address and phone number.
func (k *Keys) personGrams(name, email, phone string) [][]byte {
	var out [][]byte
	add := func(kind byte, grams []string) {
		for _, g := range grams {
			out = append(out, k.gramKey(kind, g))
		}
	}
	add(gramName, storedGrams(strings.Fields(foldText(name))))
	add(gramEmail, storedGrams(strings.Fields(foldText(email))))
	if d := phoneDigits(phone); d != "" {
		add(gramPhone, storedGrams([]string{d}))
	}
	return out
}

// writeSearchGrams replaces the indexed pieces of person personID by those of name, email and phone (clear
// text), in the caller's transaction.
func (a *App) writeSearchGrams(ctx context.Context, q sqlx.ExecerContext, personID int64, name, email, phone string) error {
	if _, err := q.ExecContext(ctx, `DELETE FROM people_search WHERE person_id = $1`, personID); err != nil {
		return fmt.Errorf("store: unable to clear search index: %w", err)
	}
	grams := a.Keys.personGrams(name, email, phone)
	if len(grams) == 0 {
		return nil
	}
	if _, err := q.ExecContext(ctx, `INSERT INTO people_search (gram, person_id)
		SELECT g, $1 FROM unnest($2::bytea[]) g ON CONFLICT DO NOTHING`, personID, byteaArray(grams)); err != nil {
		return fmt.Errorf("store: unable to write search index: %w", err)
	}
	return nil
}

// indexedPerson is what the index is built from: the sealed fields of one person.
type indexedPerson struct {
	ID       int64  `db:"id"`
	NameEnc  []byte `db:"display_name_enc"`
	EmailEnc []byte `db:"email_enc"`
	PhoneEnc []byte `db:"phone_enc"`
}

// reindexPerson rebuilds the indexed pieces of person personID from what is stored now (after a change of
// contact details), in the caller's transaction.
func (a *App) reindexPerson(ctx context.Context, tx *sqlx.Tx, personID int64) error {
	var p indexedPerson
	if err := tx.GetContext(ctx, &p, `SELECT id, display_name_enc, email_enc, phone_enc FROM people
		WHERE id = $1 AND anonymised_at IS NULL`, personID); err != nil {
		return fmt.Errorf("store: unable to read person to index: %w", err)
	}
	return a.writeSearchGrams(ctx, tx, p.ID, a.Keys.MustDecrypt(p.NameEnc), a.Keys.MustDecrypt(p.EmailEnc),
		a.Keys.MustDecrypt(p.PhoneEnc))
}

// IndexPeopleForSearch brings the search index in step at start-up: when it was built with another key (SECRET_KEY
// changed, or Rekey ran) it is rebuilt whole, else only people without any indexed piece are indexed (people
// stored before the index existed, or written by hand). It returns the number of people indexed. Safe to run
// while the portal runs: one run at a time (an advisory lock), each person's pieces replaced at once.
func IndexPeopleForSearch(ctx context.Context, conn *sqlx.DB, keys *Keys) (int, error) {
	a := &App{Store: &Store{DB: conn}, Keys: keys}
	return a.indexPeople(ctx, false)
}

// indexPeople indexes the people without pieces, or everyone when all is set or the key changed.
func (a *App) indexPeople(ctx context.Context, all bool) (int, error) {
	tx, err := a.Store.DB.BeginTxx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("store: unable to index people: %w", err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(hashtext('people_search'))`); err != nil {
		return 0, fmt.Errorf("store: unable to lock search index: %w", err)
	}
	keyID := a.Keys.searchKeyID()
	var stored []byte
	if err := tx.GetContext(ctx, &stored, `SELECT COALESCE((SELECT key_id FROM people_search_key), ''::bytea)`); err != nil {
		return 0, fmt.Errorf("store: unable to read search key: %w", err)
	}
	if all || !hmac.Equal(stored, keyID) {
		all = true
		if _, err := tx.ExecContext(ctx, `DELETE FROM people_search`); err != nil {
			return 0, fmt.Errorf("store: unable to clear search index: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO people_search_key (one, key_id) VALUES (true, $1)
			ON CONFLICT (one) DO UPDATE SET key_id = EXCLUDED.key_id`, keyID); err != nil {
			return 0, fmt.Errorf("store: unable to write search key: %w", err)
		}
	}
	var people []indexedPerson
	if err := tx.SelectContext(ctx, &people, `SELECT id, display_name_enc, email_enc, phone_enc FROM people p
		WHERE anonymised_at IS NULL AND (display_name_enc IS NOT NULL OR email_enc IS NOT NULL OR phone_enc IS NOT NULL)
		  AND ($1 OR NOT EXISTS (SELECT 1 FROM people_search s WHERE s.person_id = p.id))`, all); err != nil {
		return 0, fmt.Errorf("store: unable to read people to index: %w", err)
	}
	// These people have no pieces (or all were just deleted): theirs go in by the thousand, not one statement each,
	// so that a rebuild of 10,000 people takes seconds.
	var grams [][]byte
	var ids []int64
	flush := func() error {
		if len(grams) == 0 {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO people_search (gram, person_id)
			SELECT * FROM unnest($1::bytea[], $2::bigint[]) ON CONFLICT DO NOTHING`, byteaArray(grams), pq.Array(ids)); err != nil {
			return fmt.Errorf("store: unable to write search index: %w", err)
		}
		grams, ids = grams[:0], ids[:0]
		return nil
	}
	for _, p := range people {
		for _, g := range a.Keys.personGrams(a.Keys.MustDecrypt(p.NameEnc), a.Keys.MustDecrypt(p.EmailEnc),
			a.Keys.MustDecrypt(p.PhoneEnc)) {
			grams, ids = append(grams, g), append(ids, p.ID)
		}
		if len(grams) >= 20000 {
			if err := flush(); err != nil {
				return 0, err
			}
		}
	}
	if err := flush(); err != nil {
		return 0, err
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("store: unable to index people: %w", err)
	}
	// After many pieces at once, the search's counts of a piece (searchCandidateRows) read the index alone only
	// once the table's visibility map is set, and its plan needs statistics: done now instead of waiting for
	// autovacuum.
	if len(people) >= 1000 {
		if _, err := a.Store.DB.ExecContext(ctx, `VACUUM (ANALYZE) people_search`); err != nil {
			return len(people), fmt.Errorf("store: unable to vacuum search index: %w", err)
		}
	}
	return len(people), nil
}
