package cli

import (
	"os"
	"testing"
	"time"

	"github.com/BurntSushi/toml"
)

// fly.io kills a machine kill_timeout seconds after SIGTERM: that must leave the portal its whole shutdown budget.
func TestFlyKillTimeoutCoversTheShutdownBudget(t *testing.T) {
	var fly struct {
		KillSignal  string `toml:"kill_signal"`
		KillTimeout int    `toml:"kill_timeout"`
	}
	b, err := os.ReadFile("../fly.toml")
	if err != nil {
		t.Fatal(err)
	}
	if err := toml.Unmarshal(b, &fly); err != nil {
		t.Fatal(err)
	}
	if fly.KillSignal != "SIGTERM" {
		t.Errorf("kill_signal %q, want SIGTERM", fly.KillSignal)
	}
	if got := time.Duration(fly.KillTimeout) * time.Second; got <= ShutdownBudget {
		t.Errorf("kill_timeout %v does not exceed the shutdown budget %v", got, ShutdownBudget)
	}
}
