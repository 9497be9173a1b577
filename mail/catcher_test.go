package mail_test

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"portal/app"
	"portal/internal/fixtures"
	"portal/mail"
)

func TestCatcherKeepsMailForStaff(t *testing.T) {
	e := newEnv(t, realClock, sinkOptions{})
	a := e.A
	ctx := context.Background()
	// Old caught mail goes when the catcher starts.
	if _, err := a.Store.DB.Exec(`INSERT INTO caught_mail (mail_from, rcpt, subject, raw, received_at)
		VALUES ('x@y', '{a@b}', 'oud', 'x', now() - interval '30 days')`); err != nil {
		t.Fatal(err)
	}
	catcher, err := mail.StartCatcher(ctx, a, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer catcher.Close()
	if !strings.HasPrefix(catcher.URL(), "smtp+insecure://127.0.0.1:") {
		t.Errorf("catcher at %s, want loopback", catcher.URL())
	}
	// The worker sends to the catcher over SMTP, through go-mail, as it would to any server.
	e.Worker = newWorker(t, a, catcher.URL(), mail.SenderOptions{})
	group := fixtures.GroupID(t, a, "intervisie-lier")
	session := fixtures.Sessions(t, a, group)[0]
	p, reg := e.member(t, "intervisie-lier", "pro@example.org", fixtures.Person{Kind: "professional", Name: "Els"})
	fixtures.Queue(t, a, app.Mail{DedupeKey: "r", Kind: app.MailReminder, PersonID: &p, RegistrationID: &reg,
		SessionID: &session.ID, OffsetMinutes: fixtures.Ref(1440)})
	if st := e.drain(t); st.Sent != 1 {
		t.Fatalf("drain: %+v", st)
	}
	e.Worker.Sender.Close() // as Run does when the outbox is empty

	admin := fixtures.Actor(t, a, fixtures.AddStaff(t, a, "admin@example.org", "Admin", app.RoleAdmin, ""))
	facilitator := fixtures.Actor(t, a, fixtures.AddStaff(t, a, "f@example.org", "F", app.RoleFacilitator, ""))
	if _, err := a.CaughtMailList(ctx, facilitator, 0); !errors.Is(err, app.ErrForbidden) {
		t.Errorf("a facilitator read caught mail: %v", err)
	}
	list, err := a.CaughtMailList(ctx, admin, 0)
	if err != nil || len(list) != 1 {
		t.Fatalf("list: %+v %v", list, err)
	}
	c := list[0]
	if c.From != "noreply@vhr.test" || len(c.To) != 1 || c.To[0] != "pro@example.org" ||
		!strings.HasPrefix(c.Subject, "Herinnering: Intervisiegroep Lier op ") || c.Size == 0 ||
		time.Since(c.ReceivedAt) > time.Minute {
		t.Errorf("caught %+v", c)
	}
	caught, err := a.CaughtMessage(ctx, admin, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	m, err := mail.ParseMail(caught.Raw)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(m.Text, "Sociaal Huis Lier") || !strings.Contains(m.HTML, "Sociaal Huis Lier") ||
		len(m.Attachments) != 1 || m.Attachments[0].Name != "afspraak.ics" || m.Header("Subject") != c.Subject {
		t.Errorf("parsed message: text %q, %d attachments, subject %q", m.Text, len(m.Attachments), m.Header("Subject"))
	}
	var audits int
	if err := a.Store.DB.Get(&audits, `SELECT count(*) FROM audit_log WHERE action = $1 AND staff_id = $2`, app.AuditCaughtMailView,
		admin.ID()); err != nil || audits != 1 {
		t.Errorf("%d audit entries (%v)", audits, err)
	}
	if _, err := a.CaughtMessage(ctx, admin, c.ID+100); !errors.Is(err, app.ErrNotFound) {
		t.Errorf("unknown message: %v", err)
	}
}
