-- The portal's schema: idempotent, applied in one transaction under an advisory lock by `serve` and `migrate`.
-- schema-version: 13
--
-- How to evolve it: never edit a statement that has shipped; append idempotent statements at the end
-- (CREATE ... IF NOT EXISTS, ALTER TABLE ... ADD COLUMN IF NOT EXISTS, CREATE OR REPLACE FUNCTION, DROP ... IF
-- EXISTS) under a comment naming the new version, and raise the schema-version line above. A database whose
-- recorded version is lower gets the whole file again; everything already there is left alone.
--
-- Codes stored in the database are English; the pages show them in Dutch (or English).

CREATE TABLE IF NOT EXISTS schema_version (
    version    int PRIMARY KEY,
    applied_at timestamptz NOT NULL DEFAULT now()
);

-- Staff: admins, coordinators and facilitators. Participants never have accounts.
CREATE TABLE IF NOT EXISTS staff_users (
    id                  bigserial PRIMARY KEY,
    email               text NOT NULL CHECK (email <> '' AND length(email) <= 254),
    name                text NOT NULL DEFAULT '' CHECK (length(name) <= 200),
    role                text NOT NULL CHECK (role IN ('admin', 'coordinator', 'facilitator')),
    password_hash       text NOT NULL DEFAULT '',
    totp_secret_enc     bytea,
    totp_enabled        boolean NOT NULL DEFAULT false,
    totp_last_step      bigint NOT NULL DEFAULT 0,
    active              boolean NOT NULL DEFAULT true,
    language            text NOT NULL DEFAULT 'nl' CHECK (language IN ('nl', 'en')),
    created_at          timestamptz NOT NULL DEFAULT now(),
    password_changed_at timestamptz
);
CREATE UNIQUE INDEX IF NOT EXISTS staff_users_email_key ON staff_users (lower(email));

-- Signed-in staff sessions; the cookie holds a random id, the table only its hash.
CREATE TABLE IF NOT EXISTS staff_sessions (
    id_hash      bytea PRIMARY KEY,
    staff_id     bigint NOT NULL REFERENCES staff_users ON DELETE CASCADE,
    mfa_done     boolean NOT NULL DEFAULT false,
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_seen_at timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS staff_sessions_staff ON staff_sessions (staff_id);

-- One-time tokens for staff (password reset), stored hashed.
CREATE TABLE IF NOT EXISTS staff_tokens (
    token_hash bytea PRIMARY KEY,
    staff_id   bigint NOT NULL REFERENCES staff_users ON DELETE CASCADE,
    purpose    text NOT NULL CHECK (purpose IN ('password_reset')),
    expires_at timestamptz NOT NULL,
    used_at    timestamptz
);

-- What the organisation offers. Texts are jsonb maps from language to text: {"nl": "...", "en": "..."}.
CREATE TABLE IF NOT EXISTS offerings (
    id               bigserial PRIMARY KEY,
    slug             text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9-]+$'),
    kind             text NOT NULL CHECK (kind IN ('intervision', 'waakvlam', 'peer_group', 'rotonde', 'family', 'event')),
    audience         text NOT NULL CHECK (audience IN ('professionals', 'survivors', 'harm', 'families', 'public')),
    admission        text NOT NULL CHECK (admission IN ('open', 'intake', 'organisation', 'invitation')),
    discreet         boolean NOT NULL DEFAULT false,
    retention_days   int NOT NULL CHECK (retention_days BETWEEN 1 AND 3650),
    reminder_offsets int[] NOT NULL DEFAULT '{10080,1440}',
    cancel_hours     int NOT NULL DEFAULT 24 CHECK (cancel_hours >= 0),
    position         int NOT NULL DEFAULT 0,
    name             jsonb NOT NULL,
    summary          jsonb NOT NULL DEFAULT '{}',
    description      jsonb NOT NULL DEFAULT '{}',
    for_whom         jsonb NOT NULL DEFAULT '{}',
    how_to_join      jsonb NOT NULL DEFAULT '{}',
    partner          text NOT NULL DEFAULT '',
    active           boolean NOT NULL DEFAULT true,
    created_at       timestamptz NOT NULL DEFAULT now()
);

-- A group, cohort or single event of an offering. Adults and children (Blaffen of Schuilen) each have their own
-- capacity. A closed group admits nobody once session closed_after_session has started.
CREATE TABLE IF NOT EXISTS groups (
    id                   bigserial PRIMARY KEY,
    offering_id          bigint NOT NULL REFERENCES offerings,
    slug                 text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9-]+$'),
    name                 jsonb NOT NULL,
    municipality         text NOT NULL DEFAULT '',
    place_name           text NOT NULL DEFAULT '',
    address              text NOT NULL DEFAULT '',
    place_private        boolean NOT NULL DEFAULT false,
    capacity             int NOT NULL CHECK (capacity >= 0),
    child_capacity       int NOT NULL DEFAULT 0 CHECK (child_capacity >= 0),
    closed_after_session int CHECK (closed_after_session > 0),
    discreet             boolean,
    status               text NOT NULL DEFAULT 'open' CHECK (status IN ('draft', 'open', 'closed', 'cancelled')),
    visibility           text NOT NULL DEFAULT 'public' CHECK (visibility IN ('public', 'private')),
    signup_token_hash    bytea UNIQUE,
    offer_hours          int NOT NULL DEFAULT 48 CHECK (offer_hours > 0),
    description          jsonb NOT NULL DEFAULT '{}',
    created_at           timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS groups_offering ON groups (offering_id);

