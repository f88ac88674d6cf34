#!/usr/bin/env bash
# The web console's browser tests (console/e2e): builds connect-iam,
# installs Debian's Chromium if /usr/bin/chromium is missing (apt-get; no
# browser download) and the locked npm packages of console/e2e
# (playwright-core only), then runs the tests with node's test runner.
# Each test starts from `connect-iam serve --memory` on a free port and
# writes its page's screenshot into docs/console/. Also checks that the
# committed console/dist is what console/web builds (--no-build-check
# skips that).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
if [ ! -x /usr/bin/chromium ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
command -v npm >/dev/null || { apt-get update -qq && apt-get install -y -qq npm >/dev/null; }
if [ "${1-}" != "--no-build-check" ]; then
  bash scripts/build-console.sh --check
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/connect-iam" ./cmd/connect-iam
cd console/e2e
npm ci --no-audit --no-fund --loglevel=error
CONNECT_IAM_BIN="$tmp/connect-iam" CHROMIUM=/usr/bin/chromium node --test --test-concurrency=1 console.test.mjs
