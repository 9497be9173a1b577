package app

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"portal/app/locale"
)

// seatState counts the seats taken on one track (adults or children) of a group and whether anyone waits.
func seatState(ctx context.Context, q sqlx.QueryerContext, groupID int64, child bool) (taken int, waiting int, err error) {
	row := q.QueryRowxContext(ctx, `SELECT
			count(*) FILTER (WHERE status IN ('admitted', 'offered') AND NOT over_capacity),
			count(*) FILTER (WHERE status = 'waitlisted')
		FROM registrations WHERE group_id = $1 AND (role = 'child') = $2`, groupID, child)
	if err := row.Scan(&taken, &waiting); err != nil {
		return 0, 0, fmt.Errorf("store: unable to count seats: %w", err)
	}
	return taken, waiting, nil
}

// seatsTaken counts the seats held (admitted or offered) per group of an offering, for the catalogue.
func seatsTaken(ctx context.Context, q sqlx.QueryerContext, offeringID int64) (map[int64]SeatCount, error) {
	var rows []struct {
		GroupID int64 `db:"group_id"`
		SeatCount
	}
	err := sqlx.SelectContext(ctx, q, &rows, `SELECT group_id,
			count(*) FILTER (WHERE role <> 'child') AS adults,
			count(*) FILTER (WHERE role = 'child') AS children
		FROM registrations
		WHERE offering_id = $1 AND group_id IS NOT NULL AND status IN ('admitted', 'offered') AND NOT over_capacity
		GROUP BY group_id`, offeringID)
	if err != nil {
		return nil, fmt.Errorf("store: unable to count seats: %w", err)
	}
	out := map[int64]SeatCount{}
	for _, r := range rows {
		out[r.GroupID] = r.SeatCount
	}
	return out, nil
}

// insertRegistration stores a new registration. The database's guard refuses a seat beyond capacity or next
// to a separated person; those come back as ErrFull and ErrSeparated.
// Times come from the app's clock, so that figures and retention follow it (and tests can travel in time).
func (a *App) insertRegistration(ctx context.Context, tx *sqlx.Tx, r Registration) (int64, error) {
	var id int64
	now := a.Now()
	requested := r.RequestedOn
	if requested.IsZero() {
		requested = now
	}
	err := tx.GetContext(ctx, &id, `INSERT INTO registrations (person_id, offering_id, group_id, household_id, role,
			status, referrer, referrer_detail_enc, message_enc, waitlisted_at, offer_expires_at, over_capacity, walk_in,
			registered_by, token_hash, requested_on, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $17) RETURNING id`,
		r.PersonID, r.OfferingID, r.GroupID, r.HouseholdID, r.Role, r.Status, r.Referrer, a.Keys.Encrypt(r.ReferrerDetail),
		r.MessageEnc, r.WaitlistedAt, r.OfferExpiresAt, r.OverCapacity, r.WalkIn, r.RegisteredBy, r.TokenHash,
		brusselsDay(requested), now)
	if err != nil {
		return 0, guardError(err, "store: unable to save registration")
	}
	if err := a.recordTransition(ctx, tx, id, "", r.Status, r.RegisteredBy); err != nil {
		return 0, err
	}
	return id, nil
}

// guardError turns the database guard's refusals into domain errors.
func guardError(err error, what string) error {
	switch pgCode(err) {
	case "VH001":
		return ErrFull
	case "VH002":
		return ErrSeparated
	case "VH003":
		return ErrTransition
	case "23505":
		return fmt.Errorf("%s: %w", what, ErrDuplicate)
	}
	return fmt.Errorf("%s: %w", what, err)
}