CREATE TABLE IF NOT EXISTS group_facilitators (
    group_id bigint NOT NULL REFERENCES groups ON DELETE CASCADE,
    staff_id bigint NOT NULL REFERENCES staff_users ON DELETE CASCADE,
    PRIMARY KEY (group_id, staff_id)
);
CREATE INDEX IF NOT EXISTS group_facilitators_staff ON group_facilitators (staff_id);

CREATE TABLE IF NOT EXISTS sessions (
    id                   bigserial PRIMARY KEY,
    group_id             bigint NOT NULL REFERENCES groups ON DELETE CASCADE,
    starts_at            timestamptz NOT NULL,
    ends_at              timestamptz NOT NULL,
    status               text NOT NULL DEFAULT 'planned' CHECK (status IN ('planned', 'cancelled')),
    topic                jsonb NOT NULL DEFAULT '{}',
    place_name           text NOT NULL DEFAULT '',
    address              text NOT NULL DEFAULT '',
    attendance_mailed_at timestamptz,
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now(),
    CHECK (ends_at > starts_at)
);
CREATE INDEX IF NOT EXISTS sessions_group_start ON sessions (group_id, starts_at);
CREATE INDEX IF NOT EXISTS sessions_start ON sessions (starts_at);

CREATE TABLE IF NOT EXISTS households (
    id         bigserial PRIMARY KEY,
    created_at timestamptz NOT NULL DEFAULT now()
);

-- People: the minimum. Contact details and free text are encrypted by the application (AES-GCM, *_enc);
-- email_hash is a keyed hash that lets "send me my link again" find a person without storing the address in clear.
CREATE TABLE IF NOT EXISTS people (
    id            bigserial PRIMARY KEY,
    kind          text NOT NULL CHECK (kind IN ('professional', 'participant', 'child')),
    household_id  bigint REFERENCES households ON DELETE SET NULL,
    display_name  text NOT NULL DEFAULT '' CHECK (length(display_name) <= 200),
    email_enc     bytea,
    email_hash    bytea,
    phone_enc     bytea,
    organisation  text NOT NULL DEFAULT '' CHECK (length(organisation) <= 200),
    sector        text CHECK (sector IN ('police', 'parket', 'ocmw', 'caw', 'youth_care', 'ggz', 'gp', 'clb',
                                         'kind_en_gezin', 'ckg', 'asylum', 'education', 'other')),
    municipality  text NOT NULL DEFAULT '' CHECK (length(municipality) <= 100),
    age           int CHECK (age BETWEEN 0 AND 120),
    contact_email boolean NOT NULL DEFAULT false,
    contact_phone boolean NOT NULL DEFAULT false,
    contact_sms   boolean NOT NULL DEFAULT false,
    voicemail_ok  boolean NOT NULL DEFAULT false,
    safe_times_enc bytea,
    ics_opt_in    boolean NOT NULL DEFAULT false,
    language      text NOT NULL DEFAULT 'nl' CHECK (language IN ('nl', 'en')),
    created_at    timestamptz NOT NULL DEFAULT now(),
    anonymised_at timestamptz
);
CREATE INDEX IF NOT EXISTS people_email_hash ON people (email_hash) WHERE email_hash IS NOT NULL;
CREATE INDEX IF NOT EXISTS people_household ON people (household_id) WHERE household_id IS NOT NULL;

-- Waakvlam: an organisation asks for the training for its staff.
CREATE TABLE IF NOT EXISTS waakvlam_requests (
    id                  bigserial PRIMARY KEY,
    reference           text NOT NULL UNIQUE,
    organisation        text NOT NULL CHECK (organisation <> '' AND length(organisation) <= 200),
    service_type        text NOT NULL DEFAULT '' CHECK (length(service_type) <= 100),
    municipality        text NOT NULL DEFAULT '',
    contact_name        text NOT NULL DEFAULT '' CHECK (length(contact_name) <= 200),
    contact_email_enc   bytea,
    contact_email_hash  bytea,
    contact_phone_enc   bytea,
    expected_staff      int CHECK (expected_staff BETWEEN 1 AND 1000),
    preferred_periods   text NOT NULL DEFAULT '' CHECK (length(preferred_periods) <= 2000),
    place               text NOT NULL DEFAULT '' CHECK (length(place) <= 500),
    topics              text NOT NULL DEFAULT '' CHECK (length(topics) <= 4000),
    combine_intervision boolean NOT NULL DEFAULT false,
    status              text NOT NULL DEFAULT 'requested' CHECK (status IN ('requested', 'planned', 'given', 'cancelled')),
    token_hash          bytea UNIQUE,
    group_id            bigint REFERENCES groups ON DELETE SET NULL,
    submission_key      text UNIQUE,
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now()
);

