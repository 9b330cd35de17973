-- The gateway's audit log: every mutation and every refused attempt. Append-only by
-- use (the gateway only INSERTs) and tamper-evident by construction: each row carries
-- hash = SHA-256(prev_hash, its fields), so a row changed or deleted by hand breaks the
-- chain at that row (VerifyAuditLog, p06ctl audit verify). seq has no gaps: it is taken
-- as the last seq + 1 under the chain's lock, not from a sequence.
CREATE TABLE audit_entries (
  seq            bigint PRIMARY KEY,
  time_us        bigint NOT NULL,  -- Unix microseconds, exactly as hashed.
  subject        text NOT NULL,
  unit           text NOT NULL,
  roles          text NOT NULL,
  method         text NOT NULL,
  resource       text NOT NULL,
  code           text NOT NULL,
  request_id     text NOT NULL,
  remote_address text NOT NULL,
  http_method    text NOT NULL,
  http_status    integer NOT NULL,
  prev_hash      text NOT NULL,
  hash           text NOT NULL
);
CREATE INDEX audit_entries_subject ON audit_entries (subject, seq);
CREATE INDEX audit_entries_resource ON audit_entries (resource, seq);
CREATE INDEX audit_entries_time ON audit_entries (time_us);
