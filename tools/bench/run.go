package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/valyala/fasthttp"

	"portal/app"
	"portal/app/db"
	"portal/app/locale"
)

// options are the knobs of a run.
type options struct {
	Portal    string
	Duration  time.Duration
	Conns     int
	PgClients int
	Spread    int
	Starts    int
	Env       []string
	PortalLog string
}

// Targets of the performance issue, as ratios and limits that hold on any machine.
const (
	targetHTTPRatio   = 0.5
	targetP99         = 10 * time.Millisecond
	targetSearchP99   = 100 * time.Millisecond
	targetSignupRatio = 0.5
	targetStart       = 150 * time.Millisecond
	targetRSS         = 40e6
	targetPage        = 30e3
	hotCapacity       = 12 // the seeded groups' size
	spreadCapacity    = 25
	warmup            = time.Second
)

// bench holds what the phases share.
type bench struct {
	o      options
	out    io.Writer
	dir    string
	dbURL  string
	secret string
	addr   string
	portal *proc
	conn   *sqlx.DB
	app    *app.App
	rows   []row
	start  time.Duration
	// rssPeak is the largest RSS of the portal seen during its load phases.
	rssPeak int64
}

func (b *bench) say(format string, args ...any) { fmt.Fprintf(b.out, format+"\n", args...) }

// env is the portal's environment for the bench: a raised form limit, and the client's address taken from a
// header so that every connection counts as a visitor of its own, as it would on the internet.
func (b *bench) env(addr string) []string {
	_, port, _ := net.SplitHostPort(addr)
	env := []string{"PORT=" + port, "BASE_URL=http://127.0.0.1:" + port, "SECRET_KEY=" + b.secret,
		"DATA_DIR=" + filepath.Join(b.dir, "data"), "FORM_RATE_LIMIT=1000000000/1m", "CLIENT_IP_HEADER=X-Forwarded-For"}
	return append(env, b.o.Env...)
}

