-- Progress reports: append-only; the task's and occurrence's status follow the latest.
CREATE TABLE progress_reports (
  id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  plan_id          text NOT NULL,
  number           integer NOT NULL,
  occurrence_due   date,                       -- NULL: the task as a whole
  occurrence_sub   integer,
  reporting_unit   text NOT NULL,
  report           bytea NOT NULL,             -- p06.task.v1.ProgressReport as posted
  reported_by      text NOT NULL,
  create_time      timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (plan_id, number) REFERENCES tasks (plan_id, number)
);
CREATE INDEX progress_reports_task_idx ON progress_reports (plan_id, number, id);
