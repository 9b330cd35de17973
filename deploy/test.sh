#!/usr/bin/env bash
# Sets up and runs every test of the suite: unit, integration (real PostgreSQL) and
# end-to-end (real service processes), plus buf lint and buf breaking on the protos.
#
#   deploy/test.sh            # everything
#   deploy/test.sh -L unit    # extra arguments go to ctest
#
# P06_SANITIZE=1 builds with AddressSanitizer and UndefinedBehaviorSanitizer into
# build-sanitize/.
set -euo pipefail
if [[ "${P06_SANITIZE:-0}" == 1 ]]; then export P06_BUILD_DIR="${P06_BUILD_DIR:-$(dirname "$0")/../build-sanitize}"; fi
source "$(dirname "$0")/lib.sh"
cd "$P06_ROOT"

"$P06_ROOT/deploy/install-deps.sh"

echo "test: buf lint"
deploy/tools/node_modules/.bin/buf lint proto
if git rev-parse --verify -q main >/dev/null && git cat-file -e main:proto/buf.yaml 2>/dev/null; then
  echo "test: buf breaking against main"
  deploy/tools/node_modules/.bin/buf breaking proto --against ".git#branch=main,subdir=proto"
fi

p06_build
cd "$P06_BUILD_DIR"
ctest --output-on-failure --no-tests=error -j 2 "$@"