func run(o options, out io.Writer) error {
	b := &bench{o: o, out: out, dbURL: os.Getenv("DATABASE_URL")}
	if b.dbURL == "" {
		return errors.New("DATABASE_URL is not set: run it as `bin/portal devdb -- bin/bench` (make bench does)")
	}
	if _, err := os.Stat(o.Portal); err != nil {
		return fmt.Errorf("no portal binary: %w (make bench builds it)", err)
	}
	pgbench, err := findPgbench()
	if err != nil {
		return err
	}
	if b.dir, err = os.MkdirTemp("", "portal-bench-"); err != nil {
		return err
	}
	defer os.RemoveAll(b.dir)
	key := make([]byte, 32)
	rand.Read(key)
	b.secret = hex.EncodeToString(key)
	b.say("Load average before: %s (%d cores). Each phase: %v after a %v warm-up, %d connections.",
		loadAverage(), runtime.NumCPU(), o.Duration, warmup, o.Conns)

	ctx := context.Background()
	if err := b.seed(); err != nil {
		return err
	}
	if err := b.startToReady(); err != nil {
		return err
	}
	if b.addr, err = freeAddr(); err != nil {
		return err
	}
	logPath := o.PortalLog
	if logPath == "" {
		logPath = filepath.Join(b.dir, "portal.log")
	}
	if b.portal, err = startProc(o.Portal, []string{"serve"}, b.env(b.addr), b.addr, logPath); err != nil {
		return err
	}
	defer b.portal.stop()
	if _, err := b.portal.waitReady("/readyz", 30*time.Second); err != nil {
		return err
	}
	time.Sleep(2 * time.Second) // let the workers settle: memory at rest
	rest, _, err := b.portal.memory()
	if err != nil {
		return err
	}
	if b.conn, err = db.Open(ctx, b.dbURL); err != nil {
		return err
	}
	defer b.conn.Close()
	if b.app, err = app.New(b.conn, app.Config{BaseURL: "http://" + b.addr, SecretKey: b.secret},
		slog.New(slog.DiscardHandler)); err != nil {
		return err
	}
	cat, err := locale.Load()
	if err != nil {
		return err
	}
	consentText := cat.T("nl", "consent.professional")
	// The code checks come first, on the portal at rest: their memory is what they add to a portal that holds
	// nothing else, the budget's worst case being twenty people giving their code at the same moment.
	codes, codesRSS, err := b.codeChecks(ctx, app.Consent{Version: "bench", Text: consentText})
	if err != nil {
		return err
	}
	weights, err := b.pageWeights()
	if err != nil {
		return err
	}

	// The ceiling is measured before and after the pages, and the mean counts: the machine is shared, and its
	// load moves between phases.
	before, err := b.httpCeiling(weightOf(weights, "/").HTML)
	if err != nil {
		return err
	}
	home, err := b.measure("portal GET /", Load{Client: fixed("/")})
	if err != nil {
		return err
	}
	offering, err := b.measure("portal GET /aanbod/lotgenotengroepen", Load{Client: fixed("/aanbod/lotgenotengroepen")})
	if err != nil {
		return err
	}
	after, err := b.httpCeiling(weightOf(weights, "/").HTML)
	if err != nil {
		return err
	}
	ceiling := meanOf(before, after)

	sets := map[string]groupSet{}
	for _, s := range []struct {
		name     string
		n, seats int
	}{{"bench-pg-hot", 1, hotCapacity}, {"bench-pg-spread", o.Spread, spreadCapacity},
		{"bench-web-hot", 1, hotCapacity}, {"bench-web-spread", o.Spread, spreadCapacity}, {"bench-links", 1, o.Conns}} {
		if sets[s.name], err = makeGroups(ctx, b.conn, s.name, s.n, s.seats); err != nil {
			return err
		}
	}

	pg := map[string]Result{}
	for _, name := range []string{"hot", "spread"} {
		set := sets["bench-pg-"+name]
		r, err := pgbenchRun{DatabaseURL: b.dbURL, Clients: o.PgClients, Duration: o.Duration, Dir: b.dir,
			Vars: map[string]string{"group_lo": strconv.FormatInt(set[0].ID, 10), "group_n": strconv.Itoa(len(set)),
				"consent": consentText}}.run(pgbench)
		if err != nil {
			return err
		}
		b.say("pgbench signup, %s: %.0f tps, p50 %v, p99 %v, %d failed (%d clients)", name, r.Rate(), r.P50, r.P99,
			r.Failures, o.PgClients)
		pg[name] = r
		if err := dropMail(ctx, b.conn, set.ids()); err != nil {
			return err
		}
	}
	web := map[string]Result{}
	for _, name := range []string{"hot", "spread"} {
		set := sets["bench-web-"+name]
		r, err := b.measure("portal signup, "+name, Load{Client: b.signupClient(set)})
		if err != nil {
			return err
		}
		web[name] = r
	}
	var all []int64
	for name, set := range sets {
		if name != "bench-links" {
			all = append(all, set.ids()...)
		}
	}
	over, seats, waiting, err := overbooked(ctx, b.conn, all)
	if err != nil {
		return err
	}
	b.say("capacity check: %d groups, %d seats taken, %d waiting, %d groups over capacity", len(all), seats, waiting, over)

	tokens, err := linkPeople(ctx, b.app, sets["bench-links"][0], o.Conns, app.Consent{Version: "bench", Text: consentText})
	if err != nil {
		return err
	}
	if err := addSearchPeople(ctx, b.conn, b.app, sets["bench-links"][0]); err != nil {
		return err
	}
	people, err := countPeople(ctx, b.conn)
	if err != nil {
		return err
	}
	searcher, err := b.searchClient(searchTerms())
	if err != nil {
		return err
	}
	search, err := b.measure(fmt.Sprintf("portal staff search, %d staff at once, %s people", searchConns, people),
		Load{Client: searcher, Conns: searchConns})
	if err != nil {
		return err
	}
	persons, sessions, err := rollCall(ctx, b.conn, sets["bench-web-hot"][0])
	if err != nil {
		return err
	}
	personal, err := b.measure("portal GET /mijn/:token", Load{Client: func(n int) (Filler, error) {
		return get1("/mijn/" + tokens[n%len(tokens)]), nil
	}})
	if err != nil {
		return err
	}
	marker, err := b.markClient(persons, sessions)
	if err != nil {
		return err
	}
	marks, err := b.measure("portal staff attendance save", Load{Client: marker})
	if err != nil {
		return err
	}
	_, peak, _ := b.portal.memory()
	for _, lang := range []string{"nl", "en"} {
		pw, _, err := weigh(b.addr, lang, "/mijn/"+tokens[0])
		if err != nil {
			return err
		}
		weights = append(weights, pw)
	}
	b.printWeights(weights)
	b.say("Load average after: %s", loadAverage())

	b.rows = append(b.rows,
		row{Figure: "HTTP ceiling: Fiber, fixed bytes (mean of 2)", Value: count(ceiling.Rate()) + " req/s",
			Ceiling: "p50 " + ms(ceiling.P50) + ", p99 " + ms(ceiling.P99)},
		ratioRow("GET / (catalogue)", home.Rate(), ceiling.Rate(), "req/s", "Fiber", targetHTTPRatio),
		limitRow("GET / p99 (p50 "+ms(home.P50)+")", ms2(home.P99), ms2(targetP99), msf),
		ratioRow("GET /aanbod/lotgenotengroepen", offering.Rate(), ceiling.Rate(), "req/s", "Fiber", targetHTTPRatio),
		limitRow("offering page p99 (p50 "+ms(offering.P50)+")", ms2(offering.P99), ms2(targetP99), msf),
		ratioRow("signups, one hot group", web["hot"].Rate(), pg["hot"].Rate(), "/s", "pgbench", targetSignupRatio),
		row{Figure: "  p99 signup, hot (pgbench p99)", Value: ms(web["hot"].P99), Ceiling: ms(pg["hot"].P99)},
		ratioRow(fmt.Sprintf("signups, %d groups", o.Spread), web["spread"].Rate(), pg["spread"].Rate(), "/s", "pgbench", targetSignupRatio),
		row{Figure: "  p99 signup, spread (pgbench p99)", Value: ms(web["spread"].P99), Ceiling: ms(pg["spread"].P99)},
		limitRow("groups over capacity", float64(over), 0, func(v float64) string { return fmt.Sprint(int(v)) }),
		ratioRow("GET /mijn/:token (personal page)", personal.Rate(), ceiling.Rate(), "req/s", "Fiber", 0),
		row{Figure: "  p99 personal page", Value: ms(personal.P99)},
		ratioRow("staff attendance save", marks.Rate(), ceiling.Rate(), "req/s", "Fiber", 0),
		row{Figure: "  p99 attendance save", Value: ms(marks.P99)},
		ratioRow(fmt.Sprintf("staff search, %s people, %d at once", people, searchConns), search.Rate(), ceiling.Rate(), "req/s", "Fiber", 0),
		limitRow("  p99 search (p50 "+ms(search.P50)+")", ms2(search.P99), ms2(targetSearchP99), msf),
		ratioRow(fmt.Sprintf("personal code checks, %d at once", codesAtOnce), codes.Rate(), ceiling.Rate(), "/s", "Fiber", 0),
		row{Figure: "  p99 code check (waits for a slot)", Value: ms(codes.P99)},
		limitRow(fmt.Sprintf("RSS, %d code checks at once (peak)", codesAtOnce), float64(codesRSS), targetRSS, mb),
		limitRow(fmt.Sprintf("start to /readyz 200 (median of %d)", o.Starts), ms2(b.start), ms2(targetStart), msf),
		limitRow("RSS at rest", float64(rest), 0, mb),
		limitRow("RSS under load (peak)", float64(max(b.rssPeak, peak)), targetRSS, mb),
	)
	b.rows = append(b.rows, b.sizeRows(weights)...)
	b.say("")
	printTable(b.out, b.rows)
	if over > 0 {
		return fmt.Errorf("%d groups hold more people than their capacity", over)
	}
	return nil
}

