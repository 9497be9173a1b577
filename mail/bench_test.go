package mail_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
	"github.com/lib/pq"
	gomail "github.com/wneessen/go-mail"

	"portal/app"
	"portal/internal/fixtures"
	"portal/mail"
)

// BenchmarkMail10k delivers 10,000 reminders through the outbox (claim, load, compose, send over SMTP, record)
// and, in the same run and to the same local SMTP sink, 10,000 messages of the same content with a bare go-mail
// loop on one connection: once with go-mail's defaults (bare), once with the sender's settings, without the
// NOOP and RSET round trips (bare-tuned). It reports the rates, the outbox's rate against each, and the peak
// memory of each phase.
//
//	./bin/portal devdb -- go test ./mail/ -run '^$' -bench Mail10k -benchtime 1x
func BenchmarkMail10k(b *testing.B) {
	const n = 10000
	s := startCountingSink(b)
	e := newEnv(b, realClock, sinkOptions{})
	a := e.A
	sessions := benchReminders(b, a, n)
	w := newWorker(b, a, s.url(), mail.SenderOptions{}) // no rate limit: as fast as it goes, in batches of 500

	sample := sampleFor(b, e)

	var bareRate, tunedRate, outboxRate, bareHeap, outboxHeap, bareRSS, outboxRSS, bareCPU, outboxCPU float64
	b.ResetTimer()
	for range b.N {
		// Bare go-mail: one client, one connection, 10,000 sends; with its defaults, then tuned.
		for _, tuned := range []bool{false, true} {
			b.StopTimer()
			s.count.Store(0)
			peak := startPeakMemory()
			b.StartTimer()
			start, cpu := time.Now(), processCPU()
			bareLoop(b, s.addr(), n, sample, tuned)
			elapsed := time.Since(start)
			b.StopTimer()
			if !tuned {
				bareCPU += float64((processCPU() - cpu).Microseconds()) / n
			}
			heap, rss := peak.stop()
			if got := s.count.Load(); got != n {
				b.Fatalf("bare loop delivered %d", got)
			}
			if tuned {
				tunedRate += n / elapsed.Seconds()
			} else {
				bareRate += n / elapsed.Seconds()
			}
			bareHeap, bareRSS = max(bareHeap, heap), max(bareRSS, rss)
		}

		// The outbox: 10,000 due reminders.
		resetReminders(b, a, sessions)
		s.count.Store(0)
		peak := startPeakMemory()
		b.StartTimer()
		start, cpu := time.Now(), processCPU()
		st, err := w.Drain(context.Background())
		elapsed := time.Since(start)
		b.StopTimer()
		outboxCPU += float64((processCPU() - cpu).Microseconds()) / n
		heap, rss := peak.stop()
		w.Sender.Close()
		if err != nil || st.Sent != n || s.count.Load() != n {
			b.Fatalf("outbox: %+v %v, sink got %d", st, err, s.count.Load())
		}
		outboxRate += n / elapsed.Seconds()
		outboxHeap, outboxRSS = max(outboxHeap, heap), max(outboxRSS, rss)
		b.StartTimer()
	}
	runs := float64(b.N)
	b.ReportMetric(outboxRate/runs, "outbox-mails/s")
	b.ReportMetric(bareRate/runs, "bare-mails/s")
	b.ReportMetric(tunedRate/runs, "bare-tuned-mails/s")
	b.ReportMetric(outboxRate/bareRate, "outbox/bare")
	b.ReportMetric(outboxRate/tunedRate, "outbox/bare-tuned")
	// CPU time of this process (both ends of SMTP, not PostgreSQL): the rates depend on what else the machine
	// runs, these do not.
	b.ReportMetric(outboxCPU/runs, "outbox-cpu-µs/mail")
	b.ReportMetric(bareCPU/runs, "bare-cpu-µs/mail")
	b.ReportMetric(outboxHeap, "outbox-peak-heap-MB")
	b.ReportMetric(bareHeap, "bare-peak-heap-MB")
	if outboxRSS > 0 {
		b.ReportMetric(outboxRSS, "outbox-peak-RSS-MB")
		b.ReportMetric(bareRSS, "bare-peak-RSS-MB")
	}
}

