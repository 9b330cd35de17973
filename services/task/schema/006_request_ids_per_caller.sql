-- Request ids are scoped to their caller (request_log gained a caller column, see
-- common/db/migrations.cc), and a retry is answered only after the caller's
-- permission is checked again: before, a report that reused another unit's request_id
-- and payload got back that unit's stored answer, skipping the permission check.
--
-- report_progress keeps its arguments; p_subject is the caller. Its steps are now:
-- lock (caller, request id) as db::LookupRequest does; refuse a reporter that may not
-- report on the task; replay an earlier answer of this caller; then write.
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
  PERFORM pg_advisory_xact_lock(hashtextextended(p_subject || ' ' || p_request_id, 0));  -- db::RequestLockKey.
  why := reporter_refusal(p_plan, p_number, p_unit, p_on_behalf);
  IF why IN ('not_on_task', 'not_on_task_behalf') THEN  -- Who may: before any replay.
    RETURN QUERY SELECT why, NULL::bytea;
    RETURN;
  END IF;
  SELECT method, fingerprint, request_log.response AS bytes INTO earlier
  FROM request_log WHERE caller = p_subject AND request_id = p_request_id;
  IF FOUND THEN
    IF earlier.method <> 'ReportProgress' OR earlier.fingerprint <> p_fingerprint THEN
      RETURN QUERY SELECT 'request_id_reused', NULL::bytea;
    ELSE
      RETURN QUERY SELECT 'replay', earlier.bytes;
    END IF;
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
  INSERT INTO events (kind, resource, request_id, payload) VALUES (3, p_event_resource, p_request_id, p_event);
  INSERT INTO request_log (caller, request_id, method, fingerprint, response)
  VALUES (p_subject, p_request_id, 'ReportProgress', p_fingerprint, p_report);
  RETURN QUERY SELECT '', p_report;
END $$;
