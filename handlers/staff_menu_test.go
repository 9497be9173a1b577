package handlers_test

import (
	"net/http"
	"regexp"
	"testing"
)

// TestEveryMenuEntryOpensForWhoSeesIt reads the menu each role is shown and opens every entry of the full menu
// (an admin's) as that role: an entry in their menu must open (no 403, no error), an entry left out of it must
// answer 403.
// The menu and the route guards read the same role sets; this holds them to each other.
func TestEveryMenuEntryOpensForWhoSeesIt(t *testing.T) {
	w := newStaffWorld(t, monday)
	nav := regexp.MustCompile(`(?s)<nav aria-label="Beheer" class="staff-nav">(.*?)</nav>`)
	link := regexp.MustCompile(`href="(/beheer[^"?]*)"`)
	menuOf := func(id int64) (*http.Client, []string) {
		c, _ := w.client(t, id)
		m := nav.FindStringSubmatch(w.get(t, c, "/beheer").body)
		if m == nil {
			t.Fatalf("staff %d: no staff menu", id)
		}
		var hrefs []string
		for _, l := range link.FindAllStringSubmatch(m[1], -1) {
			hrefs = append(hrefs, l[1])
		}
		return c, hrefs
	}
	_, all := menuOf(w.admin)
	if len(all) < 9 {
		t.Fatalf("an admin's menu has %d entries (%v), want every entry", len(all), all)
	}
	for _, tc := range []struct {
		role string
		id   int64
	}{{"facilitator", w.fac}, {"coordinator", w.coord}, {"admin", w.admin}} {
		c, mine := menuOf(tc.id)
		shown := map[string]bool{}
		for _, h := range mine {
			shown[h] = true
		}
		if len(mine) == 0 || len(mine) == len(all) && tc.role != "admin" {
			t.Errorf("%s: menu %v, want some entries and not all", tc.role, mine)
		}
		for _, href := range all {
			status := w.get(t, c, href).status
			switch {
			case shown[href] && status >= 400:
				t.Errorf("%s: %s is in their menu but answers %d", tc.role, href, status)
			case !shown[href] && status != http.StatusForbidden:
				t.Errorf("%s: %s is not in their menu but answers %d, want 403", tc.role, href, status)
			}
		}
	}
}