// sampleFor is what the bare loop sends: what the outbox would, one reminder, composed once.
func sampleFor(b *testing.B, e *env) mail.ParsedMail {
	b.Helper()
	d, err := e.A.LoadMailData(context.Background(), []int64{fixtures.Rows(b, e.A, app.MailReminder)[0].ID})
	if err != nil {
		b.Fatal(err)
	}
	composer, err := mail.NewComposer(catalogue(b), e.A.Config)
	if err != nil {
		b.Fatal(err)
	}
	msg, _, err := composer.Compose(d[0], time.Now())
	if err != nil {
		b.Fatal(err)
	}
	var raw bytes.Buffer
	if _, err := msg.WriteTo(&raw); err != nil {
		b.Fatal(err)
	}
	sample, err := mail.ParseMail(raw.Bytes())
	if err != nil || len(sample.Attachments) != 1 {
		b.Fatalf("sample reminder: %v, %d attachments", err, len(sample.Attachments))
	}
	return sample
}

// benchReminders makes n reminders due now: 100 professionals in one group with n/100 sessions ahead.
func benchReminders(b *testing.B, a *app.App, n int) []int64 {
	b.Helper()
	group := fixtures.GroupID(b, a, "intervisie-bornem")
	if _, err := a.Store.DB.Exec(`UPDATE groups SET capacity = 1000 WHERE id = $1`, group); err != nil {
		b.Fatal(err)
	}
	var sessions []int64
	if err := a.Store.DB.Select(&sessions, `INSERT INTO sessions (group_id, starts_at, ends_at)
		SELECT $1, now() + i * interval '1 day', now() + i * interval '1 day' + interval '2 hours'
		FROM generate_series(1, $2) AS i RETURNING id`, group, n/100); err != nil {
		b.Fatal(err)
	}
	for i := range 100 {
		p := fixtures.AddPerson(b, a, fixtures.Person{Kind: "professional", Name: "Pro " + strconv.Itoa(i),
			Email: fmt.Sprintf("pro%d@example.org", i)})
		fixtures.Register(b, a, p, "intervisie-bornem", "admitted", "")
	}
	if _, err := a.Store.DB.Exec(`INSERT INTO outbox (dedupe_key, kind, due_at, offset_minutes, person_id,
			registration_id, session_id)
		SELECT 'reminder:' || r.id || ':' || s.id || ':1440', 'reminder', now(), 1440, r.person_id, r.id, s.id
		FROM registrations r JOIN sessions s ON s.id = ANY($1) WHERE r.group_id = $2`,
		pq.Int64Array(sessions), group); err != nil {
		b.Fatal(err)
	}
	return sessions
}

// resetReminders makes every reminder due again, as if never sent.
func resetReminders(b *testing.B, a *app.App, _ []int64) {
	b.Helper()
	if _, err := a.Store.DB.Exec(`UPDATE outbox SET status = 'queued', attempts = 0, due_at = now() - interval '1 minute',
		sent_at = NULL, subject = '', message_id = ''`); err != nil {
		b.Fatal(err)
	}
	if _, err := a.Store.DB.Exec(`TRUNCATE outbox_attempts`); err != nil {
		b.Fatal(err)
	}
	if _, err := a.Store.DB.Exec(`VACUUM ANALYZE outbox`); err != nil {
		b.Fatal(err)
	}
}

