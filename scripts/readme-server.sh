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

for cli in "${clis[@]}"; do
  name="$("$cli" --version 2>&1 | cut -d' ' -f1)"
  work="$tmp/${name//\//-}"
  mkdir -p "$work/bin"
  ln -s "$cli" "$work/bin/aws"
  # Go's build cache and module cache stay the caller's; the block builds in
  # a copy of the module root so that ./connect-iam-data lands in $work.
  git -C "$repo" ls-files -z | (cd "$repo" && xargs -0 cp --parents -t "$work")
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  script="${block//127.0.0.1:8080/127.0.0.1:$port}"
  script="${script//serve --data/serve --addr 127.0.0.1:$port --data}"
  out=$(cd "$work" && env -u AWS_PROFILE -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY -u AWS_SESSION_TOKEN \
    -u AWS_ENDPOINT_URL -u AWS_REGION -u AWS_DEFAULT_REGION \
    PATH="$work/bin:$PATH" AWS_CONFIG_FILE=/dev/null AWS_PAGER="" \
    bash -e -c "set -m; $script"$'\n'"wait" 2>&1) && rc=0 || rc=$?
  if [ "$rc" -eq 0 ]; then pass "$name: the block exits 0"; else fail "$name: the block exited $rc:"$'\n'"$out"; fi
  case "$out" in *'"Arn": "arn:aws:iam::'*':user/admin"'*) pass "$name: sts get-caller-identity names the administrator" ;;
    *) fail "$name: no administrator ARN in the output:"$'\n'"$out" ;; esac
  case "$out" in *'"UserName": "alice"'*) pass "$name: iam create-user created alice" ;;
    *) fail "$name: alice not created:"$'\n'"$out" ;; esac
  case "$out" in *"store closed"*) pass "$name: kill %1 stopped the server cleanly" ;;
    *) fail "$name: the server did not log 'store closed' after kill %1:"$'\n'"$out" ;; esac
  if curl -sf "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; then fail "$name: the server still answers after the block"; fi
done

# boto3 (when the Python on PATH has it), with the block's own exports:
# the block with its aws lines replaced by the same two calls in boto3, which
# reads the credentials file and AWS_DEFAULT_REGION as the block sets them.
if python3 -c 'import boto3' 2>/dev/null; then
  work="$tmp/boto3"
  mkdir -p "$work"
  git -C "$repo" ls-files -z | (cd "$repo" && xargs -0 cp --parents -t "$work")
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  script="${block//127.0.0.1:8080/127.0.0.1:$port}"
  script="${script//serve --data/serve --addr 127.0.0.1:$port --data}"
  py="import boto3; ep='http://127.0.0.1:$port'; print(boto3.client('sts', endpoint_url=ep).get_caller_identity()['Arn']); print(boto3.client('iam', endpoint_url=ep).create_user(UserName='alice')['User']['UserName'])"
  script=$(printf '%s\n' "$script" | awk -v py="$py" '/^aws / { if (!done) { print "python3 -c \"" py "\""; done=1 }; next } { print }')
  out=$(cd "$work" && env -u AWS_PROFILE -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY -u AWS_SESSION_TOKEN \
    -u AWS_ENDPOINT_URL -u AWS_REGION -u AWS_DEFAULT_REGION AWS_CONFIG_FILE=/dev/null \
    bash -e -c "set -m; $script"$'\n'"wait" 2>&1) && rc=0 || rc=$?
  if [ "$rc" -eq 0 ]; then pass "boto3: the block exits 0"; else fail "boto3: the block exited $rc:"$'\n'"$out"; fi
  case "$out" in *":user/admin"*) pass "boto3: get_caller_identity names the administrator" ;;
    *) fail "boto3: no administrator ARN:"$'\n'"$out" ;; esac
  case "$out" in *$'\n'"alice"*) pass "boto3: create_user created alice" ;;
    *) fail "boto3: alice not created:"$'\n'"$out" ;; esac
else
  echo "SKIP boto3: not importable by python3"
fi

# The JS SDK v3 (installed from npm into the temporary directory), the same
# way: it reads the credentials file and AWS_REGION as the block sets them.
if command -v node >/dev/null && command -v npm >/dev/null; then
  js="$tmp/jssdk"
  mkdir -p "$js"
  if (cd "$js" && npm init -y >/dev/null && npm install --no-audit --no-fund --silent @aws-sdk/client-sts@3 @aws-sdk/client-iam@3 >/dev/null 2>&1); then
    work="$tmp/js"
    mkdir -p "$work"
    git -C "$repo" ls-files -z | (cd "$repo" && xargs -0 cp --parents -t "$work")
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    script="${block//127.0.0.1:8080/127.0.0.1:$port}"
    script="${script//serve --data/serve --addr 127.0.0.1:$port --data}"
    cat > "$js/calls.js" <<JS
const { STSClient, GetCallerIdentityCommand } = require("@aws-sdk/client-sts");
const { IAMClient, CreateUserCommand } = require("@aws-sdk/client-iam");
(async () => {
  const endpoint = "http://127.0.0.1:$port";
  console.log((await new STSClient({ endpoint }).send(new GetCallerIdentityCommand({}))).Arn);
  console.log((await new IAMClient({ endpoint }).send(new CreateUserCommand({ UserName: "alice" }))).User.UserName);
})().catch((e) => { console.error(e); process.exit(1); });
JS
    script=$(printf '%s\n' "$script" | awk -v run="NODE_PATH=$js/node_modules node $js/calls.js" '/^aws / { if (!done) { print run; done=1 }; next } { print }')
    out=$(cd "$work" && env -u AWS_PROFILE -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY -u AWS_SESSION_TOKEN \
      -u AWS_ENDPOINT_URL -u AWS_REGION -u AWS_DEFAULT_REGION AWS_CONFIG_FILE=/dev/null \
      bash -e -c "set -m; $script"$'\n'"wait" 2>&1) && rc=0 || rc=$?
    if [ "$rc" -eq 0 ]; then pass "JS SDK v3: the block exits 0"; else fail "JS SDK v3: the block exited $rc:"$'\n'"$out"; fi
    case "$out" in *":user/admin"*) pass "JS SDK v3: GetCallerIdentity names the administrator" ;;
      *) fail "JS SDK v3: no administrator ARN:"$'\n'"$out" ;; esac
    case "$out" in *$'\n'"alice"*) pass "JS SDK v3: CreateUser created alice" ;;
      *) fail "JS SDK v3: alice not created:"$'\n'"$out" ;; esac
  else
    echo "SKIP JS SDK v3: npm install @aws-sdk/client-sts failed"
  fi
else
  echo "SKIP JS SDK v3: node or npm not installed"
fi

if [ "$failures" -ne 0 ]; then echo "readme-server: $failures check(s) FAILED"; exit 1; fi
echo "readme-server: all checks PASSED"