// meanOf averages two runs of the same phase: their rates, and their latencies.
func meanOf(a, b Result) Result {
	return Result{Requests: a.Requests + b.Requests, Elapsed: a.Elapsed + b.Elapsed,
		P50: (a.P50 + b.P50) / 2, P99: (a.P99 + b.P99) / 2, Max: max(a.Max, b.Max)}
}

// ms2 turns a duration into milliseconds, for limitRow.
func ms2(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// measure runs a load phase against the portal with the bench's connection count and duration.
func (b *bench) measure(name string, l Load) (Result, error) {
	l.Addr, l.Duration, l.Warmup = b.addr, b.o.Duration, warmup
	if l.Conns == 0 {
		l.Conns = b.o.Conns
	}
	mem := sample(b.portal)
	r, err := l.Run()
	rss := mem.end()
	b.rssPeak = max(b.rssPeak, rss)
	if err != nil {
		return r, fmt.Errorf("%s: %w", name, err)
	}
	b.say("%s: %.0f/s, p50 %v, p99 %v, max %v, %d failed; RSS up to %s", name, r.Rate(), r.P50.Round(10*time.Microsecond),
		r.P99.Round(10*time.Microsecond), r.Max.Round(10*time.Microsecond), r.Failures, mb(float64(rss)))
	if r.Failures > 0 {
		return r, fmt.Errorf("%s: %d requests failed, the first: %s", name, r.Failures, r.FirstFailure)
	}
	return r, nil
}

// seed loads the demo offer into the database through the portal's own command (it migrates first).
func (b *bench) seed() error {
	cmd := exec.Command(b.o.Portal, "seed")
	cmd.Env = append(os.Environ(), "SECRET_KEY="+b.secret, "DATA_DIR="+filepath.Join(b.dir, "data"))
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("portal seed: %w: %s", err, out)
	}
	return nil
}

