-- Word search that ranks (ListTasks.query): a tsvector of each task's folded search
-- text, its title weighted above the rest (products, note, the units as printed),
-- with a GIN index. tests/bench/search_bench.sh measured it against pg_trgm: within
-- a plan both answer in about a millisecond, fts ~3x faster; over 200,000 tasks fts
-- ranked 8-12x faster than trigram with an index half the size. Words are matched
-- as prefixes ('dien:*'), which trigram cannot rank as words.
-- search_text is "title | rest" (text::Fold leaves no "|" of its own); the column is
-- generated, so every writer of search_text keeps it right.
ALTER TABLE tasks ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
  setweight(to_tsvector('simple'::regconfig, split_part(search_text, ' | ', 1)), 'A') ||
  setweight(to_tsvector('simple'::regconfig,
                        substr(search_text, length(split_part(search_text, ' | ', 1)) + 4)), 'B')) STORED;
CREATE INDEX tasks_search ON tasks USING gin (search_vector);
