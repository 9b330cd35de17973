-- Which task of the previous year's plan a task continues (ListContinuations): a
-- suggestion the import makes by title (confirmed false), or the Office's word
-- (ConfirmContinuation; confirmed true, previous task NULL for "continues none"). A
-- later import replaces suggestions, never a confirmation.
CREATE TABLE task_continuations (
  plan_id          text NOT NULL,
  number           integer NOT NULL,
  previous_plan_id text,
  previous_number  integer,
  score            double precision NOT NULL DEFAULT 0 CHECK (score BETWEEN 0 AND 1),
  confirmed        boolean NOT NULL DEFAULT false,
  PRIMARY KEY (plan_id, number),
  FOREIGN KEY (plan_id, number) REFERENCES tasks (plan_id, number),
  FOREIGN KEY (previous_plan_id, previous_number) REFERENCES tasks (plan_id, number),
  CHECK ((previous_plan_id IS NULL) = (previous_number IS NULL)),
  CHECK (previous_plan_id IS NOT NULL OR confirmed)
);
CREATE INDEX task_continuations_previous ON task_continuations (previous_plan_id, previous_number);
