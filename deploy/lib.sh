# Shared by deploy/run.sh and deploy/test.sh: building, and a private PostgreSQL cluster.
# Source it; it defines functions and variables only.

P06_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
P06_BUILD_DIR="${P06_BUILD_DIR:-$P06_ROOT/build}"

# Configures (once) and builds everything into $P06_BUILD_DIR.
p06_build() {
  local extra=()
  [[ "${P06_SANITIZE:-0}" == 1 ]] && extra+=(-DP06_SANITIZE=ON)
  if [[ ! -f "$P06_BUILD_DIR/build.ninja" ]]; then
    cmake -S "$P06_ROOT" -B "$P06_BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "${extra[@]}"
  fi
  # Two jobs: a gRPC translation unit takes about 1 GiB of memory and the box has 2 cores.
  cmake --build "$P06_BUILD_DIR" -j "${P06_BUILD_JOBS:-2}"
}

p06_pg_bin() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [[ -n "$dir" ]] || { echo "no PostgreSQL server binaries; run deploy/install-deps.sh" >&2; return 1; }
  echo "$dir"
}

# Runs a PostgreSQL tool as the postgres user when we are root (it refuses root).
p06_as_pg() {
  if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# Starts (initialising on first use) a private cluster in $1 on port $2, with a
# password kept in $1/password, and prints its URL for database "p06".
p06_pg_start() {
  local data="$1" port="$2" bin
  bin=$(p06_pg_bin)
  mkdir -p "$data"
  if [[ ! -f "$data/password" ]]; then
    (umask 077; head -c 18 /dev/urandom | base64 | tr -d '+/=' > "$data/password")
  fi
  [[ $(id -u) -eq 0 ]] && chown postgres "$data" "$data/password"
  if [[ ! -f "$data/pg/PG_VERSION" ]]; then
    echo "run: initialising PostgreSQL in $data/pg" >&2
    p06_as_pg "$bin/initdb" -D "$data/pg" -U postgres --auth=scram-sha-256 --pwfile="$data/password" \
      -E UTF8 --locale=C.UTF-8 >/dev/null
  fi
  if ! p06_pg_running "$data"; then
    p06_as_pg "$bin/pg_ctl" start -w -t 60 -D "$data/pg" -l "$data/postgres.log" \
      -o "-p $port -k $data -c listen_addresses=127.0.0.1" >/dev/null
  fi
  local url_base="postgresql://postgres:$(cat "$data/password")@127.0.0.1:$port"
  if ! psql -X -q "$url_base/postgres" -tAc "SELECT 1 FROM pg_database WHERE datname = 'p06'" | grep -q 1; then
    psql -X -q "$url_base/postgres" -c "CREATE DATABASE p06" >/dev/null
  fi
  echo "$url_base/p06"
}

# Succeeds when the private cluster in $1 is running (pg_ctl status).
p06_pg_running() {
  local data="$1" bin
  bin=$(p06_pg_bin)
  p06_as_pg "$bin/pg_ctl" status -D "$data/pg" >/dev/null 2>&1
}

p06_pg_stop() {
  local data="$1" bin
  bin=$(p06_pg_bin)
  p06_as_pg "$bin/pg_ctl" stop -D "$data/pg" -m fast >/dev/null 2>&1 || true
}

# Polls the gRPC server on 127.0.0.1:$1 until its health check says SERVING, for at
# most $2 seconds; fails if it never does. A deadline, not a count of attempts: on a
# busy machine each p06ctl call takes a few hundred milliseconds.
p06_wait_serving() {
  local port="$1" give_up=$((SECONDS + $2))
  while ((SECONDS < give_up)); do
    "$P06_BUILD_DIR/services/p06ctl/p06ctl" health --target="127.0.0.1:$port" --timeout=1s >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  return 1
}

# The processes of the suite, each with its own internal key (common/grpc/internal_proof.h);
# "operator" is p06ctl.
P06_INTERNAL_ISSUERS=(gateway directory task reporting notification operator)

# Makes in directory $1 a keys directory for each process of the suite, $1/{issuer}/:
# its own {issuer}.key (made once, readable by this user only) and the {name}.pub of
# every process, derived from the keys each time, so that a .key made anew is never
# left with an old .pub. Each process is started with its own directory.
p06_internal_keys() {
  local root="$1" issuer other
  (
    umask 077
    for issuer in "${P06_INTERNAL_ISSUERS[@]}"; do
      mkdir -p "$root/$issuer"
      [[ -s "$root/$issuer/$issuer.key" ]] ||
        openssl genpkey -algorithm ed25519 -out "$root/$issuer/$issuer.key" 2>/dev/null || exit 1
    done
    for issuer in "${P06_INTERNAL_ISSUERS[@]}"; do
      openssl pkey -in "$root/$issuer/$issuer.key" -pubout -out "$root/$issuer.pub.new" 2>/dev/null || exit 1
      for other in "${P06_INTERNAL_ISSUERS[@]}"; do cp "$root/$issuer.pub.new" "$root/$other/$issuer.pub"; done
      rm -f "$root/$issuer.pub.new"
    done
  ) || { echo "could not make the internal keys in $root" >&2; return 1; }
}

# Prints the x-p06-proof of (subject $4, unit $5, roles $6) for service $3, signed by
# issuer $2 with its key in keys directory $1, valid for five minutes: for tools that
# call a service's port directly (h2load). Only the gateway and the operator may
# assert a person.
p06_principal_proof() {
  local dir="$1" issuer="$2" audience="$3" subject="$4" unit="$5" roles="$6" expiry msg sig
  expiry=$(($(date +%s) + 300))
  msg=$(mktemp)   # pkeyutl signs a whole file with Ed25519, not a pipe
  printf 'v2\n%s\n%s\n%s\n%s\n%s\n%s' "$issuer" "$audience" "$expiry" "$subject" "$unit" "$roles" >"$msg"
  sig=$(openssl pkeyutl -sign -inkey "$dir/$issuer.key" -rawin -in "$msg" | basenc --base64url -w0 | tr -d '=')
  rm -f "$msg"
  [[ -n "$sig" ]] || { echo "could not sign a proof with $dir/$issuer.key" >&2; return 1; }
  echo "v2.$issuer.$audience.$expiry.$sig"
}

# Development TLS material for the gateway's mutual-TLS port in directory $1, made
# once: a CA (ca.pem/.key), the gateway's certificate for localhost and 127.0.0.1
# (gateway.pem/.key), one system's client certificate (dev-system.pem/.key, subject
# CN=dev-system,O=p06 dev) and principals.txt allowing it to read.
p06_dev_tls() {
  local dir="$1"
  [[ -s "$dir/principals.txt" ]] && return 0
  mkdir -p "$dir"
  (
    umask 077
    cd "$dir" || exit 1
    openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 3650 -subj "/CN=p06 development CA" 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -keyout gateway.key -out gateway.csr -subj "/CN=localhost" 2>/dev/null
    printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' >gateway.ext
    openssl x509 -req -in gateway.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out gateway.pem -days 3650 \
      -extfile gateway.ext 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -keyout dev-system.key -out dev-system.csr -subj "/O=p06 dev/CN=dev-system" 2>/dev/null
    openssl x509 -req -in dev-system.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out dev-system.pem -days 3650 2>/dev/null
    rm -f ./*.csr gateway.ext
    {
      echo "# Systems allowed on the gateway's mutual-TLS port (services/gateway/proxy/client_principals.h):"
      echo "# certificate subject | principal subject | unit | roles | scopes"
      echo "CN=dev-system,O=p06 dev | system:dev | | system | reads"
    } >principals.txt
  ) || { echo "run: could not make the development TLS material in $dir" >&2; return 1; }
}
