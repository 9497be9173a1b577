package app

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"runtime/debug"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"
	"golang.org/x/crypto/argon2"
)

// The personal code. Whoever reads a participant's mailbox can open the link in it, so for discreet offerings
// the page behind the link shows only "Afspraken" with dates and times until the person gives the code she
// chose (on the request form, or with staff during the intake call). Anything that could cut her off or expose
// her (a contact change, a new link or retiring the old ones, cancelling) needs the code; without a code these
// become a request that staff confirm through her safe contact channel. Five wrong codes lock the page and give
// staff a work item, never a mail to her: that mail could be read too.

// Argon2id parameters for personal codes. A code is short, so what protects it is the lock after CodeAttempts
// wrong tries; the slow hash protects a stolen database. Codes are checked one at a time (codeSlots), so twenty
// checks at once cost one hash's memory (codeMemory KiB), not twenty: the portal's memory budget holds however many
// arrive together, at the price of waiting ~30 ms per check in line.
const (
	codeMemory  = 12 * 1024
	codeTime    = 3
	codeThreads = 1
	codeKeyLen  = 32
	// CodeAttempts is how many wrong codes in a row lock a personal page.
	CodeAttempts = 5
	// unlockFor is how long a right code opens the page in that browser.
	unlockFor = 30 * time.Minute
	// purposeUnlock signs the proof, kept in a cookie, that the code was given.
	purposeUnlock = "unlock"
	// Code lengths, in characters.
	minCode, maxCode = 4, 40
)

// codeSlots bounds how many personal codes are hashed at once.
var codeSlots = make(chan struct{}, 1)

var (
	// ErrCodeNeeded means the action needs the personal code, and it was not given (or the page is locked).
	ErrCodeNeeded = errors.New("personal code needed")
	// ErrLocked means too many wrong codes were tried: the page stays locked until staff reset the code.
	ErrLocked = errors.New("personal page locked")
	// ErrRequested means the action was not done but passed to staff as a request, to be confirmed through the
	// person's safe contact channel (she has no code yet).
	ErrRequested = errors.New("passed to staff")
)

// normaliseCode makes a code easy to type again: surrounding spaces and case do not count.
func normaliseCode(code string) string {
	return strings.ToLower(strings.Join(strings.Fields(code), " "))
}

// checkCodeInput validates an optional new code for field name and returns it normalised.
func checkCodeInput(f *fields, name, code string, required bool) string {
	c := normaliseCode(code)
	switch n := utf8.RuneCountInString(c); {
	case n == 0 && required:
		f.v.Add(name, "form.required")
	case n > 0 && n < minCode:
		f.v.Add(name, "code.tooshort")
	case n > maxCode:
		f.v.Add(name, "form.toolong")
	}
	return c
}

