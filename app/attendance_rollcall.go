package app

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

// Attendance marks.
const (
	MarkPresent = "present"
	MarkAbsent  = "absent"
	MarkExcused = "excused"
	MarkLate    = "late"
)

// Marks lists the attendance marks in the order of the roll call's buttons.
var Marks = []string{MarkPresent, MarkLate, MarkExcused, MarkAbsent}

// EditWindow is how long after a session every staff member who leads it may still take or change its
// attendance; after that only the roles of Config.MayChangeLateRollCall may, each change with a reason
// (LateReasons) in the audit log. lateChange is the one place that applies it.
const EditWindow = 14 * 24 * time.Hour

// LateReasons are why a roll call is taken or corrected after EditWindow. They are codes, labelled in the
// catalogue (staff.rollcall.reason.<code>), because the audit log outlives a purge and holds no free text.
var LateReasons = []string{"paper_list", "mistake", "late_notice", "other"}

// lateChange decides whether a change to the attendance of session s comes after EditWindow (late) and whether
// actor may make it: ErrForbidden when it is late and the actor's role may not (Config.MayChangeLateRollCall).
// A late change also needs a reason: see lateReason.
func (a *App) lateChange(actor Actor, s Session) (late bool, err error) {
	late = a.Now().Sub(s.StartsAt) > EditWindow
	if late && !a.Config.MayChangeLateRollCall(actor.Staff.Role) {
		return true, ErrForbidden
	}
	return late, nil
}

// lateReason checks the reason of a late change: a problem on field "reason" unless it is one of LateReasons
// (the message says why a reason is asked, rather than a bare "required").
func (f *fields) lateReason(reason string) string {
	if reason == "" {
		f.v.Add("reason", "form.latereason.required")
		return ""
	}
	return f.choice("reason", reason, LateReasons, true)
}

// Expected is one person on a session's roll call.
type Expected struct {
	PersonID       int64   `db:"person_id"`
	RegistrationID int64   `db:"registration_id"`
	NameEnc        []byte  `db:"display_name_enc"`
	Name           string  `db:"-"`
	Role           string  `db:"role"`
	Age            *int    `db:"age"`
	WalkIn         bool    `db:"walk_in"`
	Mark           *string `db:"mark"`
	BySelf         bool    `db:"by_self"`
}

// Counts sums a roll call.
type Counts struct {
	Expected, Present, Late, Excused, Absent, Unmarked int
}

// Rate is the share of marked people who came (present or late).
func (c Counts) Rate() float64 {
	marked := c.Present + c.Late + c.Excused + c.Absent
	if marked == 0 {
		return 0
	}
	return float64(c.Present+c.Late) / float64(marked)
}

// RollCall is a session's attendance list: adults and children apart, with live counts.
type RollCall struct {
	Session  Session
	Group    Group
	Offering Offering
	Adults   []Expected
	Children []Expected
	Counts   Counts
	// Locked means the session is older than EditWindow: only some roles may still change marks, with a reason.
	Locked bool
	// MayChange means the actor of RollCallOf may take or change this roll call now: it is Open and, when Locked,
	// the actor's role may still change it (with a reason, NeedsReason).
	MayChange bool
	// NeedsReason means a change now asks for one of LateReasons (Locked and MayChange).
	NeedsReason bool
	// Open means attendance can be taken: the session has started and is not cancelled (TakesAttendance).
	Open bool
}

// TakesAttendance reports whether attendance can be recorded for s at now: only once it has started, and never
// for a cancelled session (nobody came to it).
func TakesAttendance(s Session, now time.Time) bool {
	return s.Status == SessionPlanned && !s.StartsAt.After(now)
}

