#!/usr/bin/env bash
# End-to-end test of "connect-iam serve" with the AWS CLI: IAM, STS and
# Access Analyzer calls with --endpoint-url against a server started on a
# free loopback port over a temporary data directory, with explicit
# bootstrap credentials. Installs Debian's awscli if "aws" is missing.
# Prints one PASS/FAIL line per check; exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian's awscli, whatever else is on PATH (AWS_CLI overrides, e.g. to try another build).
AWS_CLI=${AWS_CLI:-/usr/bin/aws}
if [ ! -x "$AWS_CLI" ]; then
  echo "installing Debian's awscli"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq awscli >/dev/null
fi
aws() { "$AWS_CLI" "$@"; }
echo "using $(aws --version 2>&1)"

tmp=$(mktemp -d)
pid=""
cleanup() {
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT

go build -o "$tmp/connect-iam" ./cmd/connect-iam

account=123456789012
export CONNECT_IAM_ACCOUNT_ID=$account
export CONNECT_IAM_BOOTSTRAP_ACCESS_KEY_ID=AKIAAWSCLIE2EEXAMPLE
export CONNECT_IAM_BOOTSTRAP_SECRET_ACCESS_KEY=awscliE2eSecretKey/EXAMPLE+0123456789abc
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
endpoint="http://127.0.0.1:$port"
"$tmp/connect-iam" serve --addr "127.0.0.1:$port" --data "$tmp/data" 2>"$tmp/server.log" &
pid=$!
for _ in $(seq 1 100); do
  python3 -c "import urllib.request,sys; urllib.request.urlopen('$endpoint/healthz', timeout=1)" 2>/dev/null && break
  kill -0 "$pid" 2>/dev/null || { echo "FAIL server did not start:"; cat "$tmp/server.log"; exit 1; }
  sleep 0.1
done

failures=0
pass() { echo "PASS $1"; }
fail() { echo "FAIL $1"; failures=$((failures + 1)); }
# expect NAME WANT GOT: exact match.
expect() { if [ "$3" = "$2" ]; then pass "$1"; else fail "$1: got '$3', want '$2'"; fi; }
# expect_prefix NAME PREFIX GOT
expect_prefix() { case "$3" in "$2"*) pass "$1" ;; *) fail "$1: got '$3', want it to start with '$2'" ;; esac; }
# expect_error NAME CODE MESSAGE GOT: the CLI's error line, whose wording
# around the message differs between CLI versions, names CODE and ends with
# ": MESSAGE".
expect_error() {
  case "$4" in "An error occurred ($2) "*": $3") pass "$1" ;; *) fail "$1: got '$4', want error $2 with message '$3'" ;; esac
}

# The CLI reads the administrator's key from the bootstrap credentials file.
export AWS_SHARED_CREDENTIALS_FILE="$tmp/data/bootstrap-credentials"
export AWS_CONFIG_FILE=/dev/null AWS_DEFAULT_REGION=us-east-1 AWS_MAX_ATTEMPTS=1 AWS_PAGER=""
unset AWS_PROFILE AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_ENDPOINT_URL
ep=(--endpoint-url "$endpoint" --output text)

# awscli runs a command and prints its output, errors included, without
# the blank lines the CLI puts around error messages.
awscli() { { aws "${ep[@]}" "$@" 2>&1 || true; } | sed '/^$/d'; }

expect "sts get-caller-identity (admin)" "arn:aws:iam::$account:user/admin" \
  "$(awscli sts get-caller-identity --query Arn)"
expect "iam create-user" "arn:aws:iam::$account:user/carol" \
  "$(awscli iam create-user --user-name carol --query User.Arn)"
policy='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:GetUser","iam:ListUsers"],"Resource":"*"}]}'
policy_arn=$(awscli iam create-policy --policy-name CarolReadOnly --policy-document "$policy" --query Policy.Arn)
expect "iam create-policy" "arn:aws:iam::$account:policy/CarolReadOnly" "$policy_arn"
expect "iam attach-user-policy" "" "$(awscli iam attach-user-policy --user-name carol --policy-arn "$policy_arn")"
expect "iam list-attached-user-policies" "$policy_arn" \
  "$(awscli iam list-attached-user-policies --user-name carol --query 'AttachedPolicies[0].PolicyArn')"
