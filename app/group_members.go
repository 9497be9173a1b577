package app

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// MemberStatuses are the registration statuses the group page lists, in its order: who has a seat first, then
// who is offered one, waits, has an intake talk planned or asked, and last who finished the group.
var MemberStatuses = []string{StatusAdmitted, StatusOffered, StatusWaitlisted, StatusIntakePlanned, StatusRequested,
	StatusCompleted}

// GroupMember is one person's registration in a group as staff see it on the group page: how to reach her safely (the
// wishes, never the addresses themselves: those are on the registration) and her attendance so far.
type GroupMember struct {
	RegistrationID int64     `db:"registration_id"`
	PersonID       int64     `db:"person_id"`
	NameEnc        []byte    `db:"display_name_enc"`
	Name           string    `db:"-"`
	Anonymised     bool      `db:"anonymised"`
	Kind           string    `db:"kind"`
	Role           string    `db:"role"`
	Status         string    `db:"status"`
	Age            *int      `db:"age"`
	WalkIn         bool      `db:"walk_in"`
	CreatedAt      time.Time `db:"created_at"`
	// RequestedOn is the request date (a day; staff may set it for a request typed in afterwards).
	RequestedOn    time.Time  `db:"requested_on"`
	IntakeAt       *time.Time `db:"intake_at"`
	WaitlistedAt   *time.Time `db:"waitlisted_at"`
	OfferExpiresAt *time.Time `db:"offer_expires_at"`
	ByEmail        bool       `db:"contact_email"`
	ByPhone        bool       `db:"contact_phone"`
	BySMS          bool       `db:"contact_sms"`
	VoicemailOK    bool       `db:"voicemail_ok"`
	SafeTimesEnc   []byte     `db:"safe_times_enc"`
	SafeTimes      string     `db:"-"`
	// Attendance so far in this group: marks at its sessions, whatever the registration's status.
	Present int `db:"present"`
	Late    int `db:"late"`
	Excused int `db:"excused"`
	Absent  int `db:"absent"`
}

// Attended counts the sessions she came to (present or late).
func (m GroupMember) Attended() int { return m.Present + m.Late }

// Marked counts the sessions with a mark for her.
func (m GroupMember) Marked() int { return m.Present + m.Late + m.Excused + m.Absent }

// GroupMemberList is one status's members of a group, adults (participants and parents) and children apart, each by
// name.
type GroupMemberList struct {
	Status   string
	Adults   []GroupMember
	Children []GroupMember
}

// Count is the number of people in the list.
func (l GroupMemberList) Count() int { return len(l.Adults) + len(l.Children) }

// GroupMembers lists everyone with a registration in group groupID by status (MemberStatuses, empty statuses
// left out), adults and children apart, by name, with attendance so far and the safe-contact wishes. For an actor
// who may see the group (ErrForbidden otherwise); the view is written to the audit log (group.members_view, with
// the people listed).
func (a *App) GroupMembers(ctx context.Context, actor Actor, groupID int64) ([]GroupMemberList, error) {
	if err := actor.AllowGroup(AllRoles, groupID); err != nil {
		return nil, err
	}
	rows, err := groupMemberRows(ctx, a.Store.DB, groupID)
	if err != nil {
		return nil, err
	}
	openNames(a.Keys, rows, func(m *GroupMember) ([]byte, *string) { return m.NameEnc, &m.Name })
	openNames(a.Keys, rows, func(m *GroupMember) ([]byte, *string) { return m.SafeTimesEnc, &m.SafeTimes })
	sortByName(rows, func(m GroupMember) (int, string, int64) { return boolRank(m.Anonymised), m.Name, m.RegistrationID })
	var out []GroupMemberList
	people := make([]int64, 0, len(rows))
	for _, status := range MemberStatuses {
		l := GroupMemberList{Status: status}
		for _, m := range rows {
			if m.Status != status {
				continue
			}
			people = append(people, m.PersonID)
			if m.Role == RoleChild {
				l.Children = append(l.Children, m)
			} else {
				l.Adults = append(l.Adults, m)
			}
		}
		if l.Count() > 0 {
			out = append(out, l)
		}
	}
	by := actor.ID()
	if err := a.Audit(ctx, a.Store.DB, AuditEntry{StaffID: &by, Action: AuditGroupMembers, GroupID: &groupID,
		Detail: map[string]any{"people": people}}); err != nil {
		return nil, err
	}
	return out, nil
}

// groupMemberRows reads the registrations of group groupID in one of MemberStatuses, with their person's
// contact wishes (still sealed) and their marks at the group's sessions.
func groupMemberRows(ctx context.Context, q sqlx.QueryerContext, groupID int64) ([]GroupMember, error) {
	var out []GroupMember
	err := sqlx.SelectContext(ctx, q, &out, `SELECT r.id AS registration_id, r.person_id, p.display_name_enc,
			p.anonymised_at IS NOT NULL AS anonymised, p.kind, r.role, r.status, p.age, r.walk_in, r.created_at, r.requested_on,
			r.intake_at, r.waitlisted_at, r.offer_expires_at, p.contact_email, p.contact_phone, p.contact_sms,
			p.voicemail_ok, p.safe_times_enc,
			COALESCE(m.present, 0) AS present, COALESCE(m.late, 0) AS late,
			COALESCE(m.excused, 0) AS excused, COALESCE(m.absent, 0) AS absent
		FROM registrations r
		JOIN people p ON p.id = r.person_id
		LEFT JOIN LATERAL (
			SELECT count(*) FILTER (WHERE att.status = 'present') AS present,
			       count(*) FILTER (WHERE att.status = 'late') AS late,
			       count(*) FILTER (WHERE att.status = 'excused') AS excused,
			       count(*) FILTER (WHERE att.status = 'absent') AS absent
			FROM attendance att JOIN sessions s ON s.id = att.session_id
			WHERE s.group_id = r.group_id AND att.person_id = r.person_id) m ON true
		WHERE r.group_id = $1 AND r.status = ANY($2)`, groupID, pq.Array(MemberStatuses))
	if err != nil {
		return nil, fmt.Errorf("store: unable to read group members: %w", err)
	}
	return out, nil
}

// Channels lists the ways she allows to be reached, as channel codes (email, phone, sms), in that order.
func (m GroupMember) Channels() []string {
	var out []string
	for _, c := range []struct {
		ok   bool
		code string
	}{{m.ByEmail, "email"}, {m.ByPhone, "phone"}, {m.BySMS, "sms"}} {
		if c.ok {
			out = append(out, c.code)
		}
	}
	return out
}
