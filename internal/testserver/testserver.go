// Package testserver runs the whole portal in-process for tests: a fresh database, the real views and
// handlers, listening on a loopback port.
package testserver

import (
	"cmp"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/jmoiron/sqlx"

	"portal/app"
	"portal/app/locale"
	"portal/handlers"
	"portal/internal/testenv"
	"portal/views"
)

// Server is a running portal.
type Server struct {
	URL string
	// NeutralURL is the address of discreet links (DISCREET_BASE_URL); URL unless Options.Neutral.
	NeutralURL string
	App        *app.App
	DB         *sqlx.DB
	// Web is the Fiber application, for tests that walk every route.
	Web *fiber.App
}

// Options adjust the portal under test.
type Options struct {
	// DB is the database to use; nil means a fresh one.
	DB *sqlx.DB
	// Seed loads the demo offer.
	Seed bool
	// QuickExitURL overrides the neutral site of the quick exit.
	QuickExitURL string
	// Limits overrides the rate limits of public forms (the race test posts 200 forms from one address).
	Limits handlers.Limits
	// PageCacheTTL overrides how long public pages are kept rendered (tests of the cache make it long).
	PageCacheTTL time.Duration
	// RequestTimeout bounds each request's database work; zero means a minute, because tests share a loaded
	// machine (200 signups queued on one group's lock can take longer than the production deadline there). The
	// fault suite (internal/faultproxy) tests the deadline itself.
	RequestTimeout time.Duration
	// Neutral gives discreet links their own host, as on the public site: the same portal under the name
	// "localhost" (NeutralURL), while URL uses 127.0.0.1.
	Neutral bool
}

// Start runs a portal until the test ends.
func Start(t testing.TB, opt Options) *Server {
	t.Helper()
	conn := opt.DB
	if conn == nil {
		conn = testenv.DB(t)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + ln.Addr().String()
	cfg := app.Config{BaseURL: base, SecretKey: strings.Repeat("k", 32), MailFrom: "Veilig Huis <noreply@localhost>",
		MailFromDiscreet: "Afspraken <noreply@localhost>"}
	if opt.Neutral {
		cfg.DiscreetBaseURL = "http://localhost:" + strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
	}
	log := slog.New(slog.DiscardHandler)
	a, err := app.New(conn, cfg, log)
	if err != nil {
		t.Fatal(err)
	}
	if opt.Seed {
		if err := a.Seed(t.Context()); err != nil {
			t.Fatal(err)
		}
	}
	cat, err := locale.Load()
	if err != nil {
		t.Fatal(err)
	}
	renderer, err := views.New(cat)
	if err != nil {
		t.Fatal(err)
	}
	web := handlers.New(&handlers.Server{App: a, Views: renderer, Cat: cat, Log: log, QuickExitURL: opt.QuickExitURL,
		Limits: opt.Limits, PageCacheTTL: opt.PageCacheTTL, RequestTimeout: cmp.Or(opt.RequestTimeout, time.Minute)})
	go web.Listener(ln)
	t.Cleanup(func() {
		// Logged, not failed: the test has ended, and a client's idle connection may outlive the budget.
		if err := web.ShutdownWithTimeout(5 * time.Second); err != nil {
			t.Logf("testserver: shutdown: %v", err)
		}
	})
	return &Server{URL: base, NeutralURL: a.LinkBase(true), App: a, DB: conn, Web: web}
}

// Client returns an HTTP client with a cookie jar that does not follow redirects.
func Client() *http.Client {
	jar, _ := cookiejar.New(nil) // it never fails without options
	return &http.Client{Jar: jar, Timeout: 20 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// csrfCookie is the CSRF cookie StaffClient sets; the form token that goes with it is the portal's to make.
const csrfCookie = "test-csrf-cookie-value"

// StaffClient returns a client (as Client) signed in as staff member staffID with a full session, made directly
// (password and code taken as given), with a CSRF cookie, and the form token that goes with that cookie.
// staffID 0 gives an anonymous client with the CSRF pair.
func (s *Server) StaffClient(t testing.TB, staffID int64) (*http.Client, string) {
	t.Helper()
	c := Client()
	u, err := url.Parse(s.URL)
	if err != nil {
		t.Fatal(err)
	}
	cookies := []*http.Cookie{{Name: "vh_csrf", Value: csrfCookie, Path: "/"}}
	if staffID != 0 {
		token, err := s.App.StartStaffSession(t.Context(), staffID, true)
		if err != nil {
			t.Fatal(err)
		}
		cookies = append(cookies, &http.Cookie{Name: "vh_staff", Value: token, Path: "/beheer"})
	}
	c.Jar.SetCookies(u, cookies)
	return c, s.App.Keys.CSRFToken(csrfCookie)
}
