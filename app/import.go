package app

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"

	"portal/app/locale"
)

// Importing a group's lists from a spreadsheet: a member list (a row per person, with what the portal needs to
// register them) and an attendance grid (a column per session date, the marks as the attendance export writes
// them) are one and the same sheet, whose columns say what it holds. PreviewImport reads it and says, row by row
// and cell by cell, what would be done and what is wrong; Import does it, all or nothing, in one transaction
// through the workflows the pages use (admission, roll call), with every mail they would cause recorded as
// cancelled: the lists describe what already happened.

// ImportMailReason is why the mails of an import are not sent (kept with each cancelled mail).
const ImportMailReason = "ingelezen uit een lijst"

// ErrImportProblems means the file has problems (ImportPlan.Problems): nothing was imported.
var ErrImportProblems = errors.New("import: the file has problems")

// ImportPlan is what an uploaded list would do to a group: the sessions its date columns match, a row per
// person, and the problems found. It holds names: only for staff who may import into the group, never stored.
type ImportPlan struct {
	Group    Group
	Offering Offering
	// Sessions are the group's sessions the date columns match, in the order of the columns.
	Sessions []Session
	// SessionColumns are the headers of those columns as the file writes them (as ImportProblem.Column).
	SessionColumns []string
	Rows           []ImportRow
	// Problems are what is wrong, in the order of the file; the import is refused while there is any.
	Problems []ImportProblem
}

// ImportRow is one person of an imported list.
type ImportRow struct {
	// Line is the row's number in the sheet, as the spreadsheet shows it (the header is row 1).
	Line        int
	Name        string
	Role        string
	Email       string
	Phone       string
	Referrer    string
	RequestedOn time.Time
	// PersonID is the group's person of that name, or 0 for someone the import adds to the group.
	PersonID int64
	// Marks hold a mark per session of the plan ("" for none).
	Marks []string
	// Was holds, for someone already in the group, the mark the portal has per session of the plan ("" for
	// none): where Marks holds another one, the import changes it (see Changed).
	Was []string
}

// Changed reports whether the import replaces an existing mark at session i of the plan with another one.
func (r ImportRow) Changed(i int) bool {
	return i < len(r.Was) && r.Was[i] != "" && r.Marks[i] != "" && r.Was[i] != r.Marks[i]
}

// ImportProblem is one thing wrong with an imported list: the row (0 for the file or its header), the column's
// header as written, the cell's value, and the catalogue id of the message (which may use .Row, .Column and
// .Value).
type ImportProblem struct {
	Row    int
	Column string
	Value  string
	Key    string
}

// New counts the people the import adds to the group.
func (p ImportPlan) New() int {
	n := 0
	for _, r := range p.Rows {
		if r.PersonID == 0 {
			n++
		}
	}
	return n
}

// ChangeCount counts the existing marks the import replaces with another one.
func (p ImportPlan) ChangeCount() int {
	n := 0
	for _, r := range p.Rows {
		for i := range r.Marks {
			if r.Changed(i) {
				n++
			}
		}
	}
	return n
}

// SessionCount counts the sessions at which the import records at least one mark.
func (p ImportPlan) SessionCount() int {
	n := 0
	for i := range p.Sessions {
		for _, r := range p.Rows {
			if r.Marks[i] != "" {
				n++
				break
			}
		}
	}
	return n
}

// MaxImportShown is the most characters of a cell the preview and its problems repeat: a refused cell may hold
// anything, and repeating it whole could make a page of megabytes.
const MaxImportShown = 60

// ClipImportValue cuts s (a cell of an uploaded file) to MaxImportShown characters, with "…" when it was longer.
func ClipImportValue(s string) string {
	if utf8.RuneCountInString(s) <= MaxImportShown {
		return s
	}
	return string([]rune(s)[:MaxImportShown]) + "…"
}

// MarkCount counts the marks the import records.
func (p ImportPlan) MarkCount() int {
	n := 0
	for _, r := range p.Rows {
		for _, m := range r.Marks {
			if m != "" {
				n++
			}
		}
	}
	return n
}

// PreviewImport reads an uploaded list (data: the file's bytes, at most MaxImportBytes) for group groupID and
// returns what importing it would do, with its problems; nothing is written. For the office (OfficeRoles):
// ErrForbidden for anyone else, before the file is read; ErrNotFound for an unknown group. A file that cannot
// be read at all gives a plan with one problem on row 0 (see ImportFileProblem).
func (a *App) PreviewImport(ctx context.Context, actor Actor, groupID int64, data []byte) (ImportPlan, error) {
	if err := actor.Allow(OfficeRoles); err != nil {
		return ImportPlan{}, err
	}
	return a.planImport(ctx, a.Store.DB, groupID, data)
}