read -r carol_key carol_secret < <(awscli iam create-access-key --user-name carol --query 'AccessKey.[AccessKeyId,SecretAccessKey]')
expect_prefix "iam create-access-key" "AKIA" "$carol_key"
bad='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:GetUser"}]}'
expect_prefix "iam create-policy refuses a malformed document" "An error occurred (MalformedPolicyDocument)" \
  "$(awscli iam create-policy --policy-name Bad --policy-document "$bad")"

# As carol: allowed and denied calls.
expect "sts get-caller-identity (carol)" "arn:aws:iam::$account:user/carol" \
  "$(AWS_ACCESS_KEY_ID=$carol_key AWS_SECRET_ACCESS_KEY=$carol_secret awscli sts get-caller-identity --query Arn)"
expect "iam list-users (carol, allowed)" "admin	carol" \
  "$(AWS_ACCESS_KEY_ID=$carol_key AWS_SECRET_ACCESS_KEY=$carol_secret awscli iam list-users --query 'Users[].UserName')"
expect_error "iam create-user (carol, denied)" AccessDenied \
  "User: arn:aws:iam::$account:user/carol is not authorized to perform: iam:CreateUser on resource: arn:aws:iam::$account:user/dave because no identity-based policy allows the iam:CreateUser action" \
  "$(AWS_ACCESS_KEY_ID=$carol_key AWS_SECRET_ACCESS_KEY=$carol_secret awscli iam create-user --user-name dave)"

# A role, assumed with STS, used with the temporary credentials.
trust='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::'$account':root"},"Action":"sts:AssumeRole"}]}'
expect "iam create-role" "arn:aws:iam::$account:role/ci" \
  "$(awscli iam create-role --role-name ci --assume-role-policy-document "$trust" --query Role.Arn)"
read -r tkey tsecret ttoken < <(awscli sts assume-role --role-arn "arn:aws:iam::$account:role/ci" --role-session-name build-42 \
  --query 'Credentials.[AccessKeyId,SecretAccessKey,SessionToken]')
expect_prefix "sts assume-role" "ASIA" "$tkey"
expect "sts get-caller-identity (role session)" "arn:aws:sts::$account:assumed-role/ci/build-42" \
  "$(AWS_ACCESS_KEY_ID=$tkey AWS_SECRET_ACCESS_KEY=$tsecret AWS_SESSION_TOKEN=$ttoken awscli sts get-caller-identity --query Arn)"
expect_error "unknown access key" InvalidClientTokenId "The security token included in the request is invalid." \
  "$(AWS_ACCESS_KEY_ID=AKIAUNKNOWNKEYEXAMPL AWS_SECRET_ACCESS_KEY=x awscli sts get-caller-identity)"

# Access Analyzer policy validation.
expect "accessanalyzer validate-policy (clean)" "" \
  "$(awscli accessanalyzer validate-policy --policy-type IDENTITY_POLICY --policy-document "$policy" --query 'findings[?findingType==`ERROR`].issueCode')"
expect_prefix "accessanalyzer validate-policy (missing Resource)" "MISSING_" \
  "$(awscli accessanalyzer validate-policy --policy-type IDENTITY_POLICY --policy-document "$bad" --query 'findings[?findingType==`ERROR`].issueCode')"

# Graceful stop, then the audit log.
kill -TERM "$pid"
if wait "$pid"; then pass "serve stops cleanly on SIGTERM"; else fail "serve exit status $? after SIGTERM"; fi
pid=""
if grep -q "store closed" "$tmp/server.log"; then pass "store closed on shutdown"; else fail "no 'store closed' in the server log"; fi
if grep -qF -e "$CONNECT_IAM_BOOTSTRAP_SECRET_ACCESS_KEY" -e "$carol_secret" -e "$tsecret" "$tmp/server.log"; then
  fail "a secret key reached the server log"
else
  pass "no secret in the server log"
fi
expect "audit: carol's denied CreateUser" "CreateUser AccessDenied ImplicitDeny" \
  "$("$tmp/connect-iam" audit --data "$tmp/data" --principal "arn:aws:iam::$account:user/carol" --error-code AccessDenied --format json |
    python3 -c 'import json,sys; r=json.load(sys.stdin)["Records"]; print(" ".join([r[0]["eventName"], r[0]["errorCode"], r[0]["decision"]]) if r else "none")')"

if [ "$failures" -ne 0 ]; then
  echo "e2e-awscli: $failures check(s) FAILED; server log:"
  cat "$tmp/server.log"
  exit 1
fi
echo "e2e-awscli: all checks PASSED"