// RollCallOf reads the roll call of a session: everyone admitted to the group (and walk-ins of this session), for
// an actor who may see the session's group (ErrForbidden otherwise; ErrNotFound when there is no such session).
func (a *App) RollCallOf(ctx context.Context, actor Actor, sessionID int64) (RollCall, error) {
	var rc RollCall
	if err := actor.Allow(AllRoles); err != nil {
		return rc, err
	}
	var err error
	if rc.Session, err = sessionByID(ctx, a.Store.DB, sessionID); err != nil {
		return rc, err
	}
	if err := actor.AllowGroup(AllRoles, rc.Session.GroupID); err != nil {
		return RollCall{}, err
	}
	if rc.Group, err = groupByID(ctx, a.Store.DB, rc.Session.GroupID); err != nil {
		return rc, err
	}
	if rc.Offering, err = offeringByID(ctx, a.Store.DB, rc.Group.OfferingID); err != nil {
		return rc, err
	}
	people, err := rollCallPeople(ctx, a.Store.DB, a.Keys, sessionID, rc.Group.ID)
	if err != nil {
		return rc, err
	}
	for _, p := range people {
		if p.Role == RoleChild {
			rc.Children = append(rc.Children, p)
		} else {
			rc.Adults = append(rc.Adults, p)
		}
		rc.Counts.Expected++
		switch {
		case p.Mark == nil:
			rc.Counts.Unmarked++
		case *p.Mark == MarkPresent:
			rc.Counts.Present++
		case *p.Mark == MarkLate:
			rc.Counts.Late++
		case *p.Mark == MarkExcused:
			rc.Counts.Excused++
		case *p.Mark == MarkAbsent:
			rc.Counts.Absent++
		}
	}
	late, lateErr := a.lateChange(actor, rc.Session)
	rc.Locked = late
	rc.Open = TakesAttendance(rc.Session, a.Now())
	rc.MayChange = rc.Open && lateErr == nil
	rc.NeedsReason = rc.MayChange && late
	return rc, nil
}

// ViewRollCall is RollCallOf for the roll call page: it records in the audit trail that the actor saw the names
// on it.
func (a *App) ViewRollCall(ctx context.Context, actor Actor, sessionID int64) (RollCall, error) {
	rc, err := a.RollCallOf(ctx, actor, sessionID)
	if err != nil {
		return rc, err
	}
	var people []int64
	for _, p := range append(rc.Adults, rc.Children...) {
		people = append(people, p.PersonID)
	}
	err = a.Audit(ctx, a.Store.DB, AuditEntry{StaffID: &actor.Staff.ID, Action: AuditAttendanceView, GroupID: &rc.Group.ID,
		Detail: map[string]any{"session_id": rc.Session.ID, "people": people}})
	return rc, err
}

// Mark records one person's attendance at a session. Only people on the roll call can be marked; after the
// edit window see MarkManyWithReason. Two unexcused absences in a row alert the coordinators.
func (a *App) Mark(ctx context.Context, actor Actor, sessionID, personID int64, mark string) error {
	return a.MarkManyWithReason(ctx, actor, sessionID, map[int64]string{personID: mark}, "")
}

// MarkMany records several marks at once (the roll call sent as one form). Marks that did not change are left
// alone, so a form sent twice, or after a lost connection, does no harm. ErrTransition for a session that has
// not started or was cancelled (TakesAttendance). Once a mark is saved, a "take attendance" mail still waiting
// for this session is dropped. After the edit window a change needs a reason: MarkManyWithReason.
func (a *App) MarkMany(ctx context.Context, actor Actor, sessionID int64, marks map[int64]string) error {
	return a.MarkManyWithReason(ctx, actor, sessionID, marks, "")
}