// recordTransition keeps the history of a registration's status.
func (a *App) recordTransition(ctx context.Context, tx *sqlx.Tx, regID int64, from, to string, staffID *int64) error {
	var f *string
	if from != "" {
		f = &from
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO registration_events (registration_id, from_status, to_status, staff_id, at)
		VALUES ($1, $2, $3, $4, $5)`, regID, f, to, staffID, a.Now()); err != nil {
		return fmt.Errorf("store: unable to record status change: %w", err)
	}
	return nil
}

// registrationByID reads one registration.
func registrationByID(ctx context.Context, q sqlx.QueryerContext, id int64, lock bool) (Registration, error) {
	var r Registration
	query := `SELECT ` + registrationColumns + ` FROM registrations WHERE id = $1`
	if lock {
		query += ` FOR UPDATE`
	}
	err := sqlx.GetContext(ctx, q, &r, query, id)
	if errors.Is(err, sql.ErrNoRows) {
		return r, ErrNotFound
	}
	if err != nil {
		return r, fmt.Errorf("store: unable to read registration: %w", err)
	}
	return r, nil
}

// setStatus moves a registration to a new status (the database checks the transition) and records it.
func (a *App) setStatus(ctx context.Context, tx *sqlx.Tx, r Registration, to string, staffID *int64) error {
	_, err := tx.ExecContext(ctx, `UPDATE registrations SET status = $2, updated_at = $3,
			waitlisted_at = CASE WHEN $2 = 'waitlisted' THEN $3 ELSE waitlisted_at END,
			offer_expires_at = CASE WHEN $2 = 'offered' THEN offer_expires_at ELSE NULL END
		WHERE id = $1`, r.ID, to, a.Now())
	if err != nil {
		return guardError(err, "store: unable to change registration")
	}
	return a.recordTransition(ctx, tx, r.ID, r.Status, to, staffID)
}

// addToken gives a registration one more personal-link token and returns it, for the mail (or page) that
// carries it. The links the person already has keep working.
func (a *App) addToken(ctx context.Context, tx *sqlx.Tx, regID int64) (string, error) {
	token, hash := NewToken()
	if _, err := tx.ExecContext(ctx, `INSERT INTO registration_tokens (token_hash, registration_id, created_at)
		VALUES ($1, $2, $3)`, hash, regID, a.Now()); err != nil {
		return "", fmt.Errorf("store: unable to add a link: %w", err)
	}
	return token, nil
}

// householdMembers lists the others of r's household (none when r has no household), parents first.
func householdMembers(ctx context.Context, q sqlx.QueryerContext, k *Keys, r Registration) ([]HouseholdMember, error) {
	var out []HouseholdMember
	err := sqlx.SelectContext(ctx, q, &out, `SELECT p.id AS person_id, r.id AS registration_id, p.display_name_enc, r.role,
			p.age, r.status
		FROM registrations r JOIN people p ON p.id = r.person_id
		WHERE r.household_id = $1 AND r.id <> $2 ORDER BY r.role DESC, r.id`, r.HouseholdID, r.ID)
	if err != nil {
		return nil, fmt.Errorf("store: unable to read the household: %w", err)
	}
	openNames(k, out, func(m *HouseholdMember) ([]byte, *string) { return m.NameEnc, &m.Name })
	return out, nil
}

// registrationHistory lists the status changes of registration regID, oldest first, with the staff member's
// name when staff made them.
func registrationHistory(ctx context.Context, q sqlx.QueryerContext, regID int64) ([]RegistrationEvent, error) {
	var out []RegistrationEvent
	err := sqlx.SelectContext(ctx, q, &out, `SELECT e.from_status, e.to_status, u.name AS staff_name, e.at
		FROM registration_events e LEFT JOIN staff_users u ON u.id = e.staff_id
		WHERE e.registration_id = $1 ORDER BY e.at, e.id`, regID)
	if err != nil {
		return nil, fmt.Errorf("store: unable to read the history: %w", err)
	}
	return out, nil
}

// separationCandidates lists the people active in offering offeringID, other than personID and not yet
// separated from them: whom staff may mark as never to meet personID. One row per person, their latest place.
func separationCandidates(ctx context.Context, q sqlx.QueryerContext, k *Keys, offeringID, personID int64) ([]CandidatePerson, error) {
	var out []CandidatePerson
	err := sqlx.SelectContext(ctx, q, &out, `SELECT DISTINCT ON (p.id) p.id AS person_id, p.display_name_enc,
			g.name AS group_name, o.status
		FROM registrations o JOIN people p ON p.id = o.person_id LEFT JOIN groups g ON g.id = o.group_id
		WHERE o.offering_id = $1 AND o.person_id <> $2 AND p.anonymised_at IS NULL
		  AND o.status IN ('requested', 'intake_planned', 'admitted', 'waitlisted', 'offered')
		  AND NOT EXISTS (SELECT 1 FROM separations s
		                  WHERE (s.person_a = $2 AND s.person_b = p.id) OR (s.person_b = $2 AND s.person_a = p.id))
		ORDER BY p.id, o.id DESC`, offeringID, personID)
	if err != nil {
		return nil, fmt.Errorf("store: unable to list candidates: %w", err)
	}
	openNames(k, out, func(c *CandidatePerson) ([]byte, *string) { return c.NameEnc, &c.Name })
	return out, nil
}

// moveRegistration puts registration regID in group groupID with an ordinary seat. The database's guard
// refuses a full group or a separated person (ErrFull, ErrSeparated).
func moveRegistration(ctx context.Context, tx sqlx.ExecerContext, regID, groupID int64, now time.Time) error {
	if _, err := tx.ExecContext(ctx, `UPDATE registrations SET group_id = $2, over_capacity = false, updated_at = $3
		WHERE id = $1`, regID, groupID, now); err != nil {
		return guardError(err, "store: unable to move registration")
	}
	return nil
}

// placeRegistration puts registration regID in group groupID, above capacity when overCapacity; the status
// changes separately (setStatus). The database's guard answers ErrFull and ErrSeparated.
func placeRegistration(ctx context.Context, tx sqlx.ExecerContext, regID, groupID int64, overCapacity bool) error {
	if _, err := tx.ExecContext(ctx, `UPDATE registrations SET group_id = $2, over_capacity = $3 WHERE id = $1`,
		regID, groupID, overCapacity); err != nil {
		return guardError(err, "store: unable to place registration")
	}
	return nil
}

// setWaitingGroup puts registration regID on the waiting list of group groupID (the status changes separately).
func setWaitingGroup(ctx context.Context, tx sqlx.ExecerContext, regID, groupID int64) error {
	if _, err := tx.ExecContext(ctx, `UPDATE registrations SET group_id = $2 WHERE id = $1`, regID, groupID); err != nil {
		return guardError(err, "store: unable to place on the waiting list")
	}
	return nil
}

// setIntake records the intake's time and, when noteEnc is not nil, its encrypted note.
func setIntake(ctx context.Context, tx sqlx.ExecerContext, regID int64, at time.Time, noteEnc []byte, now time.Time) error {
	if _, err := tx.ExecContext(ctx, `UPDATE registrations SET intake_at = $2,
			intake_note_enc = COALESCE($3, intake_note_enc), updated_at = $4 WHERE id = $1`,
		regID, at, noteEnc, now); err != nil {
		return fmt.Errorf("store: unable to plan intake: %w", err)
	}
	return nil
}

// setDeclineReason keeps why a request was declined (reasonEnc, encrypted), for the file.
func setDeclineReason(ctx context.Context, tx sqlx.ExecerContext, regID int64, reasonEnc []byte) error {
	if _, err := tx.ExecContext(ctx, `UPDATE registrations SET decline_reason_enc = $2 WHERE id = $1`, regID, reasonEnc); err != nil {
		return fmt.Errorf("store: unable to decline: %w", err)
	}
	return nil
}

// householdOf returns the registrations decided together with r: its household's, or r alone. They are locked.
func householdOf(ctx context.Context, tx *sqlx.Tx, r Registration) ([]Registration, error) {
	var out []Registration
	query := `SELECT ` + registrationColumns + ` FROM registrations WHERE id = $1 FOR UPDATE`
	arg := r.ID
	if r.HouseholdID != nil {
		query = `SELECT ` + registrationColumns + ` FROM registrations WHERE household_id = $1 ORDER BY id FOR UPDATE`
		arg = *r.HouseholdID
	}
	if err := tx.SelectContext(ctx, &out, query, arg); err != nil {
		return nil, fmt.Errorf("store: unable to read registrations: %w", err)
	}
	return out, nil
}

// admittedOfGroup returns the admitted registrations of group groupID, locked.
func admittedOfGroup(ctx context.Context, tx *sqlx.Tx, groupID int64) ([]Registration, error) {
	var regs []Registration
	if err := tx.SelectContext(ctx, &regs, `SELECT `+registrationColumns+` FROM registrations
		WHERE group_id = $1 AND status = 'admitted' FOR UPDATE`, groupID); err != nil {
		return nil, fmt.Errorf("store: unable to read members: %w", err)
	}
	return regs, nil
}

// nextOnWaitingList returns, locked, who waits longest for a seat on one track (adults or children) of group
// groupID and can take one: someone separated from a person with a seat there is passed over (the database would
// refuse the seat). found is false when nobody waits who can.
func nextOnWaitingList(ctx context.Context, tx *sqlx.Tx, groupID int64, child bool) (r Registration, found bool, err error) {
	err = tx.GetContext(ctx, &r, `SELECT `+registrationColumns+` FROM registrations w
		WHERE w.group_id = $1 AND w.status = 'waitlisted' AND (w.role = 'child') = $2
		  AND NOT EXISTS (SELECT 1 FROM separations s
		                  JOIN registrations m
		                    ON m.person_id = CASE WHEN s.person_a = w.person_id THEN s.person_b ELSE s.person_a END
		                  WHERE (s.person_a = w.person_id OR s.person_b = w.person_id)
		                    AND m.group_id = w.group_id AND m.status IN ('admitted', 'offered'))
		ORDER BY w.waitlisted_at, w.id LIMIT 1 FOR UPDATE OF w`, groupID, child)
	if errors.Is(err, sql.ErrNoRows) {
		return r, false, nil
	}
	if err != nil {
		return r, false, fmt.Errorf("store: unable to find the next on the waiting list: %w", err)
	}
	return r, true, nil
}

// groupsToReconcile lists, in id order, the open groups where a seat is free on a track while someone waits on
// it, and the groups with an open "free seat, people waiting" work item.
func groupsToReconcile(ctx context.Context, q sqlx.QueryerContext) ([]int64, error) {
	var ids []int64
	err := sqlx.SelectContext(ctx, q, &ids, `SELECT g.id FROM groups g
		WHERE (g.status = 'open' AND EXISTS (
		        SELECT 1 FROM registrations w WHERE w.group_id = g.id AND w.status = 'waitlisted'
		          AND (SELECT count(*) FROM registrations x WHERE x.group_id = g.id AND (x.role = 'child') = (w.role = 'child')
		                 AND x.status IN ('admitted', 'offered') AND NOT x.over_capacity)
		              < CASE WHEN w.role = 'child' THEN g.child_capacity ELSE g.capacity END))
		   OR EXISTS (SELECT 1 FROM work_items i WHERE i.group_id = g.id AND i.kind = 'seat_free' AND i.done_at IS NULL)
		ORDER BY g.id`)
	if err != nil {
		return nil, fmt.Errorf("store: unable to list groups to reconcile: %w", err)
	}
	return ids, nil
}

// offerSeat makes registration regID an offer of a seat until expires (the transition is recorded separately).
func offerSeat(ctx context.Context, tx sqlx.ExecerContext, regID int64, expires, now time.Time) error {
	if _, err := tx.ExecContext(ctx, `UPDATE registrations SET status = 'offered', offer_expires_at = $2,
		updated_at = $3 WHERE id = $1`, regID, expires, now); err != nil {
		return guardError(err, "store: unable to offer a place")
	}
	return nil
}

// expiredOffer is an offer whose time has passed, with its group.
type expiredOffer struct {
	ID      int64 `db:"id"`
	GroupID int64 `db:"group_id"`
}

// expiredOffers lists up to 100 offers whose time passed before now, oldest first.
func expiredOffers(ctx context.Context, q sqlx.QueryerContext, now time.Time) ([]expiredOffer, error) {
	var out []expiredOffer
	if err := sqlx.SelectContext(ctx, q, &out, `SELECT id, group_id FROM registrations
		WHERE status = 'offered' AND offer_expires_at < $1 ORDER BY offer_expires_at LIMIT 100`, now); err != nil {
		return nil, fmt.Errorf("store: unable to list expired offers: %w", err)
	}
	return out, nil
}

// claimExpiredOffer locks offer regID when it is still offered and expired, skipping it when another process
// holds it: found is false when it was answered or taken meanwhile.
func claimExpiredOffer(ctx context.Context, tx *sqlx.Tx, regID int64, now time.Time) (r Registration, found bool, err error) {
	err = tx.GetContext(ctx, &r, `SELECT `+registrationColumns+` FROM registrations
		WHERE id = $1 AND status = 'offered' AND offer_expires_at < $2 FOR UPDATE SKIP LOCKED`, regID, now)
	if errors.Is(err, sql.ErrNoRows) {
		return r, false, nil
	}
	if err != nil {
		return r, false, fmt.Errorf("store: unable to read offer: %w", err)
	}
	return r, true, nil
}

// activeInGroupByEmail counts the places and waiting-list entries in group groupID of people with one of
// emailHashes (an address's hashes under every key).
func activeInGroupByEmail(ctx context.Context, q sqlx.QueryerContext, groupID int64, emailHashes [][]byte) (int, error) {
	var n int
	err := sqlx.GetContext(ctx, q, &n, `SELECT count(*) FROM registrations r JOIN people p ON p.id = r.person_id
		WHERE r.group_id = $1 AND p.email_hash = ANY($2) AND r.status IN ('admitted', 'waitlisted', 'offered')`,
		groupID, byteaArray(emailHashes))
	if err != nil {
		return 0, fmt.Errorf("store: unable to look for a signup: %w", err)
	}
	return n, nil
}

// queueRows lists the open requests and waiting people for the intake queue (see Queue): of offering slug
// offering ("" for all), and only of groups staff member staffID may see unless their role sees all.
func queueRows(ctx context.Context, q sqlx.QueryerContext, k *Keys, staffID int64, offering string) ([]QueueItem, error) {
	var out []QueueItem
	err := sqlx.SelectContext(ctx, q, &out, `SELECT r.id AS registration_id, r.person_id, p.display_name_enc AS alias_enc,
			o.slug AS offering_slug, o.name AS offering_name, r.group_id, g.name AS group_name, r.status, r.role,
			(SELECT count(*) FROM registrations c WHERE c.household_id = r.household_id AND c.role = 'child'
			   AND r.household_id IS NOT NULL) AS children,
			r.referrer, p.municipality, r.created_at, r.requested_on, r.intake_at, r.offer_expires_at
		FROM registrations r
		JOIN people p ON p.id = r.person_id
		JOIN offerings o ON o.id = r.offering_id
		LEFT JOIN groups g ON g.id = r.group_id
		WHERE r.status IN ('requested', 'intake_planned', 'waitlisted', 'offered') AND r.role <> 'child'
		  AND (r.household_id IS NULL OR r.id = (SELECT min(h.id) FROM registrations h WHERE h.household_id = r.household_id))
		  AND ($2 = '' OR o.slug = $2)
		  AND (EXISTS (SELECT 1 FROM staff_users u WHERE u.id = $1 AND u.role IN ('admin', 'coordinator'))
		       OR (r.group_id IS NOT NULL AND `+groupScopeSQL("r.group_id", "$1")+`))
		ORDER BY r.status = 'offered' DESC, r.status = 'waitlisted', COALESCE(r.waitlisted_at, r.created_at), r.id`,
		staffID, offering)
	if err != nil {
		return nil, fmt.Errorf("store: unable to read the queue: %w", err)
	}
	openNames(k, out, func(it *QueueItem) ([]byte, *string) { return it.AliasEnc, &it.Alias })
	return out, nil
}

// codeState is what decides who may see a personal page: whether the offering is discreet (and joined by
// request and intake), and the code.
type codeState struct {
	Discreet bool       `db:"discreet"`
	Hash     *string    `db:"code_hash"`
	Attempts int        `db:"code_attempts"`
	LockedAt *time.Time `db:"code_locked_at"`
}

// HasCode reports whether the person chose a personal code.
func (st codeState) HasCode() bool { return st.Hash != nil && *st.Hash != "" }

// Locked reports whether too many wrong codes locked the page.
func (st codeState) Locked() bool { return st.LockedAt != nil }

// codeStateOf reads the code state of registration regID.
func (a *App) codeStateOf(ctx context.Context, q sqlx.QueryerContext, regID int64) (codeState, error) {
	var st codeState
	// The code guards every discreet registration, whether she joined by request and intake or by open signup:
	// whoever reads her mailbox can open the link either way. Without a code set, her page shows only her
	// appointments and changes become requests for staff (who can set a code with her).
	err := sqlx.GetContext(ctx, q, &st, `SELECT COALESCE(g.discreet, o.discreet) AS discreet,
			r.code_hash,
			r.code_attempts, r.code_locked_at
		FROM registrations r JOIN offerings o ON o.id = r.offering_id LEFT JOIN groups g ON g.id = r.group_id
		WHERE r.id = $1`, regID)
	if errors.Is(err, sql.ErrNoRows) {
		return st, ErrNotFound
	}
	if err != nil {
		return st, fmt.Errorf("store: unable to read code state: %w", err)
	}
	return st, nil
}

// countCodeAttempt counts one more try of the code of registration regID and returns the count with the hash
// to check against. ErrNotFound when no code is set; when the page is locked, a count above CodeAttempts.
func (a *App) countCodeAttempt(ctx context.Context, regID int64) (int, string, error) {
	var row struct {
		Attempts int    `db:"code_attempts"`
		Hash     string `db:"code_hash"`
		Locked   bool   `db:"locked"`
	}
	err := a.Store.DB.GetContext(ctx, &row, `UPDATE registrations
		SET code_attempts = code_attempts + 1
		WHERE id = $1 AND code_hash IS NOT NULL
		RETURNING code_attempts, code_hash, code_locked_at IS NOT NULL AS locked`, regID)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, "", ErrNotFound
	}
	if err != nil {
		return 0, "", fmt.Errorf("store: unable to count a code attempt: %w", err)
	}
	if row.Locked {
		return CodeAttempts + 1, "", nil
	}
	return row.Attempts, row.Hash, nil
}

// resetCodeAttempts starts the count of wrong codes again after a right one.
func (a *App) resetCodeAttempts(ctx context.Context, regID int64) error {
	if _, err := a.Store.DB.ExecContext(ctx, `UPDATE registrations SET code_attempts = 0
		WHERE id = $1 AND code_locked_at IS NULL`, regID); err != nil {
		return fmt.Errorf("store: unable to reset code attempts: %w", err)
	}
	return nil
}

// lockCode locks the personal page of r after too many wrong codes, once: the same transaction gives staff
// the work item and writes the audit row.
func (a *App) lockCode(ctx context.Context, r Registration) error {
	return a.Store.tx(ctx, func(tx *sqlx.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE registrations SET code_locked_at = $2
			WHERE id = $1 AND code_locked_at IS NULL`, r.ID, a.Now())
		if err != nil {
			return fmt.Errorf("store: unable to lock the personal page: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil // locked already, by a try at the same moment
		}
		if err := a.addWorkItem(ctx, tx, WorkItem{Kind: WorkCodeLocked, RegistrationID: &r.ID, PersonID: &r.PersonID,
			GroupID: r.GroupID}, ""); err != nil {
			return err
		}
		return a.auditChange(ctx, tx, 0, AuditPersonCodeLock, r, nil)
	})
}

