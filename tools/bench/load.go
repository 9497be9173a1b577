package main

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/valyala/fasthttp"
)

// Load is one load phase: Conns connections, each sending requests one after the other for Duration (or until
// MaxRequests in all, for tests), like wrk with keep-alive.
type Load struct {
	Addr     string
	Conns    int
	Duration time.Duration
	// Warmup sends the same kind of requests first without measuring, so connections and caches have settled.
	Warmup time.Duration
	// MaxRequests stops the phase after that many requests in all (0: no limit).
	MaxRequests int
	// Client prepares connection n (a cookie, a token) and returns what fills each of its requests.
	Client func(n int) (Filler, error)
	// Want is the expected status code of every response (200 when zero).
	Want int
}

// Filler fills the i-th request of a connection.
type Filler func(i int, req *fasthttp.Request)

// Result is what a phase measured.
type Result struct {
	Requests int // answered with the expected status
	Failures int // other status or transport error
	Elapsed  time.Duration
	P50, P99 time.Duration
	Max      time.Duration
	// FirstFailure describes the first failure, to tell what went wrong.
	FirstFailure string
}

// Rate is the number of good responses per second.
func (r Result) Rate() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.Requests) / r.Elapsed.Seconds()
}

// Run runs the phase: a warm-up, then the measured part.
func (l Load) Run() (Result, error) {
	if l.Conns < 1 {
		return Result{}, errors.New("load: no connections")
	}
	fillers := make([]Filler, l.Conns)
	clients := make([]*fasthttp.HostClient, l.Conns)
	for n := range fillers {
		f, err := l.Client(n)
		if err != nil {
			return Result{}, fmt.Errorf("load: preparing connection %d: %w", n, err)
		}
		fillers[n] = f
		clients[n] = &fasthttp.HostClient{Addr: l.Addr, MaxConns: 1, ReadTimeout: 30 * time.Second,
			WriteTimeout: 30 * time.Second, MaxIdemponentCallAttempts: 1}
	}
	want := l.Want
	if want == 0 {
		want = fasthttp.StatusOK
	}
	// The connections close when the phase ends, so the next phase meets a server with its own 64 only.
	defer func() {
		for _, c := range clients {
			c.CloseIdleConnections()
		}
	}()
	if l.Warmup > 0 {
		l.phase(clients, fillers, want, l.Warmup, 0, 1<<40)
	}
	return l.phase(clients, fillers, want, l.Duration, l.MaxRequests, 0), nil
}

// phase sends requests on every connection until the time is up or the budget is spent. Request numbers start
// at offset, so a warm-up and the measured part never send the same request twice (submission keys differ).
func (l Load) phase(clients []*fasthttp.HostClient, fillers []Filler, want int, d time.Duration, budget int, offset int) Result {
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		all     []time.Duration
		res     Result
		started = time.Now()
		until   = started.Add(d)
		left    = int64(budget)
	)
	take := func() bool {
		if budget == 0 {
			return true
		}
		mu.Lock()
		defer mu.Unlock()
		if left == 0 {
			return false
		}
		left--
		return true
	}
	for n := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, resp := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
			defer fasthttp.ReleaseRequest(req)
			defer fasthttp.ReleaseResponse(resp)
			var lat []time.Duration
			good, bad, first := 0, 0, ""
			for i := offset; (budget > 0 || time.Now().Before(until)) && take(); i++ {
				req.Reset()
				fillers[n](i, req)
				req.SetHost(l.Addr)
				t0 := time.Now()
				err := clients[n].Do(req, resp)
				lat = append(lat, time.Since(t0))
				switch {
				case err != nil:
					bad++
					if first == "" {
						first = err.Error()
					}
				case resp.StatusCode() != want:
					bad++
					if first == "" {
						first = fmt.Sprintf("status %d: %.200s", resp.StatusCode(), resp.Body())
					}
				default:
					good++
				}
			}
			mu.Lock()
			all = append(all, lat...)
			res.Requests += good
			res.Failures += bad
			if res.FirstFailure == "" {
				res.FirstFailure = first
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	res.Elapsed = time.Since(started)
	res.P50, res.P99, res.Max = percentiles(all)
	return res
}

// percentiles returns the median, the 99th percentile and the maximum of a set of durations.
func percentiles(d []time.Duration) (p50, p99, top time.Duration) {
	if len(d) == 0 {
		return 0, 0, 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	at := func(q float64) time.Duration {
		i := int(q*float64(len(s)) + 0.5)
		return s[min(max(i-1, 0), len(s)-1)]
	}
	return at(0.50), at(0.99), s[len(s)-1]
}
