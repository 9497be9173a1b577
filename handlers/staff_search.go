package handlers

import (
	"github.com/gofiber/fiber/v2"

	"portal/app"
)

// staffSearchData is the search page: what was found, and whether a search was made at all.
type staffSearchData struct {
	Searched bool
	Result   app.SearchResult
}

// staffSearchForm shows the search page with its field (the field of the staff layout leads here too).
func (s *Server) staffSearchForm(c *fiber.Ctx) error {
	return s.render(c, "staff_search", s.staffPage(c, "staff.search.title", staffSearchData{}))
}

// staffSearch finds people for the staff member, within what they may see. The term comes in a POST, so that it
// is in no address: not in the browser's history, a server's log or a Referer.
func (s *Server) staffSearch(c *fiber.Ctx) error {
	res, err := s.App.SearchPeople(c.UserContext(), actor(c), c.FormValue("q"))
	p := s.staffPage(c, "staff.search.title", staffSearchData{Searched: err == nil, Result: res})
	p.Form = map[string]string{"q": c.FormValue("q")}
	if err != nil && !s.staffInvalid(c, &p, err, "q") {
		return err
	}
	return s.render(c, "staff_search", p)
}