// bareLoop sends n messages with go-mail on one connection: the same text, HTML and calendar file as the
// sample, but no database and no templates. tuned leaves out NOOP and RSET, as the portal's sender does.
func bareLoop(b *testing.B, addr string, n int, sample mail.ParsedMail, tuned bool) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		b.Fatal(err)
	}
	p, err := strconv.Atoi(port)
	if err != nil {
		b.Fatal(err)
	}
	opts := []gomail.Option{gomail.WithPort(p), gomail.WithTLSPolicy(gomail.NoTLS)}
	if tuned {
		opts = append(opts, gomail.WithoutNoop(), gomail.WithoutRset())
	}
	client, err := gomail.NewClient(host, opts...)
	if err != nil {
		b.Fatal(err)
	}
	if err := client.DialWithContext(context.Background()); err != nil {
		b.Fatal(err)
	}
	defer client.Close()
	for i := range n {
		m := gomail.NewMsg(gomail.WithNoDefaultUserAgent())
		if err := m.From("Veilig Huis Rivierenland <noreply@vhr.test>"); err != nil {
			b.Fatal(err)
		}
		if err := m.To(fmt.Sprintf("pro%d@example.org", i%100)); err != nil {
			b.Fatal(err)
		}
		m.Subject(sample.Header("Subject"))
		m.SetMessageID()
		m.SetDate()
		m.SetBodyString(gomail.TypeTextPlain, sample.Text)
		m.AddAlternativeString(gomail.TypeTextHTML, sample.HTML)
		ics := sample.Attachments[0]
		if err := m.AttachReader(ics.Name, bytes.NewReader(ics.Content), gomail.WithFileContentType(gomail.ContentType(
			"text/calendar; charset=utf-8; method=PUBLISH"))); err != nil {
			b.Fatal(err)
		}
		if err := client.Send(m); err != nil {
			b.Fatal(err)
		}
	}
}

// countingSink is an SMTP server that reads and counts messages, and keeps nothing.
type countingSink struct {
	srv   *smtp.Server
	ln    net.Listener
	count atomic.Int64
}

func startCountingSink(b *testing.B) *countingSink {
	b.Helper()
	s := &countingSink{}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	s.ln = ln
	s.srv = smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &countingSession{s}, nil }))
	s.srv.Domain = "sink.test"
	s.srv.ErrorLog = nopLogger{}
	go s.srv.Serve(ln)
	b.Cleanup(func() { s.srv.Close() })
	return s
}

func (s *countingSink) addr() string { return s.ln.Addr().String() }
func (s *countingSink) url() string  { return "smtp+insecure://" + s.addr() }

type countingSession struct{ s *countingSink }

func (c *countingSession) Mail(string, *smtp.MailOptions) error { return nil }
func (c *countingSession) Rcpt(string, *smtp.RcptOptions) error { return nil }
func (c *countingSession) Data(r io.Reader) error {
	if _, err := io.Copy(io.Discard, r); err != nil {
		return err
	}
	c.s.count.Add(1)
	return nil
}
func (c *countingSession) Reset()        {}
func (c *countingSession) Logout() error { return nil }

// processCPU is the CPU time this process has used.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// peakMemory samples the Go heap every few milliseconds and reads the process's peak resident set from Linux.
type peakMemory struct {
	stopCh chan struct{}
	done   sync.WaitGroup
	heap   uint64
}

func startPeakMemory() *peakMemory {
	runtime.GC()
	debug.FreeOSMemory()
	// Reset the kernel's high-water mark of the resident set (Linux 4.0 and later).
	// Where the kernel refuses (no such file, no permission), the peak covers the whole process.
	_ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) // the error only says "not supported here"
	p := &peakMemory{stopCh: make(chan struct{})}
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	p.done.Go(func() {
		t := time.NewTicker(2 * time.Millisecond)
		defer t.Stop()
		for {
			metrics.Read(sample)
			p.heap = max(p.heap, sample[0].Value.Uint64())
			select {
			case <-p.stopCh:
				return
			case <-t.C:
			}
		}
	})
	return p
}

// stop returns the peak heap and the peak resident set in MB (0 when the system does not say).
func (p *peakMemory) stop() (heapMB, rssMB float64) {
	close(p.stopCh)
	p.done.Wait()
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return float64(p.heap) / (1 << 20), 0 // not Linux: the resident set is not reported
	}
	for _, line := range strings.Split(string(status), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmHWM:" {
			if kb, err := strconv.ParseFloat(f[1], 64); err == nil {
				rssMB = kb / 1024
			}
		}
	}
	return float64(p.heap) / (1 << 20), rssMB
}
