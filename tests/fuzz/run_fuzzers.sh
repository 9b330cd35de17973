#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz with clang-14 in a build directory of their
# own, runs each for a while, merges the new inputs that add coverage into
# tests/fuzz/corpus/<name>/ and keeps reproducers of findings in tests/fuzz/crashes/<name>/.
#
#   tests/fuzz/run_fuzzers.sh                                # all four, 600 s each
#   P06_FUZZ_SECONDS=120 tests/fuzz/run_fuzzers.sh time_phrase resource_name
#
# Environment:
#   P06_FUZZ_SECONDS    seconds per target (600)
#   P06_FUZZ_BUILD_DIR  build directory (<repo>/build-fuzz)
#   P06_FUZZ_JOBS       ninja -j (1: the machine is shared; everything runs under nice -n 19)
#   P06_FUZZ_TIMEOUT    seconds one input may take before libFuzzer calls it a timeout (25)
#   P06_FUZZ_KEEP_GOING 1: go on after a finding (libFuzzer's -fork=1 -ignore_crashes=1 ...),
#                       to look past a known bug; the statistics are then the fork mode's
#   P06_FUZZ_CMAKE_ARGS extra arguments for the first cmake run
#
# Exit status: 0 when no target found anything, 1 when one did, 2 on a setup error.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
fuzz_dir="$root/tests/fuzz"
build="${P06_FUZZ_BUILD_DIR:-$root/build-fuzz}"
seconds="${P06_FUZZ_SECONDS:-600}"
jobs="${P06_FUZZ_JOBS:-1}"
timeout="${P06_FUZZ_TIMEOUT:-25}"
all_targets=(plan_document time_phrase cursor_page_token resource_name)
targets=("$@")
if (($# == 0)); then targets=("${all_targets[@]}"); fi

# The longest input per target: a plan's text (seeds stay under 64 KiB), one table cell,
# a cursor or a token (over ParsePageRequest's 4096-character limit), a resource name.
declare -A max_len=([plan_document]=65000 [time_phrase]=4096 [cursor_page_token]=8192 [resource_name]=512)
for t in "${targets[@]}"; do
  [[ -n "${max_len[$t]:-}" ]] || { echo "run_fuzzers: unknown target $t (one of ${all_targets[*]})" >&2; exit 2; }
done

say() { echo "run_fuzzers: $*"; }

# --- Toolchain: clang-14 and its runtimes (libFuzzer, ASan, UBSan).
as_root() { if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi; }
missing=()
command -v clang++-14 >/dev/null 2>&1 || missing+=(clang-14)
dpkg-query -W -f='${Status}' libclang-rt-14-dev 2>/dev/null | grep -q "install ok installed" || missing+=(libclang-rt-14-dev)
if ((${#missing[@]} > 0)); then
  say "installing ${missing[*]}"
  if ! DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -q --no-install-recommends "${missing[@]}"; then
    as_root apt-get update -q
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -q --no-install-recommends "${missing[@]}"
  fi
fi
# The suite's own build dependencies (protobuf, gRPC, absl, ICU, ...), if absent.
if ! command -v cmake >/dev/null 2>&1 || ! command -v ninja >/dev/null 2>&1 || ! command -v protoc >/dev/null 2>&1; then
  "$root/deploy/install-deps.sh"
fi

# --- Configure (once) and build only the fuzz targets and their replay executables.
if [[ ! -f "$build/CMakeCache.txt" ]]; then
  say "configuring $build"
  # shellcheck disable=SC2086  # P06_FUZZ_CMAKE_ARGS is a list of arguments.
  CC=clang-14 CXX=clang++-14 cmake -S "$root" -B "$build" -G Ninja -DP06_FUZZ=ON \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo ${P06_FUZZ_CMAKE_ARGS:-}
fi
build_targets=()
for t in "${targets[@]}"; do build_targets+=("p06_fuzz_$t" "p06_fuzz_${t}_replay"); done
say "building ${build_targets[*]} (nice -n 19, -j$jobs)"
nice -n 19 cmake --build "$build" -j "$jobs" --target "${build_targets[@]}"

# --- Run, merge, report.
summary=()
found=0
for t in "${targets[@]}"; do
  bin="$build/tests/fuzz/p06_fuzz_$t"
  corpus="$fuzz_dir/corpus/$t"
  scratch="$build/fuzz-scratch/$t"
  rm -rf "$scratch"
  mkdir -p "$scratch/new" "$scratch/artifacts" "$corpus"
  before=$(find "$corpus" -type f | wc -l)
  args=(-max_len="${max_len[$t]}" -max_total_time="$seconds" -timeout="$timeout" -rss_limit_mb=2560
        -artifact_prefix="$scratch/artifacts/" -print_final_stats=1)
  [[ -f "$fuzz_dir/dict/$t.dict" ]] && args+=(-dict="$fuzz_dir/dict/$t.dict")
  [[ "${P06_FUZZ_KEEP_GOING:-0}" == 1 ]] && args+=(-fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1)

  say "$t: fuzzing for ${seconds}s (max_len ${max_len[$t]}), log $scratch/fuzz.log"
  # New inputs go to the first directory (scratch); the repository's corpus is only read.
  rc=0
  UBSAN_OPTIONS=print_stacktrace=1 nice -n 19 "$bin" "${args[@]}" "$scratch/new" "$corpus" \
    >"$scratch/fuzz.log" 2>&1 || rc=$?

  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$scratch/fuzz.log" | tail -1)
  [[ -n "$execs" ]] || execs=$(grep -oE '^#[0-9]+' "$scratch/fuzz.log" | tail -1 | tr -d '#')
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$scratch/fuzz.log" | tail -1)
  # libFuzzer's last status line: coverage counters and the in-memory corpus ("corp: N/size").
  cov=$(grep -E '^#[0-9]+' "$scratch/fuzz.log" | tail -1 | grep -oE 'cov: [0-9]+ ft: [0-9]+ corp: [0-9]+(/[0-9A-Za-z]+)?' || true)

  findings=()
  mkdir -p "$fuzz_dir/crashes/$t"
  # Smallest first; with P06_FUZZ_KEEP_GOING one bug can leave many artifacts: keep 3.
  while IFS= read -r f; do
    cp "$f" "$fuzz_dir/crashes/$t/"
    findings+=("tests/fuzz/crashes/$t/$(basename "$f")")
  done < <(find "$scratch/artifacts" -maxdepth 1 -type f \( -name 'crash-*' -o -name 'timeout-*' -o -name 'oom-*' \
             -o -name 'leak-*' \) -printf '%s %p\n' | sort -n | head -3 | cut -d' ' -f2-)
  total_findings=$(find "$scratch/artifacts" -maxdepth 1 -type f \( -name 'crash-*' -o -name 'timeout-*' -o -name 'oom-*' \
                     -o -name 'leak-*' \) | wc -l)
  rmdir "$fuzz_dir/crashes/$t" 2>/dev/null || true
  if ((${#findings[@]} > 0)) || { ((rc != 0)) && [[ "${P06_FUZZ_KEEP_GOING:-0}" != 1 ]]; }; then
    found=1
    status="FOUND ($total_findings artifacts, exit $rc): ${findings[*]:-no artifact, see the log}"
    say "$t: finding; the report:"
    grep -m1 -B2 -A30 -E '^==[0-9]+==ERROR|runtime error|fuzz invariant violated|ALARM|deadly signal' \
      "$scratch/fuzz.log" || tail -40 "$scratch/fuzz.log"
  else
    status="no crash"
  fi

  # Keep the new inputs that reach code the corpus does not: -merge=1 copies a minimal
  # set of them into the first directory. -use_counters=0 counts edges only, not how
  # often each runs, which keeps the corpus in the repository small (for plan_document
  # about a tenth of the files); the fuzzer finds the counter features again quickly.
  new_inputs=$(find "$scratch/new" -type f | wc -l)
  nice -n 19 "$bin" -merge=1 -use_counters=0 -max_len="${max_len[$t]}" -timeout="$timeout" -rss_limit_mb=2560 \
    -artifact_prefix="$scratch/artifacts/merge-" "$corpus" "$scratch/new" >"$scratch/merge.log" 2>&1 ||
    say "$t: merge failed, see $scratch/merge.log"
  after=$(find "$corpus" -type f | wc -l)
  summary+=("$(printf '%-18s executions %-9s exec/s %-5s %s; new inputs %s; corpus files %s -> %s; %s' \
    "$t" "${execs:-?}" "${rate:-?}" "${cov:-?}" "$new_inputs" "$before" "$after" "$status")")
done

# The replay executables over the merged corpora: what CTest runs in the unit tier.
say "replaying the corpora (ctest -L unit -R p06_fuzz_)"
replay_rc=0
ctest --test-dir "$build" -L unit -R "^p06_fuzz_($(IFS='|'; echo "${targets[*]}"))_replay\$" --output-on-failure ||
  replay_rc=$?
rmdir "$fuzz_dir/crashes" 2>/dev/null || true

echo
echo "run_fuzzers: summary (${seconds}s per target)"
for line in "${summary[@]}"; do echo "  $line"; done
((replay_rc == 0)) || { echo "  corpus replay FAILED"; found=1; }
exit "$found"
