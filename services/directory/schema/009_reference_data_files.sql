-- The reference data files (services/directory/reference_data/NNN_name.tsv) the
-- directory applied at start, each once: a later file may change what an earlier one
-- set up, so an applied file is never checked again. As with migrations, an applied
-- file must not be edited (its checksum is kept to notice): a correction is a new file.
CREATE TABLE reference_data_files (
  version     integer PRIMARY KEY,
  name        text NOT NULL,
  checksum    text NOT NULL,
  applied_at  timestamptz NOT NULL DEFAULT now()
);
