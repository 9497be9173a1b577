package app_test

import (
	"bytes"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"portal/app"
	"portal/app/export"
	"portal/app/locale"
	"portal/internal/testenv"
)

// yearBuilder enters a year through the portal's own workflows, moving the clock as it goes.
type yearBuilder struct {
	t     *testing.T
	a     *app.App
	staff app.Actor
}

func (y *yearBuilder) at(ts time.Time) { y.a.Now = func() time.Time { return ts } }

// group creates a group whose sessions start at first, every weeks weeks, n times, at 19.00.
func (y *yearBuilder) group(offering, slug, town string, capacity, children int, first time.Time, n, weeks int) (int64, []int64) {
	y.t.Helper()
	var id int64
	err := y.a.Store.DB.Get(&id, `INSERT INTO groups (offering_id, slug, name, municipality, capacity, child_capacity)
		SELECT id, $2, jsonb_build_object('nl', $4::text, 'en', $4::text), $3, $5, $6 FROM offerings WHERE slug = $1 RETURNING id`,
		offering, slug, town, "Groep "+town, capacity, children)
	if err != nil {
		y.t.Fatal(err)
	}
	var sessions []int64
	for i := range n {
		start := first.AddDate(0, 0, 7*weeks*i)
		var sid int64
		testenv.MustGet(y.t, y.a.Store.DB, &sid, `INSERT INTO sessions (group_id, starts_at, ends_at) VALUES ($1, $2, $3) RETURNING id`,
			id, start, start.Add(2*time.Hour))
		sessions = append(sessions, sid)
	}
	return id, sessions
}

func (y *yearBuilder) person(regID int64) int64 {
	var p int64
	testenv.MustGet(y.t, y.a.Store.DB, &p, `SELECT person_id FROM registrations WHERE id = $1`, regID)
	return p
}

// mark takes the roll call of a session while it runs.
func (y *yearBuilder) mark(session int64, marks map[int64]string) {
	y.t.Helper()
	var start time.Time
	testenv.MustGet(y.t, y.a.Store.DB, &start, `SELECT starts_at FROM sessions WHERE id = $1`, session)
	y.at(start.Add(time.Hour))
	if err := y.a.MarkMany(y.t.Context(), y.staff, session, marks); err != nil {
		y.t.Fatal(err)
	}
}

func (y *yearBuilder) admit(regID int64) {
	y.t.Helper()
	if err := y.a.Admit(y.t.Context(), y.staff, regID, app.AdmitOptions{}); err != nil {
		y.t.Fatal(err)
	}
}