// planImport reads data against the group as q sees it.
func (a *App) planImport(ctx context.Context, q sqlx.QueryerContext, groupID int64, data []byte) (ImportPlan, error) {
	var plan ImportPlan
	var err error
	if plan.Group, err = groupByID(ctx, q, groupID); err != nil {
		return plan, err
	}
	if plan.Offering, err = offeringByID(ctx, q, plan.Group.OfferingID); err != nil {
		return plan, err
	}
	rows, err := readSheet(data)
	if key := ImportFileProblem(err); key != "" {
		plan.Problems = append(plan.Problems, ImportProblem{Key: key})
		return plan, nil
	} else if err != nil {
		return plan, err
	}
	from, to := time.Date(FirstYear, 1, 1, 0, 0, 0, 0, locale.Brussels), time.Date(LastYear+1, 1, 1, 0, 0, 0, 0, locale.Brussels)
	sessions, err := plannedSessionsBetween(ctx, q, groupID, from, to)
	if err != nil {
		return plan, err
	}
	people, err := sheetPeople(ctx, q, a.Keys, groupID, sessionIDs(sessions))
	if err != nil {
		return plan, err
	}
	known := map[string]int64{}
	for _, p := range people {
		if !p.Anonymised {
			known[nameKey(p.Name)] = p.PersonID
		}
	}
	a.readImportRows(&plan, rows, sessions, known)
	// The marks the group's people already have at the list's sessions: the preview says which ones change.
	marks, err := marksOfSessions(ctx, q, sessionIDs(plan.Sessions))
	if err != nil {
		return plan, err
	}
	column := map[int64]int{}
	for i, s := range plan.Sessions {
		column[s.ID] = i
	}
	row := map[int64]int{}
	for i, r := range plan.Rows {
		if r.PersonID != 0 {
			row[r.PersonID] = i
		}
	}
	for _, m := range marks {
		i, ok := row[m.Person]
		if !ok {
			continue
		}
		r := &plan.Rows[i]
		if r.Was == nil {
			r.Was = make([]string, len(plan.Sessions))
		}
		r.Was[column[m.Session]] = m.Status
	}
	return plan, nil
}

func sessionIDs(ss []Session) []int64 {
	ids := make([]int64, len(ss))
	for i, s := range ss {
		ids[i] = s.ID
	}
	return ids
}

// nameKey is how names are compared: case and spacing do not count.
func nameKey(name string) string { return strings.ToLower(strings.Join(strings.Fields(name), " ")) }

