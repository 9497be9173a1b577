package app

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/mail"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"golang.org/x/net/publicsuffix"
)

// Config is the portal's configuration, read once from the environment and validated.
type Config struct {
	// DatabaseURL points at PostgreSQL; empty means: start a private server under DataDir.
	DatabaseURL string
	// Port is the HTTP port (default 8080).
	Port int
	// BaseURL is the public address, used to build links in mail (default http://localhost:PORT).
	BaseURL string
	// DiscreetBaseURL is the neutral address of every link in discreet mail: a domain that names neither the
	// organisation nor the topic, pointing at this same portal. On that host only the pages that mail links lead
	// to exist. Required with a public BaseURL; locally it defaults to BaseURL with localhost and 127.0.0.1
	// swapped, so the neutral host can be tried on one machine. Empty (in tests that build a Config by hand)
	// means BaseURL.
	DiscreetBaseURL string
	// DataDir holds local data: the private PostgreSQL server and the local secret key (default ./.data).
	DataDir string
	// SecretKey signs and encrypts; required unless BaseURL is local.
	SecretKey string
	// PreviousSecretKeys still decrypt and verify during a key rotation (SECRET_KEY_PREVIOUS, comma-separated).
	PreviousSecretKeys []string
	// SMTPURL is smtp://, smtps:// or smtp+insecure://; empty means: the built-in mail catcher.
	SMTPURL string
	// MailFrom is the sender of ordinary mail.
	MailFrom string
	// MailFromDiscreet is the neutral sender of mail about survivor groups, Rotonde and Blaffen of Schuilen.
	MailFromDiscreet string
	// ClientIPHeader names the header in which a proxy in front of the portal passes the client's address
	// (for example Fly-Client-IP). Empty: the connection's own address. Set it only behind such a proxy.
	ClientIPHeader string
	// MailRatePerSecond caps how many mails one portal process hands to the SMTP server per second
	// (MAIL_RATE_PER_SECOND, default 10; 0 means no limit).
	MailRatePerSecond float64
	// FormRateLimit is how many public forms one client address may post per FormRateWindow
	// (FORM_RATE_LIMIT="20/10m", the default). A load test raises it; production keeps the default.
	FormRateLimit  int
	FormRateWindow time.Duration
	// LateRollCallRoles are the roles that may still take or correct a roll call after EditWindow
	// (ROLLCALL_LATE_ROLES, comma-separated: admin, coordinator, facilitator; default "admin,coordinator"). An
	// admin always may. Nil (a Config built by hand) means the default; use MayChangeLateRollCall.
	LateRollCallRoles []string
	// LogLevel is the lowest level written to the log (LOG_LEVEL: debug, info, warn or error; default info).
	// Successful page views are logged at debug, so info keeps the log to what someone may need to look at.
	LogLevel slog.Level
}

// DefaultLateRollCallRoles may take or correct a roll call after EditWindow when ROLLCALL_LATE_ROLES is not set:
// coordinators enter a past year from paper lists; facilitators ask them.
var DefaultLateRollCallRoles = []string{RoleAdmin, RoleCoordinator}

// MayChangeLateRollCall reports whether staff of role may take or correct a roll call after EditWindow: an admin
// always, others when LateRollCallRoles (or, unset, DefaultLateRollCallRoles) lists their role.
func (c Config) MayChangeLateRollCall(role string) bool {
	roles := c.LateRollCallRoles
	if roles == nil {
		roles = DefaultLateRollCallRoles
	}
	return role == RoleAdmin || slices.Contains(roles, role)
}

// Secure reports whether the portal is served over HTTPS, so cookies get the Secure flag and HSTS is sent.
func (c Config) Secure() bool { return strings.HasPrefix(c.BaseURL, "https://") }

// LocalBase reports whether BaseURL points at this machine (development, tests).
func (c Config) LocalBase() bool {
	u, err := url.Parse(c.BaseURL)
	return err == nil && localHost(u.Hostname())
}

