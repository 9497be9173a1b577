package handlers_test

import (
	"bytes"
	"encoding/csv"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"portal/app"
	"portal/app/locale"
	"portal/internal/fixtures"
	"portal/internal/testenv"
	"portal/internal/testserver"
)

// set moves the portal's clock.
func (c *clock) set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

// figuresYear is 2025 as entered through the portal's own workflows: an intervision group in Lier (two
// professionals, three meetings), a Blaffen of Schuilen group (one family: a parent and two children, two
// sessions, the parent referred on to the CAW), and a Waakvlam training for the Sociaal Huis of Lier.
type figuresYear struct {
	intervision, family, waakvlam int64
	an, bram, sara, chris         int64 // people
	anToken, saraToken            string
	chrisToken                    string
}

func at(m time.Month, d, h int) time.Time { return time.Date(2025, m, d, h, 0, 0, 0, locale.Brussels) }

func enterFiguresYear(t *testing.T, w *staffWorld) figuresYear {
	t.Helper()
	a, ctx := w.srv.App, t.Context()
	coord := app.Actor{Staff: app.Staff{ID: w.coord, Role: app.RoleCoordinator, Active: true}}
	var y figuresYear
	offering := func(slug string) int64 {
		o, err := a.Store.OfferingBySlug(ctx, slug)
		if err != nil {
			t.Fatal(err)
		}
		return o.ID
	}
	group := func(offeringSlug, slug, name, town string, children string, starts ...time.Time) (int64, []int64) {
		t.Helper()
		id, err := a.CreateGroup(ctx, fixtures.Actor(t, a, w.coord), offering(offeringSlug), app.GroupForm{Name: app.Text{"nl": name, "en": name},
			Slug: slug, Municipality: town, Capacity: "12", ChildCapacity: children, Status: app.GroupOpen,
			Visibility: app.VisibilityPublic})
		if err != nil {
			t.Fatal(err)
		}
		var times []app.SessionTime
		for _, s := range starts {
			times = append(times, app.SessionTime{Start: s, End: s.Add(2 * time.Hour)})
		}
		sessions, err := a.AddSessions(ctx, fixtures.Actor(t, a, w.coord), id, times)
		if err != nil {
			t.Fatal(err)
		}
		return id, sessions
	}
	person := func(regID int64) int64 {
		var p int64
		if err := w.srv.DB.Get(&p, `SELECT person_id FROM registrations WHERE id = $1`, regID); err != nil {
			t.Fatal(err)
		}
		return p
	}
	mark := func(session int64, start time.Time, marks map[int64]string) {
		t.Helper()
		w.clock.set(start.Add(time.Hour))
		if err := a.MarkMany(ctx, coord, session, marks); err != nil {
			t.Fatal(err)
		}
	}
	consent := app.Consent{Version: "test", Text: "Ik ga akkoord."}

	// Intervision in Lier: An comes three times (once late), Bram once (absent, then excused).
	w.clock.set(at(1, 6, 9))
	s1, s2, s3 := at(2, 4, 19), at(4, 1, 19), at(6, 3, 19)
	var is []int64
	y.intervision, is = group("intervisie", "intervisie-lier-2025", "Intervisiegroep Lier 2025", "Lier", "0", s1, s2, s3)
	for _, p := range []struct {
		name, email, org, sector string
		id                       *int64
		token                    *string
	}{{"An Peeters", "an@example.be", "Politiezone Mechelen", "police", &y.an, &y.anToken},
		{"Bram Claes", "bram@example.be", "CAW De Kempen", "caw", &y.bram, nil}} {
		res, err := a.SignUp(ctx, app.SignupInput{GroupID: y.intervision, Name: p.name, Email: p.email, Organisation: p.org,
			Sector: p.sector, Consent: true, ConsentText: consent})
		if err != nil {
			t.Fatal(err)
		}
		*p.id = person(res.RegistrationID)
		if p.token != nil {
			*p.token = res.Token
		}
	}
	mark(is[0], s1, map[int64]string{y.an: "present", y.bram: "present"})
	mark(is[1], s2, map[int64]string{y.an: "late", y.bram: "absent"})
	mark(is[2], s3, map[int64]string{y.an: "present", y.bram: "excused"})

	// Blaffen of Schuilen: Sara and her children Lina and Adam, referred by the police; Adam misses the second time.
	w.clock.set(at(2, 1, 9))
	f1, f2 := at(3, 5, 18), at(3, 12, 18)
	var fs []int64
	y.family, fs = group("blaffen-of-schuilen", "blaffen-2025", "Blaffen of Schuilen 2025", "Mechelen", "8", f1, f2)
	res, err := a.RequestHousehold(ctx, app.HouseholdInput{GroupID: y.family, Parent: "Sara",
		Children: []app.ChildInput{{FirstName: "Lina", Age: "7"}, {FirstName: "Adam", Age: "10"}},
		Contact:  app.ContactInput{ByPhone: true, Phone: "0470 00 00 01"}, Municipality: "Mechelen", Referrer: "police",
		Consent: true, ConsentText: consent})
	if err != nil {
		t.Fatal(err)
	}
	y.sara = person(res.RegistrationID)
	if err := a.Admit(ctx, fixtures.ActiveActor(t, a, w.coord), res.RegistrationID, app.AdmitOptions{}); err != nil {
		t.Fatal(err)
	}
	// Admission renews the personal link and sends it.
	var secret []byte
	if err := w.srv.DB.Get(&secret, `SELECT secret_enc FROM outbox WHERE kind = $1 AND registration_id = $2`,
		app.MailAdmitted, res.RegistrationID); err != nil {
		t.Fatal(err)
	}
	if y.saraToken, err = a.Keys.Decrypt(secret); err != nil {
		t.Fatal(err)
	}
	rc, err := a.RollCallOf(ctx, fixtures.Actor(t, a, w.coord), fs[0])
	if err != nil {
		t.Fatal(err)
	}
	first, second := map[int64]string{}, map[int64]string{}
	for _, p := range append(rc.Adults, rc.Children...) {
		first[p.PersonID] = "present"
		second[p.PersonID] = map[bool]string{true: "absent", false: "present"}[p.Name == "Adam"]
	}
	mark(fs[0], f1, first)
	mark(fs[1], f2, second)
	if err := a.RecordReferral(ctx, coord, y.sara, &res.RegistrationID, "caw_individual", at(4, 1, 10), "traject gestart"); err != nil {
		t.Fatal(err)
	}

	// Waakvlam for the Sociaal Huis of Lier in November; Chris signs up through the private link and comes.
	w.clock.set(at(9, 15, 9))
	wv, err := a.RequestWaakvlam(ctx, app.WaakvlamInput{Organisation: "Sociaal Huis Lier", ServiceType: "social_services",
		ContactName: "Jo", ContactEmail: "jo@lier.example", ExpectedStaff: "15", PreferredPeriods: "najaar", Consent: true,
		ConsentText: consent})
	if err != nil {
		t.Fatal(err)
	}
	st, err := a.WaakvlamByToken(ctx, wv.Token)
	if err != nil {
		t.Fatal(err)
	}
	training := at(11, 18, 14)
	if y.waakvlam, err = a.PlanWaakvlam(ctx, fixtures.Actor(t, a, w.coord), st.Request.ID, training, training.Add(3*time.Hour), "Sociaal Huis", "Lier"); err != nil {
		t.Fatal(err)
	}
	chris, err := a.SignUp(ctx, app.SignupInput{GroupID: y.waakvlam, Name: "Chris Janssens", Email: "chris@lier.example",
		Organisation: "Sociaal Huis Lier", Sector: "ocmw", Consent: true, ConsentText: consent})
	if err != nil {
		t.Fatal(err)
	}
	y.chris, y.chrisToken = person(chris.RegistrationID), chris.Token
	var ws int64
	if err := w.srv.DB.Get(&ws, `SELECT id FROM sessions WHERE group_id = $1`, y.waakvlam); err != nil {
		t.Fatal(err)
	}
	mark(ws, training, map[int64]string{y.chris: "present"})
	return y
}

