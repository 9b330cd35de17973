#!/usr/bin/env bash
# GetTask loaded from outside the process, as a user's load would be, beside a bare
# gRPC server loaded the same way on the same machine in the same run, and through the
# gateway's REST route with a bearer token verified on every request.
#
#   tests/bench/h2load_bench.sh
#
# The in-process benchmark (task_bench.cc) puts its clients in the server's process, so
# their work hides the server's cost. Here the real binaries run as processes and
# h2load (nghttp2-client) loads them over TCP: the baseline is p06-bench-echo
# (tests/bench/echo_server.cc: gRPC's default health service and nothing else, load
# /grpc.health.v1.Health/Check), the subject is p06-task's GetTask on one task of the
# 2025 plan (answered from the service's cache). Runs are interleaved, echo then
# GetTask, for P06_BENCH_ROUNDS rounds, so that a change in the machine's load hits
# both alike. DESIGN.md's target: GetTask at >= 70% of the bare server's requests/s at
# 16 concurrent clients. Each round then runs GET /v1/plans/…/tasks/7 on p06-gateway
# over HTTP/1.1 (h2load --h1; the gateway speaks HTTP/1.1), each request carrying an
# RS256 token the gateway verifies (its per-principal rate limit off): issue #13's
# target is REST at >= 60% of direct GetTask's requests/s, adding under 2 ms at p99.
#
# Two kinds of run. Saturated: each client sends its next call as soon as the last is
# answered, so requests/s is the most the path can do, and its latency is mostly the
# wait behind the other 15 calls in flight on a 2-core box that also runs h2load: the
# slower path waits longer, and the p99 gap between two saturated runs measures
# throughput more than the gateway's own delay. At a fixed rate (P06_BENCH_RATE
# requests/s in all, the same for both paths, below what either can do), the same 16
# clients meet the same load, and the p99 gap is the time the REST path adds to a
# call. Both are printed, each as the median of the per-round differences (the two
# runs of a round are seconds apart, so they meet the same machine).
#
# Figures, not assertions: the script fails only when the setup fails or a call
# failed, never on a ratio: exit status 0, 1 when a call failed, 2 when the setup
# failed.
#
# Needs the build in $P06_BUILD_DIR (default build/): p06-directory, p06-task,
# p06-gateway, p06ctl and tests/bench/p06-bench-echo (or P06_ECHO_BINARY=path). Installs nghttp2-client
# when h2load is missing (as root, or with sudo). Starts a throwaway PostgreSQL
# cluster in a temporary directory; everything it starts is stopped, and the
# directory removed, at exit (also on Ctrl-C).
#
# Environment: P06_BENCH_SECONDS (5: measured seconds per run, after 1 s of warm-up),
# P06_BENCH_ROUNDS (3), P06_BENCH_CLIENTS (16: connections, one call in flight on
# each), P06_BENCH_RATE (2000: requests/s in all of the fixed-rate runs, spread over
# the clients; 0: none), P06_BENCH_THREADS (1: h2load's threads), P06_BENCH_TASK (the task read),
# P06_BENCH_GATEWAY_FLAGS (more flags for p06-gateway, to compare settings),
# P06_BENCH_GATEWAY_B (another p06-gateway binary, a build to compare: each round then
# also runs "restb", the same REST load on it, its ratio over the rest run before it,
# so that both builds meet the same machine), P06_BENCH_PORT (21491: the first port tried; PostgreSQL and the services take the
# next free ones; below Linux's ephemeral range, 32768–60999, so that no outgoing
# connection takes a port between its choice and its bind), P06_ECHO_BINARY, P06_BUILD_DIR.
#
# gRPC errors: h2load sees every answered call as HTTP 200 (the gRPC status is in the
# trailers), so they are read from the task server's own counter,
# grpc_server_handled_total{grpc_code!="OK"} of GetTask on its metrics port, before
# and after each run (warm-up included); for the REST run too, since the gateway calls
# GetTask, and each REST answer must have been one OK GetTask. The echo server has no metrics; h2load's own
# failures (resets, non-2xx, connection errors) are counted for both.
#
# CPU columns: the server's CPU time per request, and the cores that h2load and
# everything else on the machine (a build, say) used during the run, from
# /proc/<pid>/stat, bash's `time` and /proc/stat; "niced" is the part of "other" in
# niced processes (a nice-19 fuzzer takes only what is left over). With 2 cores,
# "other" well above "niced" means the figures of that run are not comparable.
set -euo pipefail
source "$(dirname "$0")/../../deploy/lib.sh"
cd "$P06_ROOT"

