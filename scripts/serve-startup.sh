#!/usr/bin/env bash
# Measures how long "connect-iam serve" takes from exec to answering
# /healthz, on a new data directory (first start, with bootstrap) and on the
# same directory again (restart); prints the best of ROUNDS (default 5).
#
#   bash scripts/serve-startup.sh
set -euo pipefail
cd "$(dirname "$0")/.."
rounds="${ROUNDS:-5}"
tmp=$(mktemp -d)
pid=""
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT
go build -o "$tmp/connect-iam" ./cmd/connect-iam
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

# start DIR: prints the milliseconds until /healthz answered, then stops it.
start() {
  local s e
  s=$(date +%s%N)
  # serve prints its URL on stdout (and logs on stderr): neither is part of
  # the measurement.
  "$tmp/connect-iam" serve --addr "127.0.0.1:$port" --data "$1" >/dev/null 2>&1 &
  pid=$!
  until curl -sf "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; do
    kill -0 "$pid" 2>/dev/null || { echo "serve exited; run it by hand to see why" >&2; exit 1; }
    sleep 0.002
  done
  e=$(date +%s%N)
  kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""
  echo $(( (e - s) / 1000000 ))
}

best_first=999999 best_restart=999999
for i in $(seq "$rounds"); do
  dir="$tmp/data-$i"
  f=$(start "$dir"); r=$(start "$dir")
  [ "$f" -lt "$best_first" ] && best_first=$f
  [ "$r" -lt "$best_restart" ] && best_restart=$r
done
echo "connect-iam serve startup (best of $rounds): first start ${best_first} ms, restart ${best_restart} ms"
