package handlers_test

import (
	"html"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"portal/app/locale"
	"portal/handlers"
	"portal/internal/testserver"
)

var (
	// optionalLabel finds a field whose <label> or <legend> says "(niet verplicht)", as the form partials write it.
	optionalLabel  = regexp.MustCompile(`<label for="f-([a-z0-9_]+)">[^<]*<span class="optional">`)
	optionalLegend = regexp.MustCompile(`id="f-([a-z0-9_]+)"[^>]*>\s*<legend>[^<]*<span class="optional">`)
	fieldMessage   = regexp.MustCompile(`<span class="error-message" id="e-([a-z0-9_]+)">([^<]*)</span>`)
)

// fillThisIn is the bare "Vul dit in." of the Dutch catalogue.
func fillThisIn(t *testing.T) string {
	t.Helper()
	cat, err := locale.Load()
	if err != nil {
		t.Fatal(err)
	}
	return cat.T("nl", "form.required")
}

// checked counts the forms with optional fields that were tried, so that the test fails when the patterns above
// no longer match what the partials write.
var checked int

// answersWithRequired sends form to target with each of the choices that can make an optional field needed,
// one at a time, and returns "field (choice)" for every field marked optional on page that answered "Vul dit in.".
func answersWithRequired(t *testing.T, send func(url.Values) string, page string, hidden url.Values) []string {
	t.Helper()
	optional := map[string]bool{}
	for _, re := range []*regexp.Regexp{optionalLabel, optionalLegend} {
		for _, m := range re.FindAllStringSubmatch(page, -1) {
			optional[m[1]] = true
		}
	}
	if len(optional) == 0 {
		return nil // a form whose every field is needed
	}
	checked++
	required := html.EscapeString(fillThisIn(t))
	choices := []map[string]string{{}, {"channels": "email"}, {"channels": "phone"}, {"channels": "sms"},
		{"contact": "email"}, {"contact": "phone"}}
	for n := 1; n <= 8; n++ {
		choices = append(choices, map[string]string{"child_age_" + string(rune('0'+n)): "7"})
	}
	var out []string
	for _, choice := range choices {
		form := merge(hidden, choice)
		for _, m := range fieldMessage.FindAllStringSubmatch(send(form), -1) {
			if optional[m[1]] && m[2] == required {
				out = append(out, m[1]+" "+form.Encode())
			}
		}
	}
	return out
}