// hashCode returns the argon2id hash of a normalised code in the PHC string format.
func hashCode(ctx context.Context, code string) (string, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key, err := codeKey(ctx, code, salt, codeTime, codeMemory, codeThreads, codeKeyLen)
	if err != nil {
		return "", err
	}
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, codeMemory, codeTime, codeThreads,
		b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// hashCodeIfSet hashes a chosen code, or returns "" when none was chosen.
func hashCodeIfSet(ctx context.Context, code string) (string, error) {
	if code == "" {
		return "", nil
	}
	return hashCode(ctx, code)
}

// codeMatches reports whether code matches hash, in constant time. It waits its turn for a slot.
func codeMatches(ctx context.Context, hash, code string) (bool, error) {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false, nil
	}
	var m, t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil || m > codeMemory {
		return false, nil
	}
	b64 := base64.RawStdEncoding
	salt, err1 := b64.DecodeString(parts[4])
	want, err2 := b64.DecodeString(parts[5])
	if errors.Join(err1, err2) != nil || len(want) == 0 {
		return false, nil
	}
	got, err := codeKey(ctx, normaliseCode(code), salt, t, m, p, uint32(len(want)))
	if err != nil {
		return false, err
	}
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// codeKey runs argon2id in one of the codeSlots.
func codeKey(ctx context.Context, code string, salt []byte, t, m uint32, p uint8, n uint32) ([]byte, error) {
	select {
	case codeSlots <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-codeSlots }()
	key := argon2.IDKey([]byte(code), salt, t, m, p, n)
	// The hash's m KiB are garbage now. Collected before the next check takes the slot, they are reused by it;
	// left to the collector's own pace, the next check's m KiB come on top, and twenty checks in a row would
	// hold two or three hashes' memory instead of one. A collection costs a few milliseconds; a check ~30.
	debug.FreeOSMemory()
	return key, nil
}

// CheckCodesAtOnce hashes and checks n codes concurrently, the way n visitors giving their code at the same
// moment would, and returns how many matched (n when all is well): they take turns for a slot, none is refused.
func CheckCodesAtOnce(ctx context.Context, n int) (int, error) {
	hash, err := hashCode(ctx, "1234")
	if err != nil {
		return 0, err
	}
	type result struct {
		ok  bool
		err error
	}
	out := make(chan result, n)
	for range n {
		go func() {
			ok, err := codeMatches(ctx, hash, "1234")
			out <- result{ok, err}
		}()
	}
	matched := 0
	for range n {
		r := <-out
		if r.err != nil {
			err = r.err
		}
		if r.ok {
			matched++
		}
	}
	return matched, err
}

// codeStamp ties an unlock proof to the code it proves (its hash, salted anew with every code): when staff
// reset the code, every proof of the old one ends at once, not when its cookie expires.
func codeStamp(hash string) int64 {
	sum := sha256.Sum256([]byte(hash))
	return int64(binary.BigEndian.Uint64(sum[:8]) >> 1)
}

// unlocked reports whether the unlock proof opens registration regID's full page: the code is set, the page is
// not locked, and the proof is this registration's, for its current code, and still fresh.
func (a *App) unlocked(st codeState, regID int64, unlock string) bool {
	if !st.HasCode() || st.Locked() || unlock == "" {
		return false
	}
	ids, err := a.Keys.Verify(purposeUnlock, unlock, a.Now(), 2)
	return err == nil && ids[0] == regID && ids[1] == codeStamp(*st.Hash)
}

// fullAccess reports whether the visitor may see and change everything: always for offerings that are not
// discreet; for discreet ones only with the code.
func (a *App) fullAccess(st codeState, regID int64, unlock string) bool {
	return !st.Discreet || a.unlocked(st, regID, unlock)
}

// UnlockPersonal checks the code for the personal page behind token and returns the proof to keep (in a
// cookie) for unlockFor. A wrong code gives a ValidationError on field "code"; the CodeAttempts-th wrong code
// in a row locks the page (ErrLocked) and gives staff a work item. ErrNotFound: no such link, or no code set.
// Each try is counted before the code is hashed, so a burst of guesses at once cannot test more than
// CodeAttempts codes.
func (a *App) UnlockPersonal(ctx context.Context, token, code string) (string, error) {
	r, err := a.registrationByToken(ctx, a.Store.DB, token, false)
	if err != nil {
		return "", err
	}
	hash, err := a.checkCode(ctx, r, code)
	if err != nil {
		return "", err
	}
	return a.Keys.Sign(purposeUnlock, a.Now().Add(unlockFor), r.ID, codeStamp(hash)), nil
}

// checkCode counts one try of registration r's code and returns the hash it matched. A wrong code gives a
// ValidationError on field "code"; the CodeAttempts-th wrong code in a row locks the page (ErrLocked) and gives
// staff a work item. ErrNotFound: no code set. An empty code is no try (a form sent before typing it): it asks
// for the code ("code.empty") and is not counted, so it never brings the lock closer.
func (a *App) checkCode(ctx context.Context, r Registration, code string) (string, error) {
	if normaliseCode(code) == "" {
		f := newFields()
		f.v.Add("code", "code.empty")
		return "", f.err()
	}
	attempts, hash, err := a.countCodeAttempt(ctx, r.ID)
	if err != nil {
		return "", err
	}
	if attempts <= CodeAttempts {
		ok, err := codeMatches(ctx, hash, code)
		if err != nil {
			return "", err
		}
		if ok {
			return hash, a.resetCodeAttempts(ctx, r.ID)
		}
		if attempts < CodeAttempts {
			f := newFields()
			f.v.Add("code", "code.wrong")
			return "", f.err()
		}
	}
	if err := a.lockCode(ctx, r); err != nil {
		return "", err
	}
	return "", ErrLocked
}

// gate lets an action from the personal page go ahead (nil) when the visitor has full access. Otherwise, for a
// discreet registration without a code, it records the action as a work item for staff (request, with the
// wish in detail, kept encrypted) and answers ErrRequested; with a code that was not given, ErrCodeNeeded (or
// ErrLocked). Nothing else changes.
func (a *App) gate(ctx context.Context, r Registration, unlock, request, detail string) error {
	st, err := a.codeStateOf(ctx, a.Store.DB, r.ID)
	if err != nil {
		return err
	}
	if a.fullAccess(st, r.ID, unlock) {
		return nil
	}
	switch {
	case st.Locked():
		return ErrLocked
	case st.HasCode() || request == "":
		return ErrCodeNeeded
	}
	err = a.Store.tx(ctx, func(tx *sqlx.Tx) error {
		if err := a.addWorkItem(ctx, tx, WorkItem{Kind: request, RegistrationID: &r.ID, PersonID: &r.PersonID,
			GroupID: r.GroupID}, detail); err != nil {
			return err
		}
		return a.auditChange(ctx, tx, 0, AuditPersonRequest, r, map[string]any{"kind": request})
	})
	if err != nil {
		return err
	}
	return ErrRequested
}

// gateAnswer lets an answer to a mail (an excuse for one session, or accepting or refusing an offered place) go
// ahead for registration r (nil). Whoever reads her mailbox can open the mail's links too, so when her page is
// guarded by a code the answer needs it: proven by unlock (the personal page's proof) or given with the answer
// (code, checked and counted as on the personal page: a ValidationError on "code", ErrLocked on the last wrong
// try). No code given: ErrCodeNeeded, or ErrLocked. Without a code set, an excuse or an acceptance goes ahead
// (she can take an excuse back, and a seat is what she asked for), while giving up her place (request set)
// becomes a request that staff confirm through her safe channel (ErrRequested).
func (a *App) gateAnswer(ctx context.Context, r Registration, unlock, code, request string) error {
	st, err := a.codeStateOf(ctx, a.Store.DB, r.ID)
	if err != nil {
		return err
	}
	switch {
	case !st.Discreet, a.unlocked(st, r.ID, unlock):
		return nil
	case st.Locked():
		return ErrLocked
	case st.HasCode() && code == "":
		return ErrCodeNeeded
	case st.HasCode():
		_, err := a.checkCode(ctx, r, code)
		return err
	case request == "":
		return nil
	}
	return a.gate(ctx, r, unlock, request, "")
}

// AnswerGuard says what a page behind a mail's link must ask before an answer: CodeNeeded when her page is
// guarded by a code (the form asks for it), Locked when wrong codes locked it (no answer is possible online).
type AnswerGuard struct {
	CodeNeeded, Locked bool
}

// answerGuard reads registration r's AnswerGuard.
func (a *App) answerGuard(ctx context.Context, regID int64) (AnswerGuard, error) {
	st, err := a.codeStateOf(ctx, a.Store.DB, regID)
	if err != nil {
		return AnswerGuard{}, err
	}
	return AnswerGuard{CodeNeeded: st.Discreet && st.HasCode(), Locked: st.Discreet && st.Locked()}, nil
}

// ResetCode sets a new personal code for registration regID, chosen by the person and given to staff through
// her safe contact channel; it also unlocks a locked page and closes its open "wrong codes" work items. Office
// roles only; audited (never the code). A ValidationError on field "code" when the code is too short or long.
func (a *App) ResetCode(ctx context.Context, actor Actor, regID int64, code string) error {
	if err := actor.Allow(OfficeRoles); err != nil {
		return err
	}
	f := newFields()
	code = checkCodeInput(f, "code", code, true)
	if err := f.err(); err != nil {
		return err
	}
	hash, err := hashCode(ctx, code)
	if err != nil {
		return err
	}
	return a.Store.tx(ctx, func(tx *sqlx.Tx) error {
		r, err := registrationByID(ctx, tx, regID, true)
		if err != nil {
			return err
		}
		if err := a.setCode(ctx, tx, r.ID, hash); err != nil {
			return err
		}
		if err := a.closeWorkItems(ctx, tx, actor.ID(), r.ID, WorkCodeLocked); err != nil {
			return err
		}
		return a.auditChange(ctx, tx, actor.ID(), AuditRegistrationCodeReset, r, nil)
	})
}