// startToReady starts the portal on the migrated database a few times and keeps the median time from the
// start of the process to the first 200 from /readyz.
func (b *bench) startToReady() error {
	var times []time.Duration
	for i := range b.o.Starts {
		addr, err := freeAddr()
		if err != nil {
			return err
		}
		p, err := startProc(b.o.Portal, []string{"serve"}, b.env(addr), addr, filepath.Join(b.dir, fmt.Sprintf("start-%d.log", i)))
		if err != nil {
			return err
		}
		d, err := p.waitReady("/readyz", 30*time.Second)
		if serr := p.stop(); err == nil {
			err = serr
		}
		if err != nil {
			return err
		}
		times = append(times, d)
	}
	slices.Sort(times)
	b.start = times[len(times)/2]
	b.say("start to ready: %v (all: %v)", b.start.Round(100*time.Microsecond), times)
	return nil
}

// httpCeiling measures the minimal Fiber handler, run as a process of its own like the portal.
func (b *bench) httpCeiling(size int) (Result, error) {
	self, err := os.Executable()
	if err != nil {
		return Result{}, err
	}
	addr, err := freeAddr()
	if err != nil {
		return Result{}, err
	}
	p, err := startProc(self, []string{"ceiling", "-addr", addr, "-size", strconv.Itoa(size)}, nil, addr,
		filepath.Join(b.dir, "ceiling.log"))
	if err != nil {
		return Result{}, err
	}
	defer p.stop()
	if _, err := p.waitReady("/", 10*time.Second); err != nil {
		return Result{}, err
	}
	l := Load{Addr: addr, Conns: b.o.Conns, Duration: b.o.Duration, Warmup: warmup, Client: fixed("/")}
	r, err := l.Run()
	if err != nil {
		return r, err
	}
	b.say("HTTP ceiling (Fiber, %d bytes): %.0f/s, p50 %v, p99 %v", size, r.Rate(), r.P50.Round(10*time.Microsecond),
		r.P99.Round(10*time.Microsecond))
	return r, nil
}

// fixed gets the same path on every connection, without cookies: every request is a first visit, like wrk.
func fixed(path string) func(int) (Filler, error) {
	return func(int) (Filler, error) { return get1(path), nil }
}

func get1(path string) Filler {
	return func(_ int, req *fasthttp.Request) { req.SetRequestURI(path) }
}

// clientAddress is the address connection n claims to come from (CLIENT_IP_HEADER), one visitor per connection.
func clientAddress(n int) string { return fmt.Sprintf("10.77.%d.%d", n/250, n%250+1) }

