-- A mutation is recorded before it is forwarded (stage 'received'), so that one the
-- gateway forwarded is in the log even if the gateway dies before the answer; its
-- outcome follows as an entry of its own. Rows from before are outcomes ('': the
-- hash covers the field only when it is set, so their hashes stay as they were).
ALTER TABLE audit_entries ADD COLUMN stage text NOT NULL DEFAULT '';