// setCode stores a new code hash (nil-able as ""), with no tries counted and no lock.
func (a *App) setCode(ctx context.Context, q sqlx.ExecerContext, regID int64, hash string) error {
	if _, err := q.ExecContext(ctx, `UPDATE registrations SET code_hash = NULLIF($2, ''), code_attempts = 0,
			code_locked_at = NULL WHERE id = $1`, regID, hash); err != nil {
		return fmt.Errorf("store: unable to set the personal code: %w", err)
	}
	return nil
}

// member is a registration with a place in a group: its id and its person.
type member struct {
	ID       int64 `db:"id"`
	PersonID int64 `db:"person_id"`
}

// admittedAdults lists the admitted registrations of a group but the children's, by id.
func admittedAdults(ctx context.Context, q sqlx.QueryerContext, groupID int64) ([]member, error) {
	var out []member
	if err := sqlx.SelectContext(ctx, q, &out, `SELECT id, person_id FROM registrations
		WHERE group_id = $1 AND status = 'admitted' AND role <> 'child' ORDER BY id`, groupID); err != nil {
		return nil, fmt.Errorf("store: unable to list group members: %w", err)
	}
	return out, nil
}

// countAdmitted counts the registrations with a place in a group now.
func countAdmitted(ctx context.Context, q sqlx.QueryerContext, groupID int64) (int, error) {
	var n int
	if err := sqlx.GetContext(ctx, q, &n, `SELECT count(*) FROM registrations
		WHERE group_id = $1 AND status = 'admitted'`, groupID); err != nil {
		return 0, fmt.Errorf("store: unable to count members: %w", err)
	}
	return n, nil
}

