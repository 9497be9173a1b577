package handlers_test

import (
	"net/http"
	"testing"

	"portal/internal/testserver"
)

// TestRefusedFormsAreNotStored: a request form shown again with its errors (422) holds what the person typed,
// so no browser or proxy may keep it.
func TestRefusedFormsAreNotStored(t *testing.T) {
	srv := testserver.Start(t, testserver.Options{Seed: true})
	c := testserver.Client()
	page := srv.URL + "/aanbod/rotonde/aanvragen"
	form := merge(formFor(t, c, page), map[string]string{"alias": "", "channels": "phone", "phone": "0470 11 22 33"})
	resp, err := c.PostForm(page, form)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnprocessableEntity || resp.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("refused form: status %d, Cache-Control %q; want 422 and no-store", resp.StatusCode,
			resp.Header.Get("Cache-Control"))
	}
}
