package app_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"portal/app"
	"portal/app/locale"
	"portal/internal/fixtures"
	"portal/internal/testenv"
)

// The model-based test of the whole machine: random sequences of what people and staff do (signups, some of them
// at the same moment for the last seats, requests, intakes, admissions, cancellations, excuses, withdrawals,
// erasures, moves, seat changes, offers accepted, refused or expired, sessions added, moved or cancelled, roll
// calls, and the clock running across both changes of summer time) against a real PostgreSQL through the app's
// public methods, with the background jobs and a mail worker running as time passes. After every step it checks
// what must hold whatever the order (see modelInvariants). A fixed seed runs in every test run; MODEL_SOAK=1 runs
// seed after seed for MODEL_SOAK_FOR (default 10m) and reports how many steps it ran. MODEL_SEED and MODEL_STEPS
// replay one sequence.

// modelStart is a Monday three weeks before summer time starts (28 March 2027), so that the groups' first
// sessions include two (29 March, 5 April) whose week-ahead reminders cross the change and are planned early in
// every sequence; halfway the clock jumps to a week before summer time ends (31 October 2027).
var (
	modelStart  = time.Date(2027, 3, 8, 9, 0, 0, 0, locale.Brussels)
	modelAutumn = time.Date(2027, 10, 25, 9, 0, 0, 0, locale.Brussels)
	modelCode   = "zonnebloem-7"
	// The seed every test run replays: with its busy moments it found the session/withdrawal deadlock once (at
	// step 51, see lockSession).
	modelRegular = []uint64{7}
)

func TestModelSequencesKeepEveryInvariant(t *testing.T) {
	steps := envInt("MODEL_STEPS", 300)
	if seed := envInt("MODEL_SEED", 0); seed != 0 {
		runModel(t, uint64(seed), steps)
		return
	}
	if os.Getenv("MODEL_SOAK") == "" {
		for _, seed := range modelRegular {
			t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) { runModel(t, seed, steps) })
		}
		return
	}
	soakFor, err := time.ParseDuration(cmpOr(os.Getenv("MODEL_SOAK_FOR"), "10m"))
	if err != nil {
		t.Fatal(err)
	}
	deadline, total, seeds := time.Now().Add(soakFor), 0, 0
	for seed := uint64(time.Now().UnixNano()); time.Now().Before(deadline); seed++ {
		ok := t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) { total += runModel(t, seed, 4*steps) })
		seeds++
		if !ok {
			break
		}
	}
	t.Logf("model soak: %d steps in %d sequences", total, seeds)
}

func envInt(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil && n > 0 {
		return n
	}
	return def
}

func cmpOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// model is one random sequence against one database.
type model struct {
	t      *testing.T
	a      *app.App
	clock  *clock
	rng    *rand.Rand
	seed   uint64
	steps  int       // the sequence's length (the clock jumps to autumn halfway)
	office app.Actor // a coordinator
	admin  app.Actor
	open   []int64 // groups open to signup (intervision)
	intake int64   // a survivor group (requests and intake)
	groups []int64 // all of the model's groups

	byName map[string]modelAction
	busy   atomic.Bool // several actions run at once: what one saw before may be gone
	mu     sync.Mutex
	tokens map[int64]string // registration → personal link token
	fresh  int              // people signed up so far (for fresh addresses)
	log    []string         // what happened, for the failure message
	errs   map[string]int   // domain refusals seen, by kind
	sent   int
}

// runModel runs one sequence of steps and returns how many it ran.
func runModel(t *testing.T, seed uint64, steps int) int {
	a, c := newStaffApp(t, modelStart)
	ctx := t.Context()
	if err := a.Seed(ctx); err != nil {
		t.Fatal(err)
	}
	m := &model{t: t, a: a, clock: c, rng: rand.New(rand.NewPCG(seed, 0x5ea75)), seed: seed, steps: steps,
		tokens: map[int64]string{}, errs: map[string]int{}}
	m.office = fixtures.Actor(t, a, addStaff(t, a, "coordinator@example.org", app.RoleCoordinator))
	m.admin = fixtures.Actor(t, a, addStaff(t, a, "admin@example.org", app.RoleAdmin))
	m.open = []int64{m.addGroup("intervisie", "model-a", "2", ""), m.addGroup("intervisie", "model-b", "1", "4")}
	m.intake = m.addGroup("lotgenotengroepen", "model-c", "2", "3")
	m.groups = append(slices.Clone(m.open), m.intake)

	actions := m.actions()
	m.byName = map[string]modelAction{}
	var bag []modelAction
	for _, act := range actions {
		m.byName[act.name] = act
		for range act.weight {
			bag = append(bag, act)
		}
	}
	took := map[string]time.Duration{}
	for step := range steps {
		if step == steps/2 && m.now().Before(modelAutumn) {
			m.advanceTo(modelAutumn) // the summer, in one go (reminders and offers fall due on the way)
			m.checkAll(step, "summer")
		}
		act := bag[m.intn(len(bag))]
		offered := m.ids(`SELECT id FROM registrations WHERE status = 'offered'`)
		placed := m.placed()
		began := time.Now()
		what, err := act.run()
		took[act.name] += time.Since(began)
		m.note(step, act.name+": "+what, err)
		if err != nil && !m.refusal(err) {
			m.fail(step, "%s: unexpected error: %v", act.name, err)
		}
		m.deliver()
		m.checkAll(step, act.name)
		m.checkNewOffers(step, offered, placed)
		if step%10 == 9 {
			m.checkTallies(step)
		}
		took["checks"] += time.Since(began)
	}
	m.checkTallies(steps)
	if os.Getenv("MODEL_LOG") != "" {
		t.Log(strings.Join(m.log, "\n"))
		t.Log(took)
	}
	t.Logf("seed %d: %d steps until %s, %d mails sent; refusals %v", seed, steps,
		m.now().Format("2006-01-02 15:04"), m.sent, m.errs)
	return steps
}

