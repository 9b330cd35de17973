-- The numbers of the proto enums that SQL compares with, by name, so that no query
-- writes a bare number (tests/integration/notification_sql_constants_test.cc checks
-- each against the generated enums). IMMUTABLE SQL functions: the planner folds them
-- to the integer constant, the same comparison (smallint = integer) as the partial
-- indexes' "state = 1", so those indexes still serve the queries that name them (a
-- smallint result would be another operator, and the index could not be proved usable).
CREATE OR REPLACE FUNCTION notice_pending() RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT 1 $$;  -- Notice.STATE_PENDING
CREATE OR REPLACE FUNCTION notice_withdrawn() RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT 3 $$;  -- Notice.STATE_WITHDRAWN
CREATE OR REPLACE FUNCTION delivery_pending() RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT 1 $$;  -- Delivery.STATE_PENDING
CREATE OR REPLACE FUNCTION delivery_delivered() RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT 2 $$;  -- Delivery.STATE_DELIVERED
CREATE OR REPLACE FUNCTION delivery_failed() RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT 3 $$;  -- Delivery.STATE_FAILED
CREATE OR REPLACE FUNCTION status_completed() RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT 3 $$;  -- p06.task.v1.TASK_STATUS_COMPLETED
CREATE OR REPLACE FUNCTION status_cancelled() RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT 5 $$;  -- p06.task.v1.TASK_STATUS_CANCELLED
