package app_test

import (
	"log/slog"
	"strings"
	"testing"
	"time"

	"portal/app"
	appdb "portal/app/db"
	"portal/internal/fixtures"
	"portal/internal/testenv"
)

// A leaked database or backup shows no name, alias, child's name, contact detail, safe time, free text,
// personal code or personal link (SECURITY.md, a leaked database): every public and staff form is sent with
// unique markers, then the database is dumped with pg_dump and the dump's bytes are searched. Two controls keep
// the search honest: the organisation, stored in clear on purpose, is found; so is an address planted in clear.
func TestNoPersonalDataIsStoredInClear(t *testing.T) {
	url := testenv.URL(t)
	conn, err := appdb.Open(t.Context(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	a, err := app.New(conn, app.Config{BaseURL: "http://localhost:8080", SecretKey: strings.Repeat("s", 32)},
		slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	a.Now = func() time.Time { return testNow }
	ctx := t.Context()
	if err := a.Seed(ctx); err != nil {
		t.Fatal(err)
	}
	office := fixtures.Actor(t, a, addStaff(t, a, "kantoor@example.org", app.RoleAdmin))
	must := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	var secrets []string
	secret := func(s ...string) { secrets = append(secrets, s...) }

	// Public: a professional signs up for a training.
	pro := addGroup(t, a, "intervisie", "intervisie-at-rest", 5, 0, 2)
	signed, err := a.SignUp(ctx, app.SignupInput{GroupID: pro, Name: "Zelda Rustpunt", Email: "zelda.rust@example.be",
		Phone: "0470 98 76 54", Organisation: "Dienst Zuidpuntcontrole", Sector: "caw", Consent: true,
		ConsentText: consentText, Language: "nl"})
	must("signup", err)
	secret("Zelda Rustpunt", "zelda.rust@example.be", "470987654", "0470 98 76 54", signed.Token)

	// Public: a survivor asks for a place in a discreet group, with a code and a referral detail.
	lot := addGroup(t, a, "lotgenotengroepen", "lotgenoten-at-rest", 5, 0, 2)
	asked, err := a.Request(ctx, app.RequestInput{OfferingSlug: "lotgenotengroepen", GroupID: lot, Alias: "Xandravoorn",
		Contact: app.ContactInput{ByEmail: true, Email: "xandra.veilig@example.be", ByPhone: true, Phone: "0499 11 22 33",
			SafeTimes: "enkel op dinsdagvoormiddag"}, Message: "mijn partner leest mee", Municipality: "Mechelen",
		Referrer: "other", ReferrerDetail: "wijkagent Vossenberg", Code: "kaasbroodje42", Consent: true,
		ConsentText: consentText, Language: "nl"})
	must("request", err)
	secret("Xandravoorn", "xandra.veilig@example.be", "499112233", "0499 11 22 33", "enkel op dinsdagvoormiddag",
		"mijn partner leest mee", "wijkagent Vossenberg", "kaasbroodje42", asked.Token)

	// Public: a parent asks for a family group, with a second parent and two children.
	fam := addGroup(t, a, "blaffen-of-schuilen", "blaffen-at-rest", 8, 8, 2)
	family, err := a.RequestHousehold(ctx, app.HouseholdInput{GroupID: fam, Parent: "Quirinaouder",
		SecondParent: "Yvettetweede", Children: []app.ChildInput{{"Kwintenkind", "7"}, {"Liselotjekind", "10"}},
		Contact:      app.ContactInput{ByPhone: true, Phone: "0471 55 66 77", SafeTimes: "na schooltijd Ursulinen"},
		Municipality: "Lier", Referrer: "other", ReferrerDetail: "schoolpsycholoog Heidebloem",
		Message: "de kinderen slapen slecht Ravelijn", Code: "molenwiek77", Consent: true, ConsentText: consentText})
	must("household", err)
	secret("Quirinaouder", "Yvettetweede", "Kwintenkind", "Liselotjekind", "471556677", "0471 55 66 77",
		"na schooltijd Ursulinen", "schoolpsycholoog Heidebloem", "de kinderen slapen slecht Ravelijn", "molenwiek77",
		family.Token)

	// Public: an organisation asks for the Waakvlam training.
	wv, err := a.RequestWaakvlam(ctx, app.WaakvlamInput{Organisation: "CKG", ServiceType: "ckg", ContactName: "Jorinwaakvlam",
		ContactEmail: "jorin.wv@example.be", ContactPhone: "0472 12 34 56", ExpectedStaff: "12", PreferredPeriods: "mei",
		Consent: true, ConsentText: consentText, Language: "nl"})
	must("waakvlam", err)
	secret("Jorinwaakvlam", "jorin.wv@example.be", "472123456", "0472 12 34 56", wv.Token)

	// Staff: a request on someone's behalf, an intake with a note, an admission, a walk-in, an onward referral,
	// a code reset, a request declined with its reason.
	behalf, err := a.RequestOnBehalf(ctx, office, app.RequestInput{OfferingSlug: "lotgenotengroepen", Alias: "Balthazarbehalf",
		Contact: app.ContactInput{ByPhone: true, Phone: "0473 98 12 34"}, Referrer: "other",
		ReferrerDetail: "huisarts Tamarindelaan", Consent: true, ConsentText: consentText})
	must("request on behalf", err)
	secret("Balthazarbehalf", "473981234", "0473 98 12 34", "huisarts Tamarindelaan")
	must("intake", a.PlanIntake(ctx, office, asked.RegistrationID, testNow.Add(48*time.Hour), "bellen via zus Ottilie"))
	secret("bellen via zus Ottilie")
	must("admit", a.Admit(ctx, office, family.RegistrationID, app.AdmitOptions{}))
	sessions := fixtures.Sessions(t, a, fam)
	a.Now = func() time.Time { return sessions[0].StartsAt.Add(30 * time.Minute) } // a walk-in comes while it runs
	_, err = a.AddWalkIn(ctx, office, sessions[0].ID, "Wolterwalkin", app.RoleChild)
	must("walk-in", err)
	a.Now = func() time.Time { return testNow }
	secret("Wolterwalkin")
	var parent int64
	testenv.MustGet(t, conn, &parent, `SELECT person_id FROM registrations WHERE id = $1`, family.RegistrationID)
	must("referral", a.RecordReferral(ctx, office, parent, &family.RegistrationID, "caw_individual", testNow,
		"traject Pimpernel gestart"))
	secret("traject Pimpernel gestart")
	must("code reset", a.ResetCode(ctx, office, behalf.RegistrationID, "wolkenkrabber9"))
	secret("wolkenkrabber9")
	declined, err := a.RequestOnBehalf(ctx, office, app.RequestInput{OfferingSlug: "rotonde", Alias: "Dorotheadecline",
		Contact: app.ContactInput{ByPhone: true, Phone: "0475 10 20 30"}, Consent: true, ConsentText: consentText})
	must("request to decline", err)
	must("decline", a.Decline(ctx, office, declined.RegistrationID, "woont samen met Gustaafdader", ""))
	secret("Dorotheadecline", "woont samen met Gustaafdader")

	// Her personal page: the code, a contact change, "contact me", a new link by mail.
	unlock, err := a.UnlockPersonal(ctx, asked.Token, "kaasbroodje42")
	must("unlock", err)
	must("contact change", a.UpdateContact(ctx, asked.Token, unlock, app.ContactInput{ByEmail: true,
		Email: "nieuw.adres.zorro@example.be", ByPhone: true, Phone: "0474 44 33 22", SafeTimes: "liefst woensdag Zeppelin"}, "nl"))
	secret("nieuw.adres.zorro@example.be", "474443322", "0474 44 33 22", "liefst woensdag Zeppelin")
	must("contact me", a.AskContact(ctx, family.Token))
	must("links again", a.SendLinksAgain(ctx, "zelda.rust@example.be"))

	dump := testenv.Dump(t, url)
	if found := testenv.InDump(dump, secrets...); len(found) != 0 {
		t.Errorf("in clear in a dump of the database: %q", found)
	}
	if found := testenv.InDump(dump, "Dienst Zuidpuntcontrole"); len(found) != 1 {
		t.Error("the organisation, stored in clear on purpose, is not in the dump: the search sees nothing")
	}
	// The same search finds an address planted in clear in a bytea column.
	testenv.MustExec(t, conn, `INSERT INTO people (kind, email_enc) VALUES ('participant', convert_to('planted.clear@example.be', 'UTF8'))`)
	if found := testenv.InDump(testenv.Dump(t, url), "planted.clear@example.be"); len(found) != 1 {
		t.Error("an address planted in clear in a bytea column was not found")
	}
}
