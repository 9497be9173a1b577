package app

import (
	"context"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// Running the offer: coordinators and admins create and edit offerings, their groups and their sessions.
// Forms arrive as text; the functions here check and convert them, and answer with a ValidationError naming
// each field that is wrong.

var slugPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// Kinds lists the offering kinds; Admissions the ways to join.
var (
	Kinds      = []string{KindIntervision, KindWaakvlam, KindPeerGroup, KindRotonde, KindFamily, KindEvent}
	Admissions = []string{AdmissionOpen, AdmissionIntake, AdmissionOrganisation, AdmissionInvitation}
)

// OfferingForm is the offering form as typed. Kind, Audience, Admission and Slug are set when the offering is
// made and not changed afterwards (public addresses and the meaning of existing registrations hang on them).
type OfferingForm struct {
	Slug, Kind, Audience, Admission string
	Name, Summary, Description      Text
	ForWhom, HowToJoin              Text
	Partner                         string
	Discreet, Active                bool
	RetentionDays, Reminders        string
	CancelHours, Position           string
	retention, cancel, position     int
	offsets                         pq.Int64Array
}

// OfferingFormOf fills the form from an offering, for editing.
func OfferingFormOf(o Offering) OfferingForm {
	return OfferingForm{Slug: o.Slug, Kind: o.Kind, Audience: o.Audience, Admission: o.Admission, Name: o.Name,
		Summary: o.Summary, Description: o.Description, ForWhom: o.ForWhom, HowToJoin: o.HowToJoin, Partner: o.Partner,
		Discreet: o.Discreet, Active: o.Active, RetentionDays: strconv.Itoa(o.RetentionDays),
		Reminders: FormatReminderOffsets(o.ReminderOffsets), CancelHours: strconv.Itoa(o.CancelHours), Position: strconv.Itoa(o.Position)}
}

func (f *OfferingForm) check(creating bool) error {
	v := &ValidationError{}
	if creating {
		checkSlug(v, f.Slug)
		if !slices.Contains(Kinds, f.Kind) {
			v.Add("kind", "form.required")
		}
		if !slices.Contains(Audiences, f.Audience) {
			v.Add("audience", "form.required")
		}
		if !slices.Contains(Admissions, f.Admission) {
			v.Add("admission", "form.required")
		}
	}
	checkText(v, "name", f.Name, 200, true)
	checkText(v, "summary", f.Summary, 1000, false)
	checkText(v, "description", f.Description, 4000, false)
	checkText(v, "for_whom", f.ForWhom, 2000, false)
	checkText(v, "how_to_join", f.HowToJoin, 2000, false)
	f.Partner = strings.TrimSpace(f.Partner)
	if len([]rune(f.Partner)) > 200 {
		v.Add("partner", "form.toolong")
	}
	f.retention = checkInt(v, "retention_days", f.RetentionDays, 1, 3650, true)
	f.cancel = checkInt(v, "cancel_hours", f.CancelHours, 0, 720, false)
	f.position = checkInt(v, "position", f.Position, 0, 1000, false)
	offsets, ok := ParseReminderOffsets(f.Reminders)
	if !ok {
		v.Add("reminders", "staff.offer.reminders.invalid")
	}
	f.offsets = offsets
	return v.OrNil()
}

// reminderPart is one reminder as staff type it: a number and an optional unit, days or hours.
var reminderPart = regexp.MustCompile(`^(\d{1,4})\s*(d|dag|dagen|day|days|u|uur|uren|h|hour|hours)?$`)

// maxReminderMinutes bounds a reminder offset: 60 days.
const maxReminderMinutes = 60 * minutesPerDay

// ParseReminderOffsets reads the reminders of an offering as staff type them, "7 dagen, 1 dag, 2 uur" (also
// "7d, 2u" or English "7 days, 2 hours"; a bare number is hours, as the field once asked), into offsets in
// minutes, largest first, without repeats: at most five, each from one hour to 60 days. ok is false when a
// part cannot be read. Whole days count Brussels calendar days when the reminder is planned (ReminderDue).
func ParseReminderOffsets(s string) (offsets pq.Int64Array, ok bool) {
	offsets = pq.Int64Array{}
	for _, part := range strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return r == ',' || r == ';' }) {
		m := reminderPart.FindStringSubmatch(strings.TrimSpace(part))
		if m == nil {
			return offsets, false
		}
		n, _ := strconv.ParseInt(m[1], 10, 64)
		minutes := n * 60
		switch m[2] {
		case "d", "dag", "dagen", "day", "days":
			minutes = n * minutesPerDay
		}
		if minutes < 60 || minutes > maxReminderMinutes {
			return offsets, false
		}
		if !slices.Contains(offsets, minutes) {
			offsets = append(offsets, minutes)
		}
	}
	if len(offsets) > 5 {
		return offsets, false
	}
	sort.Slice(offsets, func(i, j int) bool { return offsets[i] > offsets[j] })
	return offsets, true
}

// FormatReminderOffsets writes offsets (minutes) as the offering form shows them: "7 dagen, 1 dag, 2 uur".
func FormatReminderOffsets(offsets []int64) string {
	parts := make([]string, len(offsets))
	for i, m := range offsets {
		switch {
		case m%minutesPerDay == 0 && m == minutesPerDay:
			parts[i] = "1 dag"
		case m%minutesPerDay == 0:
			parts[i] = strconv.FormatInt(m/minutesPerDay, 10) + " dagen"
		default:
			parts[i] = strconv.FormatInt(m/60, 10) + " uur"
		}
	}
	return strings.Join(parts, ", ")
}

