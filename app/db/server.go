package db

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// ErrNoServerBinaries means the machine has no PostgreSQL server programs to start a private server with.
var ErrNoServerBinaries = errors.New("no PostgreSQL server binaries found (initdb, pg_ctl). " +
	"Install them with: apt-get install postgresql (Debian/Ubuntu) or brew install postgresql@15 (macOS), " +
	"or set DATABASE_URL to use an existing server")

// ErrAlreadyRunning means another portal process holds the data folder.
var ErrAlreadyRunning = errors.New("another portal is already running with this data folder; stop it first " +
	"(or set DATA_DIR to another folder)")

// privatePort names the socket file of the private server. The server listens on a unix socket in a folder of
// its own only, so the number never collides with another server on the machine.
const privatePort = 5432

// ServerOptions says where and how to run a private PostgreSQL server.
type ServerOptions struct {
	// DataDir is the folder that holds the server's files (default ./.data); it is created when missing.
	DataDir string
	// Ephemeral servers (tests) trade durability for speed and are removed when stopped.
	Ephemeral bool
	// Logger receives progress messages; nil means slog.Default().
	Logger *slog.Logger
	// ShareRunning lets a short command (user add) use the server of a portal that already runs on DataDir
	// instead of refusing with ErrAlreadyRunning. The shared server is not the command's to stop: Stop leaves
	// it running. A portal that serves never sets it, so two portals never share one folder.
	ShareRunning bool
}

// Server is a private PostgreSQL server started from the machine's own binaries.
type Server struct {
	binDir    string
	root      string // folder owned by the server's user: data, socket and log live below it
	dataDir   string
	socketDir string
	logFile   string
	cred      *syscall.Credential // nil when we run as an ordinary user
	ephemeral bool
	shared    bool // another portal runs this server; Stop leaves it alone
	lock      *os.File
	log       *slog.Logger
}

// StartServer starts (or adopts, after a crash) a private PostgreSQL server and makes sure the database
// named dbname exists. The data survives between runs unless the server is ephemeral.
func StartServer(ctx context.Context, opt ServerOptions, dbname string) (*Server, error) {
	log := opt.Logger
	if log == nil {
		log = slog.Default()
	}
	binDir, err := FindServerBinaries()
	if err != nil {
		return nil, err
	}
	s := &Server{binDir: binDir, ephemeral: opt.Ephemeral, log: log}
	if err := s.chooseUser(); err != nil {
		return nil, err
	}
	if err := s.chooseFolder(opt.DataDir); err != nil {
		return nil, err
	}
	if err := s.takeLock(); err != nil {
		if opt.ShareRunning && errors.Is(err, ErrAlreadyRunning) {
			return s.share(ctx, dbname)
		}
		return nil, err
	}
	ok := false
	defer func() {
		if !ok {
			s.releaseLock()
		}
	}()
	if err := s.initIfNeeded(ctx); err != nil {
		return nil, err
	}
	if err := s.start(ctx); err != nil {
		return nil, err
	}
	if err := s.ensureDatabase(ctx, dbname); err != nil {
		_ = s.Stop()
		return nil, err
	}
	ok = true
	return s, nil
}

// FindServerBinaries returns the folder holding initdb and pg_ctl: the newest /usr/lib/postgresql/*/bin,
// else what pg_config reports, else the PATH.
func FindServerBinaries() (string, error) {
	has := func(dir string) bool {
		for _, p := range []string{"initdb", "pg_ctl", "postgres"} {
			if st, err := os.Stat(filepath.Join(dir, p)); err != nil || st.IsDir() {
				return false
			}
		}
		return true
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return versionOf(dirs[i]) > versionOf(dirs[j]) })
	if out, err := exec.Command("pg_config", "--bindir").Output(); err == nil {
		dirs = append(dirs, strings.TrimSpace(string(out)))
	}
	if p, err := exec.LookPath("initdb"); err == nil {
		dirs = append(dirs, filepath.Dir(p))
	}
	for _, d := range dirs {
		if has(d) {
			return d, nil
		}
	}
	return "", ErrNoServerBinaries
}

func versionOf(binDir string) int {
	v, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return v
}