// rollCallRegistration finds the registration a mark of person personID at session sessionID of group groupID is
// recorded with: a place in the group (or a walk-in), or a mark at this session already; ErrNotFound when the
// person is not on the roll call.
func rollCallRegistration(ctx context.Context, q sqlx.QueryerContext, groupID, personID, sessionID int64) (int64, error) {
	var regID int64
	err := sqlx.GetContext(ctx, q, &regID, `SELECT id FROM registrations WHERE group_id = $1 AND person_id = $2
		AND (status IN ('admitted', 'completed') OR walk_in
		     OR EXISTS (SELECT 1 FROM attendance WHERE session_id = $3 AND person_id = $2))
		ORDER BY status = 'admitted' DESC, id DESC LIMIT 1`, groupID, personID, sessionID)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, ErrNotFound
	}
	if err != nil {
		return 0, fmt.Errorf("store: unable to find registration: %w", err)
	}
	return regID, nil
}

// everRegistered reports whether person personID ever registered for group groupID.
func everRegistered(ctx context.Context, q sqlx.QueryerContext, groupID, personID int64) (bool, error) {
	var ok bool
	if err := sqlx.GetContext(ctx, q, &ok, `SELECT EXISTS (SELECT 1 FROM registrations WHERE group_id = $1 AND person_id = $2)`,
		groupID, personID); err != nil {
		return false, fmt.Errorf("store: unable to find registration: %w", err)
	}
	return ok, nil
}

