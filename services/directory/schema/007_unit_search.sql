-- Word search that ranks (ListUnits.query), as the task service's (its
-- 007_task_search.sql says what was measured): a tsvector of each unit's folded search
-- text, its code and name weighted above its aliases, with a GIN index.
-- search_text is "code | name | alias | …" (UnitSearchText; text::Fold leaves no "|" of
-- its own); the column is generated, so the service's backfill at start keeps it right.
ALTER TABLE units ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
  setweight(to_tsvector('simple'::regconfig,
                        split_part(search_text, ' | ', 1) || ' ' || split_part(search_text, ' | ', 2)), 'A') ||
  setweight(to_tsvector('simple'::regconfig,
                        substr(search_text, length(split_part(search_text, ' | ', 1)) +
                                            length(split_part(search_text, ' | ', 2)) + 7)), 'B')) STORED;
CREATE INDEX units_search ON units USING gin (search_vector);