// readImportRows checks the header and every row of a sheet against the group's sessions and people.
func (a *App) readImportRows(plan *ImportPlan, rows [][]string, sessions []Session, known map[string]int64) {
	problem := func(row int, column, value, key string) {
		plan.Problems = append(plan.Problems, ImportProblem{Row: row, Column: ClipImportValue(column),
			Value: ClipImportValue(value), Key: key})
	}
	header := rows[0]
	kinds := make([]string, len(header))
	session := map[int]int{} // column → index in plan.Sessions
	seen := map[string]bool{}
	usedSession := map[int64]bool{}
	for c, h := range header {
		h = strings.TrimSpace(h)
		if h == "" {
			continue
		}
		kind := importColumn(h)
		if kind == "" {
			day, ok := readImportDate(h)
			if !ok {
				problem(1, h, "", "import.column.unknown")
				continue
			}
			s, found := sessionOn(sessions, day)
			if !found {
				problem(1, h, "", "import.column.nosession")
				continue
			}
			if usedSession[s.ID] {
				problem(1, h, "", "import.column.twice")
				continue
			}
			usedSession[s.ID] = true
			session[c] = len(plan.Sessions)
			plan.Sessions = append(plan.Sessions, s)
			plan.SessionColumns = append(plan.SessionColumns, ClipImportValue(h))
			kind = colSession
		} else if seen[kind] {
			problem(1, h, "", "import.column.twice")
			continue
		}
		seen[kind] = true
		kinds[c] = kind
	}
	if !seen[colName] {
		problem(1, "", "", "import.column.noname")
		return
	}
	if len(rows) == 1 {
		problem(0, "", "", "import.file.empty")
		return
	}
	family := plan.Offering.Kind == KindFamily
	defRole := RoleParticipant
	if family {
		defRole = RoleParent
	}
	names := map[string]bool{}
	now := a.Now()
	for i, cells := range rows[1:] {
		line := i + 2
		if blankRow(cells) {
			continue
		}
		r := ImportRow{Line: line, Role: defRole, Marks: make([]string, len(plan.Sessions))}
		f := newFields()
		for c, v := range cells {
			if c >= len(kinds) || kinds[c] == "" {
				if strings.TrimSpace(v) != "" && c >= len(kinds) {
					problem(line, "", v, "import.cell.nocolumn")
				}
				continue
			}
			h := strings.TrimSpace(header[c])
			switch kinds[c] {
			case colName:
				r.Name = strings.Join(strings.Fields(v), " ")
			case colRole:
				role, ok := importRole(v, defRole)
				switch {
				case !ok || (!family && role == RoleChild):
					problem(line, h, v, "import.cell.role")
				case family && role == RoleParticipant:
					role = RoleParent // an adult of a family group takes part as a parent
				case !family:
					role = RoleParticipant
				}
				r.Role = role
			case colEmail:
				r.Email = f.email("email", v, false)
			case colPhone:
				r.Phone = f.phone("phone", v, false)
			case colReferrer:
				ref, ok := importReferrer(v)
				if !ok {
					problem(line, h, v, "import.cell.referrer")
				}
				r.Referrer = ref
			case colRequested:
				if strings.TrimSpace(v) == "" {
					continue
				}
				day, ok := readImportDate(v)
				switch {
				case !ok:
					problem(line, h, v, "import.cell.nodate")
				case brusselsDay(day) > brusselsDay(now):
					problem(line, h, v, "import.cell.requested")
				}
				r.RequestedOn = day
			case colSession:
				mark, ok := importMark(v)
				s := plan.Sessions[session[c]]
				switch {
				case !ok:
					problem(line, h, v, "import.cell.mark")
				case mark != "" && !TakesAttendance(s, now):
					problem(line, h, v, "import.cell.ahead")
				}
				r.Marks[session[c]] = mark
			}
		}
		for field, key := range f.v.Fields {
			column := map[string]string{"email": colEmail, "phone": colPhone}[field]
			problem(line, headerOf(header, kinds, column), cellOf(cells, kinds, column), key)
		}
		if r.Name == "" {
			problem(line, headerOf(header, kinds, colName), "", "import.cell.noname")
			continue
		}
		if erasedName(r.Name) {
			problem(line, headerOf(header, kinds, colName), r.Name, "import.cell.erased")
			continue
		}
		if len([]rune(r.Name)) > MaxName {
			problem(line, headerOf(header, kinds, colName), r.Name, "import.cell.longname")
		}
		if names[nameKey(r.Name)] {
			problem(line, headerOf(header, kinds, colName), r.Name, "import.cell.twice")
			continue
		}
		names[nameKey(r.Name)] = true
		r.PersonID = known[nameKey(r.Name)]
		plan.Rows = append(plan.Rows, r)
	}
	if len(plan.Rows) == 0 && len(plan.Problems) == 0 {
		problem(0, "", "", "import.file.empty")
	}
}

// sessionOn finds the group's session on day (Brussels), the first of the day when there are several.
func sessionOn(sessions []Session, day time.Time) (Session, bool) {
	want := day.Format("2006-01-02")
	for _, s := range sessions {
		if s.StartsAt.In(locale.Brussels).Format("2006-01-02") == want {
			return s, true
		}
	}
	return Session{}, false
}

// headerOf is the header of the column of kind, and cellOf its cell in a row ("" when there is none).
func headerOf(header, kinds []string, kind string) string {
	for c, k := range kinds {
		if k == kind {
			return strings.TrimSpace(header[c])
		}
	}
	return ""
}

func cellOf(cells, kinds []string, kind string) string {
	for c, k := range kinds {
		if k == kind && c < len(cells) {
			return cells[c]
		}
	}
	return ""
}

// ImportResult counts what an import did.
type ImportResult struct {
	People, Added, Marks, Sessions int
}