// addGroup creates a group with six weekly sessions on Mondays at 19.00 from next week.
func (m *model) addGroup(offering, slug, capacity, closedAfter string) int64 {
	ctx := m.t.Context()
	o, err := m.a.Store.OfferingBySlug(ctx, offering)
	if err != nil {
		m.t.Fatal(err)
	}
	id, err := m.a.CreateGroup(ctx, m.office, o.ID, app.GroupForm{Name: app.Text{"nl": "Modelgroep " + slug}, Slug: slug,
		Municipality: "Mechelen", Capacity: capacity, ClosedAfter: closedAfter, Status: app.GroupOpen,
		Visibility: app.VisibilityPublic})
	if err != nil {
		m.t.Fatal(err)
	}
	var times []app.SessionTime
	for week := 1; week <= 6; week++ {
		times = append(times, m.evening(modelStart.AddDate(0, 0, 7*week)))
	}
	if _, err := m.a.AddSessions(ctx, m.office, id, times); err != nil {
		m.t.Fatal(err)
	}
	return id
}

// evening is 19.00–21.00 Brussels time on day d.
func (m *model) evening(d time.Time) app.SessionTime {
	d = d.In(locale.Brussels)
	start := time.Date(d.Year(), d.Month(), d.Day(), 19, 0, 0, 0, locale.Brussels)
	return app.SessionTime{Start: start, End: start.Add(2 * time.Hour)}
}

func (m *model) now() time.Time { return m.a.Now() }

// refusal reports whether err is an answer the portal may give to a step of the model (a refusal the person or
// staff member sees), counting it; anything else (a database error, a deadlock) fails the test.
func (m *model) refusal(err error) bool {
	for _, known := range []error{app.ErrFull, app.ErrClosed, app.ErrTransition, app.ErrExpired, app.ErrNotFound,
		app.ErrSeparated, app.ErrDuplicate, app.ErrCodeNeeded, app.ErrRequested, app.ErrForbidden} {
		if errors.Is(err, known) {
			m.mu.Lock()
			m.errs[known.Error()]++
			m.mu.Unlock()
			return true
		}
	}
	if v, ok := app.AsValidation(err); ok {
		m.mu.Lock()
		for field, key := range v.Fields {
			m.errs[field+": "+key]++
		}
		m.mu.Unlock()
		return true
	}
	return false
}

func (m *model) note(step int, what string, err error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	line := fmt.Sprintf("%d %s %s", step, m.now().Format("2006-01-02 15:04 MST"), what)
	if err != nil {
		line += " → " + err.Error()
	}
	m.log = append(m.log, line)
}

func (m *model) fail(step int, format string, args ...any) {
	m.t.Helper()
	tail := m.log[max(0, len(m.log)-25):]
	m.t.Fatalf("seed %d, step %d (replay: MODEL_SEED=%d MODEL_STEPS=%d): %s\nlast steps:\n%s", m.seed, step, m.seed,
		m.steps, fmt.Sprintf(format, args...), strings.Join(tail, "\n"))
}

// ids runs a query that lists ids.
func (m *model) ids(query string, args ...any) []int64 {
	m.t.Helper()
	var out []int64
	if err := m.a.Store.DB.Select(&out, query, args...); err != nil {
		m.t.Fatalf("%v\n%s", err, query)
	}
	return out
}

// pick returns one of the ids a query lists, at random; false when it lists none.
func (m *model) pick(query string, args ...any) (int64, bool) {
	ids := m.ids(query, args...)
	if len(ids) == 0 {
		return 0, false
	}
	return ids[m.intn(len(ids))], true
}

// intn is a random number in [0, n), safe from the goroutines of a busy moment.
func (m *model) intn(n int) int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.rng.IntN(n)
}

func (m *model) group() int64     { return m.groups[m.intn(len(m.groups))] }
func (m *model) openGroup() int64 { return m.open[m.intn(len(m.open))] }

func (m *model) token(regID int64) string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.tokens[regID]
}

