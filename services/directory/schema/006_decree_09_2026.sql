-- Decree 09/2026/NĐ-CP (in force 2026-01-10), as far as shared REFERENCE.md gives it,
-- still twenty units:
-- - a Cục for the control of administrative procedures was added [V]; its name here is
--   reconstructed [U];
-- - Thanh tra Bộ is no longer listed [V]: it ends on 2026-01-10, with no successor
--   named, since the text that says who took its work over is not at hand [U];
-- - the three law Vụ became Cục [V], under names not known here [U]: not guessed; they
--   stay as they are until the official names are loaded (an UpdateUnit/RenameUnit).
-- Not modelled yet: the day a unit began, so this Cục also resolves before 2026-01-10.
INSERT INTO units (id, code, display_name, kind, parent_id, in_ministry, state, state_date) VALUES
  ('cuc-ksthc', 'CKSTTHC', 'Cục Kiểm soát thủ tục hành chính', 3, 'btp', true, 1, NULL);

INSERT INTO unit_aliases (unit_id, ordinal, text, kind) VALUES
  ('cuc-ksthc', 0, 'Cục KSTTHC', 2);

UPDATE units SET state = 4, state_date = '2026-01-10', version = version + 1, update_time = now()
WHERE id = 'thanh-tra-bo';

UPDATE directory_revision SET revision = revision + 1;
