#!/usr/bin/env bash
# Installs everything the suite needs to build, run and test, from Debian's packages
# and npm, and only what is missing. Safe to run any number of times.
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(
  g++ cmake ninja-build pkg-config git
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler
  libabsl-dev libpqxx-dev prometheus-cpp-dev libicu-dev libssl-dev
  libgtest-dev libgmock-dev
  postgresql-15 postgresql-client-15
  prometheus      # promtool, to check the metrics exposition
  nghttp2-client  # h2load, the benchmark's load from outside the process
  libxlsxwriter-dev  # XLSX exports of reports
  python3-openpyxl libreoffice-calc-nogui chromium poppler-utils  # the tests open those exports
  libcurl4-openssl-dev  # webhook and SMTP deliveries
  python3-aiosmtpd      # a real SMTP server for the notification tests and deploy/tools/smtp_sink.py
  libboost-dev          # Beast: the gateway's HTTP server
  libcpp-httplib-dev    # the e2e tests' HTTP client
  openssl               # deploy/run.sh makes the development token issuer's key
)

missing=()
for pkg in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
# Node.js and npm run buf (proto lint and breaking checks); any install of them will do.
command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)

if ((${#missing[@]} > 0)); then
  echo "install-deps: installing ${missing[*]}"
  sudo=""
  if [[ $(id -u) -ne 0 ]]; then sudo="sudo"; fi
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

if [[ ! -x deploy/tools/node_modules/.bin/buf || ! -d deploy/tools/node_modules/@grpc/grpc-js ||
      ! -d deploy/tools/node_modules/standardwebhooks || ! -d deploy/tools/node_modules/@apidevtools/swagger-parser ]]; then
  echo "install-deps: installing npm tools (buf, grpc-js, standardwebhooks, swagger-parser)"
  npm ci --prefix deploy/tools --no-audit --no-fund --loglevel=error
fi