SECONDS_PER_RUN="${P06_BENCH_SECONDS:-5}"
ROUNDS="${P06_BENCH_ROUNDS:-3}"
CLIENTS="${P06_BENCH_CLIENTS:-16}"
RATE="${P06_BENCH_RATE:-2000}"
THREADS="${P06_BENCH_THREADS:-1}"
TASK="${P06_BENCH_TASK:-plans/910-qd-btp-2025/tasks/7}"
PLAN="$P06_ROOT/deploy/plans/qd-910-btp-2025.txt"
TARGET_PERCENT=70        # DESIGN.md: GetTask against the bare server
REST_TARGET_PERCENT=60   # issue #13: REST through the gateway against direct GetTask
REST_TARGET_ADDED_P99_MS=2
readonly STARTUP_WAIT=60  # seconds a service may take to answer its health check
readonly STOP_GRACE=15    # seconds a service may take to stop before SIGKILL

CTL="$P06_BUILD_DIR/services/p06ctl/p06ctl"
DIRECTORY_BIN="$P06_BUILD_DIR/services/directory/p06-directory"
TASK_BIN="$P06_BUILD_DIR/services/task/p06-task"
GATEWAY_BIN="$P06_BUILD_DIR/services/gateway/p06-gateway"
ECHO_BIN="${P06_ECHO_BINARY:-$P06_BUILD_DIR/tests/bench/p06-bench-echo}"

say() { echo "bench: $*" >&2; }
die() { say "$*"; exit 2; }

for bin in "$CTL" "$DIRECTORY_BIN" "$TASK_BIN" "$GATEWAY_BIN"; do
  [[ -x "$bin" ]] || die "$bin is not built (cmake --build $P06_BUILD_DIR)"
done
[[ -x "$ECHO_BIN" ]] || die "$ECHO_BIN is not built: build target p06-bench-echo, or set P06_ECHO_BINARY"
[[ "$SECONDS_PER_RUN" =~ ^[1-9][0-9]*$ && "$ROUNDS" =~ ^[1-9][0-9]*$ && "$CLIENTS" =~ ^[1-9][0-9]*$ ]] ||
  die "P06_BENCH_SECONDS, P06_BENCH_ROUNDS and P06_BENCH_CLIENTS must be positive integers"
[[ "$RATE" =~ ^(0|[1-9][0-9]*)$ ]] || die "P06_BENCH_RATE must be a whole number of requests/s"
[[ "$THREADS" =~ ^[1-9][0-9]*$ ]] || die "P06_BENCH_THREADS must be a positive integer"
# h2load's --rps is per client, and a whole number here.
RATE_PER_CLIENT=$((RATE / CLIENTS))
((RATE == 0 || RATE_PER_CLIENT > 0)) || die "P06_BENCH_RATE must be 0 or at least P06_BENCH_CLIENTS"
RATE=$((RATE_PER_CLIENT * CLIENTS))
RATE_CALLS=$((RATE * SECONDS_PER_RUN))
# The clients connect one after another over one call's interval (CLIENTS / RATE s):
# CONNECTS every CONNECT_PERIOD_MS. h2load counts periods in whole milliseconds and
# wants at least one connection per h2load thread in each.
if ((RATE > 0)); then
  if ((RATE >= 1000)); then
    CONNECTS=$(((RATE + 999) / 1000)) CONNECT_PERIOD_MS=1
  else
    CONNECTS=1 CONNECT_PERIOD_MS=$((1000 / RATE))
  fi
  ((CONNECTS >= THREADS)) || CONNECTS=$THREADS
  ((CONNECTS <= CLIENTS)) || die "P06_BENCH_RATE: at most $((CLIENTS * 1000)) requests/s with $CLIENTS clients"
fi

if ! command -v h2load >/dev/null; then
  say "installing nghttp2-client (h2load)"
  sudo=(); [[ $(id -u) -eq 0 ]] || sudo=(sudo)
  if ! "${sudo[@]}" apt-get install -y -q nghttp2-client >/dev/null; then
    "${sudo[@]}" apt-get update -q >/dev/null && "${sudo[@]}" apt-get install -y -q nghttp2-client >/dev/null
  fi
  command -v h2load >/dev/null || die "h2load is still missing"
fi

# ---------------------------------------------------------------------------
# Everything started is recorded here and stopped by cleanup, whatever the exit.

WORK=$(mktemp -d /tmp/p06-h2load-bench.XXXXXX)
chmod 755 "$WORK"   # PostgreSQL runs as the postgres user when we are root
declare -A started=()   # pid -> name
pg_started=0

