#!/usr/bin/env bash
# Sets up and runs the whole suite on this machine, and keeps it running.
#
#   deploy/run.sh
#
# Installs what is missing, builds, starts a private PostgreSQL cluster in ./data
# (or uses P06_DATABASE_URL when set), starts every service (each applies its own
# migrations), waits until each answers its health check, loads the 2025 plan
# (deploy/plans/; importing the same text again changes nothing) and prints the
# endpoints. Data is kept for the next start.
#
# Each service runs under a supervisor: when it exits by itself (a crash, kill -9,
# exit 1) it is restarted after 1 s, then 2, 4, … at most 30 s between attempts,
# back to 1 s once it has stayed up for 60 s; each restart is reported on stderr.
# Only Ctrl-C, SIGTERM (or a hang-up) stop the suite: the services drain, then the
# private PostgreSQL cluster stops. The supervisor never restarts PostgreSQL (the
# services retry their connections); it warns when the cluster is down.
#
# Environment: P06_DATABASE_URL, P06_DATA_DIR (default ./data), P06_PG_PORT (55432),
# and any service flag as P06_<FLAG> (see README.md).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$P06_ROOT"

readonly BACKOFF_FIRST=1   # seconds before the first restart; doubles on each quick exit
readonly BACKOFF_MAX=30    # seconds, the longest wait between restarts
readonly STABLE_AFTER=60   # seconds up after which the back-off starts again at BACKOFF_FIRST
readonly STOP_GRACE=30     # seconds a stopping service may take (its drain deadline is 10 s) before SIGKILL
readonly WATCH_EVERY=10    # seconds between looks at PostgreSQL
readonly HEALTH_WAIT=60    # seconds a starting service may take to answer its health check

"$P06_ROOT/deploy/install-deps.sh"
p06_build

DATA="${P06_DATA_DIR:-$P06_ROOT/data}"
PG_PORT="${P06_PG_PORT:-55432}"
CTL="$P06_BUILD_DIR/services/p06ctl/p06ctl"

# name  binary                                  gRPC  metrics
SERVICES=(
  "directory services/directory/p06-directory 7101 9101"
  "task services/task/p06-task 7102 9102"
  "reporting services/reporting/p06-reporting 7103 9103"
  "notification services/notification/p06-notification 7104 9104"
  "gateway services/gateway/p06-gateway 7100 9100"
)
export P06_DIRECTORY_TARGET="${P06_DIRECTORY_TARGET:-127.0.0.1:7101}"
export P06_TASK_TARGET="${P06_TASK_TARGET:-127.0.0.1:7102}"

# ---------------------------------------------------------------------------
# Supervision of one service. Runs in a background subshell per service, so the
# variables below are that subshell's own.

service_pid=""     # the running service, if any
napper_pid=""      # the back-off sleep, if one is running
stop_requested=0   # set by SIGTERM from stop_all

