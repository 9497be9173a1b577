package main

import (
	"context"
	"fmt"

	"github.com/valyala/fasthttp"

	"portal/app"
)

// codesAtOnce is how many visitors give their personal code at the same moment in the code-check phase.
const codesAtOnce = 20

// benchCode is the personal code of the code-check phase's people.
const benchCode = "bench 2468"

// codePeople makes n requests for a discreet offering, each with benchCode, and returns their personal links.
func codePeople(ctx context.Context, a *app.App, n int, consent app.Consent) ([]string, error) {
	var tokens []string
	for i := range n {
		res, err := a.Request(ctx, app.RequestInput{OfferingSlug: "lotgenotengroepen", Alias: fmt.Sprintf("Code %d", i),
			Contact: app.ContactInput{ByPhone: true, Phone: fmt.Sprintf("0470 00 %02d %02d", i/100, i%100)},
			Code:    benchCode, Consent: true, ConsentText: consent, Language: "nl"})
		if err != nil {
			return nil, fmt.Errorf("bench: asking with a code: %w", err)
		}
		tokens = append(tokens, res.Token)
	}
	return tokens, nil
}

// codeClient gives connection n the personal page of tokens[n] (its CSRF pair, as a visitor would open it) and
// sends the right code again and again: every request is one argon2id check, answered 303 back to the page.
func (b *bench) codeClient(tokens []string) func(int) (Filler, error) {
	return func(n int) (Filler, error) {
		token := tokens[n%len(tokens)]
		cookie, csrf, err := formPair(b.addr, "/mijn/"+token)
		if err != nil {
			return nil, err
		}
		ip := clientAddress(1000 + n)
		return func(i int, req *fasthttp.Request) {
			req.SetRequestURI("/mijn/" + token + "/code")
			req.Header.SetMethod(fasthttp.MethodPost)
			req.Header.SetContentType("application/x-www-form-urlencoded")
			req.Header.SetCookie("vh_csrf", cookie)
			req.Header.Set("X-Forwarded-For", ip)
			args := fasthttp.AcquireArgs()
			defer fasthttp.ReleaseArgs(args)
			args.Add("_csrf", csrf)
			args.Add("code", benchCode)
			req.SetBody(args.QueryString())
		}, nil
	}
}

// codeChecks runs the code-check phase: codesAtOnce connections giving their code at once, for the phase's
// duration. The portal's RSS is sampled throughout; every check must succeed (one waits for another's slot,
// it does not fail).
func (b *bench) codeChecks(ctx context.Context, consent app.Consent) (Result, int64, error) {
	tokens, err := codePeople(ctx, b.app, codesAtOnce, consent)
	if err != nil {
		return Result{}, 0, err
	}
	l := Load{Addr: b.addr, Conns: codesAtOnce, Duration: b.o.Duration, Warmup: warmup, Client: b.codeClient(tokens),
		Want: fasthttp.StatusSeeOther}
	mem := sample(b.portal)
	r, err := l.Run()
	rss := mem.end()
	b.rssPeak = max(b.rssPeak, rss)
	if err != nil {
		return r, rss, fmt.Errorf("code checks: %w", err)
	}
	b.say("portal personal code, %d at once: %.0f/s, p50 %v, p99 %v, %d failed; RSS up to %s", codesAtOnce, r.Rate(),
		r.P50, r.P99, r.Failures, mb(float64(rss)))
	if r.Failures > 0 {
		return r, rss, fmt.Errorf("code checks: %d failed, the first: %s", r.Failures, r.FirstFailure)
	}
	return r, rss, nil
}