cleanup() {
  local pid ticks
  trap '' INT TERM HUP
  for pid in "${!started[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${!started[@]}"; do
    ticks=0
    while kill -0 "$pid" 2>/dev/null; do
      if ((ticks == STOP_GRACE * 10)); then
        say "${started[$pid]} did not stop within ${STOP_GRACE}s; killing it"
        kill -KILL "$pid" 2>/dev/null || true
      fi
      sleep 0.1
      ticks=$((ticks + 1))
    done
    wait "$pid" 2>/dev/null || true
  done
  if ((pg_started)); then p06_pg_stop "$WORK/db"; fi
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

# Sets the variable named $1 to the next port on which nothing listens, from
# P06_BENCH_PORT up, never the same one twice. (Not $(free_port): a subshell would
# not remember what it handed out.)
next_port=${P06_BENCH_PORT:-21491}
free_port() {
  while ss -Htln "sport = :$next_port" | grep -q . || (exec 3<>"/dev/tcp/127.0.0.1/$next_port") 2>/dev/null; do
    next_port=$((next_port + 1))
  done
  printf -v "$1" %d "$next_port"
  next_port=$((next_port + 1))
}

# Starts $2... in the background with its output in $WORK/$1.log; records the pid,
# also in last_pid.
last_pid=""
start() {
  local name="$1"
  shift
  "$@" </dev/null >"$WORK/$name.log" 2>&1 &
  last_pid=$!
  started[$last_pid]="$name"
}

# Waits until the gRPC server $1 on port $2 answers its health check SERVING.
wait_healthy() {
  local name="$1" port="$2"
  p06_wait_serving "$port" "$STARTUP_WAIT" && return 0
  say "$name did not become healthy on port $port; the end of its log:"
  tail -n 20 "$WORK/$name.log" >&2
  exit 2
}

# ---------------------------------------------------------------------------
# Setup: PostgreSQL, the directory, the task service with the 2025 plan, the echo server.

free_port PG_PORT
pg_started=1   # before the start, so that an interrupted start is stopped too
# p06_pg_start goes on after a failed step (errexit is off in $(...)): check the result.
P06_DATABASE_URL=$(p06_pg_start "$WORK/db" "$PG_PORT") || true
if [[ -z "$P06_DATABASE_URL" ]] || ! psql -X -q "$P06_DATABASE_URL" -tAc 'SELECT 1' >/dev/null; then
  tail -n 20 "$WORK/db/postgres.log" >&2 2>/dev/null || true
  die "PostgreSQL did not start on port $PG_PORT"
fi
export P06_DATABASE_URL
p06_internal_keys "$WORK/keys" || die "could not make the internal keys"
export P06_INTERNAL_KEYS_DIR="$WORK/keys/operator"   # p06ctl's; each service gets its own below
say "PostgreSQL on port $PG_PORT (data in $WORK/db)"

free_port DIR_PORT; free_port DIR_METRICS
free_port TASK_PORT; free_port TASK_METRICS
free_port ECHO_PORT
start directory "$DIRECTORY_BIN" --grpc_port="$DIR_PORT" --metrics_port="$DIR_METRICS" \
  --internal_keys_dir="$WORK/keys/directory"
wait_healthy directory "$DIR_PORT"
start task "$TASK_BIN" --grpc_port="$TASK_PORT" --metrics_port="$TASK_METRICS" \
  --directory_target="127.0.0.1:$DIR_PORT" --internal_keys_dir="$WORK/keys/task"
TASK_PID=$last_pid
start echo "$ECHO_BIN" --port="$ECHO_PORT"
ECHO_PID=$last_pid
wait_healthy task "$TASK_PORT"
wait_healthy echo "$ECHO_PORT"
# The gateway, with a throwaway token issuer; only the task service is behind it.
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$WORK/issuer.pem" 2>/dev/null ||
  die "openssl could not make the issuer key"
"$CTL" jwks --signing_key="$WORK/issuer.pem" >"$WORK/jwks.json" || die "p06ctl jwks failed"
free_port GW_PORT; free_port GW_METRICS; free_port GW_HTTP
start gateway "$GATEWAY_BIN" --grpc_port="$GW_PORT" --metrics_port="$GW_METRICS" --http_port="$GW_HTTP" \
  --internal_keys_dir="$WORK/keys/gateway" \
  --jwks_file="$WORK/jwks.json" --jwt_issuer=p06-dev --task_target="127.0.0.1:$TASK_PORT" \
  --directory_target="127.0.0.1:$DIR_PORT" --rate_limit=0 ${P06_BENCH_GATEWAY_FLAGS:-}
GATEWAY_PID=$last_pid
wait_healthy gateway "$GW_PORT"
if [[ -n "${P06_BENCH_GATEWAY_B:-}" ]]; then
  [[ -x "$P06_BENCH_GATEWAY_B" ]] || die "P06_BENCH_GATEWAY_B: $P06_BENCH_GATEWAY_B is not an executable"
  free_port GWB_PORT; free_port GWB_METRICS; free_port GWB_HTTP
  start gateway-b "$P06_BENCH_GATEWAY_B" --grpc_port="$GWB_PORT" --metrics_port="$GWB_METRICS" --http_port="$GWB_HTTP" \
    --internal_keys_dir="$WORK/keys/gateway" \
    --jwks_file="$WORK/jwks.json" --jwt_issuer=p06-dev --task_target="127.0.0.1:$TASK_PORT" \
    --directory_target="127.0.0.1:$DIR_PORT" --rate_limit=0 ${P06_BENCH_GATEWAY_FLAGS:-}
  GATEWAY_B_PID=$last_pid
  wait_healthy gateway-b "$GWB_PORT"
fi
TOKEN=$("$CTL" token --signing_key="$WORK/issuer.pem" --subject=bench --roles=viewer --ttl=1h) ||
  die "p06ctl token failed"
"$CTL" import "$PLAN" --target="127.0.0.1:$TASK_PORT" >"$WORK/import.log" 2>&1 ||
  { tail -n 20 "$WORK/import.log" >&2; die "importing $PLAN failed"; }
say "plan loaded: $(tail -n 1 "$WORK/import.log")"

# The request bodies, as gRPC frames: flag byte 0 (not compressed), the length as 4
# bytes big-endian, then the protobuf message.
frame() {  # $1: output file; stdin: the message
  local msg="$WORK/msg.bin" n
  cat >"$msg"
  n=$(stat -c %s "$msg")
  printf "$(printf '\\x%02x' 0 $((n >> 24 & 255)) $((n >> 16 & 255)) $((n >> 8 & 255)) $((n & 255)))" >"$1"
  cat "$msg" >>"$1"
}
# GetTaskRequest{name = 1: string}: tag 0x0a, the length (one byte: under 128), the bytes.
((${#TASK} < 128)) || die "P06_BENCH_TASK is too long for this encoder"
{ printf '\x0a'; printf "\\x$(printf %02x "$(printf %s "$TASK" | wc -c)")"; printf %s "$TASK"; } | frame "$WORK/get_task.bin"
# HealthCheckRequest{}: empty, so a frame of length 0.
: | frame "$WORK/check.bin"

COMMON_HEADERS=(-H 'content-type: application/grpc' -H 'te: trailers')
# Proofs live five minutes: longer than the whole benchmark.
TASK_HEADERS=(-H 'x-p06-subject: bench' -H 'x-p06-roles: viewer'
  -H "x-p06-proof: $(p06_principal_proof "$P06_INTERNAL_KEYS_DIR" operator task bench '' viewer)")
ECHO_URL="http://127.0.0.1:$ECHO_PORT/grpc.health.v1.Health/Check"
TASK_URL="http://127.0.0.1:$TASK_PORT/p06.task.v1.TaskService/GetTask"
REST_URL="http://127.0.0.1:$GW_HTTP/v1/$TASK"
REST_HEADERS=(--h1 -H "authorization: Bearer $TOKEN")
[[ -z "${P06_BENCH_GATEWAY_B:-}" ]] || REST_URL_B="http://127.0.0.1:$GWB_HTTP/v1/$TASK"
if ! curl -fsS --max-time 10 -H "authorization: Bearer $TOKEN" "$REST_URL" >"$WORK/rest.json"; then
  tail -n 20 "$WORK/gateway.log" >&2
  die "GET $REST_URL through the gateway failed"
fi

# Writes to $1 GetTask's calls so far by grpc_code ("CODE COUNT" lines), from the task
# server's grpc_server_handled_total.
handled() {
  local page
  page=$(curl -fsS --max-time 5 "http://127.0.0.1:$TASK_METRICS/metrics") ||
    die "cannot read the task server's metrics on port $TASK_METRICS"
  awk '/^grpc_server_handled_total\{/ && /grpc_method="GetTask"/ {
         if (match($0, /grpc_code="[A-Z_]+"/)) n[substr($0, RSTART + 11, RLENGTH - 12)] += $NF
       }
       END { for (c in n) printf "%s %d\n", c, n[c] }' <<<"$page" >"$1"
}
# Prints the calls by code between snapshots $1 and $2, as "CODE=N ..." (OK first).
handled_delta() {
  awk 'FILENAME == ARGV[1] { before[$1] = $2; next } { d = $2 - before[$1]; if (d) n[$1] = d }
       END { if ("OK" in n) printf "OK=%d ", n["OK"]; for (c in n) if (c != "OK") printf "%s=%d ", c, n[c]; print "" }' \
    "$1" "$2"
}
# Sets the variable named $1 to the count of code $2 in a handled_delta line $3.
code_count() {
  local _count  # not a name a caller passes in $1
  _count=$(tr ' ' '\n' <<<"$3" | awk -F= -v c="$2" '$1 == c { print $2 }')
  printf -v "$1" %d "${_count:-0}"
}
# The calls not answered OK in a handled_delta line $1.
not_ok() { tr ' ' '\n' <<<"$1" | awk -F= '$1 != "" && $1 != "OK" { n += $2 } END { print n + 0 }'; }

# Before measuring: a few calls must reach GetTask and be answered OK, or the body,
# the headers or the plan are wrong and every figure below would be meaningless.
handled "$WORK/handled.0"
h2load -n 16 -c 1 "${COMMON_HEADERS[@]}" "${TASK_HEADERS[@]}" -d "$WORK/get_task.bin" "$TASK_URL" >"$WORK/check.out" 2>&1 ||
  { cat "$WORK/check.out" >&2; die "h2load failed against the task server"; }
handled "$WORK/handled.1"
delta=$(handled_delta "$WORK/handled.0" "$WORK/handled.1")
code_count ok OK "$delta"
if ((ok != 16 || $(not_ok "$delta") != 0)); then
  die "16 GetTask calls through h2load were answered: ${delta:-nothing} (see the task log $WORK/task.log)"
fi

# ---------------------------------------------------------------------------
# The runs.

CLK_TCK=$(getconf CLK_TCK)
proc_ticks() { awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat"; }   # utime + stime
# All CPUs' time not idle (nor waiting for I/O), then the part of it in niced processes.
cpu_ticks() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9, $3 }' /proc/stat; }
# Niced time is others' only when this script (so the servers and h2load) is not niced.
own_nice=$(ps -o ni= -p $$ | tr -d ' ')

declare -a row_name=() row_rps=() row_p99=()
errors_total=0

# One run: $1 its label, $2 echo|task|rest|restb (rest on gateway B)|task_at_rate|rest_at_rate|restb_at_rate (at
# $RATE requests/s), $3 the server's pid, $4 the body ("" for none), $5 the URL, then more h2load arguments.
# Prints a line of the table; appends to row_name, row_rps, row_p99.
run() {
  local label="$1" name="$2" pid="$3" body="$4" url="$5"
  shift 5
  # Saturated: for SECONDS_PER_RUN after a second of warm-up. At the rate: RATE_CALLS
  # calls, the clients connecting one after another over one call's interval, so that
  # their calls come evenly spread, not all 16 at once (h2load's --rps times each
  # client from its connection; with -D they all connect at once and call in step, and
  # even the bare echo server then answers at 1.5 ms p50 and 11 ms p99).
  local load_args=(-D "$SECONDS_PER_RUN" --warm-up-time=1) warm_up=1
  if [[ "$name" == *_at_rate ]]; then
    load_args=(-n "$RATE_CALLS" --rps="$RATE_PER_CLIENT" -r "$CONNECTS" --rate-period="${CONNECT_PERIOD_MS}ms")
    warm_up=0
  fi
  local out="$WORK/h2load.out" log="$WORK/requests.log" t0 t1 b0 b1 n0 n1 s0 s1
  rm -f "$log"
  if [[ "$name" != echo ]]; then handled "$WORK/handled.0"; fi
  local body_args=(); [[ -z "$body" ]] || body_args=(-d "$body")
  local headers=(); [[ "$name" == rest* ]] || headers=("${COMMON_HEADERS[@]}")
  s0=$(proc_ticks "$pid"); read -r b0 n0 < <(cpu_ticks); t0=$(date +%s.%N)
  local TIMEFORMAT='%U %S'
  { time h2load -c "$CLIENTS" -m 1 -t "$THREADS" "${load_args[@]}" \
      "${headers[@]}" "$@" "${body_args[@]}" --log-file="$log" "$url" >"$out" 2>&1; } 2>"$WORK/time.out" ||
    { cat "$out" >&2; die "h2load failed ($name)"; }
  t1=$(date +%s.%N); read -r b1 n1 < <(cpu_ticks); s1=$(proc_ticks "$pid")
  if [[ "$name" != echo ]]; then handled "$WORK/handled.1"; fi

  # "finished in 6.00s, 16543.20 req/s, ..." (over the measured seconds only) and
  # "requests: N total, N started, N done, N succeeded, N failed, N errored, N timeout".
  local rps done succeeded
  rps=$(awk '/^finished in/ { gsub(",", ""); print $4 }' "$out")
  read -r done succeeded < <(awk '/^requests:/ { print $6, $8 }' "$out")
  [[ -n "$rps" && -n "$done" ]] || { cat "$out" >&2; die "cannot read h2load's output ($name)"; }
  # The log has one line per measured request: start (us since epoch), HTTP status,
  # microseconds until the end of the response.
  local p50 p99
  read -r p50 p99 < <(cut -f3 "$log" | sort -n | awk '{ v[NR] = $1 }
    END { if (NR == 0) { print "- -"; exit }
          i50 = int(NR * 0.50 + 0.999999); i99 = int(NR * 0.99 + 0.999999)
          printf "%.2f %.2f\n", v[i50] / 1000, v[i99] / 1000 }')

  # When its time is up h2load resets the call in flight on each connection. The task
  # server counts such a call CANCELLED, or INVALID_ARGUMENT when the reset came before
  # the request's message (its interceptor takes the missing message for one that does
  # not parse). Up to one such call per connection is the stop, not a failure; the
  # control run at the end, which h2load does not cut short, checks that.
  local grpc_errors=0 transport_errors=$((done - succeeded)) errors_text="n/a" delta cut=0 n
  if [[ "$name" != echo ]]; then
    delta=$(handled_delta "$WORK/handled.0" "$WORK/handled.1")
    code_count n CANCELLED "$delta"; cut=$n
    code_count n INVALID_ARGUMENT "$delta"; cut=$((cut + n))
    # Only a run timed by -D is cut short; a run of -n calls has none to forgive.
    ((warm_up && cut <= CLIENTS)) || cut=0
    grpc_errors=$(($(not_ok "$delta") - cut))
    errors_text="$grpc_errors"
    ((cut == 0)) || errors_text+=" ($cut cut)"
    echo "$label: $delta" >>"$WORK/codes.log"
  fi
  ((transport_errors == 0)) || errors_text+=" (+$transport_errors h2load)"
  errors_total=$((errors_total + grpc_errors + transport_errors))

  local ratio="" h2_ticks target="$TARGET_PERCENT"
  [[ "$name" != rest ]] || target="$REST_TARGET_PERCENT"
  [[ "$name" != restb ]] || target=100  # B against A, the same load
  case "$name" in
    echo) ;;
    task_at_rate) ratio=$(awk -v a="$rps" -v r="$RATE" 'BEGIN { printf "%.0f%% of rate", 100 * a / r }') ;;
    rest_at_rate) ratio=$(awk -v a="$p99" -v b="${row_p99[-1]}" 'BEGIN { printf "p99 %+.2f ms", a - b }') ;;
    restb_at_rate) ratio=$(awk -v a="$p99" -v b="${row_p99[-1]}" 'BEGIN { printf "p99 %+.2f ms B", a - b }') ;;
    *) ratio=$(awk -v a="$rps" -v b="${row_rps[-1]}" -v t="$target" 'BEGIN { printf "%.0f%% (>= %d%%)", 100 * a / b, t }') ;;
  esac
  h2_ticks=$(awk -v tck="$CLK_TCK" '{ printf "%d", ($1 + $2) * tck }' "$WORK/time.out")
  awk -v run="$label" -v name="$name" -v url="${url#http://127.0.0.1:*/}" -v rps="$rps" -v p50="$p50" -v p99="$p99" \
      -v err="$errors_text" -v ratio="$ratio" -v srv=$((s1 - s0)) -v busy=$((b1 - b0)) -v h2="$h2_ticks" \
      -v niced="$( ((own_nice == 0)) && echo $((n1 - n0)) || echo -1)" \
      -v wall="$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')" -v tck="$CLK_TCK" -v secs="$SECONDS_PER_RUN" -v warm="$warm_up" -v calls="$done" 'BEGIN {
    # The server CPU covers warm-up and measurement: spread it over the requests of both,
    # taking the warm-up second to run at the measured rate. A run at the rate has no
    # warm-up: its CPU is spread over its calls.
    us = srv / tck * 1e6 / (warm ? rps * (secs + warm) : calls)
    other = (busy - srv - h2) / tck / wall; if (other < 0) other = 0
    niced_text = niced < 0 ? "-" : sprintf("%.2f", niced / tck / wall)
    printf "%-13s %-32s %9.0f %7s %7s %-16s %-14s %8.1f %6.2f %6.2f %6s\n", run, url, rps, p50, p99, err, ratio, us,
      h2 / tck / wall, other, niced_text }'
  row_name+=("$name")
  row_rps+=("$rps")
  row_p99+=("$p99")
}

