#!/usr/bin/env bash
# Runs the README's "The server in one minute" block as written, in a fresh
# temporary directory (a fresh clone's view: no data directory yet), once
# with each AWS CLI found (the CLI v1 on PATH, Debian's CLI v2 in
# /usr/bin/aws). The only change is the port: 8080 becomes a free port, so
# that concurrent runs do not collide. The block's commands must succeed
# and print the administrator's ARN and the new user alice; afterwards the
# server must have stopped (kill %1 ends the block). Then the same block with
# its two aws lines replaced by the same calls in boto3 and in the JS SDK v3
# (from npm), which read the credentials file and region the block exports.
# Prints one PASS/FAIL line per check; exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)

# The fenced sh block after the "### The server in one minute" heading.
block=$(awk '/^### The server in one minute/ {h=1; next}
  h && /^```sh$/ {in_block=1; next}
  in_block && /^```$/ {exit}
  in_block {print}' README.md)
if [ -z "$block" ]; then echo "FAIL no sh block under '### The server in one minute' in README.md"; exit 1; fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0
pass() { echo "PASS $1"; }
fail() { echo "FAIL $1"; failures=$((failures + 1)); }

clis=()
for c in "$(command -v aws || true)" /usr/bin/aws; do
  [ -n "$c" ] && [ -x "$c" ] || continue
  v=$("$c" --version 2>&1)
  case " ${clis[*]-} " in *" $c "*) continue ;; esac
  clis+=("$c")
  echo "found $c: $v"
done
[ ${#clis[@]} -gt 0 ] || { echo "FAIL no aws CLI found; install awscli"; exit 1; }

# prepare NAME: a copy of the module root in $tmp/NAME (Go's build and module
# caches stay the caller's; ./connect-iam-data lands in the copy), a free
# port, and $script: the block on that port.
prepare() {
  work="$tmp/${1//\//-}"
  mkdir -p "$work/bin"
  git -C "$repo" ls-files -z | (cd "$repo" && xargs -0 cp --parents -t "$work")
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  script="${block//127.0.0.1:8080/127.0.0.1:$port}"
  script="${script//serve --data/serve --addr 127.0.0.1:$port --data}"
}

# replace_aws CMD: $script with its aws lines replaced by CMD (once).
replace_aws() {
  script=$(printf '%s\n' "$script" | awk -v cmd="$1" '/^aws / { if (!done) { print cmd; done=1 }; next } { print }')
}

# run_block NAME: runs $script in $work with none of the caller's AWS
# settings, and checks that it exits 0; $out holds what it printed.
run_block() {
  out=$(cd "$work" && env -u AWS_PROFILE -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY -u AWS_SESSION_TOKEN \
    -u AWS_ENDPOINT_URL -u AWS_REGION -u AWS_DEFAULT_REGION \
    PATH="$work/bin:$PATH" AWS_CONFIG_FILE=/dev/null AWS_PAGER="" \
    bash -e -c "set -m; $script"$'\n'"wait" 2>&1) && rc=0 || rc=$?
  if [ "$rc" -eq 0 ]; then pass "$1: the block exits 0"; else fail "$1: the block exited $rc:"$'\n'"$out"; fi
}

# check_sdk NAME: the SDK variants print the caller's ARN and then "alice".
check_sdk() {
  case "$out" in *":user/admin"*) pass "$1: the caller is the administrator" ;;
    *) fail "$1: no administrator ARN:"$'\n'"$out" ;; esac
  case "$out" in *$'\n'"alice"*) pass "$1: alice created" ;;
    *) fail "$1: alice not created:"$'\n'"$out" ;; esac
}

for cli in "${clis[@]}"; do
  name="$("$cli" --version 2>&1 | cut -d' ' -f1)"
  prepare "$name"
  ln -s "$cli" "$work/bin/aws"
  run_block "$name"
  case "$out" in *'"Arn": "arn:aws:iam::'*':user/admin"'*) pass "$name: sts get-caller-identity names the administrator" ;;
    *) fail "$name: no administrator ARN in the output:"$'\n'"$out" ;; esac
  case "$out" in *'"UserName": "alice"'*) pass "$name: iam create-user created alice" ;;
    *) fail "$name: alice not created:"$'\n'"$out" ;; esac
  case "$out" in *"store closed"*) pass "$name: kill %1 stopped the server cleanly" ;;
    *) fail "$name: the server did not log 'store closed' after kill %1:"$'\n'"$out" ;; esac
  if curl -sf "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; then fail "$name: the server still answers after the block"; fi
done

# boto3 (when the Python on PATH has it) and the JS SDK v3 (installed from
# npm into the temporary directory): the block with its aws lines replaced
# by the same two calls, which read the credentials file and the region the
# block exports.
if python3 -c 'import boto3' 2>/dev/null; then
  prepare boto3
  replace_aws "python3 -c \"import boto3; ep='http://127.0.0.1:$port'; print(boto3.client('sts', endpoint_url=ep).get_caller_identity()['Arn']); print(boto3.client('iam', endpoint_url=ep).create_user(UserName='alice')['User']['UserName'])\""
  run_block boto3
  check_sdk boto3
else
  echo "SKIP boto3: not importable by python3"
fi

js="$tmp/jssdk"
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "SKIP JS SDK v3: node or npm not installed"
elif ! (mkdir -p "$js" && cd "$js" && npm init -y >/dev/null && npm install --no-audit --no-fund --silent @aws-sdk/client-sts@3 @aws-sdk/client-iam@3 >/dev/null 2>&1); then
  echo "SKIP JS SDK v3: npm install @aws-sdk/client-sts failed"
else
  prepare js
  cat > "$js/calls.js" <<JS
const { STSClient, GetCallerIdentityCommand } = require("@aws-sdk/client-sts");
const { IAMClient, CreateUserCommand } = require("@aws-sdk/client-iam");
(async () => {
  const endpoint = "http://127.0.0.1:$port";
  console.log((await new STSClient({ endpoint }).send(new GetCallerIdentityCommand({}))).Arn);
  console.log((await new IAMClient({ endpoint }).send(new CreateUserCommand({ UserName: "alice" }))).User.UserName);
})().catch((e) => { console.error(e); process.exit(1); });
JS
  replace_aws "NODE_PATH=$js/node_modules node $js/calls.js"
  run_block "JS SDK v3"
  check_sdk "JS SDK v3"
fi

if [ "$failures" -ne 0 ]; then echo "readme-server: $failures check(s) FAILED"; exit 1; fi
echo "readme-server: all checks PASSED"
