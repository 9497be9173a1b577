package handlers

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"portal/app"
	"portal/views"
)

// reminderChoices are the reminders the offering form offers as boxes to tick, largest first, in minutes before
// a session: staff choose days and hours instead of typing them. Any other moment goes in the text field
// "reminders" next to them, read by app.ParseReminderOffsets like the boxes' values.
var reminderChoices = []int64{14 * 24 * 60, 7 * 24 * 60, 3 * 24 * 60, 2 * 24 * 60, 24 * 60, 12 * 60, 4 * 60, 2 * 60, 60}

// reminderOptions labels the choices in the page's language ("7 dagen vooraf", "2 uur vooraf"); each value is
// the choice as app.ParseReminderOffsets reads it ("7 dagen").
func (s *Server) reminderOptions(c *fiber.Ctx) []views.Option {
	out := make([]views.Option, len(reminderChoices))
	for i, m := range reminderChoices {
		label := s.Cat.T(lang(c), "staff.offer.reminder.hours", "Count", m/60)
		if m%(24*60) == 0 {
			label = s.Cat.T(lang(c), "staff.offer.reminder.days", "Count", m/(24*60))
		}
		out[i] = views.Option{Value: app.FormatReminderOffsets([]int64{m}), Label: label}
	}
	return out
}

// remindersOf joins the ticked reminder boxes and the typed other moments into the offering's reminders.
func remindersOf(c *fiber.Ctx) string {
	var parts []string
	for _, v := range c.Request().PostArgs().PeekMulti("reminder") {
		parts = append(parts, string(v))
	}
	if other := strings.TrimSpace(c.FormValue("reminders")); other != "" {
		parts = append(parts, other)
	}
	return strings.Join(parts, ", ")
}

// reminderFormValues splits an offering's stored reminders over the form: a box ticked for each one offered as a
// choice, the rest written in the text field.
func reminderFormValues(m map[string]string, reminders string) {
	offsets, ok := app.ParseReminderOffsets(reminders)
	if !ok {
		m["reminders"] = reminders
		return
	}
	var other []int64
	for _, o := range offsets {
		if isChoice(o) {
			m["reminder="+app.FormatReminderOffsets([]int64{o})] = "ja"
		} else {
			other = append(other, o)
		}
	}
	m["reminders"] = app.FormatReminderOffsets(other)
}

func isChoice(minutes int64) bool {
	for _, c := range reminderChoices {
		if c == minutes {
			return true
		}
	}
	return false
}