// unlock gives the personal code on registration regID's page, as she would before an action, and returns the
// proof ("" when no code is set: the page needs none).
func (m *model) unlock(ctx context.Context, regID int64) (string, error) {
	proof, err := m.a.UnlockPersonal(ctx, m.token(regID), modelCode)
	if errors.Is(err, app.ErrNotFound) {
		return "", nil
	}
	return proof, err
}

func (m *model) keep(regID int64, token string) {
	if regID == 0 || token == "" {
		return
	}
	m.mu.Lock()
	m.tokens[regID] = token
	m.mu.Unlock()
}

// inModel is the SQL condition "registration r is in one of the model's groups".
func (m *model) inModel() string {
	parts := make([]string, len(m.groups))
	for i, g := range m.groups {
		parts[i] = strconv.FormatInt(g, 10)
	}
	return "r.group_id IN (" + strings.Join(parts, ", ") + ")"
}

// seatsShown is what the public page says of an open group: seats left, and whether it takes people.
func (m *model) seatsShown(groupID int64) (left int, closed bool) {
	view, err := m.a.OfferingPage(m.t.Context(), "intervisie")
	if err != nil {
		m.t.Fatal(err)
	}
	for _, g := range view.Groups {
		if g.ID == groupID {
			return g.SeatsLeft, g.Closed
		}
	}
	return 0, true
}

func (m *model) signUp(groupID int64, who string) (app.SignupResult, error) {
	res, err := m.a.SignUp(m.t.Context(), app.SignupInput{GroupID: groupID, Name: "Model " + who, Email: who + "@example.be",
		Organisation: "CAW", Sector: "caw", Consent: true, ConsentText: consentText, Language: "nl"})
	if err == nil {
		m.keep(res.RegistrationID, res.Token)
	}
	return res, err
}

type modelAction struct {
	name   string
	weight int
	run    func() (string, error)
}

