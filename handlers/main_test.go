package handlers_test

import (
	"io"
	"net/http"
	"testing"

	"portal/internal/testenv"
)

func TestMain(m *testing.M) { testenv.Main(m) }

// get fetches url and returns status and body.
func get(t *testing.T, c *http.Client, url string) (int, string) {
	t.Helper()
	resp, err := c.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}
