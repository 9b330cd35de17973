-- Progress reports in one statement (see services/task/storage/report_batcher.h):
-- who may report, and report_progress itself. Repeatable: recreated at every start,
-- so a change here needs no numbered migration (the history is in 004 and 006).

-- Who may report on a task: '' when `p_unit` may, else why not. Checked in this
-- order so that a stranger learns nothing, not even whether the task exists:
-- 'not_on_task' (and not the Ministry Office), 'no_task', 'not_on_task_behalf'
-- (the Office, for a unit that is not on the task), 'cancelled'.
CREATE OR REPLACE FUNCTION reporter_refusal(p_plan text, p_number integer, p_unit text, p_on_behalf boolean)
RETURNS text LANGUAGE plpgsql STABLE AS $$
DECLARE
  on_task boolean := EXISTS (SELECT 1 FROM task_units WHERE plan_id = p_plan AND number = p_number AND unit = p_unit);
  task_status smallint;
BEGIN
  IF NOT on_task AND NOT p_on_behalf THEN RETURN 'not_on_task'; END IF;
  SELECT status INTO task_status FROM tasks WHERE plan_id = p_plan AND number = p_number AND removed_in IS NULL;
  IF NOT FOUND THEN RETURN 'no_task'; END IF;
  IF NOT on_task THEN RETURN 'not_on_task_behalf'; END IF;
  IF task_status = status_cancelled() THEN RETURN 'cancelled'; END IF;
  RETURN '';
END $$;

CREATE OR REPLACE FUNCTION report_progress(
  p_request_id text, p_fingerprint text,
  p_plan text, p_number integer, p_occurrence_due date, p_occurrence_sub integer,
  p_unit text, p_on_behalf boolean, p_subject text,
  p_status smallint, p_percent integer,
  p_report_id bigint, p_create_time timestamptz, p_report bytea,
  p_event_resource text, p_event bytea)
RETURNS TABLE (refusal text, answer bytea) LANGUAGE plpgsql AS $$
DECLARE
  earlier record;
  why text;
BEGIN
  -- Who may: before any replay, and before the request log's lock is taken, as
  -- db::Idempotent's callers do (CheckMayReport).
  why := reporter_refusal(p_plan, p_number, p_unit, p_on_behalf);
  IF why IN ('not_on_task', 'not_on_task_behalf') THEN
    RETURN QUERY SELECT why, NULL::bytea;
    RETURN;
  END IF;
  SELECT l.outcome, l.response INTO earlier
  FROM request_log_lookup(p_subject, p_request_id, 'ReportProgress', p_fingerprint) l;  -- common/db/functions.
  IF FOUND THEN
    RETURN QUERY SELECT earlier.outcome, earlier.response;
    RETURN;
  END IF;

  PERFORM lock_task_for_write(p_plan, p_number);  -- Before the first write: see 004.
  why := reporter_refusal(p_plan, p_number, p_unit, p_on_behalf);  -- Again, under the task's lock.
  IF why = '' AND p_occurrence_due IS NOT NULL AND NOT EXISTS (
      SELECT 1 FROM occurrences WHERE plan_id = p_plan AND number = p_number
        AND due_date = p_occurrence_due AND sub_activity = p_occurrence_sub) THEN
    why := 'no_occurrence';
  END IF;
  IF why <> '' THEN
    RETURN QUERY SELECT why, NULL::bytea;
    RETURN;
  END IF;

  INSERT INTO progress_reports
    (id, plan_id, number, occurrence_due, occurrence_sub, reporting_unit, report, reported_by, create_time)
  OVERRIDING SYSTEM VALUE
  VALUES (p_report_id, p_plan, p_number, p_occurrence_due, p_occurrence_sub, p_unit, p_report, p_subject, p_create_time);
  IF p_occurrence_due IS NULL THEN
    UPDATE tasks SET status = p_status, percent_complete = p_percent, version = version + 1, update_time = p_create_time
    WHERE plan_id = p_plan AND number = p_number;
  ELSE
    UPDATE occurrences SET status = p_status, submission_count = submission_count + 1
    WHERE plan_id = p_plan AND number = p_number AND due_date = p_occurrence_due AND sub_activity = p_occurrence_sub;
  END IF;
  INSERT INTO events (kind, resource, request_id, payload) VALUES (event_progress_reported(), p_event_resource, p_request_id, p_event);
  PERFORM request_log_record(p_subject, p_request_id, 'ReportProgress', p_fingerprint, p_report);
  RETURN QUERY SELECT '', p_report;
END $$;