// actions lists what can happen, with how often.
func (m *model) actions() []modelAction {
	ctx := m.t.Context()
	return []modelAction{
		{"signup", 10, func() (string, error) {
			g, who := m.openGroup(), fmt.Sprintf("persoon%d", m.intn(30))
			left, closed := m.seatsShown(g)
			res, err := m.signUp(g, who)
			if err == nil && res.RegistrationID != 0 && !closed && left > 0 && res.Status != app.StatusAdmitted && !m.busy.Load() {
				return "", fmt.Errorf("the page showed %d seats left, yet the signup is %s", left, res.Status)
			}
			return fmt.Sprintf("%s in group %d (%d left): %s reg %d", who, g, left, res.Status, res.RegistrationID), err
		}},
		{"signups at once", 4, func() (string, error) {
			g, k := m.openGroup(), 2+m.intn(4)
			left, closed := m.seatsShown(g)
			var wg sync.WaitGroup
			results, errs := make([]app.SignupResult, k), make([]error, k)
			m.mu.Lock()
			first := m.fresh
			m.fresh += k
			m.mu.Unlock()
			for i := range k {
				wg.Go(func() { results[i], errs[i] = m.signUp(g, fmt.Sprintf("tegelijk%d", first+i)) })
			}
			wg.Wait()
			admitted := 0
			for i := range k {
				if errs[i] != nil {
					return "", errs[i]
				}
				if results[i].Status == app.StatusAdmitted {
					admitted++
				}
			}
			if want := min(left, k); !closed && admitted != want {
				return "", fmt.Errorf("%d at once for %d seats left: %d admitted, want %d", k, left, admitted, want)
			}
			return fmt.Sprintf("%d in group %d (%d left): %d admitted", k, g, left, admitted), nil
		}},
		{"request", 6, func() (string, error) {
			alias := fmt.Sprintf("Alias%d", m.intn(20))
			res, err := m.a.Request(ctx, app.RequestInput{OfferingSlug: "lotgenotengroepen", GroupID: m.intake, Alias: alias,
				Contact:      app.ContactInput{ByEmail: true, Email: strings.ToLower(alias) + "@example.be"},
				Municipality: "Mechelen", Referrer: "self", Consent: true, ConsentText: consentText, Language: "nl",
				Code: modelCode})
			m.keep(res.RegistrationID, res.Token)
			return fmt.Sprintf("%s: reg %d", alias, res.RegistrationID), err
		}},
		{"plan intake", 3, func() (string, error) {
			r, ok := m.pick(`SELECT r.id FROM registrations r WHERE r.status IN ('requested', 'intake_planned') AND ` + m.inModel())
			if !ok {
				return "nobody", nil
			}
			at := m.now().Add(time.Duration(1+m.intn(72)) * time.Hour).Truncate(time.Minute)
			return fmt.Sprint("reg ", r), m.a.PlanIntake(ctx, m.office, r, at, "")
		}},
		{"admit", 4, func() (string, error) {
			r, ok := m.pick(`SELECT r.id FROM registrations r WHERE r.status IN ('requested', 'intake_planned', 'waitlisted')
				AND r.group_id = $1`, m.intake)
			if !ok {
				return "nobody", nil
			}
			return fmt.Sprint("reg ", r), m.a.Admit(ctx, m.office, r, app.AdmitOptions{GroupID: m.intake})
		}},
		{"waitlist", 4, func() (string, error) {
			r, ok := m.pick(`SELECT r.id FROM registrations r WHERE r.status IN ('requested', 'intake_planned') AND r.group_id = $1`, m.intake)
			if !ok {
				return "nobody", nil
			}
			return fmt.Sprint("reg ", r), m.a.Waitlist(ctx, m.office, r, m.intake)
		}},
		{"promote", 2, func() (string, error) {
			r, ok := m.pick(`SELECT r.id FROM registrations r WHERE r.status IN ('waitlisted', 'offered') AND ` + m.inModel())
			if !ok {
				return "nobody", nil
			}
			return fmt.Sprint("reg ", r), m.a.Promote(ctx, m.office, r, false)
		}},
		{"decline", 2, func() (string, error) {
			r, ok := m.pick(`SELECT r.id FROM registrations r WHERE r.status IN ('requested', 'intake_planned', 'waitlisted')
				AND r.group_id = $1`, m.intake)
			if !ok {
				return "nobody", nil
			}
			return fmt.Sprint("reg ", r), m.a.Decline(ctx, m.office, r, "Past nu niet", "")
		}},
		{"cancel", 4, func() (string, error) {
			r, ok := m.pick(`SELECT r.id FROM registrations r WHERE r.status IN ('requested', 'intake_planned', 'admitted',
				'waitlisted', 'offered') AND ` + m.inModel())
			if !ok || m.token(r) == "" {
				return "nobody", nil
			}
			unlock, err := m.unlock(ctx, r)
			if err != nil {
				return "", err
			}
			return fmt.Sprint("reg ", r), m.a.Cancel(ctx, m.token(r), unlock)
		}},
		{"excuse", 3, func() (string, error) {
			r, ok := m.pick(`SELECT r.id FROM registrations r WHERE r.status = 'admitted' AND ` + m.inModel())
			if !ok || m.token(r) == "" {
				return "nobody", nil
			}
			s, ok := m.pick(`SELECT s.id FROM sessions s JOIN registrations r ON r.group_id = s.group_id
				WHERE r.id = $1 AND s.status = 'planned' AND s.starts_at > $2`, r, m.now())
			if !ok {
				return "no session ahead", nil
			}
			excuse := m.intn(3) > 0
			unlock, err := m.unlock(ctx, r)
			if err != nil {
				return "", err
			}
			return fmt.Sprintf("reg %d session %d excuse %v", r, s, excuse), m.a.Excuse(ctx, m.token(r), unlock, s, excuse)
		}},
		{"withdraw", 3, func() (string, error) {
			r, ok := m.pick(`SELECT r.id FROM registrations r WHERE r.status IN ('requested', 'intake_planned', 'admitted',
				'waitlisted', 'offered') AND ` + m.inModel())
			if !ok {
				return "nobody", nil
			}
			return fmt.Sprint("reg ", r), m.a.Withdraw(ctx, m.office, r)
		}},
		{"erase", 1, func() (string, error) {
			p, ok := m.pick(`SELECT DISTINCT r.person_id FROM registrations r WHERE r.status IN ('admitted', 'waitlisted',
				'offered') AND ` + m.inModel())
			if !ok {
				return "nobody", nil
			}
			return fmt.Sprint("person ", p), m.a.Erase(ctx, m.admin, p)
		}},
		{"move", 3, func() (string, error) {
			r, ok := m.pick(`SELECT r.id FROM registrations r WHERE r.status IN ('admitted', 'waitlisted') AND r.group_id = ANY($1)`,
				pqInt64s(m.open))
			if !ok {
				return "nobody", nil
			}
			var from int64
			if err := m.a.Store.DB.Get(&from, `SELECT group_id FROM registrations WHERE id = $1`, r); err != nil {
				return "", err
			}
			to := m.open[0]
			if from == to {
				to = m.open[1]
			}
			return fmt.Sprintf("reg %d to group %d", r, to), m.a.MoveGroup(ctx, m.office, r, to)
		}},
		{"seats", 4, func() (string, error) {
			g, n := m.group(), m.intn(5)
			return fmt.Sprintf("group %d to %d", g, n), m.editGroup(g, func(f *app.GroupForm) { f.Capacity = strconv.Itoa(n) })
		}},
		{"status", 1, func() (string, error) {
			g, st := m.group(), []string{app.GroupOpen, app.GroupOpen, app.GroupClosed}[m.intn(3)]
			return fmt.Sprintf("group %d %s", g, st), m.editGroup(g, func(f *app.GroupForm) { f.Status = st })
		}},
		{"closing session", 1, func() (string, error) {
			g, n := m.group(), []string{"", "2", "4", "8"}[m.intn(4)]
			return fmt.Sprintf("group %d after %q", g, n), m.editGroup(g, func(f *app.GroupForm) { f.ClosedAfter = n })
		}},
		{"answer offer", 6, func() (string, error) {
			r, ok := m.pick(`SELECT r.id FROM registrations r WHERE r.status = 'offered' AND ` + m.inModel())
			if !ok || m.token(r) == "" {
				return "nobody", nil
			}
			accept := m.intn(10) < 7
			unlock, err := m.unlock(ctx, r)
			if err != nil {
				return "", err
			}
			return fmt.Sprintf("reg %d accept %v", r, accept), m.a.AnswerOfferByToken(ctx, m.token(r), unlock, accept)
		}},
		{"add sessions", 4, func() (string, error) {
			g, day, n := m.group(), m.now().AddDate(0, 0, 1+m.intn(35)), 1+m.intn(6)
			var times []app.SessionTime
			for week := range n {
				times = append(times, m.evening(day.AddDate(0, 0, 7*week)))
			}
			_, err := m.a.AddSessions(ctx, m.office, g, times)
			return fmt.Sprintf("group %d: %d weekly from %s", g, n, day.Format("2006-01-02")), err
		}},
		{"move session", 3, func() (string, error) {
			s, ok := m.pick(`SELECT s.id FROM sessions s JOIN registrations r ON r.group_id = s.group_id
				WHERE s.status = 'planned' AND s.starts_at > $1 AND `+m.inModel(), m.now())
			if !ok {
				return "none", nil
			}
			day := m.now().AddDate(0, 0, 1+m.intn(28))
			if m.intn(5) == 0 {
				day = m.now().AddDate(0, 0, -1-m.intn(10))
			}
			to := m.evening(day)
			return fmt.Sprintf("session %d to %s", s, day.Format("2006-01-02")), m.a.MoveSession(ctx, m.office, s, to.Start, to.End)
		}},
		{"cancel session", 2, func() (string, error) {
			s, ok := m.pick(`SELECT DISTINCT s.id FROM sessions s JOIN registrations r ON r.group_id = s.group_id
				WHERE s.status = 'planned' AND s.starts_at > $1 AND `+m.inModel(), m.now())
			if !ok {
				return "none", nil
			}
			return fmt.Sprint("session ", s), m.a.CancelSession(ctx, m.office, s)
		}},
		{"roll call", 3, func() (string, error) {
			s, ok := m.pick(`SELECT DISTINCT s.id FROM sessions s JOIN registrations r ON r.group_id = s.group_id
				WHERE s.status = 'planned' AND s.starts_at <= $1 AND `+m.inModel(), m.now())
			if !ok {
				return "none", nil
			}
			p, ok := m.pick(`SELECT r.person_id FROM registrations r JOIN sessions s ON s.group_id = r.group_id
				WHERE s.id = $1 AND r.status IN ('admitted', 'completed')`, s)
			if !ok {
				return "nobody", nil
			}
			mark := []string{app.MarkPresent, app.MarkAbsent, app.MarkExcused, app.MarkLate}[m.intn(4)]
			return fmt.Sprintf("session %d person %d %s", s, p, mark), m.a.Mark(ctx, m.office, s, p, mark)
		}},
		{"busy moment", 4, func() (string, error) {
			// People and staff at the same moment: whatever locks what, nothing may deadlock or break a rule.
			names := []string{"signup", "cancel", "withdraw", "answer offer", "seats", "move", "move session", "admit",
				"erase", "add sessions", "cancel session", "promote", "status", "excuse", "roll call", "decline"}
			picked := make([]modelAction, 2+m.intn(3))
			for i := range picked {
				picked[i] = m.byName[names[m.intn(len(names))]]
			}
			m.busy.Store(true)
			defer m.busy.Store(false)
			whats, errs := make([]string, len(picked)), make([]error, len(picked))
			var wg sync.WaitGroup
			for i, act := range picked {
				wg.Go(func() { whats[i], errs[i] = act.run() })
			}
			wg.Wait()
			var parts []string
			var bad error
			for i, act := range picked {
				part := act.name + " " + whats[i]
				if errs[i] != nil {
					part += " → " + errs[i].Error()
					if !m.refusal(errs[i]) && bad == nil {
						bad = errs[i]
					}
				}
				parts = append(parts, part)
			}
			return strings.Join(parts, "; "), bad
		}},
		{"time passes", 10, func() (string, error) {
			d := time.Duration(5+m.intn(12*60)) * time.Minute
			if m.intn(3) == 0 {
				d = time.Duration(1+m.intn(4)) * 24 * time.Hour
			}
			m.advanceTo(m.now().Add(d))
			return d.String(), nil
		}},
	}
}

