package handlers_test

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"portal/handlers"
	"portal/internal/testenv"
	"portal/internal/testserver"
)

func TestIntervisionSignupEndToEnd(t *testing.T) {
	srv := testserver.Start(t, testserver.Options{Seed: true})
	c := testserver.Client()
	page := srv.URL + "/aanbod/intervisie/inschrijven/intervisie-mechelen"
	form := merge(formFor(t, c, page), map[string]string{"name": "Sofie Claes", "email": "sofie@politie.example",
		"organisation": "PZ Mechelen-Willebroek", "sector": "police", "consent": "ja"})
	status, body := post(t, c, page, form)
	if status != 200 || !strings.Contains(body, "Je bent ingeschreven") || !strings.Contains(body, "persoonlijke link") {
		t.Fatalf("signup: %d\n%s", status, body)
	}
	// The same form again (a double click) changes nothing and shows the same outcome.
	status, body = post(t, c, page, form)
	if status != 200 || !strings.Contains(body, "Je bent ingeschreven") {
		t.Fatalf("resubmission: %d", status)
	}
	var n int
	testenv.MustGet(t, srv.DB, &n, `SELECT count(*) FROM registrations`)
	if n != 1 {
		t.Errorf("%d registrations after a double submission", n)
	}
}

func TestEventSignupByPhoneShowsTheLinkOnce(t *testing.T) {
	srv := testserver.Start(t, testserver.Options{Seed: true})
	c := testserver.Client()
	page := srv.URL + "/aanbod/activiteiten/inschrijven/samen-naar-herstel"
	form := merge(formFor(t, c, page), map[string]string{"name": "Mira", "contact": "phone", "phone": "0470 12 34 56", "consent": "ja"})
	status, body := post(t, c, page, form)
	if status != 200 || !strings.Contains(body, srv.URL+"/mijn/") {
		t.Fatalf("phone signup: %d, no personal link on the page", status)
	}
	link := body[strings.Index(body, srv.URL+"/mijn/"):]
	link = link[:strings.Index(link, `"`)]
	// A discreet event: without a code her page shows only her appointments, as to whoever reads her mail.
	// (The site's own footer names the organisation's address, which is also the event's place: look in <main>.)
	status, body = get(t, c, link)
	main := body[strings.Index(body, "<main"):strings.Index(body, "</main>")]
	if status != 200 || !strings.Contains(main, "<h1>Afspraken</h1>") || strings.Contains(main, "Mira") ||
		strings.Contains(main, "Lange Schipstraat 27") {
		t.Errorf("personal page: %d (without a code only her appointments)", status)
	}
	if !strings.Contains(body, `id="snelweg"`) {
		t.Error("the personal page of a discreet event has no quick exit")
	}
}

func TestFormErrorsKeepValuesAndExplainNextToTheField(t *testing.T) {
	srv := testserver.Start(t, testserver.Options{Seed: true})
	c := testserver.Client()
	page := srv.URL + "/aanbod/lotgenotengroepen/aanvragen"
	form := merge(formFor(t, c, page), map[string]string{"alias": `<script>alert("x")</script>`, "channels": "email",
		"email": "niet-geldig", "safe_times": "na 18 uur", "message": "Mijn bericht"})
	status, body := post(t, c, page, form)
	if status != 422 {
		t.Fatalf("status %d, want 422", status)
	}
	for _, want := range []string{
		"Kijk dit even na", `href="#f-email"`, "Vul een geldig e-mailadres in", `aria-invalid="true"`,
		`value="na 18 uur"`, "Mijn bericht", "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;", "Vink aan dat je akkoord gaat",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("form again lacks %q", want)
		}
	}
	if strings.Contains(body, `<script>alert("x")`) {
		t.Error("script tag shown unescaped")
	}
	var n int
	testenv.MustGet(t, srv.DB, &n, `SELECT count(*) FROM registrations`)
	if n != 0 {
		t.Errorf("an invalid form stored %d registrations", n)
	}
}

