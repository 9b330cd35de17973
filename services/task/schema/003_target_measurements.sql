-- Measurements of a task's targets: append-only.
CREATE TABLE target_measurements (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  plan_id         text NOT NULL,
  number          integer NOT NULL,
  target          integer NOT NULL CHECK (target > 0),   -- 1-based, as in the target's name
  reporting_unit  text NOT NULL,
  measurement     bytea NOT NULL,                         -- p06.task.v1.TargetMeasurement as posted
  reported_by     text NOT NULL,
  create_time     timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (plan_id, number) REFERENCES tasks (plan_id, number)
);
CREATE INDEX target_measurements_task_idx ON target_measurements (plan_id, number, target, id);