# Runs service $1 (binary $2, ports $3 and $4) until SIGTERM, restarting it with
# back-off whenever it exits by itself. Its log keeps growing in $DATA/logs/$1.log.
supervise() {
  local name="$1" binary="$2" grpc_port="$3" metrics_port="$4"
  local delay=$BACKOFF_FIRST restarts=0 started status

  # The handler only records the request: SIGTERM interrupts the `wait` below at
  # once, and the loop then leaves through the EXIT trap, the one place that stops
  # the service. Also a supervisor that fails under `set -e` takes its service along.
  trap 'stop_requested=1' TERM HUP
  trap 'stop_supervised "$name"' EXIT

  while ((!stop_requested)); do
    started=$SECONDS
    # A session of its own keeps Ctrl-C away from the service: a service that
    # drained on SIGINT by itself would look like an exit to restart. Only
    # stop_supervised stops it. (setsid execs in place: $! is the service.)
    setsid "$P06_BUILD_DIR/$binary" --grpc_port="$grpc_port" --metrics_port="$metrics_port" \
      --internal_keys_dir="$INTERNAL_KEYS/$name" \
      </dev/null >>"$DATA/logs/$name.log" 2>&1 &
    service_pid=$!
    # Checked again here: a SIGTERM before $! was known had nothing to stop.
    if ((stop_requested)); then break; fi

    # `wait` returns the service's status, or >128 early when SIGTERM arrives. Its
    # stderr is dropped: that is where bash reports "Killed …" for a job, and the
    # line below says it once.
    status=0
    wait "$service_pid" 2>/dev/null || status=$?
    if ((stop_requested)); then break; fi
    service_pid=""

    if ((SECONDS - started >= STABLE_AFTER)); then delay=$BACKOFF_FIRST; fi
    restarts=$((restarts + 1))
    echo "run: $name exited (status $status); restarting in ${delay}s (restart $restarts)" >&2
    # Sleep in the background and `wait` for it: a foreground sleep would hold
    # SIGTERM back until it ended, up to BACKOFF_MAX seconds.
    sleep "$delay" &
    napper_pid=$!
    wait "$napper_pid" || true
    if ((stop_requested)); then break; fi
    napper_pid=""
    delay=$((delay * 2 > BACKOFF_MAX ? BACKOFF_MAX : delay * 2))
  done
}

# Stops what supervise left running: the back-off sleep, and the service with
# SIGTERM (it drains its calls), waiting for it; SIGKILL after STOP_GRACE seconds,
# so that nothing is left behind.
stop_supervised() {
  local name="$1" ticks=0
  if [[ -n "$napper_pid" ]]; then kill "$napper_pid" 2>/dev/null || true; fi
  if [[ -z "$service_pid" ]]; then return 0; fi
  kill -TERM "$service_pid" 2>/dev/null || true
  # Polled rather than waited for, to bound the wait; bash reaps the child as it exits.
  while kill -0 "$service_pid" 2>/dev/null; do
    if ((ticks == STOP_GRACE * 10)); then
      echo "run: $name did not stop within ${STOP_GRACE}s; killing it" >&2
      kill -KILL "$service_pid" 2>/dev/null || true
    fi
    sleep 0.1
    ticks=$((ticks + 1))
  done
  wait "$service_pid" 2>/dev/null || true
}

# ---------------------------------------------------------------------------
# The suite as a whole (the main shell).

declare -A supervised=()   # supervisor pid -> service name
private_pg=0
smtp_sink_pid=""
pg_down=0
stopping=0

# Waits up to HEALTH_WAIT seconds for service $1 on port $2 to answer SERVING (its
# supervisor restarts it meanwhile if it exits); else prints the end of its log.
wait_healthy() {
  local name="$1" grpc_port="$2"
  p06_wait_serving "$grpc_port" "$HEALTH_WAIT" && return 0
  echo "run: $name did not become healthy; see $DATA/logs/$name.log" >&2
  tail -n 20 "$DATA/logs/$name.log" >&2
  return 1
}

