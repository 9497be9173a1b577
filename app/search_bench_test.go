package app_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/lib/pq"

	"portal/app"
	"portal/internal/fixtures"
)

// BenchmarkSearchPeople measures one coordinator's search (the widest reach) among 10,000 people, each with a
// request in the Bornem group, over a mix of terms: a surname that hundreds hold, a first name and the start of
// a surname, a whole name, part of an address, part of a number. It reports the p50 and p99 of one search
// (make bench measures it over HTTP, several staff at once).
func BenchmarkSearchPeople(b *testing.B) {
	a := newAppB(b)
	ctx := b.Context()
	if err := a.Seed(ctx); err != nil {
		b.Fatal(err)
	}
	const n = 10000
	firsts := []string{"Sara", "Tom", "Annelies", "Griet", "Ward", "Ilse", "Noor", "Lotte", "Jens", "Mehmet", "Fatima",
		"Els", "Koen", "Bram", "Lies", "Hanne", "Pieter", "Joke", "Amina", "Lucas"}
	lasts := []string{"Peeters", "Janssens", "Maes", "Jacobs", "Mertens", "Willems", "Claes", "Goossens", "Wouters",
		"De Smedt", "Dubois", "Lambert", "Dupont", "Hermans", "Aerts", "Verhaeghe", "Van den Broeck", "Vermeulen",
		"Pauwels", "De Clercq", "Vandenberghe", "Michiels", "Coppens", "Desmet", "El Amrani", "Yilmaz", "Nowak"}
	person := func(i int) (first, last, email, phone string) {
		first, last = firsts[i%len(firsts)], lasts[(i/len(firsts))%len(lasts)]
		return first, last, fmt.Sprintf("p%d.%s@mail%d.example", i, first, i%97), fmt.Sprintf("0470 %06d", i)
	}
	var names, emails, phones [][]byte
	for i := range n {
		first, last, email, phone := person(i)
		names = append(names, a.Keys.Encrypt(fmt.Sprintf("%s %s %d", first, last, i)))
		emails, phones = append(emails, a.Keys.Encrypt(email)), append(phones, a.Keys.Encrypt(phone))
	}
	if _, err := app.IndexPeopleForSearch(ctx, a.Store.DB, a.Keys); err != nil {
		b.Fatal(err)
	}
	a.Store.DB.MustExecContext(ctx, `WITH p AS (
			INSERT INTO people (kind, display_name_enc, email_enc, phone_enc)
			SELECT 'participant', n, e, ph FROM unnest($1::bytea[], $2::bytea[], $3::bytea[]) AS t(n, e, ph) RETURNING id)
		INSERT INTO registrations (person_id, offering_id, group_id, status, referrer)
		SELECT p.id, g.offering_id, g.id, 'requested', 'self' FROM p, groups g WHERE g.slug = 'intervisie-bornem'`,
		pq.ByteaArray(names), pq.ByteaArray(emails), pq.ByteaArray(phones))
	if indexed, err := app.IndexPeopleForSearch(ctx, a.Store.DB, a.Keys); err != nil || indexed != n {
		b.Fatalf("indexed %d (%v)", indexed, err)
	}
	coord := fixtures.ActiveActor(b, a, fixtures.AddStaff(b, a, "coord@example.org", "Coord", app.RoleCoordinator, ""))
	var terms []string
	for i := range 100 {
		first, last, email, phone := person((i * 7919) % n)
		terms = append(terms, []string{last, first + " " + last[:4], fmt.Sprintf("%s %s %d", first, last, (i*7919)%n),
			email[:len(email)-8], phone[5:]}[i%5])
	}
	var took []time.Duration
	for i := 0; b.Loop(); i++ {
		start := time.Now()
		res, err := a.SearchPeople(ctx, coord, terms[i%len(terms)])
		took = append(took, time.Since(start))
		if err != nil || len(res.People) == 0 {
			b.Fatalf("%q: %d found, %v", terms[i%len(terms)], len(res.People), err)
		}
	}
	slices.Sort(took)
	b.ReportMetric(float64(took[len(took)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(took[len(took)*99/100].Microseconds())/1000, "p99-ms")
}
