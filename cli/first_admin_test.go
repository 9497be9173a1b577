package cli

import (
	"strings"
	"testing"

	"portal/app"
)

func TestFirstAdminHint(t *testing.T) {
	tests := []struct {
		name, binary, dataDir string
		cfg                   app.Config
		want, notWant         []string
	}{
		{name: "default folder", binary: "./bin/portal", cfg: app.Config{BaseURL: "http://localhost:8080"},
			want: []string{"    ./bin/portal user add --email you@example.org --role admin --name 'Your Name'\n",
				"http://localhost:8080/beheer/login"},
			notWant: []string{"DATA_DIR", "DATABASE_URL"}},
		{name: "own folder with a space", binary: "/opt/portal", dataDir: "/srv/my data",
			cfg:  app.Config{BaseURL: "https://portaal.example"},
			want: []string{"    DATA_DIR='/srv/my data' /opt/portal user add --email"}},
		{name: "external database", binary: "portal", cfg: app.Config{DatabaseURL: "postgres://u:geheim@db/portal"},
			want: []string{"the same DATABASE_URL and SECRET_KEY"}, notWant: []string{"geheim"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := firstAdminHint(tt.binary, tt.dataDir, tt.cfg)
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("hint lacks %q:\n%s", w, got)
				}
			}
			for _, w := range tt.notWant {
				if strings.Contains(got, w) {
					t.Errorf("hint holds %q:\n%s", w, got)
				}
			}
		})
	}
}

func TestShellQuote(t *testing.T) {
	for in, want := range map[string]string{"./bin/portal": "./bin/portal", "a b": "'a b'", "it's": `'it'\''s'`} {
		if got := shellQuote(in); got != want {
			t.Errorf("shellQuote(%q) = %q, want %q", in, got, want)
		}
	}
}