// Import imports an uploaded list into group groupID (see PreviewImport, which it repeats inside the
// transaction): people not yet in the group are registered on their request date and admitted (over capacity:
// the list says they were there), and the marks are recorded as a roll call taken late from a paper list. All of
// it in one transaction, through Admit and MarkManyWithReason as staff would on the pages; no mail leaves (each
// is recorded as cancelled with ImportMailReason). One audit row counts what was imported. For the office
// (OfficeRoles): ErrForbidden for anyone else; ErrImportProblems (with the plan) when the file has problems;
// the workflows' errors (ErrClosed for a group that takes no one, a *ValidationError) roll everything back.
func (a *App) Import(ctx context.Context, actor Actor, groupID int64, data []byte) (ImportPlan, ImportResult, error) {
	if err := actor.Allow(OfficeRoles); err != nil {
		return ImportPlan{}, ImportResult{}, err
	}
	var plan ImportPlan
	var res ImportResult
	err := a.Store.within(recordOnly(ctx, ImportMailReason), func(ctx context.Context, tx *sqlx.Tx) error {
		if _, err := lockGroup(ctx, tx, groupID); err != nil {
			return err
		}
		var err error
		if plan, err = a.planImport(ctx, tx, groupID, data); err != nil {
			return err
		}
		if len(plan.Problems) > 0 {
			return ErrImportProblems
		}
		for i := range plan.Rows {
			if plan.Rows[i].PersonID != 0 {
				continue
			}
			if plan.Rows[i].PersonID, err = a.importPerson(ctx, tx, actor, plan, plan.Rows[i]); err != nil {
				return err
			}
			res.Added++
		}
		// Session by session in the order they took place, as the roll calls were taken: the absence alert reads
		// the marks before each one.
		order := make([]int, len(plan.Sessions))
		for i := range order {
			order[i] = i
		}
		sort.SliceStable(order, func(x, y int) bool {
			return plan.Sessions[order[x]].StartsAt.Before(plan.Sessions[order[y]].StartsAt)
		})
		for _, i := range order {
			s := plan.Sessions[i]
			marks := map[int64]string{}
			for _, r := range plan.Rows {
				if r.Marks[i] != "" {
					marks[r.PersonID] = r.Marks[i]
				}
			}
			if len(marks) == 0 {
				continue
			}
			if err := a.MarkManyWithReason(ctx, actor, s.ID, marks, "paper_list"); err != nil {
				return fmt.Errorf("import: marks of session %d: %w", s.ID, err)
			}
			res.Marks += len(marks)
			res.Sessions++
		}
		res.People = len(plan.Rows)
		return a.Audit(ctx, tx, AuditEntry{StaffID: &actor.Staff.ID, Action: AuditGroupImport, GroupID: &groupID,
			Detail: map[string]any{"people": res.People, "added": res.Added, "marks": res.Marks, "sessions": res.Sessions}})
	})
	return plan, res, err
}

// importPerson registers someone of an imported list as a request staff took on their behalf, on the request
// date of the list (today when it has none), and admits them to the group with Admit.
func (a *App) importPerson(ctx context.Context, tx *sqlx.Tx, actor Actor, plan ImportPlan, r ImportRow) (int64, error) {
	kind := PersonParticipant
	switch {
	case r.Role == RoleChild:
		kind = PersonChild
	case plan.Offering.Audience == AudienceProfessionals:
		kind = PersonProfessional
	}
	p := a.participant(kind, r.Name, "", "nl", ContactInput{Email: r.Email, Phone: r.Phone,
		ByEmail: r.Email != "", ByPhone: r.Phone != ""})
	personID, err := a.insertPerson(ctx, tx, p)
	if err != nil {
		return 0, err
	}
	reg := Registration{PersonID: personID, OfferingID: plan.Offering.ID, Role: r.Role, Status: StatusRequested,
		RegisteredBy: &actor.Staff.ID, RequestedOn: r.RequestedOn}
	if r.Referrer != "" {
		reg.Referrer = &r.Referrer
	}
	regID, err := a.insertRegistration(ctx, tx, reg)
	if err != nil {
		return 0, err
	}
	// Over capacity only when the group is full: the list says they were there, but a group with room takes
	// them on a seat like anyone else, and the audit says which it was.
	seats := plan.Group.Capacity
	if r.Role == RoleChild {
		seats = plan.Group.ChildCapacity
	}
	taken, _, err := seatState(ctx, tx, plan.Group.ID, r.Role == RoleChild)
	if err != nil {
		return 0, err
	}
	over := taken >= seats
	if err := a.Admit(ctx, actor, regID, AdmitOptions{GroupID: plan.Group.ID, OverCapacity: over}); err != nil {
		return 0, fmt.Errorf("import: admitting row %d: %w", r.Line, err)
	}
	return personID, nil
}
