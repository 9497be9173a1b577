package app

import (
	"context"
	"regexp"
	"slices"
	"strings"
	"time"
)

// SearchLimit is the most people one search shows: a search is for finding someone, not for listing everyone.
const SearchLimit = 50

// searchCandidates caps the people whose fields are decrypted to confirm a match (see search_index.go).
const searchCandidates = 400

// What a search matched on: the audit row names these, never the typed term.
const (
	MatchName      = "name"
	MatchEmail     = "email"
	MatchPhone     = "phone"
	MatchReference = "reference"
)

// FoundRegistration is one registration of a found person, within what the staff member may see.
type FoundRegistration struct {
	ID           int64     `db:"id"`
	PersonID     int64     `db:"person_id"`
	Status       string    `db:"status"`
	Role         string    `db:"role"`
	OfferingName Text      `db:"offering_name"`
	GroupID      *int64    `db:"group_id"`
	GroupName    *Text     `db:"group_name"`
	CreatedAt    time.Time `db:"created_at"`
	// RequestedOn is the request date (a day; staff may set it for a request typed in afterwards).
	RequestedOn time.Time `db:"requested_on"`
}

// FoundPerson is one person a search found: her name (or alias), what matched (MatchName, MatchEmail or
// MatchPhone: the address or number itself is not shown, it is on the registration), and her registrations
// within the staff member's reach, newest first.
type FoundPerson struct {
	PersonID      int64
	Kind          string
	Name          string
	Matched       []string
	Registrations []FoundRegistration
}

// FoundWaakvlam is a Waakvlam request found by its reference.
type FoundWaakvlam struct {
	ID           int64  `db:"id"`
	Reference    string `db:"reference"`
	Organisation string `db:"organisation"`
	Status       string `db:"status"`
}

// SearchResult is what one search found. More is true when more people matched than SearchLimit.
type SearchResult struct {
	People   []FoundPerson
	Waakvlam []FoundWaakvlam
	More     bool
}

// referencePattern is the start of a Waakvlam reference as staff type it: WV-2026-0007, wv 2026, WV-.
var referencePattern = regexp.MustCompile(`(?i)^\s*wv[\s-]*(\d{0,4})(?:[\s-]*(\d{1,4}))?\s*$`)

