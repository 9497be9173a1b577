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
	again, _ := app.LoadConfig(env(map[string]string{"DATA_DIR": dir}))
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
	}
	for name, m := range cases {
		m["DATA_DIR"] = t.TempDir()
		if _, err := app.LoadConfig(env(m)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	ok := map[string]string{"BASE_URL": "https://inschrijven.example.org", "SECRET_KEY": strings.Repeat("x", 40),
		"SMTP_URL": "smtps://u:p@mail.example.org:465", "DATA_DIR": t.TempDir()}
	cfg, err := app.LoadConfig(env(ok))
	if err != nil || !cfg.Secure() || cfg.LocalBase() {
		t.Fatalf("production config: %+v %v", cfg, err)
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
