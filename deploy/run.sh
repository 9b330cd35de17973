#!/usr/bin/env bash
# Sets up and runs the whole suite on this machine.
#
#   deploy/run.sh
#
# Installs what is missing, builds, starts a private PostgreSQL cluster in ./data
# (or uses P06_DATABASE_URL when set), starts every service (each applies its own
# migrations), waits until each answers its health check, loads the 2025 plan
# (deploy/plans/; importing the same text again changes nothing), prints the
# endpoints, and on Ctrl-C or SIGTERM stops everything cleanly. Data is kept for the
# next start.
#
# Environment: P06_DATABASE_URL, P06_DATA_DIR (default ./data), P06_PG_PORT (55432),
# and any service flag as P06_<FLAG> (see README.md).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$P06_ROOT"

"$P06_ROOT/deploy/install-deps.sh"
p06_build

DATA="${P06_DATA_DIR:-$P06_ROOT/data}"
PG_PORT="${P06_PG_PORT:-55432}"
private_pg=0
if [[ -z "${P06_DATABASE_URL:-}" ]]; then
  P06_DATABASE_URL=$(p06_pg_start "$DATA" "$PG_PORT")
  private_pg=1
fi
export P06_DATABASE_URL
mkdir -p "$DATA/logs"

# name  binary                                  gRPC  metrics
SERVICES=(
  "directory services/directory/p06-directory 7101 9101"
  "task services/task/p06-task 7102 9102"
)
export P06_DIRECTORY_TARGET="${P06_DIRECTORY_TARGET:-127.0.0.1:7101}"

pids=()
stop_all() {
  trap - INT TERM EXIT
  echo "run: stopping"
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  ((private_pg)) && p06_pg_stop "$DATA"
  echo "run: stopped; data kept in $DATA"
}
trap 'stop_all; exit 0' INT TERM
trap stop_all EXIT

for entry in "${SERVICES[@]}"; do
  read -r name binary grpc_port metrics_port <<<"$entry"
  [[ -x "$P06_BUILD_DIR/$binary" ]] || continue
  "$P06_BUILD_DIR/$binary" --grpc_port="$grpc_port" --metrics_port="$metrics_port" \
    >>"$DATA/logs/$name.log" 2>&1 &
  pids+=($!)
done

for entry in "${SERVICES[@]}"; do
  read -r name binary grpc_port metrics_port <<<"$entry"
  [[ -x "$P06_BUILD_DIR/$binary" ]] || continue
  for _ in $(seq 1 300); do
    "$P06_BUILD_DIR/services/p06ctl/p06ctl" health --target="127.0.0.1:$grpc_port" --timeout=1s >/dev/null 2>&1 && break
    sleep 0.1
  done
  if ! "$P06_BUILD_DIR/services/p06ctl/p06ctl" health --target="127.0.0.1:$grpc_port" --timeout=1s >/dev/null; then
    echo "run: $name did not become healthy; see $DATA/logs/$name.log" >&2
    tail -n 20 "$DATA/logs/$name.log" >&2
    exit 1
  fi
  printf 'run: %-12s gRPC 127.0.0.1:%s  metrics http://127.0.0.1:%s/metrics\n' "$name" "$grpc_port" "$metrics_port"
done
if [[ -x "$P06_BUILD_DIR/services/task/p06-task" ]]; then
  for plan in "$P06_ROOT"/deploy/plans/*.txt; do
    "$P06_BUILD_DIR/services/p06ctl/p06ctl" import "$plan" --target=127.0.0.1:7102 \
      >"$DATA/logs/import-$(basename "$plan" .txt).log" || { echo "run: importing $plan failed" >&2; exit 1; }
    echo "run: plan loaded: $(tail -n 1 "$DATA/logs/import-$(basename "$plan" .txt).log")"
  done
fi
((private_pg)) && echo "run: PostgreSQL   127.0.0.1:$PG_PORT (data in $DATA/pg, password in $DATA/password)"
echo "run: logs in $DATA/logs; press Ctrl-C to stop"

# Wait until a signal arrives or a service exits on its own.
wait -n "${pids[@]}" || true
echo "run: a service exited unexpectedly; see $DATA/logs" >&2
exit 1
