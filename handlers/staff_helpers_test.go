package handlers_test

import (
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"portal/app"
	"portal/internal/testenv"
	"portal/internal/testserver"
)

// staffPassword is the password of every test staff account.
const staffPassword = "a long and silly passphrase"

// clock is a movable clock for the portal under test, safe for the server's goroutines.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// staffWorld is a seeded portal with one account per role: a facilitator who leads Own and not Foreign.
type staffWorld struct {
	srv                  *testserver.Server
	clock                *clock
	admin, coord, fac    int64
	other                int64 // a facilitator the admin pages act on
	own, foreign         int64
	sessions             map[int64]int64 // group → its first session
	registrations        map[int64]int64 // group → a registration in it
	people               map[int64]int64 // group → the person of that registration
	waakvlam             int64           // a Waakvlam request
	mail, caught         int64           // an outbox row and a caught message
	offering             int64
	adminEmail, facEmail string
}

func newStaffWorld(t testing.TB, now time.Time) *staffWorld {
	t.Helper()
	srv := testserver.Start(t, testserver.Options{Seed: true})
	w := &staffWorld{srv: srv, clock: &clock{t: now}, adminEmail: "admin@example.org", facEmail: "fac@example.org"}
	srv.App.Now = w.clock.Now
	add := func(email, role string) int64 {
		id, err := srv.App.AddStaff(t.Context(), app.NewStaff{Email: email, Name: "Naam " + role, Role: role, Password: staffPassword})
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	w.admin = add(w.adminEmail, app.RoleAdmin)
	w.coord = add("coord@example.org", app.RoleCoordinator)
	w.fac = add(w.facEmail, app.RoleFacilitator)
	w.other = add("other@example.org", app.RoleFacilitator)
	db := srv.DB
	if err := db.Get(&w.own, `SELECT id FROM groups WHERE slug = 'rotonde-groep-1'`); err != nil {
		t.Fatal(err)
	}
	if err := db.Get(&w.foreign, `SELECT id FROM groups WHERE slug = 'intervisie-bornem'`); err != nil {
		t.Fatal(err)
	}
	if err := db.Get(&w.offering, `SELECT offering_id FROM groups WHERE id = $1`, w.own); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`INSERT INTO group_facilitators (group_id, staff_id) VALUES ($1, $2)`, w.own, w.fac); err != nil {
		t.Fatal(err)
	}
	w.sessions = map[int64]int64{}
	for _, g := range []int64{w.own, w.foreign} {
		var s int64
		if err := db.Get(&s, `SELECT id FROM sessions WHERE group_id = $1 ORDER BY starts_at LIMIT 1`, g); err != nil {
			t.Fatal(err)
		}
		w.sessions[g] = s
	}
	// One person in each group: a request for the Rotonde group, a signup for Bornem.
	w.registrations, w.people = map[int64]int64{}, map[int64]int64{}
	consent := app.Consent{Version: "t", Text: "ok"}
	rq, err := srv.App.Request(t.Context(), app.RequestInput{OfferingSlug: "rotonde", GroupID: w.own, Alias: "Tom",
		Contact: app.ContactInput{ByPhone: true, Phone: "0470 00 00 00"}, Consent: true, ConsentText: consent})
	if err != nil {
		t.Fatal(err)
	}
	su, err := srv.App.SignUp(t.Context(), app.SignupInput{GroupID: w.foreign, Name: "Pro", Email: "pro@example.org",
		Organisation: "CAW", Sector: "caw", Consent: true, ConsentText: consent})
	if err != nil {
		t.Fatal(err)
	}
	for g, reg := range map[int64]int64{w.own: rq.RegistrationID, w.foreign: su.RegistrationID} {
		w.registrations[g] = reg
		var p int64
		testenv.MustGet(t, db, &p, `SELECT person_id FROM registrations WHERE id = $1`, reg)
		w.people[g] = p
	}
	wv, err := srv.App.RequestWaakvlam(t.Context(), app.WaakvlamInput{Organisation: "Sociaal Huis Lier", ServiceType: "social_services",
		ContactName: "Jo", ContactEmail: "jo@lier.example", ExpectedStaff: "12", PreferredPeriods: "najaar", Consent: true, ConsentText: consent})
	if err != nil {
		t.Fatal(err)
	}
	testenv.MustGet(t, db, &w.waakvlam, `SELECT id FROM waakvlam_requests WHERE reference = $1`, wv.Reference)
	testenv.MustGet(t, db, &w.mail, `SELECT min(id) FROM outbox`)
	if err := db.Get(&w.caught, `INSERT INTO caught_mail (mail_from, rcpt, subject, raw)
		VALUES ('noreply@localhost', '{pro@example.org}', 'Test', $1) RETURNING id`, []byte("Subject: Test\r\n\r\nHallo")); err != nil {
		t.Fatal(err)
	}
	return w
}

