package cli

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// TestMain lets the test binary stand in for the portal: a child started with portalChild set runs the command
// in its arguments, so the tests below drive real processes on a real data folder without building the binary.
func TestMain(m *testing.M) {
	if os.Getenv(portalChild) == "1" {
		schema, err := os.ReadFile(os.Getenv("PORTAL_TEST_SCHEMA"))
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		os.Exit(Run(os.Args[1:], string(schema)))
	}
	os.Exit(m.Run())
}

const portalChild = "PORTAL_TEST_RUN_CLI"

// syncBuffer collects a child's output while the test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// childEnv is the environment of a portal on dataDir and port: no DATABASE_URL (make test sets one), so the
// portal runs its private PostgreSQL in dataDir, and the local secret key lives there too.
func childEnv(t *testing.T, dataDir string, port int) []string {
	t.Helper()
	schema, err := filepath.Abs("../schema.sql")
	if err != nil {
		t.Fatal(err)
	}
	var env []string
	for _, kv := range os.Environ() {
		switch strings.SplitN(kv, "=", 2)[0] {
		case "DATABASE_URL", "SECRET_KEY", "SECRET_KEY_PREVIOUS", "SMTP_URL", "BASE_URL", "PORT", "DATA_DIR":
			continue
		}
		env = append(env, kv)
	}
	return append(env, portalChild+"=1", "PORTAL_TEST_SCHEMA="+schema, "DATA_DIR="+dataDir,
		fmt.Sprintf("PORT=%d", port), fmt.Sprintf("BASE_URL=http://localhost:%d", port), "LOG_LEVEL=info")
}

func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// waitFor polls cond every 100 ms until it holds or the deadline passes.
func waitFor(t *testing.T, what string, within time.Duration, cond func() bool, log func() string) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("waited %v for %s; output so far:\n%s", within, what, log())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// The first admin is made while the portal runs: serve prints the one command when no staff account exists,
// that command (run exactly as printed) uses the running portal's database instead of refusing, leaves that
// database running, and the new admin can sign in at once. A second serve on the folder is still refused.
func TestUserAddWhileServeRunsOnTheSameDataFolder(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a private PostgreSQL")
	}
	// The server runs as the postgres user when we are root: every folder above its data must be reachable.
	dataDir, err := os.MkdirTemp("", "portal-cli-")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dataDir, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := os.RemoveAll(dataDir); err != nil {
			t.Error(err)
		}
	})
	port := freePort(t)
	env := childEnv(t, dataDir, port)

	var serveOut syncBuffer
	serve := exec.Command(os.Args[0], "serve")
	serve.Env, serve.Stdout, serve.Stderr = env, &serveOut, &serveOut
	serve.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := serve.Start(); err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- serve.Wait() }()
	stopped := false
	t.Cleanup(func() {
		if stopped {
			return
		}
		if err := serve.Process.Signal(syscall.SIGTERM); err != nil {
			t.Error(err)
		}
		<-served
	})
	base := fmt.Sprintf("http://localhost:%d", port)

	hint := regexp.MustCompile(`(?m)^    (DATA_DIR=.* user add --email .*)$`)
	waitFor(t, "the first-admin hint", 90*time.Second, func() bool { return hint.MatchString(serveOut.String()) },
		serveOut.String)
	command := hint.FindStringSubmatch(serveOut.String())[1]
	if !strings.Contains(command, "--role admin") || !strings.Contains(command, "DATA_DIR="+dataDir) {
		t.Errorf("printed command %q: want the admin role and this data folder", command)
	}

	// Exactly as printed, password on stdin.
	const password = "lang-genoeg-wachtwoord"
	var addOut syncBuffer
	add := exec.Command("/bin/sh", "-c", command)
	add.Env, add.Stdout, add.Stderr = env, &addOut, &addOut
	add.Stdin = strings.NewReader(password + "\n")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	done := make(chan error, 1)
	if err := add.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { done <- add.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("user add while serve runs: %v\n%s", err, addOut.String())
		}
	case <-ctx.Done():
		t.Fatalf("user add did not finish:\n%s", addOut.String())
	}
	if !strings.Contains(addOut.String(), "staff member 1 saved: you@example.org (admin)") {
		t.Errorf("user add output:\n%s", addOut.String())
	}
	if strings.Contains(addOut.String(), "private PostgreSQL stopped") {
		t.Errorf("user add stopped the running portal's PostgreSQL:\n%s", addOut.String())
	}

	// The portal still has its database, and the new admin signs in.
	resp, err := http.Get(base + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("/readyz after user add: %d, want 200", resp.StatusCode)
	}
	if code := signIn(t, base, "you@example.org", password); code != http.StatusSeeOther {
		t.Errorf("sign-in of the new admin: %d, want 303 (on to the second step)", code)
	}
	if code := signIn(t, base, "you@example.org", "niet-het-wachtwoord"); code != http.StatusUnauthorized {
		t.Errorf("sign-in with a wrong password: %d, want 401 (the check above can tell)", code)
	}

	// A second portal on the same folder is still refused.
	second := exec.Command(os.Args[0], "serve")
	second.Env = childEnv(t, dataDir, freePort(t))
	out, err := second.CombinedOutput()
	if err == nil || !strings.Contains(string(out), "another portal is already running") {
		t.Errorf("second serve on the same folder: err=%v, want a refusal:\n%s", err, out)
	}

	// The first portal stops cleanly, its PostgreSQL with it, and no longer tells how to make the first admin
	// once one exists.
	if err := serve.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	stopped = true
	if err := <-served; err != nil {
		t.Fatalf("serve ended with %v:\n%s", err, serveOut.String())
	}
	if !strings.Contains(serveOut.String(), "private PostgreSQL stopped") {
		t.Errorf("serve did not stop its PostgreSQL:\n%s", serveOut.String())
	}
	var againOut syncBuffer
	again := exec.Command(os.Args[0], "serve")
	again.Env, again.Stdout, again.Stderr = env, &againOut, &againOut
	if err := again.Start(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the portal to be ready again", 90*time.Second,
		func() bool { return strings.Contains(againOut.String(), "portal ready") }, againOut.String)
	if err := again.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := again.Wait(); err != nil {
		t.Fatalf("second run ended with %v:\n%s", err, againOut.String())
	}
	if strings.Contains(againOut.String(), "No staff account yet") {
		t.Errorf("hint printed although an admin exists:\n%s", againOut.String())
	}
}

// signIn posts the staff sign-in form (with its CSRF token) and returns the answer's status, without following
// a redirect.
func signIn(t *testing.T, base, email, password string) int {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	client := &http.Client{Jar: jar, Timeout: 10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Get(base + "/beheer/login")
	if err != nil {
		t.Fatal(err)
	}
	page, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`name="_csrf" value="([^"]+)"`).FindSubmatch(page)
	if m == nil {
		t.Fatalf("no CSRF token on the sign-in page:\n%s", page)
	}
	form := url.Values{"_csrf": {string(m[1])}, "email": {email}, "password": {password}}
	resp, err = client.PostForm(base+"/beheer/login", form)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}
