-- The request log of common/db/idempotency.h, as SQL functions every service schema
-- has (created at every start, before the service's own functions): the one place
-- that knows how a request id is locked, looked up and recorded. Used by
-- db::LookupRequest / db::RecordRequest and by SQL functions that write in one
-- statement (task's report_progress).

-- Serialises requests with one (caller, request_id), then tells what was logged:
-- no row for a new request; 'replay' with the stored response for a retry;
-- 'request_id_reused' when the id was used for another method or request.
CREATE OR REPLACE FUNCTION request_log_lookup(p_caller text, p_request_id text, p_method text, p_fingerprint text)
RETURNS TABLE (outcome text, response bytea) LANGUAGE plpgsql AS $$
DECLARE
  earlier record;
BEGIN
  PERFORM pg_advisory_xact_lock(hashtextextended(p_caller || ' ' || p_request_id, 0));
  SELECT l.method, l.fingerprint, l.response AS bytes INTO earlier
  FROM request_log l WHERE l.caller = p_caller AND l.request_id = p_request_id;
  IF NOT FOUND THEN RETURN; END IF;
  IF earlier.method <> p_method OR earlier.fingerprint <> p_fingerprint THEN
    RETURN QUERY SELECT 'request_id_reused'::text, NULL::bytea;
  ELSE
    RETURN QUERY SELECT 'replay'::text, earlier.bytes;
  END IF;
END $$;

-- Records the response of a request that succeeded, in the transaction of its effect.
CREATE OR REPLACE FUNCTION request_log_record(p_caller text, p_request_id text, p_method text, p_fingerprint text,
                                              p_response bytea)
RETURNS void LANGUAGE sql AS $$
  INSERT INTO request_log (caller, request_id, method, fingerprint, response)
  VALUES (p_caller, p_request_id, p_method, p_fingerprint, p_response);
$$;