// TestOptionalFieldsNeverAnswerFillThisIn: a field marked "(niet verplicht)" never answers "Vul dit in." on any
// public or staff form, whatever choice makes it needed: its message says why it is needed now.
func TestOptionalFieldsNeverAnswerFillThisIn(t *testing.T) {
	checked = 0
	// The public forms on a portal without rate limits: every choice is sent from the one test address.
	srv := testserver.Start(t, testserver.Options{Seed: true, Limits: handlers.Limits{Forms: 1 << 20, Window: time.Minute}})
	visitor, _ := srv.StaffClient(t, 0)
	for _, path := range []string{"/aanbod/lotgenotengroepen/aanvragen", "/aanbod/rotonde/aanvragen",
		"/aanbod/blaffen-of-schuilen/aanvragen", "/aanbod/waakvlam/aanvragen",
		"/aanbod/intervisie/inschrijven/intervisie-bornem", "/aanbod/activiteiten/inschrijven/orange-the-world"} {
		_, body := get(t, visitor, srv.URL+path)
		page := response{body: body}
		hidden := url.Values{}
		for _, m := range hiddenField.FindAllStringSubmatch(page.body, -1) {
			hidden.Set(m[1], html.UnescapeString(m[2]))
		}
		send := func(f url.Values) string {
			status, body := post(t, visitor, srv.URL+path, f)
			if status != 422 {
				t.Fatalf("%s answers %d to %s, not the form again", path, status, f.Encode())
			}
			return body
		}
		for _, bad := range answersWithRequired(t, send, page.body, hidden) {
			t.Errorf("%s: optional field %s answers %q", path, bad, fillThisIn(t))
		}
	}
	w := newStaffWorld(t, time.Date(2026, 6, 15, 9, 0, 0, 0, locale.Brussels))
	admin, token := w.client(t, w.admin)
	for _, f := range []struct{ page, action string }{
		{"/beheer/aanvragen/nieuw?aanbod=blaffen-of-schuilen", "/beheer/aanvragen/nieuw?aanbod=blaffen-of-schuilen"},
		{"/beheer/aanvragen/nieuw?aanbod=rotonde", "/beheer/aanvragen/nieuw?aanbod=rotonde"},
		{"/beheer/groepen/" + itoa(w.own) + "/bewerken", "/beheer/groepen/" + itoa(w.own) + "/bewerken"},
		{"/beheer/aanbod/" + itoa(w.offering), "/beheer/aanbod/" + itoa(w.offering)},
		{"/beheer/medewerkers/nieuw", "/beheer/medewerkers/nieuw"},
		{"/beheer/inschrijvingen/" + itoa(w.registrations[w.own]), "/beheer/inschrijvingen/" + itoa(w.registrations[w.own]) + "/weigeren"},
		{"/beheer/inschrijvingen/" + itoa(w.registrations[w.own]), "/beheer/inschrijvingen/" + itoa(w.registrations[w.own]) + "/doorverwijzen"},
		{"/beheer/waakvlam/" + itoa(w.waakvlam), "/beheer/waakvlam/" + itoa(w.waakvlam) + "/plannen"},
	} {
		page := w.get(t, admin, f.page)
		hidden := url.Values{"_csrf": {token}}
		for _, m := range hiddenField.FindAllStringSubmatch(page.body, -1) {
			if m[1] == "_key" {
				hidden.Set(m[1], html.UnescapeString(m[2]))
			}
		}
		send := func(v url.Values) string { return w.post(t, admin, f.action, v).body }
		for _, bad := range answersWithRequired(t, send, page.body, hidden) {
			t.Errorf("%s: optional field %s answers %q", f.action, bad, fillThisIn(t))
		}
	}
	if checked < 8 {
		t.Errorf("only %d forms with optional fields found: the patterns no longer match the partials", checked)
	}
}

var (
	// tickedInput finds a radio button or checkbox that the page ticks, with its name and value.
	tickedInput = regexp.MustCompile(`<input type="(?:radio|checkbox)"[^>]*name="([a-z_]+)" value="([^"]*)"[^>]*\schecked`)
	// chosenOption finds an option with a value that the page selects.
	chosenOption = regexp.MustCompile(`<option value="([^"]+)"[^>]*\sselected`)
)

// TestPublicFormsChooseNothingInAdvance: no public form ticks a box, a radio button or an option for the person
// when it opens (e-mail chosen for her may bring a confirmation into a mailbox someone else reads), in both
// languages; signup forms of events, discreet or not, included.
func TestPublicFormsChooseNothingInAdvance(t *testing.T) {
	srv := testserver.Start(t, testserver.Options{Seed: true})
	visitor, _ := srv.StaffClient(t, 0)
	paths := append([]string{"/aanbod/activiteiten/inschrijven/orange-the-world", "/aanbod/intervisie/inschrijven/intervisie-bornem"},
		publicForms...)
	choices := 0
	for _, lang := range []string{"nl", "en"} {
		get(t, visitor, srv.URL+"/taal/"+lang+"?terug=/")
		for _, path := range paths {
			status, body := get(t, visitor, srv.URL+path)
			if status != 200 {
				t.Fatalf("%s answers %d", path, status)
			}
			choices += strings.Count(body, `type="radio"`) + strings.Count(body, `type="checkbox"`) + strings.Count(body, "<option")
			for _, m := range tickedInput.FindAllStringSubmatch(body, -1) {
				if m[2] == "" {
					continue // "no preference" (of a group) is the absence of a choice
				}
				t.Errorf("%s (%s): %s=%s is ticked in advance", path, lang, m[1], m[2])
			}
			for _, m := range chosenOption.FindAllStringSubmatch(body, -1) {
				t.Errorf("%s (%s): option %s is chosen in advance", path, lang, m[1])
			}
		}
	}
	if choices < 40 {
		t.Errorf("only %d choices seen on %d forms: do the patterns still match the partials?", choices, len(paths))
	}
}
