package app_test

import (
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"portal/app"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestConfigDefaultsAndLocalSecret(t *testing.T) {
	dir := t.TempDir()
	cfg, err := app.LoadConfig(env(map[string]string{"DATA_DIR": dir}))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Port != 8080 || cfg.BaseURL != "http://localhost:8080" || cfg.Secure() {
		t.Errorf("defaults: %+v", cfg)
	}
	if len(cfg.SecretKey) < 32 {
		t.Error("no local secret created")
	}
	if cfg.FormRateLimit != 20 || cfg.FormRateWindow != 10*time.Minute || cfg.LogLevel != slog.LevelInfo {
		t.Errorf("form rate %d per %v, log level %v: want 20 per 10m and info", cfg.FormRateLimit, cfg.FormRateWindow, cfg.LogLevel)
	}
	if cfg.MailRatePerSecond != 10 {
		t.Errorf("mail rate %v, want the default 10 per second", cfg.MailRatePerSecond)
	}
	again, err := app.LoadConfig(env(map[string]string{"DATA_DIR": dir}))
	if err != nil {
		t.Fatal(err)
	}
	if again.SecretKey != cfg.SecretKey {
		t.Error("the local secret changed between runs")
	}
	if st, err := os.Stat(filepath.Join(dir, "secret.key")); err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("secret file: %v %v", st, err)
	}
	if !strings.Contains(cfg.MailFromDiscreet, "Afspraken") || strings.Contains(cfg.MailFromDiscreet, "Veilig") {
		t.Errorf("discreet sender %q is not neutral", cfg.MailFromDiscreet)
	}
}