// csvRows reads the figures' CSV: the BOM, a header, then (topic, item, measure, value) lines.
func csvRows(t *testing.T, body string) map[string]string {
	t.Helper()
	if !strings.HasPrefix(body, "\ufeff") {
		t.Error("the CSV has no byte order mark")
	}
	r := csv.NewReader(strings.NewReader(strings.TrimPrefix(body, "\ufeff")))
	r.Comma = ';'
	lines, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(lines) < 2 || strings.Join(lines[0], ";") != "Onderwerp;Onderdeel;Kenmerk;Waarde" {
		t.Fatalf("CSV header %v", lines[0])
	}
	out := map[string]string{}
	for _, l := range lines[1:] {
		out[l[0]+"|"+l[1]+"|"+l[2]] = l[3]
	}
	return out
}

// sheetRows reads a workbook's sheet as a map from the first cells of a row (joined by |) to the row.
func sheetRows(t *testing.T, body []byte, sheet string, keys int) (header []string, rows map[string][]string) {
	t.Helper()
	x, err := excelize.OpenReader(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("the workbook does not open: %v", err)
	}
	defer x.Close()
	all, err := x.GetRows(sheet)
	if err != nil {
		t.Fatalf("sheet %s: %v (sheets: %v)", sheet, err, x.GetSheetList())
	}
	if len(all) == 0 {
		t.Fatalf("sheet %s is empty", sheet)
	}
	rows = map[string][]string{}
	for _, r := range all[1:] {
		rows[strings.Join(r[:min(keys, len(r))], "|")] = r
	}
	return all[0], rows
}

