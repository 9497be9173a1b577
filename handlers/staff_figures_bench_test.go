package handlers_test

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"portal/app"
	"portal/app/locale"
	"portal/internal/benchdata"
	"portal/internal/testserver"
)

// BenchmarkFiguresPageOnAMillionAttendances asks the portal, over HTTP, for the figures page of a year with
// 1,000,000 attendance rows (and a year before it of the same size), as a signed-in coordinator: the whole
// request, from the session check through the figures and their charts to the last byte of HTML.
// Run it with make bench-figures.
func BenchmarkFiguresPageOnAMillionAttendances(b *testing.B) {
	srv := testserver.Start(b, testserver.Options{Seed: true})
	start := time.Now()
	for _, year := range []int{2024, 2025} {
		benchdata.AttendanceYear(b, srv.DB, year)
	}
	srv.DB.MustExec(`ANALYZE`)
	b.Logf("setup: 2,000,000 attendance rows in %s", time.Since(start).Round(time.Second))
	now := time.Date(2026, 1, 15, 9, 0, 0, 0, locale.Brussels)
	srv.App.Now = func() time.Time { return now }
	id, err := srv.App.AddStaff(b.Context(), app.NewStaff{Email: "coord@example.org", Name: "Coördinator",
		Role: app.RoleCoordinator, Password: staffPassword})
	if err != nil {
		b.Fatal(err)
	}
	c, _ := srv.StaffClient(b, id) // the form token: these GETs need none
	size := 0
	b.ResetTimer()
	for b.Loop() {
		resp, err := c.Get(srv.URL + "/beheer/cijfers?jaar=2025")
		if err != nil {
			b.Fatal(err)
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "intervisiegroepen aan") {
			b.Fatalf("figures page: %d %v", resp.StatusCode, err)
		}
		size = len(body)
	}
	b.ReportMetric(float64(size), "bytes/page")
}
