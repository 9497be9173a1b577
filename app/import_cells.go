package app

import (
	"strconv"
	"strings"
	"time"

	"portal/app/locale"
)

// The words an imported list may hold: the headers and values the template and the attendance export write
// (Dutch and English), and the usual ways people type them in a spreadsheet of their own.

// importColumn names what a header means: one of the column kinds below, or "" for a header the portal does not
// know (a session date is recognised apart, by readImportDate).
func importColumn(header string) string {
	switch strings.ToLower(strings.Join(strings.Fields(header), " ")) {
	case "naam", "name", "naam of alias", "voornaam", "first name":
		return colName
	case "rol", "role":
		return colRole
	case "e-mail", "email", "e-mailadres", "mail":
		return colEmail
	case "telefoon", "telefoonnummer", "gsm", "phone", "phone number":
		return colPhone
	case "verwijzer", "verwezen door", "wie verwees door", "referred by", "referrer":
		return colReferrer
	case "aanvraagdatum", "datum aanvraag", "request date", "requested on":
		return colRequested
	case "aanwezig (aantal keer)", "aanwezig", "present (times)", "attended (times)", "attended":
		return colAttended // the export's count: worked out again from the marks, never read
	}
	return ""
}

// Column kinds of an imported list.
const (
	colName      = "name"
	colRole      = "role"
	colEmail     = "email"
	colPhone     = "phone"
	colReferrer  = "referrer"
	colRequested = "requested_on"
	colAttended  = "attended"
	colSession   = "session"
)

// erasedName reports whether a name is how the attendance export writes a person whose data was purged or
// erased: such a row cannot be imported (there is nobody to record), and one of them is no person twice.
func erasedName(name string) bool {
	switch nameKey(name) {
	case "gewiste persoon", "erased person":
		return true
	}
	return false
}

// importMark reads an attendance mark as the export writes it (the word, in either language), as the roll call
// shows it (afgemeld for excused), or as a facilitator writes it on a paper list (the sheet's short signs); ""
// and ok for an empty cell.
func importMark(s string) (mark string, ok bool) {
	switch strings.ToLower(strings.Join(strings.Fields(s), " ")) {
	case "":
		return "", true
	case "aanwezig", "present", "✓", "✔":
		return MarkPresent, true
	case "te laat", "laat", "late", "l":
		return MarkLate, true
	case "verontschuldigd", "afgemeld", "zelf afgemeld", "verwittigd afwezig", "verwittigd", "excused",
		"excused themselves", "v":
		return MarkExcused, true
	case "afwezig", "onverwittigd afwezig", "absent", "✗", "✘":
		return MarkAbsent, true
	}
	return "", false
}

// importRole reads a role; an empty cell is def.
func importRole(s, def string) (role string, ok bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "":
		return def, true
	case "deelnemer", "volwassene", "participant", "adult":
		return RoleParticipant, true
	case "ouder", "parent":
		return RoleParent, true
	case "kind", "child":
		return RoleChild, true
	}
	return "", false
}

// importReferrer reads who referred someone: a code of Referrers or the words of the request form (short forms
// included); "" and ok for an empty cell.
func importReferrer(s string) (string, bool) {
	t := strings.ToLower(strings.TrimSpace(s))
	for _, r := range Referrers {
		if t == r {
			return r, true
		}
	}
	switch {
	case t == "":
		return "", true
	case t == "ikzelf" || t == "zelf" || t == "zichzelf" || t == "op eigen initiatief":
		return "self", true
	case t == "niet ingevuld" || t == "not given": // the export's word for no referrer
		return "", true
	case t == "public prosecutor":
		return "parket", true
	case t == "another care provider":
		return "partner", true
	case t == "politie":
		return "police", true
	case strings.HasPrefix(t, "parket"):
		return "parket", true
	case strings.HasPrefix(t, "centrum algemeen welzijnswerk"):
		return "caw", true
	case strings.HasPrefix(t, "sociaal huis") || strings.HasPrefix(t, "ocmw"):
		return "ocmw", true
	case t == "huisarts" || t == "general practitioner":
		return "gp", true
	case t == "een andere hulpverlener" || t == "andere hulpverlener" || t == "another professional":
		return "partner", true
	case t == "iemand anders" || t == "someone else" || t == "anders":
		return "other", true
	}
	return "", false
}

// excelEpoch is day 0 of a spreadsheet's date serial numbers (1900 system, with Lotus' leap-year slip).
var excelEpoch = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)

// monthWords are the month names and their usual short forms, lower case, Dutch and English.
var monthWords = map[string]time.Month{
	"jan": 1, "januari": 1, "january": 1, "feb": 2, "febr": 2, "februari": 2, "february": 2,
	"mrt": 3, "maa": 3, "maart": 3, "mar": 3, "march": 3, "apr": 4, "april": 4, "mei": 5, "may": 5,
	"jun": 6, "juni": 6, "june": 6, "jul": 7, "juli": 7, "july": 7, "aug": 8, "augustus": 8, "august": 8,
	"sep": 9, "sept": 9, "september": 9, "okt": 10, "oct": 10, "oktober": 10, "october": 10,
	"nov": 11, "november": 11, "dec": 12, "december": 12,
}

// readImportDate reads a day as the attendance export writes it ("14 oktober 2025", "14 October 2025"), as a
// spreadsheet stores a date cell (a serial number), or typed as 14/10/2025, 14-10-2025, 14.10.2025 or
// 2025-10-14; a weekday before it is allowed. The day is midnight in Brussels; ok is false for anything else
// and for a year outside FirstYear–LastYear.
func readImportDate(s string) (time.Time, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "" {
		return time.Time{}, false
	}
	day := func(y int, m time.Month, d int) (time.Time, bool) {
		t := time.Date(y, m, d, 0, 0, 0, 0, locale.Brussels)
		if t.Day() != d || t.Month() != m || y < FirstYear || y > LastYear {
			return time.Time{}, false
		}
		return t, true
	}
	if n, err := strconv.ParseFloat(s, 64); err == nil && n >= 1 && n < 100000 {
		t := excelEpoch.AddDate(0, 0, int(n))
		return day(t.Year(), t.Month(), t.Day())
	}
	if t, err := time.Parse("2006-01-02", s); err == nil {
		return day(t.Year(), t.Month(), t.Day())
	}
	for _, sep := range []string{"/", "-", "."} {
		parts := strings.Split(s, sep)
		if len(parts) != 3 {
			continue
		}
		d, e1 := strconv.Atoi(parts[0])
		m, e2 := strconv.Atoi(parts[1])
		y, e3 := strconv.Atoi(parts[2])
		if e1 != nil || e2 != nil || e3 != nil || m < 1 || m > 12 {
			return time.Time{}, false
		}
		if y < 100 {
			y += 2000
		}
		return day(y, time.Month(m), d)
	}
	words := strings.Fields(strings.ReplaceAll(s, ".", " "))
	if len(words) == 4 { // a weekday first: "dinsdag 14 oktober 2025"
		words = words[1:]
	}
	if len(words) != 3 {
		return time.Time{}, false
	}
	d, e1 := strconv.Atoi(words[0])
	m, known := monthWords[words[1]]
	y, e3 := strconv.Atoi(words[2])
	if e1 != nil || !known || e3 != nil {
		return time.Time{}, false
	}
	return day(y, m, d)
}