// localHost reports whether host names this machine (localhost, a loopback address).
func localHost(host string) bool {
	host = strings.TrimSuffix(strings.ToLower(host), ".")
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// privateHost reports whether host can only be reached from this machine or its own network: a link to it in a
// mail does not open on her phone.
func privateHost(host string) bool {
	ip := net.ParseIP(host)
	return localHost(host) || strings.HasSuffix(strings.ToLower(host), ".local") ||
		(ip != nil && (ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsUnspecified()))
}

// LoadConfig reads the configuration from getenv (os.Getenv in production) and checks it. Without SECRET_KEY
// and with a local BASE_URL, a random key is created once in DataDir, so links and encrypted data survive
// restarts of a development portal.
func LoadConfig(getenv func(string) string) (Config, error) {
	c := Config{
		DatabaseURL:        getenv("DATABASE_URL"),
		BaseURL:            strings.TrimRight(getenv("BASE_URL"), "/"),
		DiscreetBaseURL:    strings.TrimRight(getenv("DISCREET_BASE_URL"), "/"),
		DataDir:            getenv("DATA_DIR"),
		SecretKey:          getenv("SECRET_KEY"),
		PreviousSecretKeys: splitList(getenv("SECRET_KEY_PREVIOUS")),
		SMTPURL:            getenv("SMTP_URL"),
		MailFrom:           getenv("MAIL_FROM"),
		MailFromDiscreet:   getenv("MAIL_FROM_DISCREET"),
		ClientIPHeader:     getenv("CLIENT_IP_HEADER"),
	}
	var problems []string
	c.Port = 8080
	if p := getenv("PORT"); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			problems = append(problems, "PORT must be a number from 1 to 65535")
		}
		c.Port = n
	}
	if c.BaseURL == "" {
		c.BaseURL = fmt.Sprintf("http://localhost:%d", c.Port)
	}
	if u, err := url.Parse(c.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		problems = append(problems, "BASE_URL must be an http:// or https:// address")
	}
	if c.DataDir == "" {
		c.DataDir = ".data"
	}
	if c.MailFrom == "" {
		c.MailFrom = "Veilig Huis Rivierenland <noreply@localhost>"
	}
	from, err := mail.ParseAddress(c.MailFrom)
	if err != nil {
		problems = append(problems, "MAIL_FROM must be an address such as 'Veilig Huis <info@example.org>'")
	}
	if c.MailFromDiscreet == "" && c.LocalBase() {
		// Never the address of MAIL_FROM: its domain would name the organisation in From, the envelope sender,
		// the Message-ID and the calendar UID. A public site must set its own (checked below).
		c.MailFromDiscreet = "Afspraken <afspraken@localhost>"
	}
	if c.MailFromDiscreet != "" {
		if _, err := mail.ParseAddress(c.MailFromDiscreet); err != nil {
			problems = append(problems, "MAIL_FROM_DISCREET must be an address such as 'Afspraken <afspraken@example.org>'")
		}
	}
	if c.DiscreetBaseURL == "" && c.LocalBase() {
		c.DiscreetBaseURL = localTwin(c.BaseURL)
	}
	if c.DiscreetBaseURL != "" {
		if u, err := url.Parse(c.DiscreetBaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Path != "" {
			problems = append(problems, "DISCREET_BASE_URL must be an http:// or https:// address without a path")
		}
	}
	if !c.LocalBase() {
		problems = append(problems, c.discreetProblems(from)...)
	}
	c.MailRatePerSecond = 10
	if r := getenv("MAIL_RATE_PER_SECOND"); r != "" {
		n, err := strconv.ParseFloat(r, 64)
		if err != nil || n < 0 || n > 10000 {
			problems = append(problems, "MAIL_RATE_PER_SECOND must be a number from 0 (no limit) to 10000")
		}
		c.MailRatePerSecond = n
	}
	c.FormRateLimit, c.FormRateWindow = DefaultFormRateLimit, DefaultFormRateWindow
	if r := getenv("FORM_RATE_LIMIT"); r != "" {
		n, w, err := parseRate(r)
		if err != nil {
			problems = append(problems, "FORM_RATE_LIMIT must look like 20/10m (posts per client address per window)")
		}
		c.FormRateLimit, c.FormRateWindow = n, w
	}
	if r := getenv("ROLLCALL_LATE_ROLES"); r != "" {
		c.LateRollCallRoles = splitList(r)
		for _, role := range c.LateRollCallRoles {
			if !slices.Contains(Roles, role) {
				problems = append(problems, "ROLLCALL_LATE_ROLES must list roles among admin, coordinator and facilitator, such as admin,coordinator")
				break
			}
		}
	}
	if l := getenv("LOG_LEVEL"); l != "" {
		if err := c.LogLevel.UnmarshalText([]byte(l)); err != nil {
			problems = append(problems, "LOG_LEVEL must be debug, info, warn or error")
		}
	}
	if c.SMTPURL != "" {
		u, err := url.Parse(c.SMTPURL)
		if err != nil || (u.Scheme != "smtp" && u.Scheme != "smtps" && u.Scheme != "smtp+insecure") || u.Host == "" {
			problems = append(problems, "SMTP_URL must look like smtp://user:pass@host:587, smtps://user:pass@host:465 or smtp+insecure://host:port")
		}
	}
	switch {
	case c.SecretKey != "" && len(c.SecretKey) < 32:
		problems = append(problems, "SECRET_KEY must be at least 32 characters (for example: openssl rand -hex 32)")
	case c.SecretKey == "" && c.LocalBase():
		key, err := localSecret(c.DataDir)
		if err != nil {
			problems = append(problems, err.Error())
		}
		c.SecretKey = key
	case c.SecretKey == "":
		problems = append(problems, "SECRET_KEY is required when BASE_URL is not a local address")
	}
	if c.SMTPURL == "" && !c.LocalBase() {
		// The built-in catcher keeps every mail, personal links included, for staff to read: fine on a laptop,
		// never on a public site.
		problems = append(problems, "SMTP_URL is required when BASE_URL is not a local address")
	}
	for _, p := range c.PreviousSecretKeys {
		if len(p) < 32 {
			problems = append(problems, "every key in SECRET_KEY_PREVIOUS must be at least 32 characters")
			break
		}
	}
	if len(problems) > 0 {
		return c, errors.New("configuration: " + strings.Join(problems, "; "))
	}
	return c, nil
}