// MarkManyWithReason is MarkMany with the reason (one of LateReasons) for a change after EditWindow. Within the
// window the reason is not needed and not kept. After it: ErrForbidden for a role that may no longer change the
// roll call (Config.MayChangeLateRollCall), and a validation error on field "reason" when a mark would change
// without a valid reason; each changed mark is audited as a late edit with the reason.
func (a *App) MarkManyWithReason(ctx context.Context, actor Actor, sessionID int64, marks map[int64]string, reason string) error {
	if err := actor.Allow(AllRoles); err != nil {
		return err
	}
	return a.Store.tx(ctx, func(tx *sqlx.Tx) error {
		s, err := sessionByID(ctx, tx, sessionID)
		if err != nil {
			return err
		}
		if err := actor.AllowGroup(AllRoles, s.GroupID); err != nil {
			return err
		}
		for _, m := range marks {
			if !validMark(m) {
				return &ValidationError{Fields: map[string]string{"mark": "form.choice.invalid"}}
			}
		}
		if !TakesAttendance(s, a.Now()) {
			return ErrTransition
		}
		if len(marks) > 0 {
			if err := dropTakeAttendance(ctx, tx, s.ID); err != nil {
				return err
			}
		}
		late, err := a.lateChange(actor, s)
		if err != nil {
			return err
		}
		for personID, mark := range marks {
			// Only people on the roll call: a place in the group (or a walk-in), or a mark here already.
			regID, err := rollCallRegistration(ctx, tx, s.GroupID, personID, s.ID)
			if err != nil {
				return err
			}
			old, err := markOf(ctx, tx, sessionID, personID)
			if err != nil {
				return err
			}
			if old != nil && *old == mark {
				continue
			}
			if late {
				f := newFields()
				f.lateReason(reason)
				if err := f.err(); err != nil {
					return err
				}
			}
			if err := setMark(ctx, tx, sessionID, personID, regID, mark, actor.ID()); err != nil {
				return err
			}
			from := ""
			if old != nil {
				from = *old
			}
			action, detail := AuditAttendanceUpdate, map[string]any{"session_id": s.ID, "from": from, "to": mark}
			if late {
				action, detail["reason"] = AuditAttendanceLateEdit, reason // after the edit window: a correction
			}
			if err := a.Audit(ctx, tx, AuditEntry{StaffID: &actor.Staff.ID, Action: action, PersonID: &personID,
				RegistrationID: &regID, GroupID: &s.GroupID, Detail: detail}); err != nil {
				return err
			}
			if mark == MarkAbsent {
				if err := a.alertRepeatedAbsence(ctx, tx, regID, personID, s); err != nil {
					return err
				}
			} else if err := a.answerAbsenceAlert(ctx, tx, actor, regID, s.GroupID); err != nil {
				return err
			}
		}
		return nil
	})
}

func validMark(m string) bool {
	for _, v := range Marks {
		if m == v {
			return true
		}
	}
	return false
}

// answerAbsenceAlert closes her open two-absences alert once her last two sessions so far are no longer both
// unexcused absences: she came back (or a past year entered session by session reached a session she came to),
// so nobody needs to call her about it. A correction of an older session leaves a current alert alone.
func (a *App) answerAbsenceAlert(ctx context.Context, tx *sqlx.Tx, actor Actor, regID, groupID int64) error {
	lastTwo, err := lastTwoMarks(ctx, tx, regID, groupID, a.Now())
	if err != nil {
		return err
	}
	if len(lastTwo) == 2 && lastTwo[0] == MarkAbsent && lastTwo[1] == MarkAbsent {
		return nil
	}
	return a.closeWorkItems(ctx, tx, actor.ID(), regID, WorkAbsenceAlert)
}

// alertRepeatedAbsence mails the coordinators and opens a work item (for the coordinators and the group's
// facilitators) when a registration's last two sessions so far were both unexcused absences. The participant is
// never told.
func (a *App) alertRepeatedAbsence(ctx context.Context, tx *sqlx.Tx, regID, personID int64, s Session) error {
	lastTwo, err := lastTwoMarks(ctx, tx, regID, s.GroupID, s.StartsAt)
	if err != nil {
		return err
	}
	if len(lastTwo) < 2 || lastTwo[0] != MarkAbsent || lastTwo[1] != MarkAbsent {
		return nil
	}
	// One open alert per registration (no session: ON CONFLICT keeps one), made again after it was closed.
	if err := a.addWorkItem(ctx, tx, WorkItem{Kind: WorkAbsenceAlert, RegistrationID: &regID, PersonID: &personID,
		GroupID: &s.GroupID}, ""); err != nil {
		return err
	}
	coordinators, err := coordinatorIDs(ctx, tx)
	if err != nil {
		return err
	}
	for _, staffID := range coordinators {
		if err := a.enqueue(ctx, tx, Mail{DedupeKey: fmt.Sprintf("%s:%d:%d:%d", MailAbsenceAlert, regID, s.ID, staffID),
			Kind: MailAbsenceAlert, StaffID: ref(staffID), RegistrationID: ref(regID), SessionID: ref(s.ID)}); err != nil {
			return err
		}
	}
	return nil
}

// AddWalkIn adds someone who came without registering: a person (first name or alias), a place in the group
// beyond capacity, and a "present" mark for this session. After the edit window see AddWalkInWithReason.
func (a *App) AddWalkIn(ctx context.Context, actor Actor, sessionID int64, name, role string) (int64, error) {
	return a.AddWalkInWithReason(ctx, actor, sessionID, name, role, "")
}