var csrfField = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// signupClient opens the signup form once, like a visitor (the CSRF cookie and token), then sends signups
// with a new submission key and address each time, to the groups of set in turn.
func (b *bench) signupClient(set groupSet) func(int) (Filler, error) {
	return func(n int) (Filler, error) {
		g := set[n%len(set)]
		cookie, token, err := formPair(b.addr, "/aanbod/"+g.Offering+"/inschrijven/"+g.Slug)
		if err != nil {
			return nil, err
		}
		ip := clientAddress(n)
		return func(i int, req *fasthttp.Request) {
			g := set[(n+i)%len(set)]
			req.SetRequestURI("/aanbod/" + g.Offering + "/inschrijven/" + g.Slug)
			req.Header.SetMethod(fasthttp.MethodPost)
			req.Header.SetContentType("application/x-www-form-urlencoded")
			req.Header.SetCookie("vh_csrf", cookie)
			req.Header.Set("X-Forwarded-For", ip)
			args := fasthttp.AcquireArgs()
			defer fasthttp.ReleaseArgs(args)
			id := fmt.Sprintf("c%d-%d-%s", n, i, b.secret[:8])
			args.Add("_csrf", token)
			args.Add("_key", "bench-"+id)
			args.Add("name", "Bench Persoon")
			args.Add("email", id+"@bench.example")
			args.Add("organisation", "CAW Bench")
			args.Add("sector", "caw")
			args.Add("consent", "ja")
			req.SetBody(args.QueryString())
		}, nil
	}
}

// formPair opens a form page and returns its CSRF cookie and the token of its forms.
func formPair(addr, path string) (cookie, token string, err error) {
	req, resp := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
	defer fasthttp.ReleaseRequest(req)
	defer fasthttp.ReleaseResponse(resp)
	req.SetRequestURI("http://" + addr + path)
	if err := fasthttp.DoTimeout(req, resp, 10*time.Second); err != nil {
		return "", "", err
	}
	var c fasthttp.Cookie
	c.SetKey("vh_csrf")
	m := csrfField.FindSubmatch(resp.Body())
	if resp.StatusCode() != fasthttp.StatusOK || !resp.Header.Cookie(&c) || m == nil {
		return "", "", fmt.Errorf("GET %s: status %d, no CSRF pair", path, resp.StatusCode())
	}
	return string(c.Value()), string(m[1]), nil
}

// markClient signs a coordinator in (a session made directly, as the handler tests do) for every connection,
// and records marks in the roll calls of the hot group (its twelve seats), present and absent in turn.
func (b *bench) markClient(persons, sessions []int64) (func(int) (Filler, error), error) {
	ctx := context.Background()
	id, err := b.app.AddStaff(ctx, app.NewStaff{Email: "coordinator@bench.example", Name: "Bench", Role: app.RoleCoordinator,
		Password: "a long bench passphrase, never used"})
	if err != nil {
		return nil, err
	}
	return func(n int) (Filler, error) {
		staff, err := b.app.StartStaffSession(ctx, id, true)
		if err != nil {
			return nil, err
		}
		cookie := fmt.Sprintf("bench-csrf-%d-%s", n, b.secret[:16])
		token := b.app.Keys.CSRFToken(cookie)
		session := sessions[n%len(sessions)]
		path := "/beheer/sessies/" + strconv.FormatInt(session, 10) + "/aanwezigheid/markeer"
		return func(i int, req *fasthttp.Request) {
			person := persons[(n*7+i)%len(persons)]
			mark := app.MarkPresent
			if (i/len(persons))%2 == 1 {
				mark = app.MarkAbsent
			}
			req.SetRequestURI(path)
			req.Header.SetMethod(fasthttp.MethodPost)
			req.Header.SetContentType("application/x-www-form-urlencoded")
			req.Header.SetCookie("vh_csrf", cookie)
			req.Header.SetCookie("vh_staff", staff)
			req.Header.Set("X-CSRF-Token", token)
			req.SetBodyString("person=" + strconv.FormatInt(person, 10) + "&mark=" + mark)
		}, nil
	}, nil
}
