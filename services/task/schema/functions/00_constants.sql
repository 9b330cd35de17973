-- The numbers of the proto enums that SQL compares with, by name, so that no query
-- writes a bare number (tests/integration/task_sql_constants_test.cc checks each
-- against the generated enums). IMMUTABLE SQL functions: the planner folds them.
CREATE OR REPLACE FUNCTION status_completed() RETURNS smallint
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT 3::smallint $$;  -- TASK_STATUS_COMPLETED
CREATE OR REPLACE FUNCTION status_cancelled() RETURNS smallint
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT 5::smallint $$;  -- TASK_STATUS_CANCELLED
CREATE OR REPLACE FUNCTION role_lead() RETURNS smallint
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT 1::smallint $$;  -- UnitRole::kLead (drafts.h)
CREATE OR REPLACE FUNCTION role_coordinating() RETURNS smallint
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT 2::smallint $$;  -- UnitRole::kCoordinating
CREATE OR REPLACE FUNCTION event_progress_reported() RETURNS smallint
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT 3::smallint $$;  -- Event.KIND_PROGRESS_REPORTED