func TestHostileRequestsGetAClearAnswerAndChangeNothing(t *testing.T) {
	srv := testserver.Start(t, testserver.Options{Seed: true})
	c := testserver.Client()
	page := srv.URL + "/aanbod/intervisie/inschrijven/intervisie-bornem"
	valid := map[string]string{"name": "An", "email": "an@example.be", "organisation": "CAW", "sector": "caw", "consent": "ja"}
	cases := []struct {
		name string
		form func() url.Values
		want int
	}{
		{"no CSRF token", func() url.Values {
			f := merge(formFor(t, c, page), valid)
			f.Del("_csrf")
			return f
		}, 403},
		{"wrong CSRF token", func() url.Values { return merge(formFor(t, c, page), and(valid, map[string]string{"_csrf": "forged"})) }, 403},
		{"oversized body", func() url.Values {
			return merge(formFor(t, c, page), and(valid, map[string]string{"name": strings.Repeat("x", handlers.BodyLimit+10)}))
		}, 413},
		{"invalid UTF-8", func() url.Values {
			return merge(formFor(t, c, page), and(valid, map[string]string{"organisation": "CAW\xff\xfe"}))
		}, 422},
		{"tampered submission key", func() url.Values {
			return merge(formFor(t, c, page), and(valid, map[string]string{"_key": "../../etc"}))
		}, 422},
		{"unknown group", func() url.Values { return merge(formFor(t, c, page), valid) }, 404},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			target := page
			if tc.name == "unknown group" {
				target = srv.URL + "/aanbod/intervisie/inschrijven/bestaat-niet"
			}
			status, body := post(t, c, target, tc.form())
			if status != tc.want {
				t.Errorf("status %d, want %d", status, tc.want)
			}
			if status >= 500 || strings.Contains(body, "panic") {
				t.Errorf("server error: %d", status)
			}
		})
	}
	var n int
	testenv.MustGet(t, srv.DB, &n, `SELECT count(*) FROM registrations`)
	if n != 0 {
		t.Errorf("hostile requests stored %d registrations", n)
	}
}

// TestSignupRaceAcrossTwoPortals sends 200 signups at once for 12 places, half to each of two portal processes
// on one database: exactly 12 get a seat, 188 wait.
func TestSignupRaceAcrossTwoPortals(t *testing.T) {
	lax := handlers.Limits{Forms: 10000, Window: time.Minute}
	one := testserver.Start(t, testserver.Options{Seed: true, Limits: lax})
	two := testserver.Start(t, testserver.Options{DB: one.DB, Limits: lax})
	var groupID int64
	if err := one.DB.Get(&groupID, `SELECT id FROM groups WHERE slug = 'intervisie-sint-katelijne-waver'`); err != nil {
		t.Fatal(err)
	}
	path := "/aanbod/intervisie/inschrijven/intervisie-sint-katelijne-waver"
	// Every client fetches its form first, so the posts themselves start together.
	type ready struct {
		c    *httpClient
		form url.Values
		base string
	}
	var clients []ready
	for n := range 200 {
		base := one.URL
		if n%2 == 1 {
			base = two.URL
		}
		c := &httpClient{testserver.Client()}
		form := merge(formFor(t, c.Client, base+path), map[string]string{"name": fmt.Sprintf("Deelnemer %d", n),
			"email": fmt.Sprintf("d%d@example.be", n), "organisation": "OCMW", "sector": "ocmw", "consent": "ja"})
		clients = append(clients, ready{c, form, base})
	}
	start := make(chan struct{})
	var wg sync.WaitGroup
	statuses := make(chan int, len(clients))
	for _, r := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			resp, err := r.c.PostForm(r.base+path, r.form)
			if err != nil {
				statuses <- 0
				return
			}
			resp.Body.Close()
			statuses <- resp.StatusCode
		}()
	}
	close(start)
	wg.Wait()
	close(statuses)
	for s := range statuses {
		if s != 200 {
			t.Fatalf("a signup answered %d", s)
		}
	}
	var admitted, waiting int
	testenv.MustGet(t, one.DB, &admitted, `SELECT count(*) FROM registrations WHERE group_id = $1 AND status = 'admitted'`, groupID)
	testenv.MustGet(t, one.DB, &waiting, `SELECT count(*) FROM registrations WHERE group_id = $1 AND status = 'waitlisted'`, groupID)
	if admitted != 12 || waiting != 188 {
		t.Fatalf("%d admitted, %d waiting; want 12 and 188", admitted, waiting)
	}
	// First come, first served: the waiting list is in order of arrival.
	var firstWaiting time.Time
	var lastAdmitted time.Time
	testenv.MustGet(t, one.DB, &lastAdmitted, `SELECT max(created_at) FROM registrations WHERE group_id = $1 AND status = 'admitted'`, groupID)
	testenv.MustGet(t, one.DB, &firstWaiting, `SELECT min(waitlisted_at) FROM registrations WHERE group_id = $1 AND status = 'waitlisted'`, groupID)
	if firstWaiting.Before(lastAdmitted) {
		t.Error("someone waiting arrived before the last one admitted")
	}
}

