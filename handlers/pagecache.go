package handlers

import (
	"bytes"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gofiber/fiber/v2"

	"portal/app"
)

// DefaultPageCacheTTL is how long a rendered public page is served again before it is rendered anew.
const DefaultPageCacheTTL = time.Second

// maxCachedPages bounds the cache: keys come from routes and their parameters, and only pages that exist (200)
// are kept, but a bound makes sure no stream of odd addresses can grow it.
const maxCachedPages = 256

// pageCache keeps the public pages that are the same for every visitor (the catalogue, the offering pages and
// the information pages) as rendered bytes, per language, for a short time (the TTL). Under load such a page
// is rendered about once per TTL instead of once per request, and PostgreSQL is not asked in between. So the
// seats left on an offering page may be up to a TTL old; a signup always decides under the group's lock, never
// from this page. A page that carries a visitor's form token is never kept (such a page has a form, and a form
// must carry that visitor's own token), and a change that staff make through this process empties the cache at
// once, so they see their change on the public site straight away.
type pageCache struct {
	ttl     time.Duration
	mu      sync.RWMutex
	entries map[string]*cachedPage
	views   map[string]*cachedView
	// gen counts the changes made through this process; an entry from an earlier generation is not served.
	gen atomic.Uint64
}

type cachedPage struct {
	body    []byte
	expires time.Time
	gen     uint64
	// refreshing is set for the one request that renders an expired page again; meanwhile the others are
	// served the page as it was, so a busy page never makes every request wait for PostgreSQL at once.
	refreshing atomic.Bool
}

// cachedView is an offering as the public sees it, for the forms of signup and request. Like the pages, it may
// be up to a TTL old: the form shows seats and groups from it, but the signup or request itself decides from
// the database, under the group's lock.
type cachedView struct {
	view    app.OfferingView
	expires time.Time
	gen     uint64
}

func newPageCache(ttl time.Duration) *pageCache {
	return &pageCache{ttl: ttl, entries: map[string]*cachedPage{}, views: map[string]*cachedView{}}
}

// forget empties the cache (lazily: entries of an earlier generation are rendered again when asked for).
func (p *pageCache) forget() { p.gen.Add(1) }

// cached serves a public page from the cache, or renders it and keeps it.
func (s *Server) cached(c *fiber.Ctx) error {
	p := s.pages
	if p == nil || c.Method() != fiber.MethodGet {
		return c.Next()
	}
	key := pageKey(c)
	gen := p.gen.Load()
	p.mu.RLock()
	e := p.entries[key]
	p.mu.RUnlock()
	if e != nil && e.gen == gen && (time.Now().Before(e.expires) || !e.refreshing.CompareAndSwap(false, true)) {
		c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
		return c.Send(e.body) // entries never change once made, so the response may share the bytes
	}
	err := c.Next()
	if err == nil && c.Response().StatusCode() == fiber.StatusOK {
		body := c.Response().Body()
		token, _ := c.Locals("csrf").(string)
		if token == "" || !bytes.Contains(body, []byte(token)) {
			p.store(key, &cachedPage{body: bytes.Clone(body), expires: time.Now().Add(p.ttl), gen: gen})
			return nil
		}
	}
	if e != nil {
		e.refreshing.Store(false) // let the next request try again
	}
	return err
}

func (p *pageCache) store(key string, e *cachedPage) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if _, ok := p.entries[key]; ok || len(p.entries) < maxCachedPages {
		p.entries[key] = e
	}
}

// offeringView returns an offering with its public groups as it was at most a TTL ago (app.OfferingPage costs
// four queries; a signup storm would run them for every form sent). Views are shared: never change one.
func (s *Server) offeringView(c *fiber.Ctx, slug string) (app.OfferingView, error) {
	p := s.pages
	if p == nil {
		return s.App.OfferingPage(c.UserContext(), slug)
	}
	gen := p.gen.Load()
	p.mu.RLock()
	v := p.views[slug]
	p.mu.RUnlock()
	if v != nil && v.gen == gen && time.Now().Before(v.expires) {
		return v.view, nil
	}
	view, err := s.App.OfferingPage(c.UserContext(), slug)
	if err != nil {
		return view, err
	}
	p.keepView(slug, &cachedView{view: view, expires: time.Now().Add(p.ttl), gen: gen})
	return view, nil
}

func (p *pageCache) keepView(slug string, v *cachedView) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if _, ok := p.views[slug]; ok || len(p.views) < maxCachedPages {
		// Fiber's parameters point into the request's buffer, which the next request on the connection
		// overwrites: the key must be a copy of its own.
		p.views[strings.Clone(slug)] = v
	}
}

// signupGroup is app.SignupGroup on the cached view of the offering.
func (s *Server) signupGroup(c *fiber.Ctx) (app.OfferingView, app.GroupView, error) {
	view, err := s.offeringView(c, c.Params("slug"))
	if err != nil {
		return view, app.GroupView{}, err
	}
	return view.SignupGroup(c.Params("group"))
}

// pageKey names a page by language, route pattern and parameters, never by the raw path: /Privacy and
// /privacy/ are one page, not two entries.
func pageKey(c *fiber.Ctx) string {
	var b strings.Builder
	b.WriteString(lang(c))
	if r := c.Route(); r != nil {
		b.WriteByte(0)
		b.WriteString(r.Path)
		for _, name := range r.Params {
			b.WriteByte(0)
			b.WriteString(c.Params(name))
		}
	}
	return b.String()
}

// forgetPagesAfterChange empties the page cache after a change made by staff (a POST under /beheer that did
// not fail), so the offer they edit shows on the public site at once.
func (s *Server) forgetPagesAfterChange(c *fiber.Ctx) error {
	err := c.Next()
	if s.pages != nil && c.Method() == fiber.MethodPost && err == nil && c.Response().StatusCode() < 400 {
		s.pages.forget()
	}
	return err
}
