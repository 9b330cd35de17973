-- Plans, tasks, their units and reporting obligations, and the outbox of events.
-- A task's definition is stored whole as a serialized p06.task.v1.Task (what the
-- plan says); the columns beside it are what queries filter and sort on.

CREATE TABLE plans (
  id              text PRIMARY KEY CHECK (id ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
  decision_number text NOT NULL UNIQUE,
  year            integer NOT NULL CHECK (year BETWEEN 2000 AND 2100),
  revision        integer NOT NULL DEFAULT 1,
  source_sha256   text NOT NULL,
  source_text     text NOT NULL,
  document        bytea NOT NULL,           -- p06.task.v1.Plan: preamble, narrative, sections
  create_time     timestamptz NOT NULL DEFAULT now(),
  update_time     timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE tasks (
  plan_id          text NOT NULL REFERENCES plans (id),
  number           integer NOT NULL CHECK (number > 0),
  section_ordinal  integer NOT NULL,
  definition       bytea NOT NULL,           -- p06.task.v1.Task as the plan defines it
  definition_hash  text NOT NULL,            -- tells revisions apart
  search_text      text NOT NULL,            -- folded title and products
  status           smallint NOT NULL DEFAULT 1 CHECK (status BETWEEN 1 AND 5),
  percent_complete integer NOT NULL DEFAULT 0 CHECK (percent_complete BETWEEN 0 AND 100),
  removed_in       integer,                  -- the revision that dropped it; progress is kept
  version          bigint NOT NULL DEFAULT 1,
  update_time      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (plan_id, number)
);

-- Lead (role 1) and coordinating (role 2) units of each task, groups expanded to
-- their members, so that "tasks this unit leads or supports" is one indexed query.
CREATE TABLE task_units (
  plan_id  text NOT NULL,
  number   integer NOT NULL,
  role     smallint NOT NULL CHECK (role IN (1, 2)),
  unit     text NOT NULL,                    -- "units/…" or "groups/…"
  PRIMARY KEY (plan_id, number, role, unit),
  FOREIGN KEY (plan_id, number) REFERENCES tasks (plan_id, number)
);
CREATE INDEX task_units_unit_idx ON task_units (unit, role);

-- Reporting obligations: one row per task (sub_activity 0) or sub-activity and due date.
CREATE TABLE occurrences (
  plan_id          text NOT NULL,
  number           integer NOT NULL,
  sub_activity     integer NOT NULL DEFAULT 0,
  due_date         date NOT NULL,
  status           smallint NOT NULL DEFAULT 1 CHECK (status BETWEEN 1 AND 5),
  submission_count integer NOT NULL DEFAULT 0,
  PRIMARY KEY (plan_id, number, sub_activity, due_date),
  FOREIGN KEY (plan_id, number) REFERENCES tasks (plan_id, number)
);
CREATE INDEX occurrences_due_idx ON occurrences (due_date);

-- The outbox. seq comes from event_counter, taken as the last statement before
-- COMMIT: the row lock makes concurrent writers take numbers in commit order, so a
-- reader that has seen seq N has seen every event below N.
CREATE TABLE event_counter (
  singleton  boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  last_seq   bigint NOT NULL
);
INSERT INTO event_counter VALUES (true, 0);

CREATE TABLE events (
  seq          bigint PRIMARY KEY,
  kind         smallint NOT NULL,
  resource     text NOT NULL,
  request_id   text NOT NULL DEFAULT '',
  payload      bytea NOT NULL,              -- p06.task.v1.Event with its payload set
  commit_time  timestamptz NOT NULL DEFAULT now()
);