func TestPublicFormsAreRateLimited(t *testing.T) {
	srv := testserver.Start(t, testserver.Options{Seed: true, Limits: handlers.Limits{Forms: 3, Window: time.Minute}})
	c := testserver.Client()
	page := srv.URL + "/mijn-link"
	for n := 1; n <= 4; n++ {
		want := 200 // the limit lets the first three through: a limiter that refuses everything fails here
		if n == 4 {
			want = 429
		}
		got, body := post(t, c, page, merge(formFor(t, c, page), map[string]string{"email": "x@example.be"}))
		if got != want {
			t.Errorf("post %d: %d, want %d", n, got, want)
		}
		// The refused post shows the form again, with what was typed and why.
		if n == 4 && (!strings.Contains(body, `value="x@example.be"`) || !strings.Contains(body, "Wat je invulde, staat hieronder nog")) {
			t.Errorf("the refused form lost what was typed or says nothing:\n%s", body)
		}
	}
	// Each form has its own budget per address: the same visitor can still sign up, three times, and the fourth
	// signup is refused with the form as typed, and records nothing.
	signup := srv.URL + "/aanbod/intervisie/inschrijven/intervisie-bornem"
	for n := 1; n <= 4; n++ {
		name := fmt.Sprintf("Deelnemer %d", n)
		got, body := post(t, c, signup, merge(formFor(t, c, signup), map[string]string{"name": name,
			"email": fmt.Sprintf("p%d@example.be", n), "organisation": "CAW", "sector": "caw", "consent": "ja"}))
		want := 200
		if n == 4 {
			want = 429
		}
		if got != want {
			t.Errorf("signup %d: %d, want %d", n, got, want)
		}
		if n == 4 && (!strings.Contains(body, `value="`+name+`"`) || !strings.Contains(body, `value="CAW"`)) {
			t.Errorf("the refused signup lost what was typed")
		}
	}
	var people int
	testenv.MustGet(t, srv.DB, &people, `SELECT count(*) FROM people`)
	if people != 3 {
		t.Errorf("%d people after three signups and a refused one, want 3", people)
	}
}

func TestLinkRequestAnswersTheSameForKnownAndUnknown(t *testing.T) {
	srv := testserver.Start(t, testserver.Options{Seed: true})
	c := testserver.Client()
	page := srv.URL + "/aanbod/intervisie/inschrijven/intervisie-bornem"
	post(t, c, page, merge(formFor(t, c, page), map[string]string{"name": "An", "email": "an@example.be",
		"organisation": "CAW", "sector": "caw", "consent": "ja"}))
	answer := func(email string) string {
		_, body := post(t, c, srv.URL+"/mijn-link", merge(formFor(t, c, srv.URL+"/mijn-link"), map[string]string{"email": email}))
		return body[strings.Index(body, "<main"):]
	}
	known, unknown := answer("an@example.be"), answer("niemand@example.be")
	if known != unknown || !strings.Contains(known, "Als dit e-mailadres bij ons bekend is") {
		t.Error("the answer differs for a known and an unknown address")
	}
}