// openGroupsOfPerson lists, in id order, the groups where a person has an open registration (requested up to
// offered).
func openGroupsOfPerson(ctx context.Context, q sqlx.QueryerContext, personID int64) ([]int64, error) {
	var ids []int64
	if err := sqlx.SelectContext(ctx, q, &ids, `SELECT DISTINCT group_id FROM registrations WHERE person_id = $1
		AND group_id IS NOT NULL AND status IN ('requested', 'intake_planned', 'admitted', 'waitlisted', 'offered')
		ORDER BY group_id`, personID); err != nil {
		return nil, fmt.Errorf("store: unable to read groups: %w", err)
	}
	return ids, nil
}

// lockOpenRegistrationsOfPerson returns a person's open registrations and locks them for the transaction.
func lockOpenRegistrationsOfPerson(ctx context.Context, tx *sqlx.Tx, personID int64) ([]Registration, error) {
	var regs []Registration
	if err := tx.SelectContext(ctx, &regs, `SELECT `+registrationColumns+` FROM registrations WHERE person_id = $1
		AND status IN ('requested', 'intake_planned', 'admitted', 'waitlisted', 'offered') FOR UPDATE`, personID); err != nil {
		return nil, fmt.Errorf("store: unable to read registrations: %w", err)
	}
	return regs, nil
}

