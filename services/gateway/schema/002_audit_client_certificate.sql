-- Calls through the gateway's mutual-TLS gRPC port are made by systems, known by their
-- client certificate's subject: recorded beside the principal it was mapped to. Rows
-- from before have none (''), and their hashes stay as they were (the hash covers the
-- field only when it is not empty).
ALTER TABLE audit_entries ADD COLUMN client_certificate text NOT NULL DEFAULT '';
