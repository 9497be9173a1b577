package handlers_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/lib/pq"

	"portal/internal/testenv"
)

// TestRemindersAreChosenAsDaysAndHours: the offering form offers reminders as boxes in days and hours, with a
// field for any other moment; what is ticked and typed is stored as offsets, and the form shows it back the same
// way (a stored offset that is a choice ticks its box, another one is written in the field).
func TestRemindersAreChosenAsDaysAndHours(t *testing.T) {
	w := newStaffWorld(t, monday)
	c, token := w.client(t, w.coord)
	path := "/beheer/aanbod/" + itoa(w.offering)
	edit := w.get(t, c, path)
	for _, want := range []string{`name="reminder" value="7 dagen"`, "7 dagen vooraf", "1 dag vooraf", "2 uur vooraf", "Andere momenten"} {
		if !strings.Contains(edit.body, want) {
			t.Errorf("the offering form lacks %q", want)
		}
	}
	form := formValues(edit.body)
	form.Set("_csrf", token)
	form["reminder"] = []string{"7 dagen", "2 uur"}
	form.Set("reminders", "5 dagen")
	if r := w.post(t, c, path, form); r.status != http.StatusSeeOther {
		t.Fatalf("save offering: %d %s", r.status, r.body)
	}
	var offsets pq.Int64Array
	testenv.MustGet(t, w.srv.DB, &offsets, `SELECT reminder_offsets FROM offerings WHERE id = $1`, w.offering)
	if want := []int64{7 * 1440, 5 * 1440, 120}; len(offsets) != 3 || offsets[0] != want[0] || offsets[1] != want[1] || offsets[2] != want[2] {
		t.Errorf("stored offsets %v, want %v", offsets, want)
	}
	edit = w.get(t, c, path)
	for _, want := range []string{`value="7 dagen" checked`, `value="2 uur" checked`, `id="f-reminders" name="reminders"`} {
		if !strings.Contains(edit.body, want) {
			t.Errorf("the form does not show back %q", want)
		}
	}
	if strings.Contains(edit.body, `value="1 dag" checked`) {
		t.Error("a reminder no longer chosen is still ticked")
	}
	if f := formValues(edit.body); f.Get("reminders") != "5 dagen" {
		t.Errorf("the other moments field holds %q, want 5 dagen", f.Get("reminders"))
	}
	// Six moments are too many: refused next to the field, with the ticks kept.
	form["reminder"] = []string{"14 dagen", "7 dagen", "3 dagen", "2 dagen", "1 dag", "1 uur"}
	form.Set("reminders", "")
	r := w.post(t, c, path, form)
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "Kies hoogstens vijf momenten") ||
		!strings.Contains(r.body, `value="14 dagen" checked`) {
		t.Errorf("six reminders: %d", r.status)
	}
}
