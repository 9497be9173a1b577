package main

import (
	"bytes"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"
)

func TestPercentiles(t *testing.T) {
	var d []time.Duration
	for i := 100; i >= 1; i-- {
		d = append(d, time.Duration(i)*time.Millisecond)
	}
	p50, p99, top := percentiles(d)
	if p50 != 50*time.Millisecond || p99 != 99*time.Millisecond || top != 100*time.Millisecond {
		t.Errorf("p50 %v, p99 %v, max %v", p50, p99, top)
	}
	if a, b, c := percentiles(nil); a+b+c != 0 {
		t.Error("no samples gave a latency")
	}
}

func TestCountSeparatesThousands(t *testing.T) {
	for in, want := range map[float64]string{0: "0", 999.4: "999", 1000: "1,000", 65432.6: "65,433", 1234567: "1,234,567"} {
		if got := count(in); got != want {
			t.Errorf("count(%v) = %q, want %q", in, got, want)
		}
	}
}

func TestRowsJudgeTheirTargets(t *testing.T) {
	cases := []struct {
		r    row
		met  string
		want string
	}{
		{ratioRow("GET /", 30000, 50000, "req/s", "Fiber", 0.5), "yes", "0.60"},
		{ratioRow("GET /", 20000, 50000, "req/s", "Fiber", 0.5), "NO", "0.40"},
		{ratioRow("personal page", 1000, 50000, "req/s", "Fiber", 0), "", "0.020"},
		{limitRow("start", 40, 150, msf), "yes", "0.27"},
		{limitRow("RSS", 48e6, 40e6, mb), "NO", "1.20"},
		{limitRow("over capacity", 0, 0, msf), "", ""},
	}
	for _, c := range cases {
		if c.r.Met != c.met || c.r.Ratio != c.want {
			t.Errorf("%s: met %q ratio %q, want %q %q", c.r.Figure, c.r.Met, c.r.Ratio, c.met, c.want)
		}
	}
	var b bytes.Buffer
	printTable(&b, []row{cases[0].r, cases[3].r})
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	if len(lines) != 4 || !strings.HasPrefix(lines[1], "| ---") {
		t.Fatalf("table:\n%s", b.String())
	}
	for _, l := range lines {
		if len([]rune(l)) != len([]rune(lines[0])) {
			t.Errorf("ragged table:\n%s", b.String())
			break
		}
	}
}

const pgbenchOutput = `pgbench (15.18 (Debian 15.18-0+deb12u1))
transaction type: /tmp/portal-bench/signup.sql
scaling factor: 1
query mode: extended
number of clients: 20
number of threads: 2
maximum number of tries: 1
duration: 5 s
number of transactions actually processed: 2011
number of failed transactions: 0 (0.000%)
latency average = 49.460 ms
initial connection time = 11.307 ms
tps = 404.368212 (without initial connection time)
`

func TestParsePgbench(t *testing.T) {
	r, err := parsePgbench(pgbenchOutput)
	if err != nil {
		t.Fatal(err)
	}
	if r.Requests != 2011 || r.Failures != 0 || r.Rate() < 404.3 || r.Rate() > 404.4 {
		t.Errorf("%+v, rate %v", r, r.Rate())
	}
	if _, err := parsePgbench("pgbench: error: connection refused"); err == nil {
		t.Error("output without a summary was accepted")
	}
}

// serve runs a Fiber app on a loopback port until the test ends.
func serve(t *testing.T, f *fiber.App) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go f.Listener(ln)
	t.Cleanup(func() {
		if err := f.Shutdown(); err != nil {
			t.Error(err)
		}
	})
	return ln.Addr().String()
}

func TestLoadCountsAnswersAndFailures(t *testing.T) {
	f := fiber.New(fiber.Config{DisableStartupMessage: true})
	f.Get("/ok", func(c *fiber.Ctx) error { return c.SendString("ok") })
	f.Post("/form", func(c *fiber.Ctx) error {
		if c.FormValue("n") == "" || c.Get("X-Forwarded-For") == "" {
			return c.SendStatus(fiber.StatusBadRequest)
		}
		return c.SendString("thanks")
	})
	addr := serve(t, f)

	r, err := Load{Addr: addr, Conns: 4, MaxRequests: 200, Client: fixed("/ok")}.Run()
	if err != nil {
		t.Fatal(err)
	}
	if r.Requests != 200 || r.Failures != 0 || r.P50 <= 0 || r.P99 < r.P50 || r.Max < r.P99 || r.Rate() <= 0 {
		t.Errorf("%+v", r)
	}

	post := func(n int) (Filler, error) {
		return func(i int, req *fasthttp.Request) {
			req.SetRequestURI("/form")
			req.Header.SetMethod(fasthttp.MethodPost)
			req.Header.SetContentType("application/x-www-form-urlencoded")
			req.Header.Set("X-Forwarded-For", clientAddress(n))
			req.SetBodyString("n=" + string(rune('a'+i%26)))
		}, nil
	}
	if r, err := (Load{Addr: addr, Conns: 3, MaxRequests: 30, Client: post}).Run(); err != nil || r.Requests != 30 || r.Failures != 0 {
		t.Errorf("posts: %+v, %v", r, err)
	}
	if r, err = (Load{Addr: addr, Conns: 2, MaxRequests: 10, Client: fixed("/missing")}).Run(); err != nil {
		t.Fatal(err)
	}
	if r.Requests != 0 || r.Failures != 10 || !strings.HasPrefix(r.FirstFailure, "status 404") {
		t.Errorf("a wrong status was not counted as a failure: %+v", r)
	}
}

func TestPublicPagesWalksTheSiteAndWeighsIt(t *testing.T) {
	f := fiber.New(fiber.Config{DisableStartupMessage: true})
	page := func(body string) fiber.Handler {
		return func(c *fiber.Ctx) error {
			return c.Type("html").SendString(`<link rel="stylesheet" href="/static/app.css?v=1"><script src="/static/x.js" defer></script>` + body)
		}
	}
	f.Get("/", page(`<a href="/a">a</a> <a href="/b?x=1">b</a> <a href="/beheer">staff</a> <a href="/taal/en?terug=/">en</a>`))
	f.Get("/a", page(`<a href="/">home</a><form method="post" action="/a"><button type="submit">Go</button></form>`))
	f.Get("/b", page(`<form action="/b"><input name="q"></form>`))
	f.Get("/static/app.css", func(c *fiber.Ctx) error { return c.SendString(strings.Repeat("c", 1000)) })
	f.Get("/static/x.js", func(c *fiber.Ctx) error { return c.SendString(strings.Repeat("j", 100)) })
	addr := serve(t, f)

	pages, err := publicPages(addr, "nl", 10)
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, p := range pages {
		paths = append(paths, p.Path)
		if p.CSS != 1000 || p.JS != 100 || p.Total() != p.HTML+1000 {
			t.Errorf("%s weighs %+v", p.Path, p)
		}
	}
	if strings.Join(paths, " ") != "/ /a /b" {
		t.Errorf("walked %v; want the public pages only", paths)
	}
	if !weightOf(pages, "/a").PlainForms || weightOf(pages, "/b").PlainForms {
		t.Error("a form without method or submit button was not noticed, or a plain one was blamed")
	}
}