-- A person's place (or request for a place) in a group. For intake offerings the group may stay empty until staff
-- place the person. Seats are taken by 'admitted' and 'offered' (a pending waiting-list offer).
CREATE TABLE IF NOT EXISTS registrations (
    id               bigserial PRIMARY KEY,
    person_id        bigint NOT NULL REFERENCES people ON DELETE CASCADE,
    offering_id      bigint NOT NULL REFERENCES offerings,
    group_id         bigint REFERENCES groups,
    household_id     bigint REFERENCES households ON DELETE SET NULL,
    role             text NOT NULL DEFAULT 'participant' CHECK (role IN ('participant', 'parent', 'child')),
    status           text NOT NULL CHECK (status IN ('requested', 'intake_planned', 'admitted', 'waitlisted',
                                                     'offered', 'declined', 'withdrawn', 'completed')),
    referrer         text CHECK (referrer IN ('self', 'police', 'parket', 'caw', 'ocmw', 'gp', 'partner', 'other')),
    referrer_detail  text NOT NULL DEFAULT '' CHECK (length(referrer_detail) <= 200),
    message_enc      bytea,
    intake_at        timestamptz,
    intake_note_enc  bytea,
    decline_reason   text NOT NULL DEFAULT '' CHECK (length(decline_reason) <= 500),
    waitlisted_at    timestamptz,
    offer_expires_at timestamptz,
    over_capacity    boolean NOT NULL DEFAULT false,
    walk_in          boolean NOT NULL DEFAULT false,
    registered_by    bigint REFERENCES staff_users ON DELETE SET NULL,
    token_hash       bytea UNIQUE,
    token_expires_at timestamptz,
    submission_key   text,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    CHECK (status NOT IN ('admitted', 'offered') OR group_id IS NOT NULL),
    CHECK (status <> 'offered' OR offer_expires_at IS NOT NULL)
);
-- One active registration per person per group.
CREATE UNIQUE INDEX IF NOT EXISTS registrations_one_active ON registrations (person_id, group_id)
    WHERE status IN ('requested', 'intake_planned', 'admitted', 'waitlisted', 'offered');
-- A resubmitted form (double click, back button) finds the registration it already made.
CREATE UNIQUE INDEX IF NOT EXISTS registrations_submission ON registrations (submission_key, person_id)
    WHERE submission_key IS NOT NULL;
CREATE INDEX IF NOT EXISTS registrations_group_status ON registrations (group_id, status);
CREATE INDEX IF NOT EXISTS registrations_offering_status ON registrations (offering_id, status);
CREATE INDEX IF NOT EXISTS registrations_person ON registrations (person_id);
CREATE INDEX IF NOT EXISTS registrations_household ON registrations (household_id) WHERE household_id IS NOT NULL;

-- The registration state machine, as data: a change of status must be listed here.
CREATE TABLE IF NOT EXISTS registration_transitions (
    from_status text NOT NULL,
    to_status   text NOT NULL,
    PRIMARY KEY (from_status, to_status)
);
INSERT INTO registration_transitions (from_status, to_status) VALUES
    ('requested', 'intake_planned'), ('requested', 'admitted'), ('requested', 'declined'),
    ('requested', 'waitlisted'), ('requested', 'withdrawn'),
    ('intake_planned', 'intake_planned'), ('intake_planned', 'admitted'), ('intake_planned', 'declined'),
    ('intake_planned', 'waitlisted'), ('intake_planned', 'withdrawn'),
    ('waitlisted', 'offered'), ('waitlisted', 'admitted'), ('waitlisted', 'declined'), ('waitlisted', 'withdrawn'),
    ('offered', 'admitted'), ('offered', 'waitlisted'), ('offered', 'withdrawn'),
    ('admitted', 'withdrawn'), ('admitted', 'completed')
ON CONFLICT DO NOTHING;