// exportedRegistration is a registration with its offering's and group's Dutch names, for a person's export.
type exportedRegistration struct {
	Registration
	Offering string  `db:"offering"`
	Group    *string `db:"group_name"`
}

// registrationsToExport lists every registration of a person, oldest first.
func registrationsToExport(ctx context.Context, q sqlx.QueryerContext, personID int64) ([]exportedRegistration, error) {
	var regs []exportedRegistration
	if err := sqlx.SelectContext(ctx, q, &regs, `SELECT `+prefixed("r.", registrationColumns)+`,
			o.name->>'nl' AS offering, g.name->>'nl' AS group_name
		FROM registrations r JOIN offerings o ON o.id = r.offering_id LEFT JOIN groups g ON g.id = r.group_id
		WHERE r.person_id = $1 ORDER BY r.id`, personID); err != nil {
		return nil, fmt.Errorf("store: unable to export registrations: %w", err)
	}
	return regs, nil
}

// registrationByTokenHash reads the registration whose personal link (its first token, or one added later)
// hashes to hash and still works at now: until the group's last planned session, or until an ended
// registration's last change, plus grace. ErrNotFound when there is none. With lock, the row is locked.
func registrationByTokenHash(ctx context.Context, q sqlx.QueryerContext, hash []byte, now time.Time, grace time.Duration, lock bool) (Registration, error) {
	query := `SELECT ` + registrationColumns + ` FROM registrations r
		WHERE r.id = (SELECT id FROM registrations WHERE token_hash = $1
		              UNION ALL SELECT registration_id FROM registration_tokens WHERE token_hash = $1 LIMIT 1)
		  AND $2 < COALESCE(
			(SELECT max(s.ends_at) FROM sessions s WHERE s.group_id = r.group_id AND s.status = 'planned'),
			CASE WHEN r.status IN ('declined', 'withdrawn', 'completed') THEN r.updated_at ELSE 'infinity' END
		) + $3::interval`
	if lock {
		query += ` FOR UPDATE`
	}
	var r Registration
	err := sqlx.GetContext(ctx, q, &r, query, hash, now, fmt.Sprintf("%d seconds", int(grace.Seconds())))
	if errors.Is(err, sql.ErrNoRows) {
		return r, ErrNotFound
	}
	if err != nil {
		return r, fmt.Errorf("store: unable to read registration: %w", err)
	}
	return r, nil
}