func TestFiguresPageAndExportsShowWhatWasRecorded(t *testing.T) {
	w := newStaffWorld(t, at(1, 6, 9))
	enterFiguresYear(t, w)
	a := w.srv.App

	w.clock.set(time.Date(2026, 1, 15, 9, 0, 0, 0, locale.Brussels))
	coord, token := w.client(t, w.coord)
	page := w.get(t, coord, "/beheer/cijfers?jaar=2025")
	if page.status != http.StatusOK {
		t.Fatalf("figures page: %d", page.status)
	}
	text := htmlUnescape(page.body)
	for _, want := range []string{
		"<h1>Cijfers 2025</h1>",
		"In 2025 boden we 1 multidisciplinaire intervisiegroep aan (Lier).",
		"2 professionals namen deel, op 3 bijeenkomsten.",
		"1 ouder en 2 kinderen namen deel aan de groepssessies.",
		"1 ouder stroomde door naar een individueel begeleidingstraject bij het CAW.",
		"In 2025 hebben we de Waakvlam aangeboden aan Sociaal Huis Lier.",
		// Intervision Lier: 3 sessions, 2 participants, 4 attendances of 6 marks.
		`<th scope="row">Intervisiegroep Lier 2025</th><td>Lier</td><td class="num">3</td>
      <td class="num">2</td><td class="num">4</td><td class="num">6</td>
      <td class="num">67` + "\u202f" + `%</td>`,
		// The charts are pictures only (read once, from the tables); the tables hold their numbers.
		`<title id="chart-offerings-t">Deelnemers per aanbod in 2025</title>`,
		`<tr><th scope="row">Intervisiegroep Lier 2025</th><td class="num">0</td><td class="num">2</td><td class="num">0</td><td class="num">1</td><td class="num">0</td><td class="num">1</td>`,
		`<th scope="row">Mechelen</th><td class="num">3</td>`, // Sara, Lina and Adam
		`<th scope="row">Politie</th><td class="num">1</td>`,  // An, by sector
		`<th scope="row">Individueel traject bij het CAW</th><td class="num">1</td>`,
		`<li>Sociaal Huis Lier</li>`,
		`action="/beheer/cijfers/2025/afsluiten"`,
		`<a href="/beheer/cijfers/2025.xlsx">`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("figures page lacks %q", want)
		}
	}
	for _, name := range []string{"An Peeters", "Bram", "Sara", "Lina", "Chris"} {
		if strings.Contains(text, name) {
			t.Errorf("the figures page names %s", name)
		}
	}
	if n := strings.Count(page.body, "<svg"); n != strings.Count(page.body, `<svg class="chart" viewBox="0 0 360 `) ||
		n != strings.Count(page.body, `aria-hidden="true" focusable="false"`) || strings.Contains(page.body, "<desc") {
		t.Errorf("of %d charts, one is not hidden from screen readers (each would be read besides its table)", n)
	}
	if strings.Contains(page.body, "style=") {
		t.Error("the figures page has a style attribute (the CSP forbids inline style)")
	}

	f, err := a.FiguresOf(t.Context(), fixtures.Actor(t, a, w.coord), 2025)
	if err != nil {
		t.Fatal(err)
	}
	checkExports := func(when string) {
		t.Helper()
		c, _ := w.client(t, w.coord)
		r := w.get(t, c, "/beheer/cijfers/2025.csv")
		if r.status != http.StatusOK || !strings.HasPrefix(r.header.Get("Content-Type"), "text/csv") ||
			!strings.Contains(r.header.Get("Content-Disposition"), `filename="cijfers-2025.csv"`) {
			t.Fatalf("%s: CSV %d %v", when, r.status, r.header)
		}
		rows := csvRows(t, r.body)
		x := w.get(t, c, "/beheer/cijfers/2025.xlsx")
		if x.status != http.StatusOK || x.header.Get("Content-Type") != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" {
			t.Fatalf("%s: XLSX %d", when, x.status)
		}
		header, offerings := sheetRows(t, []byte(x.body), "Aanbod", 1)
		if strings.Join(header, "|") != "Aanbod|Groepen|Bijeenkomsten|Deelnemers|Aanwezigheden|Genoteerd|Aanwezigheidsgraad|Ouders|Kinderen|Naar individueel traject CAW" {
			t.Errorf("%s: offerings sheet header %v", when, header)
		}
		for _, o := range f.Offerings {
			name := o.Name.In("nl")
			row := offerings[name]
			want := []int{o.GroupsRun, o.SessionsHeld, o.Participants, o.Attendances, o.Marked}
			for i, n := range want {
				if len(row) < i+2 || row[i+1] != strconv.Itoa(n) {
					t.Errorf("%s: XLSX %s column %s = %v, want %d", when, name, header[i+1], row, n)
				}
				if got := rows["Aanbod|"+name+"|"+header[i+1]]; got != strconv.Itoa(n) {
					t.Errorf("%s: CSV %s %s = %q, want %d", when, name, header[i+1], got, n)
				}
			}
		}
		fam := offerings["Blaffen of Schuilen"]
		if len(fam) < 10 || fam[7] != "1" || fam[8] != "2" || fam[9] != "1" || fam[6] != "83%" {
			t.Errorf("%s: family row %v, want 1 parent, 2 children, 1 to the CAW, 83%%", when, fam)
		}
		_, groups := sheetRows(t, []byte(x.body), "Groepen", 2)
		lier := groups["Begeleide intervisie|Intervisiegroep Lier 2025"]
		if strings.Join(lier, "|") != "Begeleide intervisie|Intervisiegroep Lier 2025|Lier|3|2|4|6|67%|0|2|0|1|0|1|0|0|0|0|0|0" {
			t.Errorf("%s: group row %v", when, lier)
		}
		_, referrers := sheetRows(t, []byte(x.body), "Verwijzers", 1)
		if got := referrers["Politie"]; len(got) != 2 || got[1] != "1" {
			t.Errorf("%s: referrers %v", when, referrers)
		}
		_, report := sheetRows(t, []byte(x.body), "Verslag", 1)
		if _, ok := report["1 ouder en 2 kinderen namen deel aan de groepssessies."]; !ok {
			t.Errorf("%s: report sheet %v", when, report)
		}
		if rows["Waakvlam|Sociaal Huis Lier|"] != "" || len(rows) < 30 {
			t.Errorf("%s: CSV rows %v", when, rows)
		}
		if _, ok := rows["Waakvlam|Sociaal Huis Lier|"]; !ok {
			t.Errorf("%s: the CSV lacks the Waakvlam organisation", when)
		}
		for _, name := range []string{"An Peeters", "Sara", "Chris"} {
			if strings.Contains(r.body, name) {
				t.Errorf("%s: the CSV names %s", when, name)
			}
		}
	}
	checkExports("live")

	// Closing asks for a confirmation first; it is audited; the page then says the figures are fixed.
	r := w.post(t, coord, "/beheer/cijfers/2025/afsluiten", url.Values{"_csrf": {token}})
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "Vink aan dat je de cijfers wilt vastleggen.") {
		t.Fatalf("closing without confirmation: %d", r.status)
	}
	r = w.post(t, coord, "/beheer/cijfers/2026/afsluiten", url.Values{"_csrf": {token}, "bevestig": {"ja"}})
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "Een jaar kan pas worden afgesloten als het voorbij is.") {
		t.Errorf("closing the running year: %d", r.status)
	}
	r = w.post(t, coord, "/beheer/cijfers/2025/afsluiten", url.Values{"_csrf": {token}, "bevestig": {"ja"}})
	if r.status != http.StatusSeeOther || r.location != "/beheer/cijfers?jaar=2025&afgesloten=1" {
		t.Fatalf("closing: %d to %q", r.status, r.location)
	}
	var audited int
	testenv.MustGet(t, w.srv.DB, &audited, `SELECT count(*) FROM audit_log WHERE action = 'figures.close' AND staff_id = $1 AND detail->>'year' = '2025'`, w.coord)
	if audited != 1 {
		t.Errorf("closing was audited %d times", audited)
	}
	frozenPage := htmlUnescape(w.get(t, coord, "/beheer/cijfers?jaar=2025&afgesloten=1").body)
	for _, want := range []string{"De cijfers van 2025 liggen nu vast.", "liggen vast sinds donderdag 15 januari 2026"} {
		if !strings.Contains(frozenPage, want) {
			t.Errorf("closed year page lacks %q", want)
		}
	}
	if strings.Contains(frozenPage, "/afsluiten") {
		t.Error("a closed year can be closed again")
	}

	// The purge, years later, removes the people; the figures and their exports stay the same.
	w.clock.set(time.Date(2028, 6, 1, 9, 0, 0, 0, locale.Brussels))
	if n, err := a.Purge(t.Context()); err != nil || n == 0 {
		t.Fatalf("purge: %d, %v", n, err)
	}
	left := 0
	for _, name := range []string{"An Peeters", "Sara", "Lina"} {
		left += len(fixtures.PeopleNamed(t, w.srv.App, name))
	}
	if left != 0 {
		t.Fatalf("%d people kept their names after the purge", left)
	}
	w.clock.set(time.Date(2026, 1, 15, 10, 0, 0, 0, locale.Brussels))
	checkExports("after the purge")
	coord, _ = w.client(t, w.coord)
	after := htmlUnescape(w.get(t, coord, "/beheer/cijfers?jaar=2025").body)
	if pick(t, after) != pick(t, text) {
		t.Errorf("the figures page changed after the purge:\nbefore:\n%s\nafter:\n%s", pick(t, text), pick(t, after))
	}
}