at_rate_text=""
((RATE == 0)) || at_rate_text=", $RATE_CALLS calls per run at $RATE req/s"
echo
echo "h2load against the real binaries: $CLIENTS clients, 1 call in flight each, $THREADS h2load thread(s)," \
  "${SECONDS_PER_RUN}s measured per saturated run after 1s warm-up$at_rate_text, $ROUNDS round(s); $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
printf "%-13s %-32s %9s %7s %7s %-16s %-14s %8s %6s %6s %6s\n" run target "req/s" "p50 ms" "p99 ms" "gRPC errors" \
  "vs before" "srv us/r" "h2load" "other" "niced"
for ((round = 1; round <= ROUNDS; round++)); do
  run "echo-$round" echo "$ECHO_PID" "$WORK/check.bin" "$ECHO_URL"
  run "task-$round" task "$TASK_PID" "$WORK/get_task.bin" "$TASK_URL" "${TASK_HEADERS[@]}"
  run "rest-$round" rest "$GATEWAY_PID" "" "$REST_URL" "${REST_HEADERS[@]}"
  if [[ -n "${P06_BENCH_GATEWAY_B:-}" ]]; then  # Not `||`: that would turn off errexit inside run.
    run "restb-$round" restb "$GATEWAY_B_PID" "" "$REST_URL_B" "${REST_HEADERS[@]}"
  fi
  if ((RATE > 0)); then
    run "task@$RATE-$round" task_at_rate "$TASK_PID" "$WORK/get_task.bin" "$TASK_URL" "${TASK_HEADERS[@]}"
    run "rest@$RATE-$round" rest_at_rate "$GATEWAY_PID" "" "$REST_URL" "${REST_HEADERS[@]}"
    if [[ -n "${P06_BENCH_GATEWAY_B:-}" ]]; then
      run "restb@$RATE-$round" restb_at_rate "$GATEWAY_B_PID" "" "$REST_URL_B" "${REST_HEADERS[@]}"
    fi
  fi