func pqInt64s(ids []int64) any {
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = strconv.FormatInt(id, 10)
	}
	return "{" + strings.Join(parts, ",") + "}"
}

// editGroup changes a group as staff do on its form.
func (m *model) editGroup(groupID int64, change func(f *app.GroupForm)) error {
	g, err := m.a.Store.GroupByID(m.t.Context(), groupID)
	if err != nil {
		return err
	}
	f := app.GroupFormOf(g, nil)
	change(&f)
	return m.a.UpdateGroup(m.t.Context(), m.office, groupID, f)
}

// advanceTo moves the clock to target as the running portal lives through it: whenever a mail falls due or an
// offer expires on the way, the minute job and the mail worker run then.
func (m *model) advanceTo(target time.Time) {
	for {
		var next *time.Time
		if err := m.a.Store.DB.Get(&next, `SELECT min(t) FROM (
				SELECT min(due_at) AS t FROM outbox WHERE status IN ('queued', 'retrying')
				UNION ALL SELECT min(offer_expires_at) + interval '1 second' FROM registrations WHERE status = 'offered') x
			WHERE t > $1`, m.now()); err != nil {
			m.t.Fatal(err)
		}
		if next == nil || next.After(target) {
			break
		}
		m.clock.Add(next.Add(time.Minute).Truncate(time.Minute).Sub(m.now()))
		m.jobs()
	}
	if target.After(m.now()) {
		m.clock.Add(target.Sub(m.now()))
	}
	m.jobs()
}