// pick is the figures of a figures page: from the report to the end, without the notices above it or the form to
// close the year below it.
func pick(t *testing.T, page string) string {
	t.Helper()
	from := strings.Index(page, `<section aria-labelledby="verslag">`)
	to := strings.Index(page, `<section aria-labelledby="afsluiten"`)
	if to < 0 {
		to = strings.Index(page, "</main>")
	}
	if from < 0 || to < from {
		t.Fatal("not a figures page")
	}
	return strings.TrimSpace(page[from:to])
}

func TestAttendanceListsAndCertificates(t *testing.T) {
	w := newStaffWorld(t, at(1, 6, 9))
	y := enterFiguresYear(t, w)
	g := itoa(y.intervision)

	// During the year, An sees a link to her certificate on her personal page; Sara, a parent, does not.
	w.clock.set(at(3, 20, 9))
	anon := testserver.Client()
	if p := w.get(t, anon, "/mijn/"+y.saraToken); p.status != http.StatusOK || strings.Contains(p.body, "/attest") {
		t.Errorf("Sara's personal page (%d) links to a certificate", p.status)
	}
	if r := w.get(t, anon, "/mijn/"+y.saraToken+"/attest"); r.status != http.StatusNotFound {
		t.Errorf("a parent's certificate: %d, want 404", r.status)
	}
	w.clock.set(at(6, 10, 9))
	personal := w.get(t, anon, "/mijn/"+y.anToken)
	if !strings.Contains(personal.body, `href="/mijn/`+y.anToken+`/attest"`) {
		t.Error("An's personal page has no link to her certificate")
	}
	cert := htmlUnescape(w.get(t, anon, "/mijn/"+y.anToken+"/attest").body)
	for _, want := range []string{"Attest van aanwezigheid", "Veilig Huis Rivierenland", "Lange Schipstraat 27, 2800 Mechelen",
		"An Peeters", "Politiezone Mechelen", "Intervisiegroep Lier 2025", "dinsdag 4 februari 2025", "dinsdag 1 april 2025",
		"dinsdag 3 juni 2025", "19.00 tot 21.00 uur", "3 bijeenkomsten, 6 uur", "Handtekening en naam"} {
		if !strings.Contains(cert, want) {
			t.Errorf("An's certificate lacks %q", want)
		}
	}
	if r := w.get(t, anon, "/mijn/not-a-token-at-all-but-long/attest"); r.status != http.StatusNotFound {
		t.Errorf("an unknown link's certificate: %d", r.status)
	}

	// Staff, in January: the group page links to the lists; a coordinator prints and downloads them.
	w.clock.set(time.Date(2026, 1, 15, 9, 0, 0, 0, locale.Brussels))
	coord, _ := w.client(t, w.coord)
	group := w.get(t, coord, "/beheer/groepen/"+g)
	for _, want := range []string{"/beheer/groepen/" + g + "/aanwezigheidslijst", "/beheer/groepen/" + g + "/aanwezigheid.xlsx",
		"/beheer/groepen/" + g + "/attesten"} {
		if !strings.Contains(group.body, `href="`+want+`"`) {
			t.Errorf("group page lacks a link to %s", want)
		}
	}
	sheet := htmlUnescape(w.get(t, coord, "/beheer/groepen/"+g+"/aanwezigheidslijst?jaar=2025").body)
	for _, want := range []string{"Aanwezigheidslijst Intervisiegroep Lier 2025 2025", "An Peeters", "Bram Claes",
		`<abbr title="dinsdag 4 februari 2025">4 feb</abbr>`, `<abbr title="dinsdag 1 april 2025">1 apr</abbr>`, "3 jun",
		`<span aria-hidden="true">L</span><span class="visually-hidden">te laat</span>`} {
		if !strings.Contains(sheet, want) {
			t.Errorf("attendance sheet lacks %q", want)
		}
	}
	x := w.get(t, coord, "/beheer/groepen/"+g+"/aanwezigheid.xlsx?jaar=2025")
	if x.status != http.StatusOK || !strings.Contains(x.header.Get("Content-Disposition"), "aanwezigheid-intervisie-lier-2025-2025.xlsx") {
		t.Fatalf("attendance workbook: %d %v", x.status, x.header)
	}
	header, rows := sheetRows(t, []byte(x.body), "2025", 1)
	if strings.Join(header, "|") != "Naam|Rol|Verwezen door|Aanvraagdatum|4 februari 2025|1 april 2025|3 juni 2025|Aanwezig (aantal keer)" {
		t.Errorf("attendance header %v", header)
	}
	if got := strings.Join(rows["An Peeters"], "|"); got != "An Peeters|deelnemer||6 januari 2025|aanwezig|te laat|aanwezig|3" {
		t.Errorf("An's row %q", got)
	}
	if got := strings.Join(rows["Bram Claes"], "|"); got != "Bram Claes|deelnemer||6 januari 2025|aanwezig|afwezig|verontschuldigd|1" {
		t.Errorf("Bram's row %q", got)
	}
	all := w.get(t, coord, "/beheer/groepen/"+g+"/aanwezigheid.xlsx")
	if all.status != http.StatusOK || !strings.Contains(all.header.Get("Content-Disposition"), `filename="aanwezigheid-intervisie-lier-2025.xlsx"`) {
		t.Errorf("workbook of every year: %d %v", all.status, all.header)
	}
	if _, rows := sheetRows(t, []byte(all.body), "2025", 1); len(rows) != 2 {
		t.Errorf("workbook of every year: %v", rows)
	}
	var exports int
	testenv.MustGet(t, w.srv.DB, &exports, `SELECT count(*) FROM audit_log WHERE action = $1 AND group_id = $2 AND staff_id = $3`, app.AuditAttendanceExport,
		y.intervision, w.coord)
	if exports != 3 {
		t.Errorf("%d attendance exports audited, want 3 (print and twice the workbook)", exports)
	}

	// The certificates: the list of the group, An's certificate (audited), and the Waakvlam training's.
	list := htmlUnescape(w.get(t, coord, "/beheer/groepen/"+g+"/attesten?jaar=2025").body)
	for _, want := range []string{"An Peeters", "Politiezone Mechelen · 3 bijeenkomsten", "Bram Claes", "CAW De Kempen · 1 bijeenkomst",
		`href="/beheer/groepen/` + g + `/attest/` + itoa(y.an) + `?jaar=2025"`} {
		if !strings.Contains(list, want) {
			t.Errorf("certificates list lacks %q", want)
		}
	}
	staffCert := w.get(t, coord, "/beheer/groepen/"+g+"/attest/"+itoa(y.an)+"?jaar=2025")
	if staffCert.status != http.StatusOK || !strings.Contains(staffCert.body, "3 bijeenkomsten, 6 uur") {
		t.Errorf("staff certificate: %d", staffCert.status)
	}
	var views int
	testenv.MustGet(t, w.srv.DB, &views, `SELECT count(*) FROM audit_log WHERE action = 'attest.view' AND person_id = $1 AND group_id = $2`, y.an, y.intervision)
	if views != 1 {
		t.Errorf("%d certificate views audited, want 1", views)
	}
	wv := htmlUnescape(w.get(t, coord, "/beheer/groepen/"+itoa(y.waakvlam)+"/attest/"+itoa(y.chris)).body)
	for _, want := range []string{"Chris Janssens", "deelnam aan de vorming Waakvlam (Waakvlam – Sociaal Huis Lier)",
		"dinsdag 18 november 2025", "14.00 tot 17.00 uur", "1 bijeenkomst, 3 uur"} {
		if !strings.Contains(wv, want) {
			t.Errorf("Waakvlam certificate lacks %q", want)
		}
	}
	if r := w.get(t, coord, "/beheer/groepen/"+g+"/attest/"+itoa(y.sara)); r.status != http.StatusNotFound {
		t.Errorf("a certificate of someone outside the group: %d", r.status)
	}
	family := htmlUnescape(w.get(t, coord, "/beheer/groepen/"+itoa(y.family)+"/attesten").body)
	if !strings.Contains(family, "Attesten van aanwezigheid zijn er voor professionals") {
		t.Error("a family group offers certificates")
	}

	// A facilitator of another group gets none of it.
	fac, _ := w.client(t, w.fac)
	for _, path := range []string{"/aanwezigheidslijst", "/aanwezigheid.xlsx", "/attesten", "/attest/" + itoa(y.an)} {
		if r := w.get(t, fac, "/beheer/groepen/"+g+path); r.status != http.StatusForbidden {
			t.Errorf("%s for a facilitator of another group: %d", path, r.status)
		}
	}

	// After the year is closed and the people purged, the list keeps its marks, without names.
	if err := w.srv.App.CloseYear(t.Context(), fixtures.Actor(t, w.srv.App, w.coord), 2025); err != nil {
		t.Fatal(err)
	}
	w.clock.set(time.Date(2028, 6, 1, 9, 0, 0, 0, locale.Brussels))
	if _, err := w.srv.App.Purge(t.Context()); err != nil {
		t.Fatal(err)
	}
	coord, _ = w.client(t, w.coord)
	sheet = htmlUnescape(w.get(t, coord, "/beheer/groepen/"+g+"/aanwezigheidslijst?jaar=2025").body)
	if strings.Contains(sheet, "An Peeters") || strings.Count(sheet, "Gewiste persoon") != 2 ||
		!strings.Contains(sheet, `<span aria-hidden="true">L</span>`) {
		t.Errorf("the attendance sheet after the purge shows names, or not the two erased members with their marks:\n%s", sheet)
	}
}