# Imports every plan text in deploy/plans/ into the task service.
load_plans() {
  local plan log
  for plan in "$P06_ROOT"/deploy/plans/*.txt; do
    log="$DATA/logs/import-$(basename "$plan" .txt).log"
    if ! "$CTL" import "$plan" --target=127.0.0.1:7102 >"$log"; then
      echo "run: importing $plan failed; see $log" >&2
      return 1
    fi
    echo "run: plan loaded: $(tail -n 1 "$log")"
  done
}

# Creates the monthly reports of 2025 of the 2025 plan (910/QĐ-BTP). Each has a fixed
# request id, so a second start returns the reports the first one made. The reporting
# service refuses (FAILED_PRECONDITION) while its read model is still catching up
# with the plan's events: retried for up to HEALTH_WAIT seconds.
create_reports() {
  local month log="$DATA/logs/reports-2025.log" give_up=$((SECONDS + HEALTH_WAIT))
  : >"$log"
  for month in 01 02 03 04 05 06 07 08 09 10 11 12; do
    until "$CTL" report create --target=127.0.0.1:7103 --plan=plans/910-qd-btp-2025 --kind=MONTHLY \
      --label="2025-$month" --request_id="run-sh-2025-$month" --subject=run.sh >>"$log" 2>&1; do
      if ((SECONDS >= give_up)); then
        echo "run: creating the report of 2025-$month failed; see $log" >&2
        return 1
      fi
      sleep 0.5
    done
  done
  echo "run: reports: the 12 monthly reports of 2025 (P06_INTERNAL_KEYS_DIR=$INTERNAL_KEYS/operator p06ctl report list --target=127.0.0.1:7103)"
}

# PostgreSQL is not restarted here (that needs a look at why it died, and the
# services retry their connections), but a dead cluster explains the errors
# about to fill the logs: say so once, and again when it is back.
check_database() {
  if p06_pg_running "$DATA"; then
    if ((pg_down)); then echo "run: PostgreSQL in $DATA/pg is running again" >&2; fi
    pg_down=0
  elif ((!pg_down)); then
    echo "run: warning: PostgreSQL in $DATA/pg is not running (pg_ctl status failed);" \
      "the services keep retrying; see $DATA/postgres.log" >&2
    pg_down=1
  fi
}

# Stops every service (they drain), waits for them, then the private cluster.
# Runs once, from the signal traps or on any exit of this script.
stop_all() {
  if ((stopping)); then return 0; fi
  stopping=1
  # A second Ctrl-C must not cut this short and leave PostgreSQL running; it is
  # bounded by STOP_GRACE.
  trap '' INT TERM HUP
  echo "run: stopping"
  if [[ -n "$napper_pid" ]]; then kill "$napper_pid" 2>/dev/null || true; fi
  local pid
  for pid in "${!supervised[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${!supervised[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [[ -n "$smtp_sink_pid" ]]; then kill "$smtp_sink_pid" 2>/dev/null || true; fi
  if ((private_pg)); then p06_pg_stop "$DATA"; fi
  echo "run: stopped; data kept in $DATA"
}
trap 'stop_all; exit 0' INT TERM HUP
trap stop_all EXIT

if [[ -z "${P06_DATABASE_URL:-}" ]]; then
  private_pg=1   # before starting it, so that an interrupted start is stopped too
  P06_DATABASE_URL=$(p06_pg_start "$DATA" "$PG_PORT")
fi
export P06_DATABASE_URL
mkdir -p "$DATA/logs"
# The keys with which the gateway and the services prove principals to each other (and
# p06ctl, run on this machine, to them): a keys directory per process, each with its
# own key and every process's public key, made once and kept with the data.
INTERNAL_KEYS="$DATA/internal-keys"
p06_internal_keys "$INTERNAL_KEYS"
export P06_INTERNAL_KEYS_DIR="$INTERNAL_KEYS/operator"   # p06ctl's, here and in its calls below
# A development token issuer for the gateway, unless one is configured (the
# ministry's OpenID Connect provider: P06_JWKS_FILE and P06_JWT_ISSUER; README.md).
if [[ -z "${P06_JWKS_FILE:-}" ]]; then
  [[ -s "$DATA/dev-issuer.pem" ]] ||
    (umask 077; openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$DATA/dev-issuer.pem" 2>/dev/null)
  "$CTL" jwks --signing_key="$DATA/dev-issuer.pem" >"$DATA/dev-jwks.json"
  export P06_JWKS_FILE="$DATA/dev-jwks.json" P06_JWT_ISSUER=p06-dev
fi

# The gateway's mutual-TLS port for other ministry systems (7443), unless configured:
# a development CA, the gateway's certificate, and one development system allowed to
# read ("CN=dev-system"), in $DATA/tls. README.md says how to add real systems.
if [[ -z "${P06_TLS_PORT:-}" ]]; then
  p06_dev_tls "$DATA/tls"
  export P06_TLS_PORT=7443 P06_TLS_CERT_FILE="$DATA/tls/gateway.pem" P06_TLS_KEY_FILE="$DATA/tls/gateway.key"
  export P06_TLS_CLIENT_CA_FILE="$DATA/tls/ca.pem" P06_TLS_CLIENT_PRINCIPALS_FILE="$DATA/tls/principals.txt"
fi

# A local mail sink for the notification service's e-mail (every message kept in
# $DATA/mail.jsonl), unless a real SMTP server is configured.
if [[ -z "${P06_SMTP_URL:-}" ]]; then
  /usr/bin/python3 "$P06_ROOT/deploy/tools/smtp_sink.py" --port 2525 --out "$DATA/mail.jsonl" \
    >>"$DATA/logs/smtp-sink.log" 2>&1 &
  smtp_sink_pid=$!
fi

for entry in "${SERVICES[@]}"; do
  read -r name binary grpc_port metrics_port <<<"$entry"
  [[ -x "$P06_BUILD_DIR/$binary" ]] || continue
  supervise "$name" "$binary" "$grpc_port" "$metrics_port" &
  supervised[$!]="$name"
done

for entry in "${SERVICES[@]}"; do
  read -r name binary grpc_port metrics_port <<<"$entry"
  [[ -x "$P06_BUILD_DIR/$binary" ]] || continue
  wait_healthy "$name" "$grpc_port" || exit 1
  printf 'run: %-12s gRPC 127.0.0.1:%s  metrics http://127.0.0.1:%s/metrics\n' "$name" "$grpc_port" "$metrics_port"
done
if [[ -x "$P06_BUILD_DIR/services/task/p06-task" ]]; then
  load_plans || exit 1
fi
if [[ -x "$P06_BUILD_DIR/services/reporting/p06-reporting" ]]; then
  create_reports || exit 1
fi
if [[ -n "$smtp_sink_pid" ]]; then
  echo "run: e-mail       smtp://127.0.0.1:2525, kept in $DATA/mail.jsonl (deploy/tools/smtp_sink.py)"
fi
if ((private_pg)); then
  echo "run: PostgreSQL   127.0.0.1:$PG_PORT (data in $DATA/pg, password in $DATA/password)"
fi
if [[ -s "$DATA/dev-issuer.pem" && "${P06_JWT_ISSUER:-}" == p06-dev ]]; then
  echo "run: gateway      REST http://127.0.0.1:8080/v1/ (OpenAPI at /v1/openapi.json); a development token for the Office:"
  echo "     export TOKEN=$("$CTL" token --signing_key="$DATA/dev-issuer.pem" --subject=vanphong --roles=office)"
  echo "     curl -H \"Authorization: Bearer \$TOKEN\" http://127.0.0.1:8080/v1/plans/910-qd-btp-2025/tasks/7"
fi
if [[ "${P06_TLS_PORT:-}" == 7443 && -s "$DATA/tls/dev-system.pem" ]]; then
  echo "run: gateway      gRPC with mutual TLS on localhost:7443 for other systems; a development system's"
  echo "     certificate: $DATA/tls/dev-system.pem (key dev-system.key, CA ca.pem), allowed to read"
fi
echo "run: logs in $DATA/logs; press Ctrl-C to stop"

# Until a signal arrives: look at PostgreSQL now and then, and notice a supervisor
# that ended (it should not: that is a bug in this script, so stop everything).
# The sleep runs in the background so that a signal is handled at once.
while :; do
  sleep "$WATCH_EVERY" &
  napper_pid=$!
  finished=""
  wait -n -p finished "$napper_pid" "${!supervised[@]}" || true
  if [[ -n "$finished" && "$finished" != "$napper_pid" ]]; then
    echo "run: the supervisor of ${supervised[$finished]} ended unexpectedly; stopping" >&2
    exit 1
  fi
  napper_pid=""
  if ((private_pg)); then check_database; fi
done