// jobs runs what the minute job runs for seats, then the mail worker.
func (m *model) jobs() {
	ctx := m.t.Context()
	if _, err := m.a.ExpireOffers(ctx); err != nil {
		m.t.Fatal(err)
	}
	if _, err := m.a.ReconcileAllSeats(ctx); err != nil {
		m.t.Fatal(err)
	}
	m.deliver()
}

// deliver is the mail worker without SMTP: every mail due now is sent, or skipped for the reason the worker
// would skip it. A mail about a moment already past must never be sent.
func (m *model) deliver() {
	ctx, now := m.t.Context(), m.now()
	for {
		ids, err := m.a.Store.ClaimMail(ctx, "model", 500, now, time.Hour)
		if err != nil {
			m.t.Fatal(err)
		}
		if len(ids) == 0 {
			return
		}
		data, err := m.a.LoadMailData(ctx, ids)
		if err != nil {
			m.t.Fatal(err)
		}
		var outcomes []app.MailOutcome
		for _, d := range data {
			if d.Skip != "" {
				outcomes = append(outcomes, app.MailOutcome{ID: d.ID, Status: app.OutboxCancelled, Error: d.Skip})
				continue
			}
			if past := pastMoment(d, now); past != "" {
				m.fail(len(m.log), "mail %d (%s) sent at %s about a moment already past: %s", d.ID, d.Kind,
					now.Format(time.RFC3339), past)
			}
			outcomes = append(outcomes, app.MailOutcome{ID: d.ID, Status: app.OutboxSent, Subject: "model"})
			m.sent++
		}
		if _, err := m.a.Store.RecordMail(ctx, "model", now, outcomes); err != nil {
			m.t.Fatal(err)
		}
	}
}

// pastMoment says what a mail would announce that is already past at now ("" when nothing).
func pastMoment(d app.MailData, now time.Time) string {
	switch d.Kind {
	case app.MailReminder, app.MailSessionChanged, app.MailSessionCancelled:
		if d.Session != nil && !d.Session.Start.After(now) {
			return "the session started at " + d.Session.Start.Format(time.RFC3339)
		}
	case app.MailOffer:
		if !d.OfferExpires.After(now) {
			return "the offer expired at " + d.OfferExpires.Format(time.RFC3339)
		}
	case app.MailIntakePlanned:
		if !d.IntakeAt.After(now) {
			return "the intake was at " + d.IntakeAt.Format(time.RFC3339)
		}
	}
	return ""
}

// checkAll checks the invariants that hold after every step.
func (m *model) checkAll(step int, after string) {
	m.t.Helper()
	for _, inv := range modelInvariants {
		var bad []string
		var args []any
		if strings.Contains(inv.query, "$1") {
			args = append(args, m.now())
		}
		if err := m.a.Store.DB.Select(&bad, inv.query, args...); err != nil {
			m.t.Fatalf("invariant %q: %v", inv.name, err)
		}
		if len(bad) > 0 {
			m.fail(step, "after %s: %s:\n%s", after, inv.name, strings.Join(bad, "\n"))
		}
	}
	m.checkReminderTimes(step, after)
}