// memberOf registers a new person in a group (a request, without a seat) for the matrix's certificate route.
func (w *staffWorld) memberOf(t *testing.T, group int64) int64 {
	t.Helper()
	var id int64
	if err := w.srv.DB.Get(&id, `WITH p AS (INSERT INTO people (kind) VALUES ('professional') RETURNING id)
		INSERT INTO registrations (person_id, offering_id, group_id, status)
		SELECT p.id, g.offering_id, g.id, 'requested' FROM p, groups g WHERE g.id = $1 RETURNING person_id`, group); err != nil {
		t.Fatal(err)
	}
	return id
}

func TestFiguresPagesHaveEveryMessageInBothLanguages(t *testing.T) {
	w := newStaffWorld(t, at(1, 6, 9))
	y := enterFiguresYear(t, w)
	missing := regexp.MustCompile(`\[[a-z]+\.[a-z0-9_.]+\]`)
	g := itoa(y.intervision)
	for _, l := range []string{"nl", "en"} {
		check := func(path string, r response) {
			t.Helper()
			if r.status != http.StatusOK && r.status != http.StatusUnprocessableEntity {
				t.Errorf("%s %s: %d", l, path, r.status)
			}
			if m := missing.FindString(r.body); m != "" {
				t.Errorf("%s %s: message %s is missing", l, path, m)
			}
			if !strings.Contains(r.body, `lang="`+map[string]string{"nl": "nl-BE", "en": "en"}[l]+`"`) {
				t.Errorf("%s %s: page not in %s", l, path, l)
			}
		}
		lang := func(c *http.Client) *http.Client {
			u, err := url.Parse(w.srv.URL)
			if err != nil {
				t.Fatal(err)
			}
			c.Jar.SetCookies(u, []*http.Cookie{{Name: "taal", Value: l, Path: "/"}})
			return c
		}
		w.clock.set(at(6, 10, 9))
		anon := lang(testserver.Client())
		check("personal certificate", w.get(t, anon, "/mijn/"+y.anToken+"/attest"))
		check("personal page", w.get(t, anon, "/mijn/"+y.anToken))

		w.clock.set(time.Date(2026, 1, 15, 9, 0, 0, 0, locale.Brussels))
		c, token := w.client(t, w.admin)
		lang(c)
		for _, p := range []string{"/beheer/cijfers", "/beheer/cijfers?jaar=2025", "/beheer/cijfers?jaar=2019",
			"/beheer/groepen/" + g, "/beheer/groepen/" + g + "/aanwezigheidslijst", "/beheer/groepen/" + g + "/aanwezigheidslijst?jaar=2031",
			"/beheer/groepen/" + g + "/attesten", "/beheer/groepen/" + g + "/attesten?jaar=2024",
			"/beheer/groepen/" + itoa(y.family) + "/attesten", "/beheer/groepen/" + g + "/attest/" + itoa(y.an),
			"/beheer/groepen/" + g + "/attest/" + itoa(y.bram) + "?jaar=2024",
			"/beheer/groepen/" + itoa(y.waakvlam) + "/attest/" + itoa(y.chris),
			"/beheer/groepen/" + itoa(y.family) + "/attest/" + itoa(y.sara)} {
			check(p, w.get(t, c, p))
		}
		check("closing refused", w.post(t, c, "/beheer/cijfers/2025/afsluiten", url.Values{"_csrf": {token}}))
		for _, p := range []string{"/beheer/cijfers/2025.csv", "/beheer/cijfers/2025.xlsx", "/beheer/groepen/" + g + "/aanwezigheid.xlsx"} {
			if r := w.get(t, c, p); r.status != http.StatusOK || missing.MatchString(r.body) {
				t.Errorf("%s %s: %d or a message missing", l, p, r.status)
			}
		}
	}
}

