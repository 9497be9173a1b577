package locale

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // the static binary carries its own time zone data
)

// Brussels is the portal's time zone: every date and time is shown in it.
var Brussels = mustLoad("Europe/Brussels")

func mustLoad(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

var (
	weekdays = map[string][7]string{
		"nl": {"zondag", "maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag"},
		"en": {"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"},
	}
	months = map[string][12]string{
		"nl": {"januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december"},
		"en": {"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"},
	}
)

func lang(l string) string {
	if Supported(l) {
		return l
	}
	return Default
}

// Date writes t as "maandag 14 juni 2024" (nl) or "Monday 14 June 2024" (en), in Brussels time.
func Date(l string, t time.Time) string {
	l = lang(l)
	t = t.In(Brussels)
	return fmt.Sprintf("%s %d %s %d", weekdays[l][t.Weekday()], t.Day(), months[l][t.Month()-1], t.Year())
}

// ShortDate writes t as "14 juni 2024".
func ShortDate(l string, t time.Time) string {
	l = lang(l)
	t = t.In(Brussels)
	return fmt.Sprintf("%d %s %d", t.Day(), months[l][t.Month()-1], t.Year())
}

// Time writes t as "19.00 uur" (nl) or "19:00" (en), in Brussels time; never voormiddag or namiddag.
func Time(l string, t time.Time) string {
	t = t.In(Brussels)
	if lang(l) == "en" {
		return fmt.Sprintf("%02d:%02d", t.Hour(), t.Minute())
	}
	return fmt.Sprintf("%d.%02d uur", t.Hour(), t.Minute())
}

// TimeRange writes "19.00 tot 21.00 uur" (nl) or "19:00 to 21:00" (en).
func TimeRange(l string, from, to time.Time) string {
	from, to = from.In(Brussels), to.In(Brussels)
	if lang(l) == "en" {
		return fmt.Sprintf("%02d:%02d to %02d:%02d", from.Hour(), from.Minute(), to.Hour(), to.Minute())
	}
	return fmt.Sprintf("%d.%02d tot %d.%02d uur", from.Hour(), from.Minute(), to.Hour(), to.Minute())
}

// DateTime writes "dinsdag 12 maart 2024 om 19.00 uur" (nl) or "Tuesday 12 March 2024 at 19:00" (en).
func DateTime(l string, t time.Time) string {
	if lang(l) == "en" {
		return Date(l, t) + " at " + Time(l, t)
	}
	return Date(l, t) + " om " + Time(l, t)
}

// Number writes n with a thousands separator: "1.234" (nl) or "1,234" (en).
func Number(l string, n int64) string {
	sep := "."
	if lang(l) == "en" {
		sep = ","
	}
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// Percent writes a ratio as "87 %" (nl, with a narrow space as the Dutch style guides want) or "87%" (en).
func Percent(l string, ratio float64) string {
	p := int(ratio*100 + 0.5)
	if lang(l) == "en" {
		return fmt.Sprintf("%d%%", p)
	}
	return fmt.Sprintf("%d\u202f%%", p)
}