// chooseUser picks the system user "postgres" when we are root, because PostgreSQL refuses to run as root.
func (s *Server) chooseUser() error {
	if os.Geteuid() != 0 {
		return nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return fmt.Errorf("running as root, PostgreSQL must run as the system user 'postgres', which does not exist: "+
			"install the postgresql package or run as an ordinary user: %w", err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	s.cred = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
	return nil
}

// chooseFolder settles where the server lives. When root runs the portal from a folder that the postgres user
// cannot reach (a private home folder), it says so and falls back to a folder under the system's temp directory.
func (s *Server) chooseFolder(dataDir string) error {
	if dataDir == "" {
		dataDir = ".data"
	}
	abs, err := filepath.Abs(dataDir)
	if err != nil {
		return err
	}
	if s.ephemeral {
		tmp, err := os.MkdirTemp("", "portal-pg-")
		if err != nil {
			return err
		}
		// MkdirTemp makes a private folder; the server's user must be able to pass through it.
		if err := os.Chmod(tmp, 0o755); err != nil {
			return err
		}
		abs = tmp
	}
	if err := os.MkdirAll(abs, 0o755); err != nil {
		return fmt.Errorf("db: unable to create data folder %s: %w", abs, err)
	}
	root := filepath.Join(abs, "postgres")
	if err := s.prepare(root); err != nil {
		sum := sha256.Sum256([]byte(abs))
		fallback := filepath.Join(os.TempDir(), "portal-data-"+hex.EncodeToString(sum[:6]), "postgres")
		s.log.Warn("the postgres user cannot reach the data folder; using a folder under the temp directory instead",
			"wanted", root, "using", fallback, "reason", err.Error())
		if err := os.MkdirAll(filepath.Dir(fallback), 0o755); err != nil {
			return err
		}
		if err := s.prepare(fallback); err != nil {
			return fmt.Errorf("db: unable to prepare a data folder for PostgreSQL: %w", err)
		}
		root = fallback
	}
	s.root = root
	s.dataDir = filepath.Join(root, "data")
	s.socketDir = filepath.Join(root, "run")
	s.logFile = filepath.Join(root, "postgres.log")
	return nil
}

// prepare creates root (and its socket folder), hands it to the server's user and checks that user can write it.
func (s *Server) prepare(root string) error {
	for _, d := range []string{root, filepath.Join(root, "run")} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return err
		}
		if s.cred != nil {
			if err := os.Chown(d, int(s.cred.Uid), int(s.cred.Gid)); err != nil {
				return err
			}
		}
	}
	if s.cred == nil {
		return nil
	}
	probe := exec.Command("/bin/sh", "-c", `test -w "$1" && test -x "$1"`, "probe", root)
	probe.SysProcAttr = &syscall.SysProcAttr{Credential: s.cred}
	probe.Dir = "/"
	if err := probe.Run(); err != nil {
		return fmt.Errorf("user postgres cannot write %s (is a folder above it private?)", root)
	}
	return nil
}