func TestFiguresShowHostileNamesAsText(t *testing.T) {
	w := newStaffWorld(t, at(3, 1, 9))
	a, ctx := w.srv.App, t.Context()
	consent := app.Consent{Version: "test", Text: "Ik ga akkoord."}
	for i, name := range []string{xssCorpus[1], "=HYPERLINK(\"http://example.com\")"} {
		wv, err := a.RequestWaakvlam(ctx, app.WaakvlamInput{Organisation: name, ServiceType: "social_services", PreferredPeriods: "voorjaar", ContactName: "Jo",
			ContactEmail: "jo@example.org", ExpectedStaff: "5", Consent: true, ConsentText: consent})
		if err != nil {
			t.Fatal(err)
		}
		st, err := a.WaakvlamByToken(ctx, wv.Token)
		if err != nil {
			t.Fatal(err)
		}
		start := at(4, 1+i, 14)
		if _, err := a.PlanWaakvlam(ctx, fixtures.Actor(t, a, w.coord), st.Request.ID, start, start.Add(3*time.Hour), "Zaal", "Mechelen"); err != nil {
			t.Fatal(err)
		}
	}
	w.clock.set(time.Date(2026, 1, 15, 9, 0, 0, 0, locale.Brussels))
	c, _ := w.client(t, w.coord)
	page := w.get(t, c, "/beheer/cijfers?jaar=2025")
	if strings.Contains(page.body, `<img src=x`) || !strings.Contains(page.body, `&lt;img src=x onerror=alert(1)&gt;`) {
		t.Error("an organisation's name reaches the figures page as markup")
	}
	csvBody := w.get(t, c, "/beheer/cijfers/2025.csv").body
	if !strings.Contains(csvBody, `'=HYPERLINK(`) {
		t.Error("a name that looks like a formula is not defused in the CSV")
	}
}