// discreetProblems checks, for a public site, that discreet mail and its links cannot name the organisation:
// both neutral settings are given and neither shares a registrable domain (example.org of www.example.org)
// with BASE_URL or MAIL_FROM. Someone else may read the participant's mailbox.
func (c Config) discreetProblems(from *mail.Address) []string {
	var problems []string
	named := map[string]string{registrable(hostOf(c.BaseURL)): "BASE_URL"}
	if from != nil {
		if d := registrable(domainOf(from.Address)); d != "" {
			if _, ok := named[d]; !ok {
				named[d] = "MAIL_FROM"
			}
		}
	}
	check := func(setting, domain, example string) {
		if domain == "" {
			problems = append(problems, setting+" is required when BASE_URL is not a local address: "+example)
			return
		}
		if other, ok := named[registrable(domain)]; ok {
			problems = append(problems, setting+" must not share its domain with "+other+
				": whoever reads the participant's mail would learn she contacted the organisation")
		}
	}
	check("DISCREET_BASE_URL", hostOf(c.DiscreetBaseURL),
		"a neutral address for the links in discreet mail, such as https://mijn-afspraak.be")
	if h := hostOf(c.DiscreetBaseURL); h != "" && privateHost(h) {
		problems = append(problems, "DISCREET_BASE_URL must be a public address when BASE_URL is: "+
			"a link to "+h+" in her mail would not open")
	}
	if strings.HasPrefix(c.BaseURL, "https://") && strings.HasPrefix(c.DiscreetBaseURL, "http://") {
		problems = append(problems, "DISCREET_BASE_URL must use https like BASE_URL: her page and its code travel over it")
	}
	if h := hostOf(c.DiscreetBaseURL); h != "" {
		if w := namingWord(h, from, hostOf(c.BaseURL)); w != "" {
			problems = append(problems, "DISCREET_BASE_URL must not name the organisation or the topic (it says "+
				strconv.Quote(w)+"): the address shows in every link of her mail")
		}
	}
	discreet := ""
	a, err := mail.ParseAddress(c.MailFromDiscreet)
	if err == nil {
		discreet = domainOf(a.Address)
	}
	if c.MailFromDiscreet == "" || discreet != "" {
		check("MAIL_FROM_DISCREET", discreet, "a neutral sender such as 'Afspraken <afspraken@mijn-afspraak.be>'")
	}
	if err == nil {
		if w := namingWord(a.Name+" "+a.Address, from, hostOf(c.BaseURL)); w != "" {
			problems = append(problems, "MAIL_FROM_DISCREET must not name the organisation or the topic (it says "+
				strconv.Quote(w)+"): whoever reads the participant's mail sees it first")
		}
	}
	return problems
}

