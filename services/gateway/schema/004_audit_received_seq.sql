-- The outcome of a forwarded mutation names the entry written before it was forwarded
-- (stage 'received'), so that an auditor pairs them exactly even when a client used
-- one request id twice. 0: none (refusals, and rows from before).
ALTER TABLE audit_entries ADD COLUMN received_seq bigint NOT NULL DEFAULT 0;
