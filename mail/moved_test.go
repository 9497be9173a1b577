package mail_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"portal/app"
	"portal/app/locale"
	"portal/internal/fixtures"
)

// A person moved to another group ("Verplaatsen") is told: a mail with the new group's dates, whose calendar
// file confirms the new sessions and takes the old group's off (same UID, STATUS:CANCELLED, a higher SEQUENCE).
func TestAMovedPersonGetsTheNewDatesAndTheOldOnesOffTheCalendar(t *testing.T) {
	now := time.Date(2025, 3, 3, 10, 0, 0, 0, locale.Brussels)
	e := newEnv(t, now, sinkOptions{})
	a := e.A
	oldGroup := fixtures.GroupID(t, a, "intervisie-heist-op-den-berg")
	newGroup := fixtures.GroupID(t, a, "intervisie-lier")
	oldSessions, newSessions := fixtures.Sessions(t, a, oldGroup), fixtures.Sessions(t, a, newGroup)
	p, reg := e.member(t, "intervisie-heist-op-den-berg", "pro@example.org", fixtures.Person{Kind: "professional"})
	fixtures.Queue(t, a, app.Mail{DedupeKey: "confirm", Kind: app.MailSignupConfirmed, PersonID: &p, RegistrationID: &reg})
	e.drain(t)

	*e.Now = now.Add(time.Hour)
	coordinator := fixtures.AddStaff(t, a, "c@example.org", "C", app.RoleCoordinator, "")
	if err := a.MoveGroup(t.Context(), fixtures.Actor(t, a, coordinator), reg, newGroup); err != nil {
		t.Fatal(err)
	}
	e.drain(t)
	msgs := e.Sink.messages()
	if len(msgs) != 2 {
		t.Fatalf("%d mails, want the confirmation and the move", len(msgs))
	}
	m := msgs[1].Parsed(t)
	if !strings.Contains(m.Header("Subject"), "Intervisiegroep Lier") || !strings.Contains(m.Text, "Intervisiegroep Lier") {
		t.Errorf("the move mail does not name the new group: %q\n%s", m.Header("Subject"), m.Text)
	}
	if len(m.Attachments) != 1 {
		t.Fatalf("the move mail has %d attachments, want its calendar", len(m.Attachments))
	}
	ics := strings.ReplaceAll(string(m.Attachments[0].Content), "\r\n ", "")
	events := map[string]string{}
	for _, ev := range strings.Split(ics, "BEGIN:VEVENT")[1:] {
		uid := between(ev, "UID:", "\r\n")
		events[uid] = ev
	}
	if len(events) != len(oldSessions)+len(newSessions) {
		t.Errorf("%d events, want %d new and %d withdrawn:\n%s", len(events), len(newSessions), len(oldSessions), ics)
	}
	for _, s := range newSessions {
		ev := events[fmt.Sprintf("session-%d@vhr.test", s.ID)]
		if !strings.Contains(ev, "STATUS:CONFIRMED\r\n") || !strings.Contains(ev, "SEQUENCE:3600\r\n") {
			t.Errorf("new session %d: %q", s.ID, ev)
		}
	}
	for _, s := range oldSessions {
		ev := events[fmt.Sprintf("session-%d@vhr.test", s.ID)]
		if !strings.Contains(ev, "STATUS:CANCELLED\r\n") || !strings.Contains(ev, "SEQUENCE:3600\r\n") {
			t.Errorf("old session %d is not taken off the calendar (the confirmation had SEQUENCE:0): %q", s.ID, ev)
		}
	}
}

// between returns what lies in s between the first start and the next end after it.
func between(s, start, end string) string {
	_, rest, _ := strings.Cut(s, start)
	v, _, _ := strings.Cut(rest, end)
	return v
}