// client returns an HTTP client signed in as staffID (a full session, made directly), with a CSRF pair, and
// the form token. staffID 0 gives an anonymous client with a CSRF pair.
func (w *staffWorld) client(t testing.TB, staffID int64) (*http.Client, string) {
	t.Helper()
	return w.srv.StaffClient(t, staffID)
}

// response is what a request gave.
type response struct {
	status   int
	body     string
	location string
	header   http.Header
}

func do(t *testing.T, c *http.Client, method, u string, form url.Values, header ...string) response {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, u, body)
	if err != nil {
		t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return response{status: resp.StatusCode, body: string(b), location: resp.Header.Get("Location"), header: resp.Header}
}

func (w *staffWorld) get(t *testing.T, c *http.Client, path string) response {
	t.Helper()
	return do(t, c, http.MethodGet, w.srv.URL+path, nil)
}

func (w *staffWorld) post(t *testing.T, c *http.Client, path string, form url.Values) response {
	t.Helper()
	if form == nil {
		form = url.Values{}
	}
	return do(t, c, http.MethodPost, w.srv.URL+path, form)
}

var csrfField = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// csrfOf reads the form token from a page.
func csrfOf(t *testing.T, body string) string {
	t.Helper()
	m := csrfField.FindStringSubmatch(body)
	if m == nil {
		t.Fatal("page has no CSRF field")
	}
	return m[1]
}

// codeAt is the authenticator code at t.
func codeAt(t *testing.T, secret string, at time.Time) string {
	t.Helper()
	c, err := totp.GenerateCode(secret, at)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

var secretField = regexp.MustCompile(`<p class="secret" id="secret"><code>([A-Z2-7 ]+)</code>`)

// signIn goes through the sign-in pages as a person would: password, then the code (setting up the
// authenticator when there is none yet; secret is then filled in). It returns a client with a full session.
func (w *staffWorld) signIn(t *testing.T, email string, secret *string) *http.Client {
	t.Helper()
	c := testserver.Client()
	page := w.get(t, c, "/beheer/login")
	r := w.post(t, c, "/beheer/login", url.Values{"_csrf": {csrfOf(t, page.body)}, "email": {email}, "password": {staffPassword}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("login: %d %s", r.status, r.body)
	}
	step := r.location
	page = w.get(t, c, step)
	if strings.HasPrefix(step, "/beheer/tweestapsverificatie") {
		m := secretField.FindStringSubmatch(page.body)
		if m == nil {
			t.Fatalf("enrolment page without secret: %s", page.body)
		}
		*secret = strings.ReplaceAll(m[1], " ", "")
	}
	w.clock.Add(30 * time.Second) // a fresh time step: a code is good once
	r = w.post(t, c, strings.SplitN(step, "?", 2)[0], url.Values{"_csrf": {csrfOf(t, page.body)},
		"code": {codeAt(t, *secret, w.clock.Now())}, "terug": {""}})
	if r.status != http.StatusSeeOther || r.location != "/beheer" {
		t.Fatalf("code: %d → %q: %s", r.status, r.location, r.body)
	}
	return c
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// enrol sets up the authenticator of a staff member (as on an earlier day) and returns its secret; the clock
// moves on a minute, so the next code is a fresh one.
func (w *staffWorld) enrol(t *testing.T, email string, staffID int64) string {
	t.Helper()
	a := w.srv.App
	res, err := a.Login(t.Context(), email, staffPassword, "192.0.2.1")
	if err != nil {
		t.Fatal(err)
	}
	setup, err := a.TOTPEnrolment(t.Context(), staffID)
	if err != nil {
		t.Fatal(err)
	}
	secret := strings.ReplaceAll(setup.Secret, " ", "")
	if _, err := a.SecondFactor(t.Context(), res.Token, codeAt(t, secret, w.clock.Now()), "192.0.2.1"); err != nil {
		t.Fatal(err)
	}
	w.clock.Add(time.Minute)
	return secret
}