// takeLock makes a second portal on the same data folder stop with a clear message instead of sharing it.
func (s *Server) takeLock() error {
	f, err := os.OpenFile(filepath.Join(filepath.Dir(s.root), "portal.lock"), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return fmt.Errorf("db: unable to open lock file: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		return fmt.Errorf("%w (%s)", ErrAlreadyRunning, filepath.Dir(s.root))
	}
	s.lock = f
	return nil
}

// shareWait bounds how long a command waits for the server of a portal that is still starting (initdb, start).
const shareWait = 90 * time.Second

// share adopts the server of the portal that holds the data folder's lock, once it answers and has database
// dbname (that portal makes it while starting).
func (s *Server) share(ctx context.Context, dbname string) (*Server, error) {
	s.shared = true
	ctx, cancel := context.WithTimeout(ctx, shareWait)
	defer cancel()
	for {
		err := s.hasDatabase(ctx, dbname)
		if err == nil {
			s.log.Info("another portal runs on this data folder: using its PostgreSQL", "socket", s.socketDir)
			return s, nil
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("%w, but its PostgreSQL does not answer (%s): %v", ErrAlreadyRunning, s.socketDir, err)
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// hasDatabase reports nil when the server answers and database name exists.
func (s *Server) hasDatabase(ctx context.Context, name string) error {
	conn, err := Open(ctx, s.URL("postgres"))
	if err != nil {
		return err
	}
	defer conn.Close()
	var exists bool
	if err := conn.GetContext(ctx, &exists, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, name); err != nil {
		return err
	}
	if !exists {
		return fmt.Errorf("database %s not created yet", name)
	}
	return nil
}

func (s *Server) releaseLock() {
	if s.lock != nil {
		_ = syscall.Flock(int(s.lock.Fd()), syscall.LOCK_UN)
		s.lock.Close()
		s.lock = nil
	}
}

func (s *Server) initIfNeeded(ctx context.Context) error {
	if _, err := os.Stat(filepath.Join(s.dataDir, "PG_VERSION")); err == nil {
		return nil
	}
	s.log.Info("creating a private PostgreSQL cluster", "folder", s.dataDir)
	args := []string{"-D", s.dataDir, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-locale"}
	if s.ephemeral {
		args = append(args, "--no-sync")
	}
	if out, err := s.run(ctx, "initdb", args...); err != nil {
		return fmt.Errorf("db: initdb failed: %w: %s", err, lastLines(out, 5))
	}
	return nil
}

func (s *Server) start(ctx context.Context) error {
	if _, err := s.run(ctx, "pg_ctl", "status", "-D", s.dataDir); err == nil {
		// We hold the lock, so this server was left behind by a portal that crashed: adopt it.
		s.log.Warn("adopting a private PostgreSQL server left running by an earlier run")
		return nil
	}
	opts := fmt.Sprintf("-k %s -p %d -c listen_addresses='' -c max_connections=200", s.socketDir, privatePort)
	if s.ephemeral {
		opts += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
	}
	out, err := s.run(ctx, "pg_ctl", "start", "-w", "-t", "60", "-D", s.dataDir, "-l", s.logFile, "-o", opts)
	if err != nil {
		log, _ := os.ReadFile(s.logFile)
		return fmt.Errorf("db: unable to start PostgreSQL: %w: %s %s", err, lastLines(out, 3), lastLines(log, 5))
	}
	s.log.Info("private PostgreSQL started", "socket", s.socketDir)
	return nil
}

func (s *Server) ensureDatabase(ctx context.Context, name string) error {
	conn, err := Open(ctx, s.URL("postgres"))
	if err != nil {
		return err
	}
	defer conn.Close()
	var exists bool
	if err := conn.GetContext(ctx, &exists, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, name); err != nil {
		return fmt.Errorf("db: unable to look up database: %w", err)
	}
	if exists {
		return nil
	}
	// The name comes from our own code, never from user input; identifiers cannot be bound as parameters.
	if _, err := conn.ExecContext(ctx, `CREATE DATABASE `+quoteIdent(name)); err != nil {
		return fmt.Errorf("db: unable to create database %s: %w", name, err)
	}
	return nil
}

// URL returns a connection URL for database name on this server, over its private socket.
func (s *Server) URL(name string) string {
	q := url.Values{"host": {s.socketDir}, "port": {strconv.Itoa(privatePort)}, "sslmode": {"disable"}}
	return (&url.URL{Scheme: "postgres", User: url.User("postgres"), Path: "/" + name, RawQuery: q.Encode()}).String()
}

// Shared reports whether the server belongs to another portal running on the same data folder
// (ServerOptions.ShareRunning).
func (s *Server) Shared() bool { return s.shared }

// SocketDir is the folder of the server's unix socket (for psql -h or pgbench -h).
func (s *Server) SocketDir() string { return s.socketDir }

// Port is the port number the server's socket file is named after.
func (s *Server) Port() int { return privatePort }

// Halt stops the server but keeps its folder and lock, so Resume can start it again (tests use it to make the
// database go away and come back).
func (s *Server) Halt(ctx context.Context) error {
	out, err := s.run(ctx, "pg_ctl", "stop", "-w", "-m", "fast", "-D", s.dataDir)
	if err != nil {
		return fmt.Errorf("db: unable to stop PostgreSQL: %w: %s", err, lastLines(out, 3))
	}
	return nil
}

// Resume starts a halted server again.
func (s *Server) Resume(ctx context.Context) error { return s.start(ctx) }

// Stop shuts the server down (fast mode: open transactions roll back), releases the data folder and, for an
// ephemeral server, removes its files. A shared server (ServerOptions.ShareRunning) is left running for the
// portal that owns it.
func (s *Server) Stop() error {
	if s.shared {
		return nil
	}
	defer s.releaseLock()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	out, err := s.run(ctx, "pg_ctl", "stop", "-w", "-m", "fast", "-D", s.dataDir)
	if err != nil {
		return fmt.Errorf("db: unable to stop PostgreSQL: %w: %s", err, lastLines(out, 3))
	}
	if s.ephemeral {
		return os.RemoveAll(filepath.Dir(s.root))
	}
	return nil
}

// run executes a server program as the server's user, in its own process group so that a Ctrl-C meant for the
// portal does not reach PostgreSQL before the portal has finished with it.
func (s *Server) run(ctx context.Context, prog string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, filepath.Join(s.binDir, prog), args...)
	cmd.Dir = s.root
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Credential: s.cred}
	cmd.Env = append(os.Environ(), "LC_ALL=C", "LANG=C")
	return cmd.CombinedOutput()
}

func lastLines(b []byte, n int) string {
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, " | ")
}

func quoteIdent(s string) string {
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}
