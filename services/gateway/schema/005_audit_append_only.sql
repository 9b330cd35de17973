-- Append-only by the database too, not only by the gateway's use: an UPDATE, DELETE
-- or TRUNCATE of the audit log is refused, whoever sends it (a bug, an injected
-- statement, a hurried operator). The table's owner can still drop the trigger; what
-- that owner changes afterwards the hash chain finds (a row changed or deleted in the
-- middle), and rows deleted from the end are found by checking against a head kept
-- from an earlier check (p06ctl audit verify --known_head).
CREATE FUNCTION audit_entries_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'gateway.audit_entries is append-only: % refused', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER audit_entries_no_change BEFORE UPDATE OR DELETE ON audit_entries
  FOR EACH ROW EXECUTE FUNCTION audit_entries_append_only();
CREATE TRIGGER audit_entries_no_truncate BEFORE TRUNCATE ON audit_entries
  FOR EACH STATEMENT EXECUTE FUNCTION audit_entries_append_only();