// modelInvariants are checked with SQL after every step; each query lists what breaks its rule ($1 is now).
var modelInvariants = []struct{ name, query string }{
	{"seats above capacity", `SELECT format('group %s %s: %s seats taken of %s', g.id,
			CASE WHEN tr.child THEN 'children' ELSE 'adults' END, count(r.id),
			CASE WHEN tr.child THEN g.child_capacity ELSE g.capacity END)
		FROM groups g CROSS JOIN (VALUES (false), (true)) AS tr(child)
		JOIN registrations r ON r.group_id = g.id AND (r.role = 'child') = tr.child
			AND r.status IN ('admitted', 'offered') AND NOT r.over_capacity
		GROUP BY g.id, tr.child HAVING count(r.id) > CASE WHEN tr.child THEN g.child_capacity ELSE g.capacity END`},
	{"a free seat while someone waits", `WITH g AS (
			SELECT g.*, (o.admission = 'open' OR (o.kind = 'waakvlam' AND g.visibility = 'private')) AS signup,
				(SELECT count(*) FROM sessions s WHERE s.group_id = g.id AND s.status = 'planned' AND s.starts_at <= $1) AS held,
				(SELECT count(*) FROM sessions s WHERE s.group_id = g.id AND s.status = 'planned' AND s.starts_at > $1) AS ahead
			FROM groups g JOIN offerings o ON o.id = g.offering_id),
		t AS (
			SELECT g.id, g.signup, tr.child, CASE WHEN tr.child THEN g.child_capacity ELSE g.capacity END AS seats,
				(SELECT count(*) FROM registrations r WHERE r.group_id = g.id AND (r.role = 'child') = tr.child
					AND r.status IN ('admitted', 'offered') AND NOT r.over_capacity) AS taken,
				(SELECT r.id FROM registrations r WHERE r.group_id = g.id AND (r.role = 'child') = tr.child
					AND r.status = 'waitlisted' ORDER BY r.waitlisted_at, r.id LIMIT 1) AS head
			FROM g CROSS JOIN (VALUES (false), (true)) AS tr(child)
			WHERE g.status = 'open' AND NOT (g.held > 0 AND g.ahead = 0)
			  AND NOT (g.closed_after_session IS NOT NULL AND g.held >= g.closed_after_session))
		SELECT format('group %s: %s of %s seats taken while registration %s waits%s', id, taken, seats, head,
				CASE WHEN signup THEN ' (open to signup: no offer)' ELSE ' (intake: no work item for staff)' END)
		FROM t WHERE head IS NOT NULL AND taken < seats
		  AND (signup OR NOT EXISTS (SELECT 1 FROM work_items w WHERE w.kind = 'seat_free' AND w.done_at IS NULL
		                             AND w.registration_id = t.head))`},
	{"more than one active registration of a person in a group", `SELECT format('person %s in group %s: %s', person_id,
			group_id, count(*))
		FROM registrations WHERE status IN ('requested', 'intake_planned', 'admitted', 'waitlisted', 'offered')
		  AND group_id IS NOT NULL
		GROUP BY person_id, group_id HAVING count(*) > 1`},
	{"a planned reminder without an active seat and a planned future session", `SELECT format(
			'reminder %s (due %s) of registration %s (%s, %s) for session %s (%s, starts %s)', o.id, o.due_at, r.id,
			r.status, r.role, s.id, s.status, s.starts_at)
		FROM outbox o JOIN registrations r ON r.id = o.registration_id JOIN sessions s ON s.id = o.session_id
		WHERE o.kind = 'reminder' AND o.status IN ('queued', 'retrying')
		  AND (r.status <> 'admitted' OR r.role = 'child' OR s.status <> 'planned' OR s.group_id IS DISTINCT FROM r.group_id
		       OR s.starts_at <= $1 OR o.due_at <= $1
		       OR EXISTS (SELECT 1 FROM attendance a WHERE a.session_id = s.id AND a.person_id = r.person_id
		                  AND a.status = 'excused'))`},
}

// checkReminderTimes checks that each planned reminder falls at its local time: whole days before keep the
// session's Brussels clock time across a change of summer time, other offsets are counted in hours.
func (m *model) checkReminderTimes(step int, after string) {
	var rows []struct {
		ID     int64     `db:"id"`
		Due    time.Time `db:"due_at"`
		Offset int       `db:"offset_minutes"`
		Start  time.Time `db:"starts_at"`
	}
	if err := m.a.Store.DB.Select(&rows, `SELECT o.id, o.due_at, o.offset_minutes, s.starts_at
		FROM outbox o JOIN sessions s ON s.id = o.session_id
		WHERE o.kind = 'reminder' AND o.status IN ('queued', 'retrying')`); err != nil {
		m.t.Fatal(err)
	}
	for _, r := range rows {
		start := r.Start.In(locale.Brussels)
		want := start.Add(-time.Duration(r.Offset) * time.Minute)
		if r.Offset%(24*60) == 0 {
			want = start.AddDate(0, 0, -r.Offset/(24*60))
		}
		if !r.Due.Equal(want) {
			m.fail(step, "after %s: reminder %d for a session at %s is due %s, want %s", after, r.ID,
				start.Format("Mon 2006-01-02 15:04 MST"), r.Due.In(locale.Brussels).Format("Mon 2006-01-02 15:04 MST"),
				want.Format("Mon 2006-01-02 15:04 MST"))
		}
	}
}

// placedBefore is where every registration was before a step: "id:group" for those in a group, and the
// highest id (registrations made during the step have higher ones).
type placedBefore struct {
	in    []int64 // id and group packed as id*1e6+group, for one array parameter
	maxID int64
}

