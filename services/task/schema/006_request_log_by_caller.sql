-- Request ids are scoped to their caller (common/db/idempotency.h): the request log,
-- keyed by request_id alone before, gains the caller and is keyed by both. A numbered
-- migration, so that a binary of the previous release, which would look rows up by
-- request_id alone and replay another caller's answer, refuses this schema.
-- Rows logged before keep caller '' (no caller has that subject): they replay to nobody.
-- (A new schema already has the column and key: common/db/migrations.cc creates them.)
ALTER TABLE request_log ADD COLUMN IF NOT EXISTS caller text NOT NULL DEFAULT '';
DO $$ BEGIN
  IF (SELECT i.indnatts FROM pg_index i WHERE i.indisprimary AND i.indrelid = 'request_log'::regclass) = 1 THEN
    ALTER TABLE request_log DROP CONSTRAINT request_log_pkey, ADD PRIMARY KEY (caller, request_id);
  END IF;
END $$;