done

# Control: a run of a fixed number of calls, which h2load lets finish, must have no
# call answered other than OK at all.
control_calls=$((CLIENTS * 200))
handled "$WORK/handled.0"
h2load -n "$control_calls" -c "$CLIENTS" -m 1 "${COMMON_HEADERS[@]}" "${TASK_HEADERS[@]}" -d "$WORK/get_task.bin" \
  "$TASK_URL" >"$WORK/control.out" 2>&1 || { cat "$WORK/control.out" >&2; die "h2load failed (control)"; }
handled "$WORK/handled.1"
delta=$(handled_delta "$WORK/handled.0" "$WORK/handled.1")
echo "control  $control_calls GetTask calls run to completion: $delta"
control_errors=$(not_ok "$delta")
errors_total=$((errors_total + control_errors))

echo "(gRPC errors: GetTask calls answered other than OK, from the task server's grpc_server_handled_total;"
echo " \"cut\": calls in flight that h2load reset when its time was up, one per connection at most, not"
echo " counted. vs before: GetTask's req/s over the echo run just before it, beside DESIGN.md's target;
 REST's over the GetTask run just before it, beside issue #13's; at the fixed rate, GetTask's req/s
 against the rate asked for (under 100%: the path could not keep up, and the run is saturated too),
 and what REST adds to the p99 of the GetTask run just before it. The REST runs' srv us/r is the
 gateway's CPU alone (the task server's comes on top)."