CREATE TABLE IF NOT EXISTS registration_events (
    id              bigserial PRIMARY KEY,
    registration_id bigint NOT NULL REFERENCES registrations ON DELETE CASCADE,
    from_status     text,
    to_status       text NOT NULL,
    staff_id        bigint REFERENCES staff_users ON DELETE SET NULL,
    at              timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS registration_events_reg ON registration_events (registration_id);

-- Staff mark two people who must never be placed in the same group (victim and the person who harmed them,
-- members of one household). Stored once per pair, smallest id first.
CREATE TABLE IF NOT EXISTS separations (
    person_a   bigint NOT NULL REFERENCES people ON DELETE CASCADE,
    person_b   bigint NOT NULL REFERENCES people ON DELETE CASCADE,
    created_by bigint REFERENCES staff_users ON DELETE SET NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (person_a, person_b),
    CHECK (person_a < person_b)
);
CREATE INDEX IF NOT EXISTS separations_b ON separations (person_b);

-- The database itself guards the three invariants that concurrency could otherwise break: allowed status
-- changes, capacity (per track: adults and children) and separation. The application checks the same things
-- first to give a friendly answer; these are the backstop. SQLSTATEs: VH001 full, VH002 separated,
-- VH003 transition not allowed.
CREATE OR REPLACE FUNCTION registrations_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    seats    int;
    taken    int;
    is_child boolean := NEW.role = 'child';
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.status IS DISTINCT FROM OLD.status THEN
        IF NOT EXISTS (SELECT 1 FROM registration_transitions
                       WHERE from_status = OLD.status AND to_status = NEW.status) THEN
            RAISE EXCEPTION 'registration % may not go from % to %', NEW.id, OLD.status, NEW.status
                USING ERRCODE = 'VH003';
        END IF;
    END IF;
    -- Only a seat (admitted, or a pending offer) is guarded: a request must never reveal who is in a group.
    IF NEW.group_id IS NULL OR NEW.status NOT IN ('admitted', 'offered') THEN
        RETURN NEW;
    END IF;
    -- Lock the group row: concurrent admissions to one group queue here, and each then counts what the
    -- ones before it committed (every statement in READ COMMITTED takes a fresh snapshot).
    SELECT CASE WHEN is_child THEN child_capacity ELSE capacity END INTO seats
    FROM groups WHERE id = NEW.group_id FOR UPDATE;
    IF EXISTS (SELECT 1 FROM separations s
               JOIN registrations r
                 ON r.person_id = CASE WHEN s.person_a = NEW.person_id THEN s.person_b ELSE s.person_a END
               WHERE (s.person_a = NEW.person_id OR s.person_b = NEW.person_id)
                 AND r.group_id = NEW.group_id AND r.id <> NEW.id AND r.status IN ('admitted', 'offered')) THEN
        RAISE EXCEPTION 'registration % is separated from a member of group %', NEW.id, NEW.group_id
            USING ERRCODE = 'VH002';
    END IF;
    IF NEW.over_capacity THEN
        RETURN NEW;
    END IF;
    IF TG_OP = 'UPDATE' AND OLD.status IN ('admitted', 'offered') AND OLD.group_id = NEW.group_id
       AND OLD.role = NEW.role AND NOT OLD.over_capacity THEN
        RETURN NEW; -- already holds a seat here
    END IF;
    SELECT count(*) INTO taken FROM registrations
    WHERE group_id = NEW.group_id AND status IN ('admitted', 'offered') AND NOT over_capacity
      AND (role = 'child') = is_child AND id <> NEW.id;
    IF taken >= seats THEN
        RAISE EXCEPTION 'group % is full', NEW.group_id USING ERRCODE = 'VH001';
    END IF;
    RETURN NEW;
END $$;
DROP TRIGGER IF EXISTS registrations_guard ON registrations;
CREATE TRIGGER registrations_guard BEFORE INSERT OR UPDATE OF status, group_id, role, over_capacity
    ON registrations FOR EACH ROW EXECUTE FUNCTION registrations_guard();

-- Attendance: one mark per person per session.
CREATE TABLE IF NOT EXISTS attendance (
    session_id      bigint NOT NULL REFERENCES sessions ON DELETE CASCADE,
    person_id       bigint NOT NULL REFERENCES people ON DELETE CASCADE,
    registration_id bigint REFERENCES registrations ON DELETE SET NULL,
    status          text NOT NULL CHECK (status IN ('present', 'absent', 'excused', 'late')),
    by_self         boolean NOT NULL DEFAULT false,
    recorded_by     bigint REFERENCES staff_users ON DELETE SET NULL,
    recorded_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (session_id, person_id)
);
CREATE INDEX IF NOT EXISTS attendance_person ON attendance (person_id);
CREATE INDEX IF NOT EXISTS attendance_registration ON attendance (registration_id);

-- Consent as given: which text, which version, when, and through whom.
CREATE TABLE IF NOT EXISTS consents (
    id              bigserial PRIMARY KEY,
    person_id       bigint NOT NULL REFERENCES people ON DELETE CASCADE,
    registration_id bigint REFERENCES registrations ON DELETE SET NULL,
    text_version    text NOT NULL,
    text            text NOT NULL,
    via             text NOT NULL CHECK (via IN ('form', 'staff')),
    staff_id        bigint REFERENCES staff_users ON DELETE SET NULL,
    given_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS consents_person ON consents (person_id);

-- Onward referrals staff record, e.g. to an individual trajectory at the CAW.
CREATE TABLE IF NOT EXISTS onward_referrals (
    id              bigserial PRIMARY KEY,
    person_id       bigint NOT NULL REFERENCES people ON DELETE CASCADE,
    registration_id bigint REFERENCES registrations ON DELETE SET NULL,
    destination     text NOT NULL CHECK (destination IN ('caw_individual', 'ggz', 'justice_welfare', 'youth_care', 'other')),
    note_enc        bytea,
    referred_on     date NOT NULL DEFAULT current_date,
    staff_id        bigint REFERENCES staff_users ON DELETE SET NULL,
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS onward_referrals_person ON onward_referrals (person_id);

-- Outgoing mail, written in the same transaction as the change that causes it. Reminders carry an offset from
-- their session's start, so they move with the session. Recipients are resolved when the mail is sent, so the
-- person's current contact wishes apply.
CREATE TABLE IF NOT EXISTS outbox (
    id                  bigserial PRIMARY KEY,
    dedupe_key          text NOT NULL UNIQUE,
    kind                text NOT NULL,
    status              text NOT NULL DEFAULT 'queued'
                        CHECK (status IN ('queued', 'sending', 'sent', 'retrying', 'failed', 'cancelled')),
    due_at              timestamptz NOT NULL DEFAULT now(),
    offset_minutes      int,
    person_id           bigint REFERENCES people ON DELETE CASCADE,
    staff_id            bigint REFERENCES staff_users ON DELETE CASCADE,
    registration_id     bigint REFERENCES registrations ON DELETE CASCADE,
    session_id          bigint REFERENCES sessions ON DELETE CASCADE,
    waakvlam_request_id bigint REFERENCES waakvlam_requests ON DELETE CASCADE,
    params              jsonb NOT NULL DEFAULT '{}',
    secret_enc          bytea,
    attempts            int NOT NULL DEFAULT 0,
    max_attempts        int NOT NULL DEFAULT 8,
    claimed_at          timestamptz,
    claimed_by          text,
    sent_at             timestamptz,
    subject             text NOT NULL DEFAULT '',
    message_id          text NOT NULL DEFAULT '',
    last_error          text NOT NULL DEFAULT '',
    created_at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS outbox_due ON outbox (due_at) WHERE status IN ('queued', 'retrying');
CREATE INDEX IF NOT EXISTS outbox_sending ON outbox (claimed_at) WHERE status = 'sending';
CREATE INDEX IF NOT EXISTS outbox_session ON outbox (session_id) WHERE session_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS outbox_registration ON outbox (registration_id) WHERE registration_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS outbox_created ON outbox (created_at);

CREATE TABLE IF NOT EXISTS outbox_attempts (
    id         bigserial PRIMARY KEY,
    outbox_id  bigint NOT NULL REFERENCES outbox ON DELETE CASCADE,
    worker     text NOT NULL DEFAULT '',
    ok         boolean NOT NULL,
    error      text NOT NULL DEFAULT '',
    at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS outbox_attempts_outbox ON outbox_attempts (outbox_id);

-- Mail received by the built-in catcher when no SMTP_URL is set (development and tests).
CREATE TABLE IF NOT EXISTS caught_mail (
    id          bigserial PRIMARY KEY,
    mail_from   text NOT NULL,
    rcpt        text[] NOT NULL,
    subject     text NOT NULL DEFAULT '',
    raw         bytea NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now()
);

-- Who saw or changed what. person_id has no foreign key: the trail outlives an erased person.
CREATE TABLE IF NOT EXISTS audit_log (
    id              bigserial PRIMARY KEY,
    at              timestamptz NOT NULL DEFAULT now(),
    staff_id        bigint REFERENCES staff_users ON DELETE SET NULL,
    actor           text NOT NULL DEFAULT 'staff' CHECK (actor IN ('staff', 'participant', 'system')),
    action          text NOT NULL,
    person_id       bigint,
    registration_id bigint,
    group_id        bigint,
    detail          jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX IF NOT EXISTS audit_log_at ON audit_log (at);
CREATE INDEX IF NOT EXISTS audit_log_person ON audit_log (person_id) WHERE person_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS audit_log_staff ON audit_log (staff_id, at);

-- Fixed-window counters for rate limits on public forms and login, shared by every portal process.
CREATE TABLE IF NOT EXISTS rate_limits (
    key         text PRIMARY KEY,
    hits        int NOT NULL,
    window_ends timestamptz NOT NULL
);

-- Daily jobs claim their day here, so that of several processes exactly one runs each job.
CREATE TABLE IF NOT EXISTS job_runs (
    job        text NOT NULL,
    day        date NOT NULL,
    started_at timestamptz NOT NULL DEFAULT now(),
    done_at    timestamptz,
    PRIMARY KEY (job, day)
);

-- Yearly figures frozen when a year is closed; they survive the purge of personal data.
CREATE TABLE IF NOT EXISTS years_closed (
    year      int PRIMARY KEY,
    closed_at timestamptz NOT NULL DEFAULT now(),
    closed_by bigint REFERENCES staff_users ON DELETE SET NULL
);
CREATE TABLE IF NOT EXISTS figures_frozen (
    year      int NOT NULL REFERENCES years_closed ON DELETE CASCADE,
    metric    text NOT NULL,
    scope     text NOT NULL DEFAULT '',
    dimension text NOT NULL DEFAULT '',
    value     bigint NOT NULL,
    PRIMARY KEY (year, metric, scope, dimension)
);

-- version 2: idempotent form submissions
-- A form carries a random submission key; the first submission stores its result here, and a resubmission
-- (double click, reload, back button) gets the same result instead of a second registration.
CREATE TABLE IF NOT EXISTS form_submissions (
    key        text PRIMARY KEY CHECK (length(key) BETWEEN 16 AND 64),
    kind       text NOT NULL,
    result     jsonb NOT NULL DEFAULT '{}',
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS form_submissions_created ON form_submissions (created_at);
DROP INDEX IF EXISTS registrations_submission;
-- The consent of an organisation's contact person belongs to its Waakvlam request, not to a participant.
ALTER TABLE consents ADD COLUMN IF NOT EXISTS waakvlam_request_id bigint REFERENCES waakvlam_requests ON DELETE CASCADE;
ALTER TABLE consents ALTER COLUMN person_id DROP NOT NULL;
DO $$ BEGIN
    ALTER TABLE consents ADD CONSTRAINT consents_subject CHECK (person_id IS NOT NULL OR waakvlam_request_id IS NOT NULL);
EXCEPTION WHEN duplicate_object THEN NULL;
END $$;

-- version 3: attendance tallies for the yearly figures
-- The figures of a year count attendances per session and distinct people per group. Counting them from the
-- attendance rows themselves reads every mark of the year on each request (a million rows take well over a
-- second), so triggers keep two small tallies up to date in the same transaction as each change:
-- attendance_session_tally holds per session the marks and the attendances (present or late), whatever the
-- session's status or date (the figures filter sessions when they read); attendance_person_tally holds per
-- year (Brussels time) and group each person's attendances at planned sessions, under the registration the
-- marks were recorded with (0: none left). Rows whose count falls to zero may stay; readers skip them.
-- The person tally has no foreign keys: it is derived, and a deleted session or group takes its attendances out
-- through the triggers. attendance_tally_rebuild() computes both tallies from scratch (tests compare it with what
-- the triggers kept).
CREATE TABLE IF NOT EXISTS attendance_session_tally (
    session_id bigint PRIMARY KEY REFERENCES sessions ON DELETE CASCADE,
    attended   int NOT NULL DEFAULT 0,
    marked     int NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS attendance_person_tally (
    year            int NOT NULL,
    group_id        bigint NOT NULL,
    person_id       bigint NOT NULL,
    registration_id bigint NOT NULL DEFAULT 0,
    attended        int NOT NULL,
    PRIMARY KEY (year, group_id, person_id, registration_id)
);
CREATE INDEX IF NOT EXISTS attendance_person_tally_person ON attendance_person_tally (person_id);

-- The year a session counts in: its start in Brussels time.
CREATE OR REPLACE FUNCTION figures_year(ts timestamptz) RETURNS int LANGUAGE sql IMMUTABLE AS
$$ SELECT extract(year FROM ts AT TIME ZONE 'Europe/Brussels')::int $$;

-- Adds sign × the attendances of one session to the person tally, under the session's year and group as given
-- (the old ones when a session moves away, the new ones when it arrives).
CREATE OR REPLACE FUNCTION attendance_person_tally_add(p_session bigint, p_year int, p_group bigint, p_sign int)
RETURNS void LANGUAGE sql AS $$
    INSERT INTO attendance_person_tally AS t (year, group_id, person_id, registration_id, attended)
    SELECT p_year, p_group, a.person_id, COALESCE(a.registration_id, 0), p_sign * count(*)
    FROM attendance a WHERE a.session_id = p_session AND a.status IN ('present', 'late')
    GROUP BY a.person_id, COALESCE(a.registration_id, 0)
    ON CONFLICT (year, group_id, person_id, registration_id) DO UPDATE SET attended = t.attended + EXCLUDED.attended
$$;

-- Every change of attendance first takes its group's lock (a transaction-level advisory lock), before it touches
-- a mark: the changes of one group's marks (two phones sending a roll call, a participant excusing themselves
-- meanwhile, a correction of last week's) then reach the tallies one transaction after the other, and cannot
-- deadlock on the tally rows they share.
CREATE OR REPLACE FUNCTION attendance_tally_lock(p_group bigint) RETURNS void LANGUAGE sql AS
$$ SELECT pg_advisory_xact_lock(hashtextextended('attendance_tally', p_group)) $$;
CREATE OR REPLACE FUNCTION attendance_tally_lock() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    g bigint;
BEGIN
    IF TG_OP <> 'INSERT' THEN
        SELECT group_id INTO g FROM sessions WHERE id = OLD.session_id;
        IF g IS NOT NULL THEN
            PERFORM attendance_tally_lock(g);
        END IF;
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    IF TG_OP = 'INSERT' OR NEW.session_id <> OLD.session_id THEN
        SELECT group_id INTO g FROM sessions WHERE id = NEW.session_id;
        IF g IS NOT NULL THEN
            PERFORM attendance_tally_lock(g);
        END IF;
    END IF;
    RETURN NEW;
END $$;
DROP TRIGGER IF EXISTS attendance_tally_lock ON attendance;
CREATE TRIGGER attendance_tally_lock BEFORE INSERT OR UPDATE OR DELETE ON attendance
    FOR EACH ROW EXECUTE FUNCTION attendance_tally_lock();

-- Statement-level, with the changed rows as transition tables: a roll call of twenty marks or a bulk import of a
-- million costs one aggregated write per tally. Marks of a session deleted in the same statement (a cascade) no
-- longer find their session and are skipped: sessions_tally took them out before the session went.
CREATE OR REPLACE FUNCTION attendance_tally() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    delta text;
BEGIN
    delta := CASE TG_OP
        WHEN 'INSERT' THEN 'SELECT session_id, person_id, registration_id, status, 1 AS d FROM new_rows'
        WHEN 'DELETE' THEN 'SELECT session_id, person_id, registration_id, status, -1 AS d FROM old_rows'
        ELSE 'SELECT session_id, person_id, registration_id, status, 1 AS d FROM new_rows
              UNION ALL SELECT session_id, person_id, registration_id, status, -1 FROM old_rows' END;
    EXECUTE format($q$
        WITH delta AS (%s)
        INSERT INTO attendance_session_tally AS t (session_id, attended, marked)
        SELECT d.session_id, COALESCE(sum(d.d) FILTER (WHERE d.status IN ('present', 'late')), 0), sum(d.d)
        FROM delta d JOIN sessions s ON s.id = d.session_id
        GROUP BY d.session_id
        ON CONFLICT (session_id) DO UPDATE SET attended = t.attended + EXCLUDED.attended,
                                               marked = t.marked + EXCLUDED.marked$q$, delta);
    EXECUTE format($q$
        WITH delta AS (%s)
        INSERT INTO attendance_person_tally AS t (year, group_id, person_id, registration_id, attended)
        SELECT figures_year(s.starts_at), s.group_id, d.person_id, COALESCE(d.registration_id, 0), sum(d.d)
        FROM delta d JOIN sessions s ON s.id = d.session_id
        WHERE s.status = 'planned' AND d.status IN ('present', 'late')
        GROUP BY 1, 2, 3, 4
        HAVING sum(d.d) <> 0
        ON CONFLICT (year, group_id, person_id, registration_id) DO UPDATE SET attended = t.attended + EXCLUDED.attended$q$,
        delta);
    RETURN NULL;
END $$;
DROP TRIGGER IF EXISTS attendance_tally_insert ON attendance;
CREATE TRIGGER attendance_tally_insert AFTER INSERT ON attendance REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION attendance_tally();
DROP TRIGGER IF EXISTS attendance_tally_update ON attendance;
CREATE TRIGGER attendance_tally_update AFTER UPDATE ON attendance REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION attendance_tally();
DROP TRIGGER IF EXISTS attendance_tally_delete ON attendance;
CREATE TRIGGER attendance_tally_delete AFTER DELETE ON attendance REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION attendance_tally();

-- A session that is cancelled or restored, moves to another year or group, or is deleted moves its attendances
-- in the person tally. (The session tally does not depend on them.)
CREATE OR REPLACE FUNCTION sessions_tally() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM attendance_tally_lock(OLD.group_id);
    IF TG_OP = 'UPDATE' AND NEW.group_id <> OLD.group_id THEN
        PERFORM attendance_tally_lock(NEW.group_id);
    END IF;
    IF OLD.status = 'planned' THEN
        PERFORM attendance_person_tally_add(OLD.id, figures_year(OLD.starts_at), OLD.group_id, -1);
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    IF NEW.status = 'planned' THEN
        PERFORM attendance_person_tally_add(NEW.id, figures_year(NEW.starts_at), NEW.group_id, 1);
    END IF;
    RETURN NEW;
END $$;
DROP TRIGGER IF EXISTS sessions_tally_update ON sessions;
CREATE TRIGGER sessions_tally_update AFTER UPDATE OF status, starts_at, group_id ON sessions FOR EACH ROW
    WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.group_id IS DISTINCT FROM NEW.group_id
          OR figures_year(OLD.starts_at) IS DISTINCT FROM figures_year(NEW.starts_at))
    EXECUTE FUNCTION sessions_tally();
DROP TRIGGER IF EXISTS sessions_tally_delete ON sessions;
CREATE TRIGGER sessions_tally_delete BEFORE DELETE ON sessions FOR EACH ROW EXECUTE FUNCTION sessions_tally();

-- Recomputes both tallies from the attendance rows, with attendance locked against writes meanwhile.
CREATE OR REPLACE FUNCTION attendance_tally_rebuild() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    LOCK TABLE attendance, sessions IN SHARE MODE;
    DELETE FROM attendance_session_tally;
    DELETE FROM attendance_person_tally;
    INSERT INTO attendance_session_tally (session_id, attended, marked)
    SELECT session_id, count(*) FILTER (WHERE status IN ('present', 'late')), count(*) FROM attendance GROUP BY session_id;
    INSERT INTO attendance_person_tally (year, group_id, person_id, registration_id, attended)
    SELECT figures_year(s.starts_at), s.group_id, a.person_id, COALESCE(a.registration_id, 0), count(*)
    FROM attendance a JOIN sessions s ON s.id = a.session_id
    WHERE s.status = 'planned' AND a.status IN ('present', 'late')
    GROUP BY 1, 2, 3, 4;
END $$;
DO $$ BEGIN
    IF NOT EXISTS (SELECT 1 FROM schema_version WHERE version >= 3) THEN
        PERFORM attendance_tally_rebuild();
    END IF;
END $$;

-- The figures read registrations and referrals of a year by their date.
CREATE INDEX IF NOT EXISTS registrations_created ON registrations (created_at);
CREATE INDEX IF NOT EXISTS onward_referrals_on ON onward_referrals (referred_on);

-- version 4: more than one personal link per registration
-- A new link (at admission, "send me my link again", a repeated form) is added, not swapped in: the links a
-- participant already has keep working, so nobody who knows their address can cut them off their page. Only the
-- person can retire their old links, from their own page.
CREATE TABLE IF NOT EXISTS registration_tokens (
    token_hash      bytea PRIMARY KEY,
    registration_id bigint NOT NULL REFERENCES registrations ON DELETE CASCADE,
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS registration_tokens_registration ON registration_tokens (registration_id);

-- version 5: the personal code, its lock, changes made online, and work items for staff
-- A discreet registration's page shows only dates and times until the person gives the code she chose; the code
-- is kept only as an argon2id hash. Every try is counted before it is checked; five wrong ones in a row lock it.
ALTER TABLE registrations ADD COLUMN IF NOT EXISTS code_hash text;
ALTER TABLE registrations ADD COLUMN IF NOT EXISTS code_attempts int NOT NULL DEFAULT 0;
ALTER TABLE registrations ADD COLUMN IF NOT EXISTS code_locked_at timestamptz;
-- A contact change made online shows to staff, with the previous details (encrypted), until staff confirm it
-- through the person's safe channel.
ALTER TABLE people ADD COLUMN IF NOT EXISTS contact_changed_at timestamptz;
ALTER TABLE people ADD COLUMN IF NOT EXISTS contact_previous_enc bytea;
-- Something a staff member must do, made in the same transaction as its cause: a page locked by wrong codes,
-- "this moment does not suit me", "please contact me", a change waiting for confirmation. detail_enc holds the
-- person's own words or wishes, encrypted; detail holds nothing personal.
CREATE TABLE IF NOT EXISTS work_items (
    id              bigserial PRIMARY KEY,
    kind            text NOT NULL CHECK (kind IN ('code_locked', 'moment_unsuitable', 'contact_me', 'contact_changed',
                                                  'request_contact', 'request_new_link', 'request_cancel')),
    registration_id bigint REFERENCES registrations ON DELETE CASCADE,
    person_id       bigint REFERENCES people ON DELETE CASCADE,
    group_id        bigint REFERENCES groups ON DELETE SET NULL,
    session_id      bigint REFERENCES sessions ON DELETE SET NULL,
    detail_enc      bytea,
    created_at      timestamptz NOT NULL DEFAULT now(),
    done_at         timestamptz,
    done_by         bigint REFERENCES staff_users ON DELETE SET NULL
);
-- One open item per kind, registration and session: pressing the button twice does not make two.
CREATE UNIQUE INDEX IF NOT EXISTS work_items_one_open ON work_items (kind, registration_id, (COALESCE(session_id, 0)))
    WHERE done_at IS NULL;
CREATE INDEX IF NOT EXISTS work_items_open ON work_items (created_at) WHERE done_at IS NULL;

-- version 6: names and aliases (children's first names too) and the free-text referral detail, encrypted
-- (and a Waakvlam request's contact person). Only the application holds the key: it seals the values of
-- people.display_name, registrations.referrer_detail and waakvlam_requests.contact_name into these columns at
-- start-up, then drops the clear columns
-- (app/db/seal.go, SealClearColumns).
ALTER TABLE people ADD COLUMN IF NOT EXISTS display_name_enc bytea;
ALTER TABLE registrations ADD COLUMN IF NOT EXISTS referrer_detail_enc bytea;
ALTER TABLE waakvlam_requests ADD COLUMN IF NOT EXISTS contact_name_enc bytea;

-- version 7: "free seat, people waiting" for staff
-- In a group with an intake, staff decide who takes a freed seat: the portal keeps one open work item per track
-- naming who waits longest, while a seat is free and someone waits. The kinds' check is replaced once.
DO $$ BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'work_items_kind_check'
                   AND pg_get_constraintdef(oid) LIKE '%seat_free%') THEN
        ALTER TABLE work_items DROP CONSTRAINT IF EXISTS work_items_kind_check;
        ALTER TABLE work_items ADD CONSTRAINT work_items_kind_check CHECK (kind IN ('code_locked', 'moment_unsuitable',
            'contact_me', 'contact_changed', 'request_contact', 'request_new_link', 'request_cancel', 'seat_free'));
    END IF;
END $$;
CREATE INDEX IF NOT EXISTS work_items_group_open ON work_items (group_id) WHERE done_at IS NULL;

-- version 8: the reason a request was declined, encrypted like the other free text. The application seals the
-- values of registrations.decline_reason into this column at start-up, then drops the clear column
-- (app/db/seal.go, SealClearColumns). This version also brings version 7's statements to a database at version 6:
-- version 7 was appended without raising the version line.
ALTER TABLE registrations ADD COLUMN IF NOT EXISTS decline_reason_enc bytea;

-- version 9: the work queue. Two unexcused absences in a row open a work item (closed after the call); office
-- staff may choose a daily digest mail of the new items; failed mails are listed from a small index.
DO $$ BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'work_items_kind_check'
                   AND pg_get_constraintdef(oid) LIKE '%absence_alert%') THEN
        ALTER TABLE work_items DROP CONSTRAINT IF EXISTS work_items_kind_check;
        ALTER TABLE work_items ADD CONSTRAINT work_items_kind_check CHECK (kind IN ('code_locked', 'moment_unsuitable',
            'contact_me', 'contact_changed', 'request_contact', 'request_new_link', 'request_cancel', 'seat_free',
            'absence_alert'));
    END IF;
END $$;
ALTER TABLE staff_users ADD COLUMN IF NOT EXISTS work_digest boolean NOT NULL DEFAULT false;
CREATE INDEX IF NOT EXISTS outbox_failed ON outbox (id) WHERE status = 'failed';

-- version 10: a registration's request date: the day the request came in (Brussels), which staff can set, so a
-- request typed in afterwards, or entered for a past year, keeps its own day. Existing rows take the day of
-- created_at; a row inserted without one takes today.
ALTER TABLE registrations ADD COLUMN IF NOT EXISTS requested_on date;
UPDATE registrations SET requested_on = (created_at AT TIME ZONE 'Europe/Brussels')::date WHERE requested_on IS NULL;
ALTER TABLE registrations ALTER COLUMN requested_on SET DEFAULT ((now() AT TIME ZONE 'Europe/Brussels')::date);
ALTER TABLE registrations ALTER COLUMN requested_on SET NOT NULL;

-- version 11: finding people by part of a name, e-mail address or phone number, which are encrypted. The
-- application keeps each person's three-character pieces of them as keyed hashes (app/search_index.go): the
-- database sees which people share a piece, never the text. people_search_key names the key they were made with,
-- so a start-up with another SECRET_KEY rebuilds them.
CREATE TABLE IF NOT EXISTS people_search (
    gram      bytea NOT NULL,
    person_id bigint NOT NULL REFERENCES people ON DELETE CASCADE,
    PRIMARY KEY (gram, person_id)
);
CREATE INDEX IF NOT EXISTS people_search_person ON people_search (person_id);
CREATE TABLE IF NOT EXISTS people_search_key (
    one    boolean PRIMARY KEY DEFAULT true CHECK (one),
    key_id bytea NOT NULL
);

-- version 12: an adult who walked into a family group (Blaffen of Schuilen) is a parent, as one registered
-- through the household form is; walk-ins added before were stored as plain participants and fell out of the
-- count of parents.
UPDATE registrations r SET role = 'parent'
FROM offerings o
WHERE r.walk_in AND r.role = 'participant' AND o.id = r.offering_id AND o.kind = 'family';

-- version 13: retention in the open. Every run of the retention purge, daily or started by an admin, is kept
-- with its counts (no names), so the retention page can show the last runs; staff_id is NULL for the daily job.
CREATE TABLE IF NOT EXISTS retention_runs (
    id          bigserial PRIMARY KEY,
    started_at  timestamptz NOT NULL,
    finished_at timestamptz NOT NULL,
    staff_id    bigint REFERENCES staff_users ON DELETE SET NULL,
    people      int NOT NULL CHECK (people >= 0),
    waakvlam    int NOT NULL CHECK (waakvlam >= 0)
);
CREATE INDEX IF NOT EXISTS retention_runs_started ON retention_runs (started_at DESC);
