-- The notification service's own state (schema "notification"). It never reads
-- another service's tables: occurrences come from the task service's events
-- (common/events), recipients from the directory's RPCs when a notice fires.

-- Where the event consumer stands, and the events it could not apply: the shape
-- common/events/consumer_tables.cc reads and writes (the same as reporting's).
CREATE TABLE consumer_state (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  event_cursor text NOT NULL DEFAULT '',
  events_applied bigint NOT NULL DEFAULT 0,
  last_commit_time timestamptz,
  caught_up boolean NOT NULL DEFAULT false,
  caught_up_time timestamptz
);
INSERT INTO consumer_state DEFAULT VALUES;

CREATE TABLE skipped_events (
  event_cursor text PRIMARY KEY,
  resource text NOT NULL,
  error text NOT NULL,
  event bytea NOT NULL,          -- p06.task.v1.Event.
  skip_time timestamptz NOT NULL
);

-- Rules are data: when each notice fires and to whom. The defaults are the ladder
-- of issue #11: reminders 5 and 1 working days before and on the day, escalations
-- +1 (focal point), +3 (head), +5 (Ministry Office), +10 (the ministry's leadership).
CREATE TABLE rules (
  id text PRIMARY KEY CHECK (id ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
  display_name text NOT NULL DEFAULT '',
  kind smallint NOT NULL CHECK (kind IN (1, 2)),            -- Rule.Kind
  working_days integer NOT NULL CHECK (working_days BETWEEN 0 AND 60),
  channels smallint[] NOT NULL,                             -- Channel
  enabled boolean NOT NULL,
  recipient smallint NOT NULL CHECK (recipient BETWEEN 1 AND 5),  -- Rule.Recipient
  recipient_unit text NOT NULL DEFAULT '',
  scope_plan text NOT NULL DEFAULT '',
  scope_section integer NOT NULL DEFAULT 0,
  scope_schedule_kind smallint NOT NULL DEFAULT 0,
  scope_unit text NOT NULL DEFAULT '',
  disabled_units text[] NOT NULL DEFAULT '{}',
  version bigint NOT NULL DEFAULT 1,
  update_time timestamptz NOT NULL DEFAULT now()
);
INSERT INTO rules (id, display_name, kind, working_days, channels, enabled, recipient, recipient_unit) VALUES
  ('reminder-5', 'Nhắc trước 5 ngày làm việc', 1, 5, '{1,2,3}', true, 1, ''),
  ('reminder-1', 'Nhắc trước 1 ngày làm việc', 1, 1, '{1,2,3}', true, 1, ''),
  ('reminder-0', 'Nhắc đúng hạn', 1, 0, '{1,2,3}', true, 1, ''),
  ('escalation-1', 'Đôn đốc cán bộ đầu mối', 2, 1, '{1,2,3}', true, 3, ''),
  ('escalation-3', 'Đôn đốc Thủ trưởng đơn vị', 2, 3, '{1,2,3}', true, 4, ''),
  ('escalation-5', 'Báo cáo Văn phòng Bộ', 2, 5, '{1,2,3}', true, 5, 'units/van-phong-bo'),
  ('escalation-10', 'Báo cáo Lãnh đạo Bộ', 2, 10, '{1,2,3}', true, 5, 'units/lanh-dao-bo');

-- What the schedule knows of each occurrence (TASK_CHANGED gives the task and its
-- occurrences, PROGRESS_REPORTED the status).
CREATE TABLE occurrences (
  name text PRIMARY KEY,                     -- plans/{p}/tasks/{t}/occurrences/{yyyy-mm-dd}
  task text NOT NULL,                        -- plans/{p}/tasks/{t}
  plan text NOT NULL,                        -- plans/{p}
  title text NOT NULL,
  section_ordinal integer NOT NULL,
  schedule_kind smallint NOT NULL,
  lead_units text[] NOT NULL,                -- units/… or groups/…
  coordinating_units text[] NOT NULL,
  due_date date NOT NULL,
  status smallint NOT NULL,                  -- p06.task.v1.TaskStatus
  removed boolean NOT NULL DEFAULT false
);
CREATE INDEX occurrences_by_task ON occurrences (task);

-- A rule's step for one occurrence, before its recipients are known.
CREATE TABLE notices (
  occurrence text NOT NULL,
  rule_id text NOT NULL,
  kind smallint NOT NULL,
  working_days integer NOT NULL,
  fire_time timestamptz NOT NULL,
  state smallint NOT NULL,                   -- Notice.State
  PRIMARY KEY (occurrence, rule_id)
);
CREATE INDEX notices_due ON notices (fire_time) WHERE state = 1;

-- A message to a unit: id derived from (rule, occurrence, unit), so a replayed
-- event or a second replica can never make a second one.
CREATE TABLE notifications (
  id text PRIMARY KEY,
  unit text NOT NULL,
  occurrence text NOT NULL,
  task text NOT NULL,
  rule_id text NOT NULL,
  kind smallint NOT NULL,
  due_date date NOT NULL,
  subject text NOT NULL,
  body text NOT NULL,
  payload text NOT NULL,                     -- The webhook's JSON body.
  create_time timestamptz NOT NULL,
  read_time timestamptz,
  in_inbox boolean NOT NULL
);
CREATE INDEX notifications_inbox ON notifications (unit, create_time DESC, id) WHERE in_inbox;

-- The outbox: one row per (notification, channel, address). Workers claim due rows
-- with FOR UPDATE SKIP LOCKED and a lease; attempts is counted at the claim, so a
-- worker killed mid-send still uses up an attempt (bounded repeats). Each claim has
-- a token of its own: only the worker holding the current one records an outcome.
CREATE SEQUENCE delivery_claims;
CREATE TABLE deliveries (
  id bigserial PRIMARY KEY,
  notification_id text NOT NULL REFERENCES notifications (id),
  channel smallint NOT NULL,                 -- Channel
  address text NOT NULL,
  digest boolean NOT NULL,
  state smallint NOT NULL,                   -- Delivery.State
  attempts integer NOT NULL DEFAULT 0,
  budget integer NOT NULL,
  last_error text NOT NULL DEFAULT '',
  due_time timestamptz NOT NULL,
  next_attempt_time timestamptz NOT NULL,
  lease_until timestamptz,
  claim_token bigint,
  deliver_time timestamptz,
  UNIQUE (notification_id, channel, address)
);
CREATE INDEX deliveries_due ON deliveries (next_attempt_time) WHERE state = 1;
CREATE INDEX deliveries_by_state ON deliveries (state, id);

-- Endpoints that keep failing are paused without holding up the others.
CREATE TABLE endpoints (
  address text PRIMARY KEY,
  consecutive_failures integer NOT NULL DEFAULT 0,
  paused_until timestamptz
);

-- Signing secrets of webhook URLs; during a rotation the previous one is valid too.
CREATE TABLE webhook_secrets (
  url text NOT NULL,
  secret text NOT NULL,
  create_time timestamptz NOT NULL,
  expire_time timestamptz,                   -- NULL: the current one.
  PRIMARY KEY (url, secret)
);