// CreateOffering makes an offering, for the office (ErrForbidden for anyone else).
func (a *App) CreateOffering(ctx context.Context, actor Actor, f OfferingForm) (int64, error) {
	if err := actor.Allow(OfficeRoles); err != nil {
		return 0, err
	}
	if err := f.check(true); err != nil {
		return 0, err
	}
	var id int64
	err := a.Store.tx(ctx, func(tx *sqlx.Tx) error {
		var err error
		if id, err = insertOffering(ctx, tx, f); err != nil {
			return err
		}
		return a.Audit(ctx, tx, AuditEntry{StaffID: &actor.Staff.ID, Action: AuditOfferingCreate, Detail: map[string]any{"offering": id}})
	})
	return id, err
}

// UpdateOffering saves the edited texts and settings of an offering, for the office (ErrForbidden for anyone
// else).
func (a *App) UpdateOffering(ctx context.Context, actor Actor, offeringID int64, f OfferingForm) error {
	if err := actor.Allow(OfficeRoles); err != nil {
		return err
	}
	if err := f.check(false); err != nil {
		return err
	}
	return a.Store.tx(ctx, func(tx *sqlx.Tx) error {
		old, err := lockOffering(ctx, tx, offeringID)
		if err != nil {
			return err
		}
		if err := updateOffering(ctx, tx, offeringID, f); err != nil {
			return err
		}
		changed := changedFields(map[string]bool{
			"discreet":         old.Discreet != f.Discreet,
			"retention_days":   old.RetentionDays != f.retention,
			"reminder_offsets": !slices.Equal(old.ReminderOffsets, f.offsets),
			"cancel_hours":     old.CancelHours != f.cancel,
			"position":         old.Position != f.position,
			"name":             !textEqual(old.Name, f.Name),
			"summary":          !textEqual(old.Summary, f.Summary),
			"description":      !textEqual(old.Description, f.Description),
			"for_whom":         !textEqual(old.ForWhom, f.ForWhom),
			"how_to_join":      !textEqual(old.HowToJoin, f.HowToJoin),
			"partner":          old.Partner != f.Partner,
			"active":           old.Active != f.Active,
		})
		return a.Audit(ctx, tx, AuditEntry{StaffID: &actor.Staff.ID, Action: AuditOfferingUpdate,
			Detail: map[string]any{"offering": offeringID, "fields": changed}})
	})
}

// OfferingsForStaff lists every offering, active or not, in catalogue order, for the office (ErrForbidden for
// anyone else).
func (a *App) OfferingsForStaff(ctx context.Context, actor Actor) ([]OfferingSummary, error) {
	if err := actor.Allow(OfficeRoles); err != nil {
		return nil, err
	}
	return allOfferings(ctx, a.Store.DB)
}

// OfferingDetail is one offering as the office sees it, with its groups.
type OfferingDetail struct {
	Offering Offering
	Groups   []Group
}

// OfferingForStaff reads offering offeringID and its groups for the office (ErrForbidden for anyone else;
// ErrNotFound when there is none).
func (a *App) OfferingForStaff(ctx context.Context, actor Actor, offeringID int64) (OfferingDetail, error) {
	var d OfferingDetail
	if err := actor.Allow(OfficeRoles); err != nil {
		return d, err
	}
	var err error
	if d.Offering, err = offeringByID(ctx, a.Store.DB, offeringID); err != nil {
		return d, err
	}
	if d.Groups, err = groupsOfOffering(ctx, a.Store.DB, offeringID); err != nil {
		return d, err
	}
	return d, nil
}

// OfferingSummary is an offering in the staff list, with its number of groups.
type OfferingSummary struct {
	Offering
	Groups int `db:"groups"`
}

// checkSlug validates an address part: lower-case letters, digits and single hyphens.
func checkSlug(v *ValidationError, slug string) {
	if !slugPattern.MatchString(slug) || len(slug) > 80 {
		v.Add("slug", "staff.offer.slug.invalid")
	}
}

// checkText validates a text in both languages; the form fields are NAME_nl and NAME_en.
func checkText(v *ValidationError, name string, t Text, max int, required bool) {
	for _, l := range []string{"nl", "en"} {
		s := strings.TrimSpace(t[l])
		if required && l == "nl" && s == "" {
			v.Add(name+"_nl", "form.required")
		}
		if len([]rune(s)) > max {
			v.Add(name+"_"+l, "form.toolong")
		}
	}
}

// checkInt parses a whole number between lo and hi; an empty optional field is 0.
func checkInt(v *ValidationError, field, s string, lo, hi int, required bool) int {
	s = strings.TrimSpace(s)
	if s == "" {
		if required {
			v.Add(field, "form.required")
		}
		return 0
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < lo || n > hi {
		v.Add(field, "staff.form.number")
		return 0
	}
	return n
}

// cleanText trims a text and drops empty languages, so a missing translation falls back to Dutch.
func cleanText(t Text) Text {
	out := Text{}
	for l, s := range t {
		if s = strings.TrimSpace(s); s != "" {
			out[l] = s
		}
	}
	return out
}

func textEqual(a, b Text) bool {
	a, b = cleanText(a), cleanText(b)
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// changedFields lists the names whose flag is set, sorted: the audit detail of an edit.
func changedFields(flags map[string]bool) []string {
	out := []string{}
	for k, changed := range flags {
		if changed {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// prefixColumns qualifies a column list with a table alias.
func prefixColumns(alias, cols string) string {
	parts := strings.Split(cols, ",")
	for i, p := range parts {
		parts[i] = alias + "." + strings.TrimSpace(p)
	}
	return strings.Join(parts, ", ")
}
