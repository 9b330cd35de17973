-- The reporting service's read model, fed only by the task service's event stream
-- (consumer/event_consumer.h): each batch of events and the cursor after it commit in
-- one transaction, so a crash neither loses nor double-applies an event. Rows are
-- keyed by the task service's resource names, and applying an event twice leaves
-- them as applying it once (what a rebuild relies on).

-- Where the consumer stands: one row.
CREATE TABLE consumer_state (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  event_cursor text NOT NULL DEFAULT '',
  events_applied bigint NOT NULL DEFAULT 0,
  last_commit_time timestamptz,          -- Of the last event applied.
  caught_up boolean NOT NULL DEFAULT false,
  caught_up_time timestamptz             -- When the stream last said so.
);
INSERT INTO consumer_state DEFAULT VALUES;

CREATE TABLE plans (
  plan_id text PRIMARY KEY,
  year integer NOT NULL,
  plan bytea NOT NULL                    -- p06.task.v1.Plan as last imported.
);

CREATE TABLE tasks (
  plan_id text NOT NULL,  -- No foreign keys: events are applied as they come.
  number integer NOT NULL,
  removed boolean NOT NULL DEFAULT false,
  task bytea NOT NULL,                   -- p06.task.v1.Task (definition).
  PRIMARY KEY (plan_id, number)
);

-- The occurrences a task's definition yields (Event.occurrences), replaced with it.
CREATE TABLE occurrences (
  plan_id text NOT NULL,
  number integer NOT NULL,
  name text NOT NULL,
  due_date date NOT NULL,
  PRIMARY KEY (plan_id, number, name)
);

-- Every progress report, append-only; report_day is the day of the report in
-- Asia/Ho_Chi_Minh, what "as of the cut-off" compares.
CREATE TABLE progress (
  name text PRIMARY KEY,                 -- plans/…/tasks/N/progress/ID
  plan_id text NOT NULL,
  number integer NOT NULL,
  report_day date NOT NULL,
  create_time timestamptz NOT NULL,
  report bytea NOT NULL                  -- p06.task.v1.ProgressReport.
);
CREATE INDEX progress_by_task ON progress (plan_id, number, create_time);

CREATE TABLE measurements (
  name text PRIMARY KEY,                 -- …/targets/I/measurements/ID
  plan_id text NOT NULL,
  number integer NOT NULL,
  target integer NOT NULL,
  report_day date NOT NULL,
  measurement bytea NOT NULL             -- p06.task.v1.TargetMeasurement.
);
CREATE INDEX measurements_by_task ON measurements (plan_id, number, target);

-- Frozen reports.
CREATE TABLE reports (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  plan_id text NOT NULL,
  kind smallint NOT NULL,
  label text NOT NULL,
  window_end date NOT NULL,
  report bytea NOT NULL,                 -- p06.reporting.v1.Report, as served.
  create_time timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX reports_by_plan ON reports (plan_id, kind, window_end DESC, id DESC);