func TestYearlyFiguresFromRecordedWorkAndAfterThePurge(t *testing.T) {
	a := seeded(t)
	ctx := t.Context()
	y := &yearBuilder{t: t, a: a, staff: app.Actor{Staff: app.Staff{ID: staffMember(t, a), Role: app.RoleCoordinator, Active: true}}}
	d := func(m time.Month, day int) time.Time { return time.Date(2025, m, day, 19, 0, 0, 0, locale.Brussels) }
	y.at(time.Date(2025, 1, 6, 9, 0, 0, 0, locale.Brussels))

	// Intervision: Bornem (3 sessions, 3 members) and Lier (2 sessions, 1 member).
	bornem, bs := y.group("intervisie", "int-bornem", "Bornem", 12, 0, d(2, 4), 3, 8)
	lier, ls := y.group("intervisie", "int-lier", "Lier", 12, 0, d(3, 4), 2, 8)
	var pro []int64
	for i, sector := range []string{"police", "caw", "police"} {
		res, err := a.SignUp(ctx, app.SignupInput{GroupID: bornem, Name: fmt.Sprintf("Pro %d", i), Email: fmt.Sprintf("pro%d@example.be", i),
			Organisation: "Org", Sector: sector, Consent: true, ConsentText: consentText})
		if err != nil {
			t.Fatal(err)
		}
		pro = append(pro, y.person(res.RegistrationID))
	}
	res, err := a.SignUp(ctx, app.SignupInput{GroupID: lier, Name: "Pro L", Email: "prol@example.be", Organisation: "CGG",
		Sector: "ggz", Consent: true, ConsentText: consentText})
	if err != nil {
		t.Fatal(err)
	}
	proL := y.person(res.RegistrationID)
	y.mark(bs[0], map[int64]string{pro[0]: "present", pro[1]: "present", pro[2]: "present"})
	y.mark(bs[1], map[int64]string{pro[0]: "present", pro[1]: "absent", pro[2]: "late"})
	y.mark(bs[2], map[int64]string{pro[0]: "excused", pro[1]: "present", pro[2]: "present"})
	y.mark(ls[0], map[int64]string{proL: "present"})
	y.mark(ls[1], map[int64]string{proL: "present"})

	// Blaffen of Schuilen: two families, two sessions; the first family is excused the second time.
	y.at(time.Date(2025, 3, 1, 9, 0, 0, 0, locale.Brussels))
	blaffen, fs := y.group("blaffen-of-schuilen", "blaffen-2025", "Mechelen", 8, 8, d(4, 2), 2, 2)
	sara, err := a.RequestHousehold(ctx, app.HouseholdInput{GroupID: blaffen, Parent: "Sara",
		Children: []app.ChildInput{{"Lina", "7"}, {"Adam", "10"}}, Contact: app.ContactInput{ByPhone: true, Phone: "0470 00 00 01"},
		Municipality: "Mechelen", Referrer: "police", Consent: true, ConsentText: consentText})
	if err != nil {
		t.Fatal(err)
	}
	ilse, err := a.RequestHousehold(ctx, app.HouseholdInput{GroupID: blaffen, Parent: "Ilse", SecondParent: "Karim",
		Children: []app.ChildInput{{"Noor", "8"}}, Contact: app.ContactInput{ByPhone: true, Phone: "0470 00 00 02"},
		Municipality: "Lier", Referrer: "self", Consent: true, ConsentText: consentText})
	if err != nil {
		t.Fatal(err)
	}
	y.admit(sara.RegistrationID)
	y.admit(ilse.RegistrationID)
	rc, err := a.RollCallOf(ctx, y.staff, fs[0])
	if err != nil {
		t.Fatal(err)
	}
	all := map[int64]string{}
	for _, p := range append(rc.Adults, rc.Children...) {
		all[p.PersonID] = "present"
	}
	y.mark(fs[0], all)
	second := map[int64]string{}
	for _, p := range append(rc.Adults, rc.Children...) {
		if strings.HasPrefix(p.Name, "Sara") || p.Name == "Lina" || p.Name == "Adam" {
			second[p.PersonID] = "excused"
		} else {
			second[p.PersonID] = "present"
		}
	}
	y.mark(fs[1], second)
	y.at(d(5, 1))
	saraPerson := y.person(sara.RegistrationID)
	if err := a.RecordReferral(ctx, y.staff, saraPerson, &sara.RegistrationID, "caw_individual", d(5, 1), "traject gestart"); err != nil {
		t.Fatal(err)
	}

	// Rotonde: two admitted, one came.
	y.at(time.Date(2025, 8, 1, 9, 0, 0, 0, locale.Brussels))
	rot, rs := y.group("rotonde", "rotonde-2025", "Mechelen", 8, 0, d(9, 4), 1, 1)
	r1 := request(t, a, "rotonde", rot, "Tom")
	r2 := request(t, a, "rotonde", rot, "Bart")
	y.admit(r1.RegistrationID)
	y.admit(r2.RegistrationID)
	y.mark(rs[0], map[int64]string{y.person(r1.RegistrationID): "present", y.person(r2.RegistrationID): "absent"})

	// A peer group with two participants, one session.
	y.at(time.Date(2025, 9, 1, 9, 0, 0, 0, locale.Brussels))
	peer, ps := y.group("lotgenotengroepen", "peer-2025", "Mechelen", 10, 0, d(10, 7), 1, 1)
	p1 := request(t, a, "lotgenotengroepen", peer, "Mira")
	p2, err := a.Request(ctx, app.RequestInput{OfferingSlug: "lotgenotengroepen", GroupID: peer, Alias: "Els",
		Contact: app.ContactInput{ByPhone: true, Phone: "0470 00 00 03"}, Municipality: "Lier", Consent: true, ConsentText: consentText})
	if err != nil {
		t.Fatal(err)
	}
	y.admit(p1.RegistrationID)
	y.admit(p2.RegistrationID)
	y.mark(ps[0], map[int64]string{y.person(p1.RegistrationID): "present", y.person(p2.RegistrationID): "late"})

	// An evening: three sign up, two come.
	y.at(time.Date(2025, 5, 1, 9, 0, 0, 0, locale.Brussels))
	ev, es := y.group("activiteiten", "avond-2025", "Mechelen", 40, 0, d(6, 14), 1, 1)
	var guests []int64
	for i := range 3 {
		res, err := a.SignUp(ctx, app.SignupInput{GroupID: ev, Name: fmt.Sprintf("Gast %d", i), ByPhone: true,
			Phone: "0470 11 22 33", Consent: true, ConsentText: consentText})
		if err != nil {
			t.Fatal(err)
		}
		guests = append(guests, y.person(res.RegistrationID))
	}
	y.mark(es[0], map[int64]string{guests[0]: "present", guests[1]: "present", guests[2]: "absent"})

	// Waakvlam for the Sociaal Huis of Lier, given in November.
	y.at(time.Date(2025, 9, 15, 9, 0, 0, 0, locale.Brussels))
	wv, err := a.RequestWaakvlam(ctx, app.WaakvlamInput{Organisation: "Sociaal Huis Lier", ServiceType: "social_services",
		ContactName: "Jo", ContactEmail: "jo@lier.example", ExpectedStaff: "15", PreferredPeriods: "najaar", Consent: true,
		ConsentText: consentText})
	if err != nil {
		t.Fatal(err)
	}
	st, err := a.WaakvlamByToken(ctx, wv.Token)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.PlanWaakvlam(ctx, y.staff, st.Request.ID, d(11, 18), d(11, 18).Add(3*time.Hour), "Sociaal Huis", "Lier"); err != nil {
		t.Fatal(err)
	}

	// January: the figures of 2025.
	y.at(time.Date(2026, 1, 15, 9, 0, 0, 0, locale.Brussels))
	f, err := a.FiguresOf(ctx, y.staff, 2025)
	if err != nil {
		t.Fatal(err)
	}
	check := func(what string, got, want int) {
		t.Helper()
		if got != want {
			t.Errorf("%s = %d, want %d", what, got, want)
		}
	}
	in := f.Offering("intervisie")
	check("intervision groups", in.GroupsRun, 2)
	check("intervision sessions", in.SessionsHeld, 5)
	check("intervision participants", in.Participants, 4)
	check("intervision attendances", in.Attendances, 9)
	check("intervision marks", in.Marked, 11)
	if len(in.Groups) != 2 || in.Groups[0].Slug != "int-bornem" || in.Groups[0].Participants != 3 || in.Groups[0].Monthly[1] != 3 {
		t.Errorf("intervision groups: %+v", in.Groups)
	}
	fam := f.Offering("blaffen-of-schuilen")
	check("parents", fam.Parents, 3)
	check("children", fam.Children, 3)
	check("family referred to CAW", fam.ReferredToCAW, 1)
	check("family attendances", fam.Attendances, 6+3)
	check("rotonde participants", f.Offering("rotonde").Participants, 1)
	check("peer participants", f.Offering("lotgenotengroepen").Participants, 2)
	check("event participants", f.Offering("activiteiten").Participants, 2)
	counts := func(cs []app.Count) map[string]int {
		m := map[string]int{}
		for _, c := range cs {
			m[c.Key] = c.Value
		}
		return m
	}
	if got := counts(f.Sectors); !reflect.DeepEqual(got, map[string]int{"police": 2, "caw": 1, "ggz": 1}) {
		t.Errorf("sectors %v", got)
	}
	if got := counts(f.Municipalities); got["Mechelen"] != 5 || got["Lier"] != 4 || got["onbekend"] != 2 {
		t.Errorf("municipalities %v", got) // Mechelen: Sara, Lina, Adam, Mira, Tom; Lier: Ilse, Karim, Noor, Els; unknown: two guests
	}
	if got := counts(f.Referrers); got["police"] != 4 || got["self"] != 2 {
		t.Errorf("referrers %v", got) // police: Sara (1 adult), Tom, Bart, Mira; self: Ilse and Karim
	}
	if !reflect.DeepEqual(f.WaakvlamOrganisations, []string{"Sociaal Huis Lier"}) {
		t.Errorf("Waakvlam organisations %v", f.WaakvlamOrganisations)
	}
	cat, err := locale.Load()
	if err != nil {
		t.Fatal(err)
	}
	text := ""
	for _, s := range app.Sentences(cat, "nl", f) {
		text += s.Text + "\n"
	}
	for _, want := range []string{
		"In 2025 boden we 2 multidisciplinaire intervisiegroepen aan, verspreid over de regio (Bornem en Lier).",
		"4 professionals namen deel, op 5 bijeenkomsten.",
		"In 2025 hebben we de Waakvlam aangeboden aan Sociaal Huis Lier.",
		"Veilig Huis telt 1 lotgenotengroep.",
		"2 lotgenoten namen deel aan 1 bijeenkomst.",
		"Aan Groep Mechelen nam 1 deelnemer deel.",
		"3 ouders en 3 kinderen namen deel aan de groepssessies.",
		"1 ouder stroomde door naar een individueel begeleidingstraject bij het CAW.",
		"Op 14 juni 2025 kwamen 2 mensen samen voor Groep Mechelen.",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("sentences lack %q\n%s", want, text)
		}
	}

	// The exports hold the same numbers: the workbook read back, and the CSV.
	liveBook := workbook(t, cat, f)
	in = f.Offering("intervisie")
	row := liveBook["Aanbod"][in.Name.In("nl")]
	if strings.Join(row, "|") != in.Name.In("nl")+"|2|5|4|9|11|82%|0|0|0" {
		t.Errorf("workbook row of intervision %v", row)
	}
	bornemRow := strings.Join(liveBook["Groepen"]["Begeleide intervisie|Groep Bornem"], "|")
	if bornemRow != "Begeleide intervisie|Groep Bornem|Bornem|3|3|7|9|78%|0|3|0|2|2|0|0|0|0|0|0|0" {
		t.Errorf("workbook row of the Bornem group %q", bornemRow)
	}
	if got := liveBook["Verwijzers"]["Politie"]; len(got) != 2 || got[1] != "4" {
		t.Errorf("referrers sheet %v", liveBook["Verwijzers"])
	}
	if got := liveBook["Gemeenten"]["Lier"]; len(got) != 2 || got[1] != "4" {
		t.Errorf("municipalities sheet %v", liveBook["Gemeenten"])
	}
	if got := liveBook["Sectoren"]["Politie"]; len(got) != 2 || got[1] != "2" {
		t.Errorf("sectors sheet %v", liveBook["Sectoren"])
	}
	if _, ok := liveBook["Verslag"]["3 ouders en 3 kinderen namen deel aan de groepssessies."]; !ok {
		t.Errorf("report sheet %v", liveBook["Verslag"])
	}
	var liveCSV bytes.Buffer
	if err := export.WriteCSV(&liveCSV, app.CSVHeader(cat, "nl"), app.FigureTables(cat, "nl", f)); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Aanbod;Begeleide intervisie;Deelnemers;4\n", "Aanbod;Blaffen of Schuilen;Ouders;3\n",
		"Aanbod;Blaffen of Schuilen;Naar individueel traject CAW;1\n", "Waakvlam;Sociaal Huis Lier;;\n",
		"Groepen;Begeleide intervisie – Groep Bornem – Bornem;feb;3\n"} {
		if !strings.Contains(liveCSV.String(), want) {
			t.Errorf("CSV lacks %q", want)
		}
	}

	// Close the year, purge everyone's personal data, and the figures stay exactly the same.
	if err := a.CloseYear(ctx, y.staff, 2025); err != nil {
		t.Fatal(err)
	}
	if err := a.CloseYear(ctx, y.staff, 2026); err == nil {
		t.Error("closed a year that is not over")
	}
	y.at(time.Date(2028, 1, 10, 9, 0, 0, 0, locale.Brussels)) // past every retention period (intervision: two years)
	n, err := a.Purge(ctx)
	if err != nil || n != 17 {
		t.Fatalf("purge anonymised %d people: %v", n, err)
	}
	y.at(time.Date(2026, 1, 15, 9, 0, 0, 0, locale.Brussels))
	frozen, err := a.FiguresOf(ctx, y.staff, 2025)
	if err != nil {
		t.Fatal(err)
	}
	if !frozen.Frozen {
		t.Error("figures of a closed year are not frozen")
	}
	if frozen.ClosedAt == nil {
		t.Error("a closed year does not say when it was closed")
	}
	frozen.Frozen, frozen.ClosedAt = false, nil
	if !reflect.DeepEqual(f, frozen) {
		t.Errorf("figures changed after the purge:\nbefore %+v\nafter  %+v", f, frozen)
	}
	if after := workbook(t, cat, frozen); !reflect.DeepEqual(liveBook, after) {
		t.Errorf("the workbook changed after the purge:\nbefore %v\nafter  %v", liveBook, after)
	}
	var frozenCSV bytes.Buffer
	if err := export.WriteCSV(&frozenCSV, app.CSVHeader(cat, "nl"), app.FigureTables(cat, "nl", frozen)); err != nil {
		t.Fatal(err)
	}
	if frozenCSV.String() != liveCSV.String() {
		t.Error("the CSV changed after the purge")
	}
	// Renaming a group's slug or switching an offering off later does not change a closed year either.
	a.Store.DB.MustExec(`UPDATE groups SET slug = 'int-bornem-oud' WHERE slug = 'int-bornem'`)
	a.Store.DB.MustExec(`UPDATE offerings SET active = false WHERE slug = 'rotonde'`)
	again, err := a.FiguresOf(ctx, y.staff, 2025)
	if err != nil {
		t.Fatal(err)
	}
	for i := range again.Offerings {
		for j := range again.Offerings[i].Groups {
			again.Offerings[i].Groups[j].Slug = strings.TrimSuffix(again.Offerings[i].Groups[j].Slug, "-oud")
		}
	}
	again.Frozen, again.ClosedAt = false, f.ClosedAt
	if !reflect.DeepEqual(f, again) {
		t.Errorf("a closed year changed after a slug edit and an offering switched off:\nbefore %+v\nafter  %+v", f, again)
	}
}