echo " srv us/r: the server's CPU time per call. h2load, other: the cores they used during the run; niced:"
echo " the part of other in niced processes, which take only time nothing else wants.)"
echo "GetTask calls by gRPC code in each run, warm-up included:"
sed 's/^/  /' "$WORK/codes.log"

median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
echo_rps=() task_rps=() rest_rps=() restb_rps=() added_p99=() added_p99_at_rate=() task_at_rate_rps=() rest_at_rate_rps=() b_p99_at_rate=()
for i in "${!row_name[@]}"; do
  case "${row_name[$i]}" in
    echo) echo_rps+=("${row_rps[$i]}") ;;
    task) task_rps+=("${row_rps[$i]}") ;;
    rest) rest_rps+=("${row_rps[$i]}") ;;
    restb) restb_rps+=("${row_rps[$i]}") ;;
    task_at_rate) task_at_rate_rps+=("${row_rps[$i]}") ;;
    rest_at_rate) rest_at_rate_rps+=("${row_rps[$i]}") ;;
  esac
  # What REST adds at p99: against the GetTask run of its round, saturated or at the rate.
  for ((j = i - 1; j >= 0; j--)); do
    if [[ "${row_name[$i]}" == rest && "${row_name[$j]}" == task ]]; then
      added_p99+=("$(awk -v a="${row_p99[$i]}" -v b="${row_p99[$j]}" 'BEGIN { print a - b }')"); break
    fi
    if [[ "${row_name[$i]}" == rest_at_rate && "${row_name[$j]}" == task_at_rate ]]; then
      added_p99_at_rate+=("$(awk -v a="${row_p99[$i]}" -v b="${row_p99[$j]}" 'BEGIN { print a - b }')"); break
    fi
    if [[ "${row_name[$i]}" == restb_at_rate && "${row_name[$j]}" == rest_at_rate ]]; then
      b_p99_at_rate+=("$(awk -v a="${row_p99[$i]}" -v b="${row_p99[$j]}" 'BEGIN { print a - b }')"); break
    fi
  done