func (m *model) placed() placedBefore {
	var p placedBefore
	p.in = m.ids(`SELECT id * 1000000 + group_id FROM registrations WHERE group_id IS NOT NULL`)
	if err := m.a.Store.DB.Get(&p.maxID, `SELECT COALESCE(max(id), 0) FROM registrations`); err != nil {
		m.t.Fatal(err)
	}
	return p
}

// checkNewOffers checks that each offer made in the step went to whoever waited longest on its track. A person
// moved into the group during the same step (at the same moment as the seat was offered, in a busy moment) is
// not counted against it: the offer was made before she joined that list, and the move's own reconciliation
// would have offered her a seat had one been free.
func (m *model) checkNewOffers(step int, before []int64, placed placedBefore) {
	var bad []string
	if err := m.a.Store.DB.Select(&bad, `SELECT format('registration %s was offered a seat in group %s while registration %s waited longer',
			o.id, o.group_id, w.id)
		FROM registrations o JOIN registrations w ON w.group_id = o.group_id AND (w.role = 'child') = (o.role = 'child')
		WHERE o.status = 'offered' AND NOT (o.id = ANY($1)) AND w.status = 'waitlisted'
		  AND (w.waitlisted_at, w.id) < (o.waitlisted_at, o.id)
		  AND (w.id > $3 OR w.id * 1000000 + w.group_id = ANY($2))`,
		pqInt64s(before), pqInt64s(placed.in), placed.maxID); err != nil {
		m.t.Fatal(err)
	}
	if len(bad) > 0 {
		m.fail(step, "offers not first come, first served:\n%s", strings.Join(bad, "\n"))
	}
}

// checkTallies compares the attendance tallies the triggers keep with a rebuild from the marks.
func (m *model) checkTallies(step int) {
	read := func() string {
		var lines []string
		if err := m.a.Store.DB.Select(&lines, `SELECT format('session %s: %s/%s', session_id, attended, marked)
			FROM attendance_session_tally WHERE marked <> 0 OR attended <> 0
			UNION ALL
			SELECT format('person %s/%s/%s/%s: %s', year, group_id, person_id, registration_id, attended)
			FROM attendance_person_tally WHERE attended <> 0
			ORDER BY 1`); err != nil {
			m.t.Fatal(err)
		}
		return strings.Join(lines, "\n")
	}
	kept := read()
	if _, err := m.a.Store.DB.Exec(`SELECT attendance_tally_rebuild()`); err != nil {
		m.t.Fatal(err)
	}
	if rebuilt := read(); kept != rebuilt {
		m.fail(step, "the attendance tallies differ from their rebuild:\nkept:\n%s\nrebuilt:\n%s", kept, rebuilt)
	}
}

// Found by the model test (seed 1796036246478632044, 1200 steps): a session moved after its 7-day reminder went
// out planned that reminder again for everyone it had gone to, also for whoever had left the group or excused
// themselves since. Only who still comes is reminded again.
func TestAMovedSessionRemindsOnlyWhoStillComes(t *testing.T) {
	a, c := newStaffApp(t, testNow)
	ctx := t.Context()
	if err := a.Seed(ctx); err != nil {
		t.Fatal(err)
	}
	office := fixtures.Actor(t, a, addStaff(t, a, "coordinator@example.org", app.RoleCoordinator))
	g := addGroup(t, a, "intervisie", "intervisie-test", 5, 0, 2)
	stays, excused, leaves := signup(t, a, g, 1), signup(t, a, g, 2), signup(t, a, g, 3)
	var session int64
	testenv.MustGet(t, a.Store.DB, &session, `SELECT id FROM sessions WHERE group_id = $1 ORDER BY starts_at LIMIT 1`, g)

	c.Add(10 * time.Hour) // the 7-day reminders of the first session went out at 19.00
	testenv.MustExec(t, a.Store.DB, `UPDATE outbox SET status = 'sent' WHERE kind = 'reminder' AND due_at <= $1`, c.Now())
	if err := a.Excuse(ctx, excused.Token, "", session, true); err != nil {
		t.Fatal(err)
	}
	if err := a.Cancel(ctx, leaves.Token, ""); err != nil {
		t.Fatal(err)
	}
	start := testNow.AddDate(0, 0, 8).Add(9 * time.Hour) // a day later: its 7-day reminder is ahead again
	if err := a.MoveSession(ctx, office, session, start, start.Add(2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	var again []int64
	testenv.MustSelect(t, a.Store.DB, &again, `SELECT registration_id FROM outbox WHERE kind = 'reminder'
		AND session_id = $1 AND offset_minutes = 10080 AND status = 'queued' ORDER BY registration_id`, session)
	if len(again) != 1 || again[0] != stays.RegistrationID {
		t.Errorf("the 7-day reminder is planned again for registrations %v, want only %d (still in the group, not excused)",
			again, stays.RegistrationID)
	}
}