// workbook writes a year's figures as the XLSX export and reads it back: sheet → first cell of a row → row.
func workbook(t *testing.T, cat *locale.Catalogue, f app.Figures) map[string]map[string][]string {
	t.Helper()
	var buf bytes.Buffer
	if err := export.WriteXLSX(&buf, app.FigureTables(cat, "nl", f)); err != nil {
		t.Fatal(err)
	}
	x, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatalf("the workbook does not open: %v", err)
	}
	defer x.Close()
	out := map[string]map[string][]string{}
	for _, sheet := range x.GetSheetList() {
		rows, err := x.GetRows(sheet)
		if err != nil {
			t.Fatal(err)
		}
		out[sheet] = map[string][]string{}
		for _, r := range rows[1:] {
			key := r[0]
			if sheet == "Groepen" { // an offering has several groups
				key += "|" + r[1]
			}
			out[sheet][key] = r
		}
	}
	if len(out) != 8 {
		t.Errorf("the workbook has sheets %v, want 8", x.GetSheetList())
	}
	return out
}

// A family of parents only (Blaffen of Schuilen) is a family too: it is accepted, admitted while the children's
// track is full, takes its roll call, and its parents count as parents, never as children.
func TestParentsOnlyFamilyIsAdmittedAndCountedApart(t *testing.T) {
	a := seeded(t)
	ctx := t.Context()
	y := &yearBuilder{t: t, a: a, staff: app.Actor{Staff: app.Staff{ID: staffMember(t, a), Role: app.RoleCoordinator, Active: true}}}
	y.at(time.Date(2025, 3, 1, 9, 0, 0, 0, locale.Brussels))
	g, ss := y.group("blaffen-of-schuilen", "blaffen-ouders", "Mechelen", 8, 1, time.Date(2025, 4, 2, 19, 0, 0, 0, locale.Brussels), 1, 1)
	withChild, err := a.RequestHousehold(ctx, app.HouseholdInput{GroupID: g, Parent: "Sara", Children: []app.ChildInput{{"Lina", "7"}},
		Contact: app.ContactInput{ByPhone: true, Phone: "0470 00 00 01"}, Consent: true, ConsentText: consentText})
	if err != nil {
		t.Fatal(err)
	}
	// The form sends its empty child rows: they are no children.
	parentsOnly, err := a.RequestHousehold(ctx, app.HouseholdInput{GroupID: g, Parent: "Ilse", SecondParent: "Karim",
		Children: []app.ChildInput{{"", ""}, {" ", ""}}, Contact: app.ContactInput{ByPhone: true, Phone: "0470 00 00 02"},
		Consent: true, ConsentText: consentText})
	if err != nil {
		t.Fatalf("a family of parents only is refused: %v", err)
	}
	if parentsOnly.Parents != 2 || parentsOnly.Children != 0 {
		t.Errorf("parents-only family recorded as %+v", parentsOnly)
	}
	y.admit(withChild.RegistrationID)
	y.admit(parentsOnly.RegistrationID) // the one child seat is taken: parents need none
	rc, err := a.RollCallOf(ctx, y.staff, ss[0])
	if err != nil {
		t.Fatal(err)
	}
	if len(rc.Adults) != 3 || len(rc.Children) != 1 {
		t.Fatalf("roll call: %d adults and %d children, want 3 and 1", len(rc.Adults), len(rc.Children))
	}
	all := map[int64]string{}
	for _, p := range append(rc.Adults, rc.Children...) {
		all[p.PersonID] = "present"
	}
	y.mark(ss[0], all)

	y.at(time.Date(2026, 1, 15, 9, 0, 0, 0, locale.Brussels))
	f, err := a.FiguresOf(ctx, y.staff, 2025)
	if err != nil {
		t.Fatal(err)
	}
	fam := f.Offering("blaffen-of-schuilen")
	if fam.Parents != 3 || fam.Children != 1 || fam.Participants != 4 {
		t.Errorf("family figures: %d parents, %d children, %d participants; want 3, 1 and 4", fam.Parents, fam.Children, fam.Participants)
	}
	cat, err := locale.Load()
	if err != nil {
		t.Fatal(err)
	}
	text := ""
	for _, s := range app.Sentences(cat, "nl", f) {
		text += s.Text + "\n"
	}
	if want := "3 ouders en 1 kind namen deel aan de groepssessies."; !strings.Contains(text, want) {
		t.Errorf("sentences lack %q\n%s", want, text)
	}
}
