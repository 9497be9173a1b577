package handlers

import (
	"fmt"
	"io"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	"unsafe"

	"github.com/gofiber/fiber/v2"

	"portal/app"
)

// cacheServer is a Server with only the middleware the cache relies on, and two pages: one the same for
// everyone, one with a form that carries the visitor's token.
func cacheServer(t *testing.T) (*Server, *fiber.App, *int) {
	a, err := app.New(nil, app.Config{BaseURL: "http://localhost", SecretKey: strings.Repeat("k", 32)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{App: a, pages: newPageCache(time.Hour)}
	f := fiber.New()
	f.Use(s.language, s.csrf)
	renders := 0
	f.Get("/plain", s.cached, func(c *fiber.Ctx) error {
		renders++
		return c.Type("html").SendString("<p>the same for all</p>")
	})
	f.Get("/form", s.cached, func(c *fiber.Ctx) error {
		renders++
		return c.Type("html").SendString(`<form><input name="_csrf" value="` + s.csrfToken(c) + `"></form>`)
	})
	return s, f, &renders
}

func fetch(t *testing.T, f *fiber.App, path, cookie string) string {
	t.Helper()
	req := httptest.NewRequest("GET", path, nil)
	if cookie != "" {
		req.Header.Set("Cookie", csrfCookie+"="+cookie)
	}
	resp, err := f.Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %d", path, resp.StatusCode)
	}
	return string(b)
}

func TestPageCacheKeepsNoVisitorsToken(t *testing.T) {
	s, f, renders := cacheServer(t)
	one := fetch(t, f, "/form", "cookie-of-visitor-one")
	two := fetch(t, f, "/form", "cookie-of-visitor-two")
	if one == two || !strings.Contains(two, s.App.Keys.CSRFToken("cookie-of-visitor-two")) {
		t.Errorf("visitor two got %q, visitor one %q", two, one)
	}
	if *renders != 2 || len(s.pages.entries) != 0 {
		t.Errorf("%d renders, %d entries: a page with a token was kept", *renders, len(s.pages.entries))
	}
}

func TestPageCacheKeysOnTheRouteNotThePath(t *testing.T) {
	s, f, renders := cacheServer(t)
	for _, p := range []string{"/plain", "/PLAIN", "/plain/", "/Plain?x=1", "/plain"} {
		if got := fetch(t, f, p, ""); got != "<p>the same for all</p>" {
			t.Fatalf("GET %s: %q", p, got)
		}
	}
	if *renders != 1 || len(s.pages.entries) != 1 {
		t.Errorf("%d renders, %d entries; want one of each", *renders, len(s.pages.entries))
	}
	s.pages.forget()
	fetch(t, f, "/plain", "")
	if *renders != 2 {
		t.Error("a forgotten page was served again")
	}
}

// A view is kept under a copy of its slug: Fiber's parameters live in the request's buffer, which the next
// request overwrites.
func TestKeptViewsHaveKeysOfTheirOwn(t *testing.T) {
	p := newPageCache(time.Hour)
	buf := []byte("intervisie")
	slug := unsafe.String(&buf[0], len(buf)) // as c.Params gives it
	p.keepView(slug, &cachedView{view: app.OfferingView{Offering: app.Offering{Slug: "intervisie"}}})
	copy(buf, "intervisix") // the next request on the connection
	if v := p.views["intervisie"]; v == nil || v.view.Slug != "intervisie" {
		t.Error("the view is not found under its own slug any more")
	}
	if v := p.views["intervisix"]; v != nil {
		t.Error("the view answers for another offering")
	}
}

// Many visitors at once while pages expire and staff changes empty the cache: every visitor gets the page whole,
// and the race detector (make race) watches the cache's map and flags.
func TestPageCacheUnderConcurrentVisitorsAndChanges(t *testing.T) {
	a, err := app.New(nil, app.Config{BaseURL: "http://localhost", SecretKey: strings.Repeat("k", 32)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{App: a, pages: newPageCache(time.Millisecond)}
	f := fiber.New()
	f.Use(s.language, s.csrf)
	var renders atomic.Int64
	f.Get("/plain", s.cached, func(c *fiber.Ctx) error {
		renders.Add(1)
		return c.Type("html").SendString("<p>the same for all</p>")
	})
	stop := make(chan struct{})
	var forgetting sync.WaitGroup
	forgetting.Go(func() {
		for {
			select {
			case <-stop:
				return
			default:
				s.pages.forget()
				time.Sleep(100 * time.Microsecond)
			}
		}
	})
	var visitors sync.WaitGroup
	failures := make(chan string, 16*50)
	for range 16 {
		visitors.Go(func() {
			for range 50 {
				resp, err := f.Test(httptest.NewRequest("GET", "/plain", nil), -1)
				if err != nil {
					failures <- err.Error()
					return
				}
				b, err := io.ReadAll(resp.Body)
				if err != nil || resp.StatusCode != 200 || string(b) != "<p>the same for all</p>" {
					failures <- fmt.Sprintf("%d %q %v", resp.StatusCode, b, err)
				}
			}
		})
	}
	visitors.Wait()
	close(stop)
	forgetting.Wait()
	close(failures)
	for msg := range failures {
		t.Error("a visitor got", msg)
	}
	if n := renders.Load(); n < 2 || n > 16*50 {
		t.Errorf("%d renders for 800 visits while the cache was emptied all along", n)
	}
}
