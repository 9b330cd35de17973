-- The outbox without a global counter.
--
-- Before: seq came from a counter row locked until COMMIT, so seq order was commit
-- order, but every writer waited for the previous writer's COMMIT and its WAL flush:
-- no group commit, one write at a time.
--
-- Now each event records the id of its transaction (xid8). A reader takes only the
-- events of transactions older than every transaction still running (the xmin of its
-- snapshot), in (xid, seq) order. Those transactions have ended, so nothing can ever
-- appear behind a reader's position: no event is skipped, however late its
-- transaction commits. Every write transaction takes its advisory locks below before
-- its first write (which is when PostgreSQL assigns its xid), so two transactions
-- that touch the same task or plan get xids in the order in which they commit: the
-- stream orders them as they committed. Transactions on different tasks commute.
ALTER TABLE events ADD COLUMN xid xid8 NOT NULL DEFAULT '0';  -- Events written before: first.
ALTER TABLE events ALTER COLUMN xid SET DEFAULT pg_current_xact_id();
CREATE SEQUENCE events_seq OWNED BY events.seq;
SELECT setval('events_seq', coalesce(max(seq), 0) + 1, false) FROM events;
ALTER TABLE events ALTER COLUMN seq SET DEFAULT nextval('events_seq');
ALTER TABLE events DROP CONSTRAINT events_pkey;  -- seq is unique by its sequence; one index less per write.
ALTER TABLE events ADD CONSTRAINT events_pkey PRIMARY KEY (xid, seq);
DROP TABLE event_counter;

-- Lock classes of pg_advisory_xact_lock(int, int): 1 = plan, 2 = task.
-- A write to one task: shared on its plan (imports wait), exclusive on the task.
CREATE FUNCTION lock_task_for_write(p_plan text, p_number integer) RETURNS void
LANGUAGE sql AS $$
  SELECT pg_advisory_xact_lock_shared(1, hashtext(p_plan));
  SELECT pg_advisory_xact_lock(2, hashtext(p_plan || '/' || p_number));
$$;
-- An import or revision of a whole plan: exclusive on the plan.
CREATE FUNCTION lock_plan_for_write(p_plan text) RETURNS void
LANGUAGE sql AS $$
  SELECT pg_advisory_xact_lock(1, hashtext(p_plan));
$$;

-- Who may report on a task: '' when `p_unit` may, else why not. Checked in this
-- order so that a stranger learns nothing, not even whether the task exists:
-- 'not_on_task' (and not the Ministry Office), 'no_task', 'not_on_task_behalf'
-- (the Office, for a unit that is not on the task), 'cancelled'.
CREATE FUNCTION reporter_refusal(p_plan text, p_number integer, p_unit text, p_on_behalf boolean)
RETURNS text LANGUAGE plpgsql STABLE AS $$
DECLARE
  on_task boolean := EXISTS (SELECT 1 FROM task_units WHERE plan_id = p_plan AND number = p_number AND unit = p_unit);
  task_status smallint;
BEGIN
  IF NOT on_task AND NOT p_on_behalf THEN RETURN 'not_on_task'; END IF;
  SELECT status INTO task_status FROM tasks WHERE plan_id = p_plan AND number = p_number AND removed_in IS NULL;
  IF NOT FOUND THEN RETURN 'no_task'; END IF;
  IF NOT on_task THEN RETURN 'not_on_task_behalf'; END IF;
  IF task_status = 5 THEN RETURN 'cancelled'; END IF;
  RETURN '';
END $$;

-- ReportProgress in one statement, so one round trip: the request log, the checks,
-- the report, the task's or occurrence's status and the event. The
-- caller builds the stored report, the response and the event (it chose the
-- report's id from progress_reports_ids), so a retry gets back the same bytes.
-- Returns (refusal, answer): refusal '' with the response; 'replay' with the
-- response of the earlier request with this id; 'request_id_reused'; one of
-- reporter_refusal's; 'no_occurrence'. Nothing is written unless refusal is ''.
CREATE SEQUENCE progress_reports_ids;
SELECT setval('progress_reports_ids', (SELECT coalesce(max(id), 0) + 1 FROM progress_reports), false);

CREATE FUNCTION report_progress(
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
  PERFORM pg_advisory_xact_lock(hashtextextended(p_request_id, 0));  -- As db::LookupRequest.
  SELECT method, fingerprint, request_log.response AS bytes INTO earlier
  FROM request_log WHERE request_id = p_request_id;
  IF FOUND THEN
    IF earlier.method <> 'ReportProgress' OR earlier.fingerprint <> p_fingerprint THEN
      RETURN QUERY SELECT 'request_id_reused', NULL::bytea;
    ELSE
      RETURN QUERY SELECT 'replay', earlier.bytes;
    END IF;
    RETURN;
  END IF;

  PERFORM lock_task_for_write(p_plan, p_number);  -- Before the first write: see above.
  why := reporter_refusal(p_plan, p_number, p_unit, p_on_behalf);
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
  INSERT INTO request_log (request_id, method, fingerprint, response)
  VALUES (p_request_id, 'ReportProgress', p_fingerprint, p_report);
  RETURN QUERY SELECT '', p_report;
END $$;