// householdRegistrationIDs lists the ids of every registration of household householdID, in id order.
func householdRegistrationIDs(ctx context.Context, q sqlx.QueryerContext, householdID int64) ([]int64, error) {
	var ids []int64
	if err := sqlx.SelectContext(ctx, q, &ids, `SELECT id FROM registrations WHERE household_id = $1 ORDER BY id`,
		householdID); err != nil {
		return nil, fmt.Errorf("store: unable to read household: %w", err)
	}
	return ids, nil
}

// admittedOfHousehold returns the admitted registrations of household householdID.
func admittedOfHousehold(ctx context.Context, q sqlx.QueryerContext, householdID int64) ([]Registration, error) {
	var regs []Registration
	if err := sqlx.SelectContext(ctx, q, &regs, `SELECT `+registrationColumns+` FROM registrations
		WHERE household_id = $1 AND status = 'admitted'`, householdID); err != nil {
		return nil, fmt.Errorf("store: unable to read household: %w", err)
	}
	return regs, nil
}

// activeRegistrationsByEmail returns, locked, the active registrations that have a personal link, of the people
// with one of emailHashes (an address's hashes under every key) who may be mailed at that address.
func activeRegistrationsByEmail(ctx context.Context, tx *sqlx.Tx, emailHashes [][]byte) ([]Registration, error) {
	var regs []Registration
	if err := tx.SelectContext(ctx, &regs, `SELECT `+prefixed("r.", registrationColumns)+`
		FROM registrations r JOIN people p ON p.id = r.person_id
		WHERE p.email_hash = ANY($1) AND (p.kind = 'professional' OR p.contact_email) AND r.token_hash IS NOT NULL
		  AND r.status IN ('requested', 'intake_planned', 'admitted', 'waitlisted', 'offered')
		FOR UPDATE OF r`, byteaArray(emailHashes)); err != nil {
		return nil, fmt.Errorf("store: unable to find registrations: %w", err)
	}
	return regs, nil
}