done
echo_median=$(median "${echo_rps[@]}")
task_median=$(median "${task_rps[@]}")
rest_median=$(median "${rest_rps[@]}")
echo
awk -v e="$echo_median" -v t="$task_median" -v target="$TARGET_PERCENT" 'BEGIN {
  printf "median echo    (Health/Check) %9.0f req/s\n", e
  printf "median GetTask                %9.0f req/s\n", t
  printf "ratio                         %9.0f %%       target >= %d%% (DESIGN.md): %s\n", 100 * t / e, target,
    (100 * t / e >= target) ? "reached" : "not reached"
}'
awk -v t="$task_median" -v r="$rest_median" -v target="$REST_TARGET_PERCENT" 'BEGIN {
  printf "median REST (gateway, JWT)    %9.0f req/s\n", r
  printf "ratio REST / GetTask          %9.0f %%       target >= %d%% (issue #13): %s\n", 100 * r / t, target,
    (100 * r / t >= target) ? "reached" : "not reached"
}'
# $1: what was measured; then the per-round differences in ms.
print_added() {
  local what="$1"
  shift
  awk -v m="$(median "$@")" -v all="$(printf '%.2f ' "$@")" -v what="$what" -v added="$REST_TARGET_ADDED_P99_MS" 'BEGIN {
    printf "p99 added by REST, %s: median %.2f ms (rounds: %s); target < %d ms (issue #13): %s\n", what, m, all,
      added, (m < added) ? "reached" : "not reached" }'
}
print_added "saturated (a wait behind $((CLIENTS - 1)) other calls, see above)" "${added_p99[@]}"
if ((${#added_p99_at_rate[@]} > 0)); then
  task_at_rate_median=$(median "${task_at_rate_rps[@]}")
  rest_at_rate_median=$(median "${rest_at_rate_rps[@]}")
  print_added "both at $RATE req/s (medians: GetTask $task_at_rate_median, REST $rest_at_rate_median req/s)" \
    "${added_p99_at_rate[@]}"
  # h2load keeps the calls a slow server is not ready for in its own queue and times a
  # call from when it is sent: a path that fell behind the rate looks faster than it is.
  awk -v r="$RATE" -v t="$task_at_rate_median" -v g="$rest_at_rate_median" 'BEGIN {
    if (t < 0.99 * r || g < 0.99 * r) print "  (a path fell behind the rate: its p99 leaves out the wait in h2load, so the gap is not the whole delay)" }'
fi

if ((${#restb_rps[@]} > 0)); then
  awk -v a="$rest_median" -v b="$(median "${restb_rps[@]}")" -v bin="$P06_BENCH_GATEWAY_B" 'BEGIN {
    printf "median REST B (%s) %9.0f req/s: %.0f %% of this build'"'"'s\n", bin, b, 100 * b / a }'
  if ((${#b_p99_at_rate[@]} > 0)); then
    echo "p99 of REST B at $RATE req/s over this build's: median $(median "${b_p99_at_rate[@]}") ms more" \
      "(rounds: $(printf '%.2f ' "${b_p99_at_rate[@]}"))"
  fi
fi

if ((errors_total > 0)); then
  say "$errors_total calls failed during the runs (see the table)"
  exit 1
fi
