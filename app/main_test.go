package app_test

import (
	"log/slog"
	"strings"
	"testing"
	"time"

	"portal/app"
	"portal/internal/testenv"
)

func TestMain(m *testing.M) { testenv.Main(m) }

// newApp returns an App on a fresh database whose clock stands at now.
func newApp(t testing.TB, now time.Time) *app.App {
	t.Helper()
	a, err := app.New(testenv.DB(t), app.Config{BaseURL: "http://localhost:8080", SecretKey: strings.Repeat("s", 32)},
		slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	a.Now = func() time.Time { return now }
	return a
}

// newAppB is newApp for benchmarks.
func newAppB(b *testing.B) *app.App {
	b.Helper()
	a, err := app.New(testenv.DB(b), app.Config{BaseURL: "http://localhost:8080", SecretKey: strings.Repeat("s", 32)},
		slog.New(slog.DiscardHandler))
	if err != nil {
		b.Fatal(err)
	}
	return a
}
