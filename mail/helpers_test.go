package mail_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"io"
	"log/slog"
	"math/big"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"portal/app"
	"portal/app/locale"
	"portal/internal/fixtures"
	"portal/internal/testenv"
	"portal/mail"
)

func TestMain(m *testing.M) { testenv.Main(m) }

// testConfig is the portal's mail configuration in these tests, as on the public site: the ordinary sender and
// the site's address name the organisation, the discreet sender and the links in discreet mail live on a
// neutral domain.
func testConfig() app.Config {
	return app.Config{BaseURL: "https://inschrijven.veilighuisrivierenland.test", DiscreetBaseURL: "https://mijn-afspraak.test",
		SecretKey:        strings.Repeat("m", 32),
		MailFrom:         "Veilig Huis Rivierenland <noreply@vhr.test>",
		MailFromDiscreet: "Afspraken <afspraken@neutraal.test>"}
}

var (
	catOnce sync.Once
	cat     *locale.Catalogue
)

func catalogue(t testing.TB) *locale.Catalogue {
	t.Helper()
	catOnce.Do(func() {
		var err error
		if cat, err = locale.Load(); err != nil {
			panic(err)
		}
	})
	return cat
}

// realClock asks newEnv for a clock at the real time.
var realClock time.Time

// env is a seeded portal whose clock the test holds, with a worker that sends to a sink.
type env struct {
	URL    string // the database
	A      *app.App
	Now    *time.Time
	Sink   *sink
	Worker *mail.Worker
}

// newEnv starts a sink and a worker on a fresh, seeded database, the clock at now (zero: the real time).
func newEnv(t testing.TB, now time.Time, opt sinkOptions) *env {
	t.Helper()
	url := testenv.URL(t)
	a := openApp(t, url)
	if now.IsZero() {
		now = time.Now().Truncate(time.Microsecond) // as PostgreSQL keeps it
	}
	e := &env{URL: url, A: a, Now: &now}
	a.Now = func() time.Time { return *e.Now }
	if err := a.Seed(context.Background()); err != nil {
		t.Fatal(err)
	}
	e.Sink = startSink(t, opt)
	e.Worker = newWorker(t, a, e.Sink.URL(), mail.SenderOptions{})
	return e
}

func newWorker(t testing.TB, a *app.App, smtpURL string, opt mail.SenderOptions) *mail.Worker {
	t.Helper()
	composer, err := mail.NewComposer(catalogue(t), a.Config)
	if err != nil {
		t.Fatal(err)
	}
	sender, err := mail.NewSender(smtpURL, opt)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sender.Close() })
	w := mail.NewWorker(a, sender, composer, slog.New(slog.DiscardHandler))
	return w
}

// drain runs the worker until nothing is due.
func (e *env) drain(t testing.TB) mail.Stats {
	t.Helper()
	st, err := e.Worker.Drain(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// person adds a participant who may be mailed, in a group with a status.
func (e *env) member(t testing.TB, slug, email string, p fixtures.Person) (personID, regID int64) {
	t.Helper()
	p.Email = email
	if p.Name == "" {
		p.Name = "Sam"
	}
	if p.Kind == "" {
		p.ContactEmail = true
	}
	personID = fixtures.AddPerson(t, e.A, p)
	return personID, fixtures.Register(t, e.A, personID, slug, "admitted", "")
}

// received is one message the sink accepted.
type received struct {
	From string
	To   []string
	Raw  []byte
}

// Parsed takes the message apart.
func (r received) Parsed(t testing.TB) mail.ParsedMail {
	t.Helper()
	p, err := mail.ParseMail(r.Raw)
	if err != nil {
		t.Fatalf("unparsable message: %v\n%s", err, r.Raw)
	}
	return p
}

type sinkOptions struct {
	// TLS is offered with STARTTLS, or from the first byte when Implicit.
	TLS      *tls.Config
	Implicit bool
	// User and Password, when set, must be given with AUTH PLAIN before any mail.
	User, Password string
	// Reject refuses these recipients with 550.
	Reject map[string]bool
	// Addr is where to listen (default: a free loopback port).
	Addr string
	// Hold, when set, is asked for every message (counting from 1); when it says true, the sink reads the message,
	// signals on Holding and does not answer until Release is closed, then refuses it.
	Hold func(n int) bool
}

// sink is an SMTP server (go-smtp) on loopback that keeps what it receives.
type sink struct {
	opt      sinkOptions
	srv      *smtp.Server
	ln       net.Listener
	mu       sync.Mutex
	msgs     []received
	conns    int
	auths    []string
	tlsSeen  int
	seen     int
	Holding  chan struct{}
	Release  chan struct{}
	released sync.Once
}

func startSink(t testing.TB, opt sinkOptions) *sink {
	t.Helper()
	s := &sink{opt: opt, Holding: make(chan struct{}, 100), Release: make(chan struct{})}
	addr := opt.Addr
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	ln = countingListener{ln, s}
	if opt.Implicit {
		ln = tls.NewListener(ln, opt.TLS)
	}
	s.ln = ln
	s.srv = smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		return &sinkSession{s: s, c: c}, nil
	}))
	s.srv.Domain = "sink.test"
	s.srv.ErrorLog = nopLogger{}
	if !opt.Implicit {
		s.srv.TLSConfig = opt.TLS
	}
	go s.srv.Serve(ln)
	t.Cleanup(s.Close)
	return s
}

