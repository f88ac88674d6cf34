#!/usr/bin/env bash
# Rebuilds the web console's assets (console/dist, embedded into the
# binary by package console) from console/web with the versions locked in
# console/web/package-lock.json: npm ci, a type check (tsc --noEmit), then
# esbuild. The output is deterministic: run it after changing console/web
# and commit console/dist with the sources. --check rebuilds and fails if
# the committed console/dist differs (what CI runs).
set -euo pipefail
cd "$(dirname "$0")/../console/web"
command -v npm >/dev/null || { echo "build-console: npm is missing (apt-get install -y npm)"; exit 1; }
npm ci --no-audit --no-fund --loglevel=error
./node_modules/.bin/tsc --noEmit -p .
node build.mjs
if [ "${1-}" = "--check" ]; then
  if ! git diff --quiet --exit-code -- ../dist || [ -n "$(git ls-files --others --exclude-standard -- ../dist)" ]; then
    echo "build-console: console/dist is not what console/web builds; run scripts/build-console.sh and commit console/dist"
    git status --short -- ../dist
    exit 1
  fi
  echo "build-console: console/dist matches console/web"
fi