// SearchPeople finds people by part of their name or alias, e-mail address or phone number, and Waakvlam requests
// by reference (WV-…), within the actor's reach: the office finds everyone, a facilitator only people with a
// registration in a group they lead, and sees only those registrations (and no Waakvlam requests). Anonymised
// people are not found. A term that gives nothing to look for (fewer than two letters or digits) is a
// *ValidationError on field "q". The search is written to the audit log (people.search) with what matched and
// who was found, never the term itself.
func (a *App) SearchPeople(ctx context.Context, actor Actor, term string) (SearchResult, error) {
	var res SearchResult
	if err := actor.Allow(AllRoles); err != nil {
		return res, err
	}
	words := strings.Fields(foldText(term))
	digits := ""
	if isPhoneLike(term) {
		digits = phoneDigits(term)
	}
	nameGrams := queryGrams(words)
	var phoneGrams []string
	if len(digits) >= 3 {
		phoneGrams = queryGrams([]string{digits})
	}
	ref := referencePattern.FindStringSubmatch(term)
	if len(nameGrams) == 0 && len(phoneGrams) == 0 && ref == nil {
		v := &ValidationError{}
		v.Add("q", "staff.search.tooshort")
		return res, v
	}
	hash := func(kind byte, grams []string) [][]byte {
		out := make([][]byte, len(grams))
		for i, g := range grams {
			out[i] = a.Keys.gramKey(kind, g)
		}
		return out
	}
	candidates, err := searchCandidateRows(ctx, a.Store.DB, hash(gramName, nameGrams), hash(gramEmail, nameGrams),
		hash(gramPhone, phoneGrams), actor.SeesAllGroups(), actor.Leads, searchCandidates)
	if err != nil {
		return res, err
	}
	// Past this many candidates some matches may not be looked at: say there is more, so staff type more.
	res.More = len(candidates) >= searchCandidates
	// Confirm each candidate on the decrypted text: the pieces say "maybe", the text says "yes".
	folded := strings.Join(words, " ")
	var kinds []string
	seen := make(map[int64]bool, len(candidates))
	for _, c := range candidates {
		if seen[c.ID] {
			continue
		}
		seen[c.ID] = true
		name := a.Keys.MustDecrypt(c.NameEnc)
		var matched []string
		if folded != "" && wordsMatch(foldText(name), words) {
			matched = append(matched, MatchName)
		}
		if folded != "" && c.EmailEnc != nil && strings.Contains(foldText(a.Keys.MustDecrypt(c.EmailEnc)), folded) {
			matched = append(matched, MatchEmail)
		}
		if len(digits) >= 3 && c.PhoneEnc != nil && strings.Contains(phoneDigits(a.Keys.MustDecrypt(c.PhoneEnc)), digits) {
			matched = append(matched, MatchPhone)
		}
		if len(matched) == 0 {
			continue
		}
		if len(res.People) == SearchLimit {
			res.More = true
			break
		}
		res.People = append(res.People, FoundPerson{PersonID: c.ID, Kind: c.Kind, Name: name, Matched: matched})
		for _, m := range matched {
			if !slices.Contains(kinds, m) {
				kinds = append(kinds, m)
			}
		}
	}
	sortByName(res.People, func(p FoundPerson) (int, string, int64) { return 0, p.Name, p.PersonID })
	ids := make([]int64, len(res.People))
	for i, p := range res.People {
		ids[i] = p.PersonID
	}
	regs, err := foundRegistrations(ctx, a.Store.DB, ids, actor.SeesAllGroups(), actor.Leads)
	if err != nil {
		return res, err
	}
	at := make(map[int64]int, len(ids))
	for i, id := range ids {
		at[id] = i
	}
	for _, r := range regs {
		p := &res.People[at[r.PersonID]]
		p.Registrations = append(p.Registrations, r)
	}
	// Waakvlam requests are the office's: a facilitator's search does not reach them.
	if ref != nil && actor.SeesAllGroups() {
		prefix := "WV-" + ref[1]
		if ref[2] != "" {
			prefix += "-" + ref[2]
		}
		if res.Waakvlam, err = waakvlamByReferencePrefix(ctx, a.Store.DB, prefix, SearchLimit); err != nil {
			return res, err
		}
		if len(res.Waakvlam) > 0 {
			kinds = append(kinds, MatchReference)
		}
	}
	by := actor.ID()
	var requests []int64
	for _, w := range res.Waakvlam {
		requests = append(requests, w.ID)
	}
	if err := a.Audit(ctx, a.Store.DB, AuditEntry{StaffID: &by, Action: AuditPeopleSearch,
		Detail: map[string]any{"matched": kinds, "people": ids, "waakvlam": requests}}); err != nil {
		return res, err
	}
	return res, nil
}

// isPhoneLike reports whether term looks like (part of) a phone number: digits with only spaces, dots, dashes,
// slashes, brackets or a leading plus between them.
func isPhoneLike(term string) bool {
	digits := 0
	for _, r := range strings.TrimSpace(term) {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case strings.ContainsRune(" .-/()+", r):
		default:
			return false
		}
	}
	return digits > 0
}

// wordsMatch reports whether every typed word is in the folded name: a word of two characters at the start of
// one of the name's words, a longer one anywhere (the same rule as queryGrams).
func wordsMatch(name string, words []string) bool {
	padded := " " + name
	for _, w := range words {
		switch n := len([]rune(w)); {
		case n >= 3 && strings.Contains(name, w):
		case n == 2 && strings.Contains(padded, " "+w):
		case n < 2 && strings.Contains(name, w):
		default:
			return false
		}
	}
	return true
}