// replaceLinks retires every personal link of registration regID and makes hash its one link.
func replaceLinks(ctx context.Context, tx *sqlx.Tx, regID int64, hash []byte) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM registration_tokens WHERE registration_id = $1`, regID); err != nil {
		return fmt.Errorf("store: unable to retire links: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE registrations SET token_hash = $2 WHERE id = $1`, regID, hash); err != nil {
		return fmt.Errorf("store: unable to retire links: %w", err)
	}
	return nil
}

// brusselsDay is the calendar day of t in Brussels as yyyy-mm-dd, for a date column: the day does not depend on
// the server's zone.
func brusselsDay(t time.Time) string { return t.In(locale.Brussels).Format("2006-01-02") }

// setRequestedOn changes the request date of registration regID (and of the rest of its household: one request)
// to day (yyyy-mm-dd).
func setRequestedOn(ctx context.Context, tx sqlx.ExecerContext, regID int64, householdID *int64, day string, now time.Time) error {
	if _, err := tx.ExecContext(ctx, `UPDATE registrations SET requested_on = $1, updated_at = $2
		WHERE id = $3 OR (household_id IS NOT NULL AND household_id = $4)`, day, now, regID, householdID); err != nil {
		return fmt.Errorf("store: unable to set the request date: %w", err)
	}
	return nil
}