// topicWords tell what the portal is about; a discreet sender or link address must not carry them.
var topicWords = []string{"geweld", "violence", "misbruik", "abuse", "mishandel", "slachtoffer", "victim", "trauma",
	"vluchthuis", "lotgenot"}

// namingWord returns the first word in name (a discreet sender's name and address, or a host name) that names
// the organisation or the topic: a word of four letters or more from MAIL_FROM's display name, the name of
// BASE_URL's registrable domain (without its suffix), or one of topicWords; "" when there is none.
func namingWord(name string, from *mail.Address, base string) string {
	org := append([]string(nil), topicWords...)
	if from != nil {
		org = append(org, strings.FieldsFunc(strings.ToLower(from.Name), func(r rune) bool { return !unicode.IsLetter(r) })...)
	}
	if d := registrable(base); d != "" {
		org = append(org, strings.SplitN(d, ".", 2)[0])
	}
	lower := strings.ToLower(name)
	compact := strings.Join(strings.FieldsFunc(lower, func(r rune) bool { return !unicode.IsLetter(r) }), "")
	for _, w := range org {
		if len([]rune(w)) >= 4 && (strings.Contains(lower, w) || strings.Contains(compact, w)) {
			return w
		}
	}
	return ""
}

// hostOf is the host name of an address, lower case, without port; empty when there is none.
func hostOf(address string) string {
	u, err := url.Parse(address)
	if err != nil {
		return ""
	}
	return strings.ToLower(u.Hostname())
}

// domainOf is the part of a mail address after its last @, lower case.
func domainOf(address string) string {
	if i := strings.LastIndexByte(address, '@'); i >= 0 {
		return strings.ToLower(address[i+1:])
	}
	return ""
}

// registrable is the domain someone registers (example.org for inschrijven.example.org, example.co.uk for
// a.example.co.uk), from the public suffix list; a host without one (an address, "localhost") stands for itself.
func registrable(host string) string {
	host = strings.TrimSuffix(strings.ToLower(host), ".")
	if d, err := publicsuffix.EffectiveTLDPlusOne(host); err == nil {
		return d
	}
	return host
}

// localTwin is a local BaseURL with localhost and 127.0.0.1 swapped: another host name on the same machine, so
// the neutral host of discreet links works on a laptop without any setting.
func localTwin(base string) string {
	u, err := url.Parse(base)
	if err != nil {
		return base
	}
	twin := "localhost"
	if u.Hostname() == "localhost" {
		twin = "127.0.0.1"
	}
	if p := u.Port(); p != "" {
		twin = net.JoinHostPort(twin, p)
	}
	u.Host = twin
	return u.String()
}

// localSecret reads the development key from dataDir, creating it on first use.
func localSecret(dataDir string) (string, error) {
	path := filepath.Join(dataDir, "secret.key")
	if b, err := os.ReadFile(path); err == nil && len(strings.TrimSpace(string(b))) >= 32 {
		return strings.TrimSpace(string(b)), nil
	}
	if err := os.MkdirAll(dataDir, 0o755); err != nil {
		return "", fmt.Errorf("unable to create DATA_DIR %s: %v", dataDir, err)
	}
	buf := make([]byte, 32)
	if _, err := rand.Read(buf); err != nil {
		return "", err
	}
	key := hex.EncodeToString(buf)
	if err := os.WriteFile(path, []byte(key+"\n"), 0o600); err != nil {
		return "", fmt.Errorf("unable to write local secret key: %v", err)
	}
	return key, nil
}

// DefaultFormRateLimit and DefaultFormRateWindow cap how often one client address may post a public form.
const (
	DefaultFormRateLimit  = 20
	DefaultFormRateWindow = 10 * time.Minute
)

// parseRate reads "n/window" ("20/10m"): a positive count and a positive Go duration.
func parseRate(s string) (int, time.Duration, error) {
	count, window, ok := strings.Cut(s, "/")
	if !ok {
		return 0, 0, errors.New("no slash")
	}
	n, err := strconv.Atoi(strings.TrimSpace(count))
	if err != nil || n < 1 {
		return 0, 0, errors.New("bad count")
	}
	w, err := time.ParseDuration(strings.TrimSpace(window))
	if err != nil || w <= 0 {
		return 0, 0, errors.New("bad window")
	}
	return n, w, nil
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