// Close stops the sink; a held message is let go.
func (s *sink) Close() {
	s.released.Do(func() { close(s.Release) })
	s.srv.Close()
}

// URL is the plain SMTP address of the sink.
func (s *sink) URL() string { return "smtp+insecure://" + s.ln.Addr().String() }

// Addr is host:port.
func (s *sink) Addr() string { return s.ln.Addr().String() }

func (s *sink) messages() []received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]received(nil), s.msgs...)
}

// perRecipient counts deliveries per address.
func (s *sink) perRecipient() map[string]int {
	out := map[string]int{}
	for _, m := range s.messages() {
		for _, to := range m.To {
			out[to]++
		}
	}
	return out
}

type sinkSession struct {
	s    *sink
	c    *smtp.Conn
	auth bool
	from string
	to   []string
}

func (ss *sinkSession) AuthMechanisms() []string {
	if ss.s.opt.User == "" {
		return nil
	}
	return []string{sasl.Plain}
}

func (ss *sinkSession) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user != ss.s.opt.User || pass != ss.s.opt.Password {
			return smtp.ErrAuthFailed
		}
		ss.auth = true
		ss.s.mu.Lock()
		ss.s.auths = append(ss.s.auths, user)
		ss.s.mu.Unlock()
		return nil
	}), nil
}

func (ss *sinkSession) Mail(from string, _ *smtp.MailOptions) error {
	if ss.s.opt.User != "" && !ss.auth {
		return smtp.ErrAuthRequired
	}
	ss.from = from
	return nil
}

func (ss *sinkSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	if ss.s.opt.Reject[to] {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "<" + to + ">: no such user"}
	}
	ss.to = append(ss.to, to)
	return nil
}

func (ss *sinkSession) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	ss.s.mu.Lock()
	ss.s.seen++
	n := ss.s.seen
	if _, ok := ss.c.TLSConnectionState(); ok {
		ss.s.tlsSeen++
	}
	ss.s.mu.Unlock()
	if ss.s.opt.Hold != nil && ss.s.opt.Hold(n) {
		ss.s.Holding <- struct{}{}
		<-ss.s.Release
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "let go"}
	}
	ss.s.mu.Lock()
	ss.s.msgs = append(ss.s.msgs, received{From: ss.from, To: append([]string(nil), ss.to...), Raw: raw})
	ss.s.mu.Unlock()
	return nil
}

func (ss *sinkSession) Reset()        { ss.from, ss.to = "", nil }
func (ss *sinkSession) Logout() error { return nil }

// countingListener counts the connections a sink accepts.
type countingListener struct {
	net.Listener
	s *sink
}

func (l countingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err == nil {
		l.s.mu.Lock()
		l.s.conns++
		l.s.mu.Unlock()
	}
	return c, err
}

type nopLogger struct{}

func (nopLogger) Printf(string, ...any) {}
func (nopLogger) Println(...any)        {}

// selfSigned returns a server TLS config for 127.0.0.1 and a client config that trusts it.
func selfSigned(t testing.TB) (server, client *tls.Config) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "sink.test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, DNSNames: []string{"localhost"},
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	server = &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}}
	client = &tls.Config{RootCAs: pool, ServerName: "127.0.0.1", MinVersion: tls.VersionTLS12}
	return server, client
}

// freeAddr returns a loopback address nobody listens on (yet).
func freeAddr(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// waitFor polls cond until it holds, failing the test after a generous deadline (for other processes).
func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// statuses counts outbox rows per status.
func statuses(t testing.TB, a *app.App) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, r := range fixtures.Rows(t, a, "") {
		out[r.Status]++
	}
	return out
}