// AddWalkInWithReason is AddWalkIn with the reason (one of LateReasons) for adding after EditWindow, under the
// same rule as MarkManyWithReason: ErrForbidden for a role that may no longer change the roll call, a validation
// error on field "reason" without a valid reason; the audit line then carries late and the reason.
func (a *App) AddWalkInWithReason(ctx context.Context, actor Actor, sessionID int64, name, role, reason string) (int64, error) {
	if err := actor.Allow(AllRoles); err != nil {
		return 0, err
	}
	var personID int64
	err := a.Store.tx(ctx, func(tx *sqlx.Tx) error {
		s, err := sessionByID(ctx, tx, sessionID)
		if err != nil {
			return err
		}
		if err := actor.AllowGroup(AllRoles, s.GroupID); err != nil {
			return err
		}
		late, err := a.lateChange(actor, s)
		if err != nil {
			return err
		}
		f := newFields()
		name = f.text("name", name, MaxName, true)
		if role != RoleChild && role != RoleParent {
			role = RoleParticipant
		}
		detail := map[string]any{"session_id": sessionID}
		if late {
			detail["late"], detail["reason"] = true, f.lateReason(reason)
		}
		if err := f.err(); err != nil {
			return err
		}
		if !TakesAttendance(s, a.Now()) {
			return ErrTransition
		}
		if err := dropTakeAttendance(ctx, tx, s.ID); err != nil {
			return err
		}
		g, err := lockGroup(ctx, tx, s.GroupID)
		if err != nil {
			return err
		}
		if role == RoleParticipant {
			// In a family group every adult is a parent: the figures count parents and children, and an adult
			// walk-in counted as neither would make the two not add up to the participants.
			o, err := offeringByID(ctx, tx, g.OfferingID)
			if err != nil {
				return err
			}
			if o.Kind == KindFamily {
				role = RoleParent
			}
		}
		kind := PersonParticipant
		if role == RoleChild {
			kind = PersonChild
		}
		if personID, err = a.insertPerson(ctx, tx, Person{Kind: kind, DisplayName: name, Language: "nl"}); err != nil {
			return err
		}
		regID, err := a.insertRegistration(ctx, tx, Registration{PersonID: personID, OfferingID: g.OfferingID, GroupID: &g.ID,
			Role: role, Status: StatusAdmitted, OverCapacity: true, WalkIn: true, RegisteredBy: &actor.Staff.ID})
		if err != nil {
			return err
		}
		if err := insertWalkInMark(ctx, tx, sessionID, personID, regID, actor.ID()); err != nil {
			return err
		}
		return a.Audit(ctx, tx, AuditEntry{StaffID: &actor.Staff.ID, Action: AuditAttendanceWalkIn, PersonID: &personID,
			RegistrationID: &regID, GroupID: &g.ID, Detail: detail})
	})
	return personID, err
}

// GroupCounts are the attendance counts of a group: per session, and over the sessions held so far.
type GroupCounts struct {
	// Registered is the number of people with a place in the group now.
	Registered int
	PerSession map[int64]Counts
	Total      Counts
}

// CountsOfGroup adds up the marks of every session of a group, for an actor who may see the group.
func (a *App) CountsOfGroup(ctx context.Context, actor Actor, groupID int64) (GroupCounts, error) {
	if err := actor.AllowGroup(AllRoles, groupID); err != nil {
		return GroupCounts{}, err
	}
	gc := GroupCounts{PerSession: map[int64]Counts{}}
	var err error
	if gc.Registered, err = countAdmitted(ctx, a.Store.DB, groupID); err != nil {
		return gc, err
	}
	rows, err := markCountsOfGroup(ctx, a.Store.DB, groupID)
	if err != nil {
		return gc, err
	}
	for _, r := range rows {
		c := gc.PerSession[r.SessionID]
		switch r.Status {
		case MarkPresent:
			c.Present += r.N
			gc.Total.Present += r.N
		case MarkLate:
			c.Late += r.N
			gc.Total.Late += r.N
		case MarkExcused:
			c.Excused += r.N
			gc.Total.Excused += r.N
		case MarkAbsent:
			c.Absent += r.N
			gc.Total.Absent += r.N
		}
		gc.PerSession[r.SessionID] = c
	}
	return gc, nil
}
