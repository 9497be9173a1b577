package handlers

import (
	"encoding/json"
	"sort"
	"strconv"
	"strings"
	"time"

	"portal/app/locale"
)

// auditFact is one part of an audit row's detail in words: "Van: Aangevraagd".
type auditFact struct {
	Label, Value string
}

// auditValuePrefixes name, per detail key, the catalogue prefixes that turn a code into words (the first that
// knows the code wins): a status, a role, a mark, a mail status, a kind of work.
var auditValuePrefixes = map[string][]string{
	"from":        {"staff.status.", "staff.role.", "staff.mark."},
	"to":          {"staff.status.", "staff.role.", "staff.mark."},
	"was":         {"staff.mail.status."},
	"role":        {"staff.role."},
	"destination": {"staff.referral."},
	"kind":        {"staff.work.kind.", "staff.audit.detail.kind."},
	"via":         {"staff.audit.detail.via."},
	"year":        {"staff.audit.detail.year."},
	"reason":      {"staff.rollcall.reason."},
	"fields":      {"staff.audit.detail.field."},
	"matched":     {"staff.audit.detail.match."},
}

// auditDetail turns an audit row's detail (a JSON object of codes, ids and times; see app.AuditEntry) into
// words, one fact per key in the order of the keys. A key the catalogue has no label for keeps its code, and so
// does a value no prefix knows: the audit page never hides what was logged.
func auditDetail(cat *locale.Catalogue, lang, raw string) []auditFact {
	var detail map[string]any
	if err := json.Unmarshal([]byte(raw), &detail); err != nil || len(detail) == 0 {
		if raw == "" || raw == "{}" || raw == "null" {
			return nil
		}
		return []auditFact{{Value: raw}}
	}
	keys := make([]string, 0, len(detail))
	for k := range detail {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	facts := make([]auditFact, 0, len(keys))
	for _, k := range keys {
		label := k
		if id := "staff.audit.detail." + k; cat.Has(id) {
			label = cat.T(lang, id)
		}
		facts = append(facts, auditFact{Label: label, Value: auditValue(cat, lang, k, detail[k])})
	}
	return facts
}

// auditValue writes one detail value in words: codes through the key's prefixes, times as Belgian dates,
// yes/no for booleans, lists joined with commas.
func auditValue(cat *locale.Catalogue, lang, key string, v any) string {
	switch v := v.(type) {
	case nil:
		return "–"
	case bool:
		if v {
			return cat.T(lang, "staff.yes")
		}
		return cat.T(lang, "staff.no")
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case string:
		if v == "" { // a first mark has no mark before it
			return "–"
		}
		for _, prefix := range auditValuePrefixes[key] {
			if cat.Has(prefix + v) {
				return cat.T(lang, prefix+v)
			}
		}
		if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
			return locale.ShortDate(lang, t) + " " + locale.Time(lang, t)
		}
		if t, err := time.ParseInLocation("2006-01-02", v, locale.Brussels); err == nil {
			return locale.ShortDate(lang, t) // a calendar day, such as a request date
		}
		return v
	case []any:
		parts := make([]string, len(v))
		for i, e := range v {
			parts[i] = auditValue(cat, lang, key, e)
		}
		return strings.Join(parts, ", ")
	default:
		b, err := json.Marshal(v)
		if err != nil {
			return "?"
		}
		return string(b)
	}
}