// An empty or mistyped address is refused next to its field every time: it never uses up the address's budget
// of links (three an hour), so the fourth empty try does not answer "if we know this address, a mail is on its
// way". The budget holds for a real address: the fourth request sends nothing.
func TestLinkRequestRefusesAnEmptyAddressEveryTime(t *testing.T) {
	srv := testserver.Start(t, testserver.Options{Seed: true, Limits: handlers.Limits{Forms: 100, Window: time.Minute}})
	c := testserver.Client()
	page := srv.URL + "/mijn-link"
	signup := srv.URL + "/aanbod/intervisie/inschrijven/intervisie-bornem"
	post(t, c, signup, merge(formFor(t, c, signup), map[string]string{"name": "An", "email": "an@example.be",
		"organisation": "CAW", "sector": "caw", "consent": "ja"}))
	for n := 1; n <= 5; n++ {
		status, body := post(t, c, page, merge(formFor(t, c, page), map[string]string{"email": ""}))
		if status != 422 || strings.Contains(body, "Als dit e-mailadres bij ons bekend is") {
			t.Fatalf("empty address, try %d: %d, the form says it sent a link or no error", n, status)
		}
	}
	var before int
	testenv.MustGet(t, srv.DB, &before, `SELECT count(*) FROM outbox WHERE kind = 'link_again'`)
	for n := 1; n <= 4; n++ {
		if status, body := post(t, c, page, merge(formFor(t, c, page), map[string]string{"email": "an@example.be"})); status != 200 ||
			!strings.Contains(body, "Als dit e-mailadres bij ons bekend is") {
			t.Fatalf("request %d: %d", n, status)
		}
	}
	var after int
	testenv.MustGet(t, srv.DB, &after, `SELECT count(*) FROM outbox WHERE kind = 'link_again'`)
	if after-before != 3 {
		t.Errorf("%d links mailed for four requests within the hour, want 3 (the address's budget)", after-before)
	}
}

func TestARepeatedPhoneSignupStillShowsALink(t *testing.T) {
	srv := testserver.Start(t, testserver.Options{Seed: true})
	c := testserver.Client()
	page := srv.URL + "/aanbod/activiteiten/inschrijven/samen-naar-herstel"
	form := merge(formFor(t, c, page), map[string]string{"name": "Mira", "contact": "phone", "phone": "0470 12 34 56", "consent": "ja"})
	_, first := post(t, c, page, form)
	_, again := post(t, c, page, form) // the reload after a slow answer
	link := regexp.MustCompile(`/mijn/[A-Za-z0-9_-]{40,}`)
	if !link.MatchString(first) || !link.MatchString(again) {
		t.Fatal("a phone-only signup, sent twice, lost its personal link")
	}
	for _, body := range []string{first, again} {
		if status, _ := get(t, c, srv.URL+link.FindString(body)); status != 200 {
			t.Errorf("link %s: %d", link.FindString(body), status)
		}
	}
}

// A family of parents only registers through the public household form: no child rows filled in, two parents
// recorded as parents, and the result page says so.
func TestParentsOnlyFamilyRegistersThroughThePublicForm(t *testing.T) {
	srv := testserver.Start(t, testserver.Options{Seed: true})
	c := testserver.Client()
	page := srv.URL + "/aanbod/blaffen-of-schuilen/aanvragen"
	form := merge(formFor(t, c, page), map[string]string{"parent": "Ilse", "second_parent": "Karim",
		"child_name_1": "", "child_age_1": "", "channels": "phone", "phone": "0470 12 34 56", "consent": "ja"})
	status, body := post(t, c, page, form)
	if status != 200 || !strings.Contains(body, "Je meldde 2 ouders aan, zonder kinderen.") {
		t.Fatalf("parents-only family: %d\n%s", status, body)
	}
	var parents, children int
	testenv.MustGet(t, srv.DB, &parents, `SELECT count(*) FROM registrations WHERE role = 'parent' AND status = 'requested'`)
	testenv.MustGet(t, srv.DB, &children, `SELECT count(*) FROM registrations WHERE role = 'child'`)
	if parents != 2 || children != 0 {
		t.Errorf("stored %d parents and %d children, want 2 and 0", parents, children)
	}
}
