package main

import (
	"context"
	"fmt"
	"net/url"
	"strconv"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
	"github.com/valyala/fasthttp"

	"portal/app"
)

// searchPeopleN is how many people the search phase adds: the "10,000 people".
const searchPeopleN = 10000

// searchConns is how many staff members search at once in the search phase: a handful, as on a busy morning;
// the target (p99 ≤ 100 ms) is for a search, not for a queue of 64.
const searchConns = 4

var (
	benchFirstNames = []string{"Sara", "Tom", "Annelies", "Griet", "Ward", "Ilse", "Noor", "Lotte", "Jens", "Mehmet",
		"Fatima", "Youssef", "Els", "Koen", "Bram", "Lies", "Hanne", "Pieter", "Joke", "Amina", "Lucas", "Emma",
		"Olivia", "Arthur", "Louise", "Jules", "Nora", "Victor", "Marie", "Hamza"}
	benchSurnames = []string{"Peeters", "Janssens", "Maes", "Jacobs", "Mertens", "Willems", "Claes", "Goossens",
		"Wouters", "De Smedt", "Dubois", "Lambert", "Dupont", "Hermans", "Aerts", "Verhaeghe", "Van den Broeck",
		"Vermeulen", "Pauwels", "De Clercq", "Vandenberghe", "Michiels", "Coppens", "Desmet", "Leclercq", "Van Damme",
		"Smets", "Wuyts", "Verstraete", "Bogaert", "El Amrani", "Yilmaz", "Nowak", "Kowalski", "Diallo"}
)

// benchPerson is the i-th searchable person: a name, an address and a number that differ per person.
func benchPerson(i int) (name, email, phone string) {
	first, last := benchFirstNames[i%len(benchFirstNames)], benchSurnames[(i/len(benchFirstNames))%len(benchSurnames)]
	return fmt.Sprintf("%s %s %d", first, last, i), fmt.Sprintf("p%d.%s@mail%d.example", i, first, i%97),
		fmt.Sprintf("0470 %06d", i)
}

// searchTerms are what the staff members type, in turn: a surname (a few hundred people hold it: the page shows
// the first 50), a first name and the start of a surname, a name and number (one person), part of an address,
// part of a phone number.
func searchTerms() []string {
	var out []string
	for i := 0; i < 200; i++ {
		j := (i*7919 + 13) % searchPeopleN
		name, email, phone := benchPerson(j)
		first, last := benchFirstNames[j%len(benchFirstNames)], benchSurnames[(j/len(benchFirstNames))%len(benchSurnames)]
		switch i % 5 {
		case 0:
			out = append(out, last)
		case 1:
			out = append(out, first+" "+last[:min(4, len(last))])
		case 2:
			out = append(out, name)
		case 3:
			out = append(out, email[:len(email)-8])
		case 4:
			out = append(out, phone[5:])
		}
	}
	return out
}

// addSearchPeople adds searchPeopleN people, each with a request in group g, sealed as the portal seals them, and
// indexes them for the search as the portal's start does.
func addSearchPeople(ctx context.Context, conn *sqlx.DB, a *app.App, g group) error {
	names, emails, hashes, phones := make([][]byte, searchPeopleN), make([][]byte, searchPeopleN),
		make([][]byte, searchPeopleN), make([][]byte, searchPeopleN)
	for i := range searchPeopleN {
		name, email, phone := benchPerson(i)
		names[i], emails[i], hashes[i], phones[i] = a.Keys.Encrypt(name), a.Keys.Encrypt(email), a.Keys.EmailHash(email),
			a.Keys.Encrypt(phone)
	}
	if _, err := conn.ExecContext(ctx, `
		WITH p AS (
			INSERT INTO people (kind, display_name_enc, email_enc, email_hash, phone_enc, contact_email, contact_phone)
			SELECT 'participant', n, e, h, ph, true, true
			FROM unnest($1::bytea[], $2::bytea[], $3::bytea[], $4::bytea[]) AS t(n, e, h, ph)
			RETURNING id)
		INSERT INTO registrations (person_id, offering_id, group_id, status, referrer)
		SELECT p.id, g.offering_id, g.id, 'requested', 'self' FROM p, groups g WHERE g.id = $5`,
		pq.ByteaArray(names), pq.ByteaArray(emails), pq.ByteaArray(hashes), pq.ByteaArray(phones), g.ID); err != nil {
		return fmt.Errorf("bench: adding people to search: %w", err)
	}
	_, err := app.IndexPeopleForSearch(ctx, conn, a.Keys)
	return err
}

// searchClient signs a coordinator in (a session made directly) for every connection, and searches the terms in
// turn: a coordinator's search reaches everyone, the widest scope.
func (b *bench) searchClient(terms []string) (func(int) (Filler, error), error) {
	ctx := context.Background()
	id, err := b.app.AddStaff(ctx, app.NewStaff{Email: "search@bench.example", Name: "Bench", Role: app.RoleCoordinator,
		Password: "a long bench passphrase, never used"})
	if err != nil {
		return nil, err
	}
	return func(n int) (Filler, error) {
		staff, err := b.app.StartStaffSession(ctx, id, true)
		if err != nil {
			return nil, err
		}
		cookie := fmt.Sprintf("bench-csrf-search-%d-%s", n, b.secret[:16])
		token := b.app.Keys.CSRFToken(cookie)
		return func(i int, req *fasthttp.Request) {
			req.SetRequestURI("/beheer/zoeken")
			req.Header.SetMethod(fasthttp.MethodPost)
			req.Header.SetContentType("application/x-www-form-urlencoded")
			req.Header.SetCookie("vh_csrf", cookie)
			req.Header.SetCookie("vh_staff", staff)
			req.SetBodyString("_csrf=" + url.QueryEscape(token) + "&q=" + url.QueryEscape(terms[(n*31+i)%len(terms)]))
		}, nil
	}, nil
}

// countPeople is the number of people in the database.
func countPeople(ctx context.Context, conn *sqlx.DB) (string, error) {
	var n int
	err := conn.GetContext(ctx, &n, `SELECT count(*) FROM people`)
	return strconv.Itoa(n), err
}