func TestConfigRejectsWhatIsWrong(t *testing.T) {
	cases := map[string]map[string]string{
		"public site without a secret":      {"BASE_URL": "https://inschrijven.example.org", "SMTP_URL": "smtps://u:p@mail.example.org:465"},
		"public site without a mail server": {"BASE_URL": "https://inschrijven.example.org", "SECRET_KEY": strings.Repeat("x", 40)},
		"short secret":                      {"SECRET_KEY": "short"},
		"bad port":                          {"PORT": "eighty"},
		"bad base url":                      {"BASE_URL": "ftp://x"},
		"bad smtp url":                      {"SMTP_URL": "http://mail.example.org"},
		"bad sender":                        {"MAIL_FROM": "not an address"},
		"bad mail rate":                     {"MAIL_RATE_PER_SECOND": "fast"},
		"negative mail rate":                {"MAIL_RATE_PER_SECOND": "-1"},
		"form rate without window":          {"FORM_RATE_LIMIT": "20"},
		"form rate of zero":                 {"FORM_RATE_LIMIT": "0/10m"},
		"form rate with a bad window":       {"FORM_RATE_LIMIT": "20/often"},
		"form rate with no window":          {"FORM_RATE_LIMIT": "20/0s"},
		"bad log level":                     {"LOG_LEVEL": "loud"},
		"unknown late roll-call role":       {"ROLLCALL_LATE_ROLES": "admin,volunteer"},
	}
	for name, m := range cases {
		m["DATA_DIR"] = t.TempDir()
		if _, err := app.LoadConfig(env(m)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	ok := map[string]string{"BASE_URL": "https://inschrijven.example.org", "SECRET_KEY": strings.Repeat("x", 40),
		"SMTP_URL": "smtps://u:p@mail.example.org:465", "DATA_DIR": t.TempDir(),
		"DISCREET_BASE_URL": "https://mijn-afspraak.be", "MAIL_FROM_DISCREET": "Afspraken <afspraken@mijn-afspraak.be>"}
	cfg, err := app.LoadConfig(env(ok))
	if err != nil || !cfg.Secure() || cfg.LocalBase() {
		t.Fatalf("production config: %+v %v", cfg, err)
	}
}

// TestConfigRefusesAnUnsafePublicSetup: with a public BASE_URL, discreet mail and its links must live on a
// domain of their own, or whoever reads her mailbox learns she contacted the organisation. Each refusal names
// the setting; a local run needs no setting at all.
func TestConfigRefusesAnUnsafePublicSetup(t *testing.T) {
	public := map[string]string{"BASE_URL": "https://inschrijven.veilighuis.example.be", "SECRET_KEY": strings.Repeat("x", 40),
		"SMTP_URL": "smtps://u:p@mail.example.org:465", "MAIL_FROM": "Veilig Huis <noreply@veilighuis.example.be>",
		"DISCREET_BASE_URL": "https://mijn-afspraak.be", "MAIL_FROM_DISCREET": "Afspraken <afspraken@mijn-afspraak.be>"}
	cases := []struct {
		name   string
		change map[string]string
		refuse string // the setting the refusal names; empty: accepted
	}{
		{"both neutral settings on their own domain", nil, ""},
		{"no neutral link address", map[string]string{"DISCREET_BASE_URL": ""}, "DISCREET_BASE_URL is required"},
		{"no neutral sender", map[string]string{"MAIL_FROM_DISCREET": ""}, "MAIL_FROM_DISCREET is required"},
		{"links under the site's domain", map[string]string{"DISCREET_BASE_URL": "https://afspraak.veilighuis.example.be"},
			"DISCREET_BASE_URL must not share its domain with BASE_URL"},
		{"links on the site's own host", map[string]string{"DISCREET_BASE_URL": "https://inschrijven.veilighuis.example.be"},
			"DISCREET_BASE_URL must not share its domain with BASE_URL"},
		{"links under the sender's domain", map[string]string{"MAIL_FROM": "VHR <info@vhr.example>",
			"DISCREET_BASE_URL": "https://x.VHR.example"}, "DISCREET_BASE_URL must not share its domain with MAIL_FROM"},
		{"neutral sender on the site's domain", map[string]string{"MAIL_FROM_DISCREET": "Afspraken <afspraken@veilighuis.example.be>"},
			"MAIL_FROM_DISCREET must not share its domain with BASE_URL"},
		{"neutral sender on a subdomain of the sender", map[string]string{"MAIL_FROM": "VHR <info@vhr.example>",
			"MAIL_FROM_DISCREET": "Afspraken <a@mail.vhr.example>"}, "MAIL_FROM_DISCREET must not share its domain with MAIL_FROM"},
		{"neutral link with a path", map[string]string{"DISCREET_BASE_URL": "https://mijn-afspraak.be/x"}, "DISCREET_BASE_URL must be"},
		{"a public suffix of two labels", map[string]string{"BASE_URL": "https://vhr.co.uk", "DISCREET_BASE_URL": "https://other.co.uk"}, ""},
		{"neutral links on this machine", map[string]string{"DISCREET_BASE_URL": "http://localhost:8081"},
			"DISCREET_BASE_URL must be a public address"},
		{"neutral links on a private network", map[string]string{"DISCREET_BASE_URL": "https://192.168.1.20"},
			"DISCREET_BASE_URL must be a public address"},
		{"neutral sender named after the organisation", map[string]string{"MAIL_FROM_DISCREET": "Veilig Huis – afspraken <afspraken@mijn-afspraak.be>"},
			"MAIL_FROM_DISCREET must not name the organisation or the topic"},
		{"neutral sender named after the topic", map[string]string{"MAIL_FROM_DISCREET": "Hulp bij geweld <afspraken@mijn-afspraak.be>"},
			"MAIL_FROM_DISCREET must not name the organisation or the topic"},
		{"neutral links that name the organisation", map[string]string{"DISCREET_BASE_URL": "https://veilighuis-afspraak.be"},
			"DISCREET_BASE_URL must not name the organisation or the topic"},
		{"neutral links over http", map[string]string{"DISCREET_BASE_URL": "http://mijn-afspraak.be"},
			"DISCREET_BASE_URL must use https"},
		{"neutral sender named after the site's domain", map[string]string{"BASE_URL": "https://inschrijven.veilighuisrivierenland.be",
			"MAIL_FROM": "noreply@veilighuisrivierenland.be", "MAIL_FROM_DISCREET": "Veilig-Huis-Rivierenland <afspraken@mijn-afspraak.be>"},
			"MAIL_FROM_DISCREET must not name the organisation or the topic"},
		{"a neutral sender's name that only shares short words", map[string]string{"MAIL_FROM": "Huis van het Kind <info@veilighuis.example.be>",
			"MAIL_FROM_DISCREET": "Je afspraken van het jaar <afspraken@mijn-afspraak.be>"}, ""},
	}
	for _, tc := range cases {
		m := map[string]string{"DATA_DIR": t.TempDir()}
		for k, v := range public {
			m[k] = v
		}
		for k, v := range tc.change {
			m[k] = v
		}
		_, err := app.LoadConfig(env(m))
		switch {
		case tc.refuse == "" && err != nil:
			t.Errorf("%s: refused: %v", tc.name, err)
		case tc.refuse != "" && (err == nil || !strings.Contains(err.Error(), tc.refuse)):
			t.Errorf("%s: got %v, want a refusal naming %q", tc.name, err, tc.refuse)
		}
	}

	// A local run needs nothing: its neutral host is the same machine under its other name, and its neutral
	// sender never takes MAIL_FROM's address.
	cfg, err := app.LoadConfig(env(map[string]string{"DATA_DIR": t.TempDir(), "MAIL_FROM": "VHR <info@vhr.example>"}))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.DiscreetBaseURL != "http://127.0.0.1:8080" || strings.Contains(cfg.MailFromDiscreet, "vhr.example") {
		t.Errorf("local defaults: discreet links %q, sender %q", cfg.DiscreetBaseURL, cfg.MailFromDiscreet)
	}
	cfg, err = app.LoadConfig(env(map[string]string{"DATA_DIR": t.TempDir(), "BASE_URL": "http://127.0.0.1:9000"}))
	if err != nil || cfg.DiscreetBaseURL != "http://localhost:9000" {
		t.Errorf("local twin of 127.0.0.1: %q %v", cfg.DiscreetBaseURL, err)
	}
}

func TestConfigFormRateAndLogLevel(t *testing.T) {
	cfg, err := app.LoadConfig(env(map[string]string{"DATA_DIR": t.TempDir(), "FORM_RATE_LIMIT": "100000/1m",
		"LOG_LEVEL": "debug"}))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.FormRateLimit != 100000 || cfg.FormRateWindow != time.Minute || cfg.LogLevel != slog.LevelDebug {
		t.Errorf("got %d per %v at %v", cfg.FormRateLimit, cfg.FormRateWindow, cfg.LogLevel)
	}
}

// Who may still change a roll call after the edit window: the setting, its default (coordinators too), and an
// admin always.
func TestConfigLateRollCallRoles(t *testing.T) {
	cases := []struct {
		setting string
		may     map[string]bool
	}{
		{"", map[string]bool{app.RoleAdmin: true, app.RoleCoordinator: true, app.RoleFacilitator: false}},
		{"admin", map[string]bool{app.RoleAdmin: true, app.RoleCoordinator: false, app.RoleFacilitator: false}},
		{"coordinator, facilitator", map[string]bool{app.RoleAdmin: true, app.RoleCoordinator: true, app.RoleFacilitator: true}},
	}
	for _, c := range cases {
		cfg, err := app.LoadConfig(env(map[string]string{"DATA_DIR": t.TempDir(), "ROLLCALL_LATE_ROLES": c.setting}))
		if err != nil {
			t.Fatal(err)
		}
		for role, want := range c.may {
			if got := cfg.MayChangeLateRollCall(role); got != want {
				t.Errorf("ROLLCALL_LATE_ROLES=%q: %s may change a late roll call: %v, want %v", c.setting, role, got, want)
			}
		}
	}
	if !(app.Config{}).MayChangeLateRollCall(app.RoleCoordinator) {
		t.Error("a Config built by hand does not take the default")
	}
}
