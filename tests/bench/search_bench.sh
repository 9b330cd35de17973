#!/usr/bin/env bash
# How ListTasks' word search should find and rank tasks, measured: the same folded
# texts searched three ways on one throwaway PostgreSQL, in one run.
#
#   tests/bench/search_bench.sh
#
#   strpos    every folded word a substring of the text (what ListTasks did before:
#             no index, no ranking);
#   fts       a tsvector of the folded text ('simple' configuration, title weighted
#             above the rest) with a GIN index, every word a prefix of a word
#             (to_tsquery 'w:* & …'), ranked with ts_rank_cd;
#   trigram   pg_trgm's GIN index on the folded text, every word a substring
#             (LIKE '%w%'), ranked with word_similarity.
#
# The texts are the 2025 plan's folded titles and products, with their words shuffled
# into P06_BENCH_TASKS (200,000) synthetic tasks over P06_BENCH_PLANS (4,000) plans. Two
# searches each: within one plan (what ListTasks does: a plan holds ~50 tasks) and
# over every plan (what a search across years would do). Prints the median of
# P06_BENCH_REPEATS (15) runs, each method's time beside strpos's, and the index sizes.
# Figures, not assertions.
set -euo pipefail
source "$(dirname "$0")/../../deploy/lib.sh"
root=$(cd "$(dirname "$0")/../.." && pwd)
tasks=${P06_BENCH_TASKS:-200000}
plans=${P06_BENCH_PLANS:-4000}
repeats=${P06_BENCH_REPEATS:-15}
port=${P06_BENCH_PORT:-21591}
work=$(mktemp -d)
[[ $(id -u) -eq 0 ]] && chown postgres "$work"
trap 'p06_pg_stop "$work"; rm -rf "$work"' EXIT
url=$(p06_pg_start "$work" "$port")

# The plan's words, folded as text::Fold does (NFD, marks dropped, đ → d, punctuation
# → spaces, lower case), one task per line.
python3 - "$root/deploy/plans/qd-910-btp-2025.txt" > "$work/words.txt" <<'EOF'
import re, sys, unicodedata
def fold(s):
    s = unicodedata.normalize('NFD', s.replace('đ', 'd').replace('Đ', 'D'))
    s = ''.join(c for c in s if unicodedata.category(c) != 'Mn').lower()
    return ' '.join(re.sub(r'[^\w]+', ' ', s).split())
for line in open(sys.argv[1], encoding='utf-8'):
    f = fold(line)
    if len(f.split()) >= 6: print(f)
EOF

psql -X -q -v ON_ERROR_STOP=1 "$url" <<SQL
CREATE EXTENSION pg_trgm;
CREATE TEMP TABLE lines (n serial, text text);
\copy lines (text) FROM '$work/words.txt'
CREATE TABLE tasks (plan_id bigint, number int, title text, rest text, search_text text,
                    search_vector tsvector, PRIMARY KEY (plan_id, number));
SELECT count(*) AS lines FROM lines \\gset
CREATE TEMP TABLE numbered AS SELECT n - 1 AS k, text FROM lines;
CREATE INDEX ON numbered (k);
INSERT INTO tasks
SELECT i / 50, i % 50, a.text, b.text, a.text || ' | ' || b.text,
       setweight(to_tsvector('simple', a.text), 'A') || setweight(to_tsvector('simple', b.text), 'B')
FROM generate_series(0::bigint, $tasks - 1) i
JOIN numbered a ON a.k = (i * 7919) % :lines
JOIN numbered b ON b.k = (i * 104729 + 13) % :lines;
CREATE INDEX tasks_fts ON tasks USING gin (search_vector);
CREATE INDEX tasks_trgm ON tasks USING gin (search_text gin_trgm_ops);
VACUUM ANALYZE tasks;
SQL

# Median execution time (ms) of a query, from EXPLAIN ANALYZE.
median_ms() {
  local sql="$1" times=()
  for ((i = 0; i < repeats; i++)); do
    times+=("$(psql -X -q -tA "$url" -c "EXPLAIN (ANALYZE, FORMAT JSON) $sql" |
      python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["Execution Time"])')")
  done
  printf '%s\n' "${times[@]}" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
}

# A common search and a rare one: an index helps only when few tasks match, and
# ranking has to score every match before it can return the best 50.
for search in "dinh danh dien tu" "chu ky so"; do
  read -r -a words <<< "$search"
  strpos_where=$(printf "strpos(search_text, '%s') > 0 AND " "${words[@]}")
  like_where=$(printf "search_text LIKE '%%%s%%' AND " "${words[@]}")
  tsquery=$(printf "%s:* & " "${words[@]}")
  tsquery=${tsquery% & }
  matches=$(psql -X -q -tA "$url" -c "SELECT count(*) FROM tasks WHERE search_vector @@ to_tsquery('simple', '$tsquery')")
  echo "search \"${words[*]}\" over $tasks tasks in $plans plans ($matches match as words)"
  for scope in "plan_id = 17" "true"; do
    label=$([[ $scope == true ]] && echo "every plan" || echo "one plan")
    base=$(median_ms "SELECT number FROM tasks WHERE $scope AND ${strpos_where} true ORDER BY plan_id, number LIMIT 50")
    fts=$(median_ms "SELECT number FROM tasks WHERE $scope AND search_vector @@ to_tsquery('simple', '$tsquery')
                     ORDER BY ts_rank_cd(search_vector, to_tsquery('simple', '$tsquery')) DESC, plan_id, number LIMIT 50")
    trgm=$(median_ms "SELECT number FROM tasks WHERE $scope AND ${like_where} true
                      ORDER BY word_similarity('${words[*]}', search_text) DESC, plan_id, number LIMIT 50")
    printf '  %-10s strpos %8.3f ms   fts %8.3f ms (%.2fx)   trigram %8.3f ms (%.2fx)\n' "$label" "$base" "$fts" \
      "$(echo "$fts / $base" | bc -l)" "$trgm" "$(echo "$trgm / $base" | bc -l)"
  done
done
psql -X -q -tA "$url" -c "SELECT '  index sizes: fts ' || pg_size_pretty(pg_relation_size('tasks_fts')) ||
                           ', trigram ' || pg_size_pretty(pg_relation_size('tasks_trgm'))"
