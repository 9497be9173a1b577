package handlers_test

import (
	"html"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"portal/internal/testenv"
)

func TestMain(m *testing.M) { testenv.Main(m) }

// get fetches url and returns status and body.
func get(t testing.TB, c *http.Client, url string) (int, string) {
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

var hiddenField = regexp.MustCompile(`name="(_csrf|_key)" value="([^"]*)"`)

// formFor fetches the page with a form and returns its hidden fields (_csrf, _key), with the client's cookies set.
func formFor(t testing.TB, c *http.Client, pageURL string) url.Values {
	t.Helper()
	status, body := get(t, c, pageURL)
	if status != 200 {
		t.Fatalf("%s: status %d", pageURL, status)
	}
	v := url.Values{}
	for _, m := range hiddenField.FindAllStringSubmatch(body, -1) {
		v.Set(m[1], html.UnescapeString(m[2]))
	}
	if v.Get("_csrf") == "" {
		t.Fatalf("%s has no CSRF field", pageURL)
	}
	return v
}

// post sends a form and returns status and body.
func post(t *testing.T, c *http.Client, target string, form url.Values) (int, string) {
	t.Helper()
	resp, err := c.PostForm(target, form)
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

// postBody posts a form body as it is (a fuzzer's, which no browser would encode so) and returns the status.
func postBody(t *testing.T, c *http.Client, target, body string) int {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, target, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// merge returns a copy of form with the given fields set.
func merge(form url.Values, fields map[string]string) url.Values {
	out := url.Values{}
	for k, v := range form {
		out[k] = append([]string(nil), v...)
	}
	for k, v := range fields {
		out.Set(k, v)
	}
	return out
}

// and returns a copy of a with b's fields set over it.
func and(a, b map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		out[k] = v
	}
	return out
}

// httpClient is a test client.
type httpClient struct{ *http.Client }
