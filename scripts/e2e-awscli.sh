#!/usr/bin/env bash
# End-to-end test of "connect-iam serve" with the AWS CLI: IAM, STS,
# Access Analyzer, Amazon Connect, AppIntegrations, Wisdom, outbound
# campaigns, Customer Profiles and AWS Organizations calls with --endpoint-url against a server started on a
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
# The role "observed" is served under soft enforcement (the least-privilege section).
"$tmp/connect-iam" serve --addr "127.0.0.1:$port" --data "$tmp/data" \
  --enforce-principal "arn:aws:iam::$account:role/observed=log" 2>"$tmp/server.log" &
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

# Federation with the built-in test identity provider (docs/federation.md):
# a GitHub-Actions-style role trusting the test OIDC issuer, a role trusting
# a SAML provider made from the test IdP's metadata, and the CLI's unsigned
# assume-role-with-web-identity / assume-role-with-saml calls.
# expect_code NAME CODE GOT: the CLI's error line names CODE.
expect_code() { case "$3" in "An error occurred ($2)"*) pass "$1" ;; *) fail "$1: got '$3', want error $2" ;; esac; }
mint() { "$tmp/connect-iam" token "$@" --data "$tmp/data" --endpoint "$endpoint"; }
# tamper B64 OLD NEW [jwt]: replace OLD with NEW in a signed token's payload
# (jwt) or a base64 SAMLResponse, keeping the signature.
tamper() {
  python3 - "$@" <<'PY'
import base64, sys
tok, old, new = sys.argv[1], sys.argv[2], sys.argv[3]
if len(sys.argv) > 4:
    h, p, s = tok.split(".")
    raw = base64.urlsafe_b64decode(p + "=" * (-len(p) % 4)).decode().replace(old, new)
    print(h + "." + base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=") + "." + s)
else:
    print(base64.b64encode(base64.b64decode(tok).decode().replace(old, new).encode()).decode())
PY
}
# (Older CLIs require --thumbprint-list; the loopback issuer has no TLS
# certificate to pin.)
issuer_hp="127.0.0.1:$port/_connect-iam/oidc"
oidc_arn=$(awscli iam create-open-id-connect-provider --url "http://$issuer_hp" --client-id-list sts.amazonaws.com \
  --thumbprint-list 0000000000000000000000000000000000000000 --query OpenIDConnectProviderArn)
expect "iam create-open-id-connect-provider (test issuer)" "arn:aws:iam::$account:oidc-provider/$issuer_hp" "$oidc_arn"
awscli iam create-role --role-name gha-deploy --assume-role-policy-document "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",
  \"Principal\":{\"Federated\":\"$oidc_arn\"},\"Action\":\"sts:AssumeRoleWithWebIdentity\",\"Condition\":{
  \"StringEquals\":{\"$issuer_hp:aud\":\"sts.amazonaws.com\"},\"StringLike\":{\"$issuer_hp:sub\":\"repo:octo-org/octo-repo:*\"}}}]}" >/dev/null
web() { awscli sts assume-role-with-web-identity --role-arn "arn:aws:iam::$account:role/gha-deploy" --role-session-name gha \
  --web-identity-token "$1" --query AssumedRoleUser.Arn; }
good_sub=repo:octo-org/octo-repo:ref:refs/heads/main
expect "sts assume-role-with-web-identity (the trusted repository's sub)" "arn:aws:sts::$account:assumed-role/gha-deploy/gha" \
  "$(web "$(mint oidc --sub "$good_sub" --aud sts.amazonaws.com)")"
expect_error "sts assume-role-with-web-identity (another repository, denied)" AccessDenied "Not authorized to perform sts:AssumeRoleWithWebIdentity" \
  "$(web "$(mint oidc --sub repo:octo-org/other-repo:ref:refs/heads/main --aud sts.amazonaws.com)")"
expect_code "sts assume-role-with-web-identity (tampered token)" InvalidIdentityToken \
  "$(web "$(tamper "$(mint oidc --sub repo:octo-org/other-repo:x --aud sts.amazonaws.com)" other-repo octo-repo jwt)")"
expect_code "sts assume-role-with-web-identity (expired token)" ExpiredTokenException \
  "$(web "$(mint oidc --sub "$good_sub" --aud sts.amazonaws.com --expires-in -5m)")"
saml_arn=$(awscli iam create-saml-provider --name testidp --saml-metadata-document "$(mint saml-metadata)" --query SAMLProviderArn)
expect "iam create-saml-provider (test IdP metadata)" "arn:aws:iam::$account:saml-provider/testidp" "$saml_arn"
awscli iam create-role --role-name saml-admin --assume-role-policy-document "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",
  \"Principal\":{\"Federated\":\"$saml_arn\"},\"Action\":\"sts:AssumeRoleWithSAML\",\"Condition\":{
  \"StringEquals\":{\"SAML:aud\":\"https://signin.aws.amazon.com/saml\"},\"StringLike\":{\"saml:sub\":\"alice@*\"}}}]}" >/dev/null
saml_role="arn:aws:iam::$account:role/saml-admin"
saml() { awscli sts assume-role-with-saml --role-arn "$saml_role" --principal-arn "$saml_arn" --saml-assertion "$1" --query AssumedRoleUser.Arn; }
expect "sts assume-role-with-saml (alice)" "arn:aws:sts::$account:assumed-role/saml-admin/console" \
  "$(saml "$(mint saml --role "$saml_role,$saml_arn" --sub alice@example.com --session-name console)")"
expect_error "sts assume-role-with-saml (mallory, denied)" AccessDenied "Not authorized to perform sts:AssumeRoleWithSAML" \
  "$(saml "$(mint saml --role "$saml_role,$saml_arn" --sub mallory@example.com --session-name console)")"
expect_code "sts assume-role-with-saml (tampered assertion)" InvalidIdentityToken \
  "$(saml "$(tamper "$(mint saml --role "$saml_role,$saml_arn" --sub mallory@example.com --session-name console)" mallory@ alice@)")"
expect_code "sts assume-role-with-saml (expired assertion)" ExpiredTokenException \
  "$(saml "$(mint saml --role "$saml_role,$saml_arn" --sub alice@example.com --expires-in -5m)")"

# Access Analyzer policy validation.
expect "accessanalyzer validate-policy (clean)" "" \
  "$(awscli accessanalyzer validate-policy --policy-type IDENTITY_POLICY --policy-document "$policy" --query 'findings[?findingType==`ERROR`].issueCode')"
expect_prefix "accessanalyzer validate-policy (missing Resource)" "MISSING_" \
  "$(awscli accessanalyzer validate-policy --policy-type IDENTITY_POLICY --policy-document "$bad" --query 'findings[?findingType==`ERROR`].issueCode')"

# Amazon Connect: an instance with its default resources and service-linked
# role, a tagged user, tags by ARN, and a view-only IAM user's denied update.
read -r inst_id inst_arn < <(awscli connect create-instance --identity-management-type CONNECT_MANAGED --instance-alias cli-e2e \
  --inbound-calls-enabled --outbound-calls-enabled --query '[Id,Arn]')
expect "connect create-instance" "arn:aws:connect:us-east-1:$account:instance/$inst_id" "$inst_arn"
slr_path=/aws-service-role/connect.amazonaws.com/
expect_prefix "connect create-instance creates the service-linked role" "AWSServiceRoleForAmazonConnect_" \
  "$(awscli iam list-roles --path-prefix "$slr_path" --query 'Roles[0].RoleName')"
expect "connect list-security-profiles (defaults)" "Admin,Agent,CallCenterManager,QualityAnalyst" \
  "$(awscli connect list-security-profiles --instance-id "$inst_id" --query 'join(`,`, sort(SecurityProfileSummaryList[].Name))')"
agent_sp=$(awscli connect list-security-profiles --instance-id "$inst_id" --query "SecurityProfileSummaryList[?Name=='Agent'].Id | [0]")
basic_rp=$(awscli connect list-routing-profiles --instance-id "$inst_id" --query "RoutingProfileSummaryList[?Name=='Basic Routing Profile'].Id | [0]")
read -r user_id user_arn < <(awscli connect create-user --instance-id "$inst_id" --username jdoe --password 'Passw0rd!x' \
  --phone-config PhoneType=SOFT_PHONE --security-profile-ids "$agent_sp" --routing-profile-id "$basic_rp" \
  --tags Department=Test --query '[UserId,UserArn]')
expect "connect create-user with tags" "$inst_arn/agent/$user_id" "$user_arn"
expect "connect describe-user" "jdoe	Test	$basic_rp" \
  "$(awscli connect describe-user --instance-id "$inst_id" --user-id "$user_id" --query 'User.[Username,Tags.Department,RoutingProfileId]')"
expect "connect list-users" "jdoe" "$(awscli connect list-users --instance-id "$inst_id" --query 'UserSummaryList[].Username')"
expect "connect tag-resource (by ARN)" "" "$(awscli connect tag-resource --resource-arn "$user_arn" --tags Owner=TeamA)"
expect "connect list-tags-for-resource" "Test	TeamA" \
  "$(awscli connect list-tags-for-resource --resource-arn "$user_arn" --query 'tags.[Department,Owner]')"
view_user='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["connect:DescribeUser","connect:ListUsers"],"Resource":"*"}]}'
awscli iam create-user --user-name viewer >/dev/null
expect "iam put-user-policy (View User)" "" \
  "$(awscli iam put-user-policy --user-name viewer --policy-name ViewUser --policy-document "$view_user")"
read -r viewer_key viewer_secret < <(awscli iam create-access-key --user-name viewer --query 'AccessKey.[AccessKeyId,SecretAccessKey]')
asviewer() { AWS_ACCESS_KEY_ID=$viewer_key AWS_SECRET_ACCESS_KEY=$viewer_secret awscli "$@"; }
expect "connect describe-user (viewer, allowed)" "jdoe" \
  "$(asviewer connect describe-user --instance-id "$inst_id" --user-id "$user_id" --query 'User.Username')"
expect_error "connect update-user-identity-info (viewer, denied)" AccessDeniedException \
  "User: arn:aws:iam::$account:user/viewer is not authorized to perform: connect:UpdateUserIdentityInfo on resource: $user_arn because no identity-based policy allows the connect:UpdateUserIdentityInfo action" \
  "$(asviewer connect update-user-identity-info --instance-id "$inst_id" --user-id "$user_id" --identity-info FirstName=Jane,LastName=Doe)"
expect "connect describe-user: the denied update changed nothing" "None" \
  "$(awscli connect describe-user --instance-id "$inst_id" --user-id "$user_id" --query 'User.IdentityInfo.FirstName')"
basic_q=$(awscli connect list-queues --instance-id "$inst_id" --query "QueueSummaryList[?Name=='BasicQueue'].Id | [0]")
expect "connect update-queue-name" "" "$(awscli connect update-queue-name --instance-id "$inst_id" --queue-id "$basic_q" --name General)"
expect "connect search-queues" "$basic_q" \
  "$(awscli connect search-queues --instance-id "$inst_id" \
    --search-criteria '{"StringCondition":{"FieldName":"name","Value":"gen","ComparisonType":"STARTS_WITH"}}' --query 'Queues[].QueueId')"
# The services around Connect, with the seed's example policies (their JSON
# fixed: connectapps/testdata): AppIntegrations, Wisdom, outbound campaigns
# and Customer Profiles, each with an allowed and a denied call.
# expect_denied NAME ACTION GOT: an AccessDeniedException naming ACTION.
expect_denied() {
  case "$3" in *AccessDeniedException*"is not authorized to perform: $2"*) pass "$1" ;;
    *) fail "$1: got '$3', want an AccessDeniedException for $2" ;; esac
}
awscli iam create-user --user-name apps >/dev/null
for p in appintegrations-all wisdom-assistants campaigns-readonly; do
  awscli iam put-user-policy --user-name apps --policy-name "$p" --policy-document "file://connectapps/testdata/$p.json" >/dev/null
done
read -r apps_key apps_secret < <(awscli iam create-access-key --user-name apps --query 'AccessKey.[AccessKeyId,SecretAccessKey]')
asapps() { AWS_ACCESS_KEY_ID=$apps_key AWS_SECRET_ACCESS_KEY=$apps_secret awscli "$@"; }
ei_arn=$(asapps appintegrations create-event-integration --name cli-events --event-filter Source=aws.partner/example.com \
  --event-bridge-bus default --query EventIntegrationArn)
expect "appintegrations create-event-integration (seed policy, allowed)" \
  "arn:aws:app-integrations:us-east-1:$account:event-integration/cli-events" "$ei_arn"
expect "appintegrations list-event-integrations" "cli-events" \
  "$(asapps appintegrations list-event-integrations --query 'EventIntegrations[].Name')"
expect_denied "appintegrations tag-resource (seed policy, denied)" app-integrations:TagResource \
  "$(asapps appintegrations tag-resource --resource-arn "$ei_arn" --tags team=blue)"
expect "wisdom create-assistant (seed policy, allowed)" "cli-assistant" \
  "$(asapps wisdom create-assistant --name cli-assistant --type AGENT --query assistant.name)"
expect_denied "wisdom create-knowledge-base (seed policy, denied)" wisdom:CreateKnowledgeBase \
  "$(asapps wisdom create-knowledge-base --name kb --knowledge-base-type CUSTOM)"
flow_content='{"Version":"2019-10-30","StartAction":"end","Actions":[{"Identifier":"end","Type":"DisconnectParticipant","Parameters":{},"Transitions":{}}]}'
flow_id=$(awscli connect create-contact-flow --instance-id "$inst_id" --name cli-outbound --type CONTACT_FLOW \
  --content "$flow_content" --query ContactFlowId)
camp_id=$(awscli connectcampaigns create-campaign --name cli-campaign --connect-instance-id "$inst_id" \
  --dialer-config '{"progressiveDialerConfig":{"bandwidthAllocation":1.0}}' \
  --outbound-call-config "{\"connectContactFlowId\":\"$flow_id\",\"connectQueueId\":\"$basic_q\"}" --query id)
expect "connectcampaigns describe-campaign (read-only seed policy, allowed)" "cli-campaign" \
  "$(asapps connectcampaigns describe-campaign --id "$camp_id" --query campaign.name)"
expect_denied "connectcampaigns delete-campaign (read-only seed policy, denied)" connect-campaigns:DeleteCampaign \
  "$(asapps connectcampaigns delete-campaign --id "$camp_id")"
expect "customer-profiles create-domain (admin)" "cli-domain" \
  "$(awscli customer-profiles create-domain --domain-name cli-domain --default-expiration-days 30 --query DomainName)"
expect_denied "customer-profiles list-domains (no policy, denied)" profile:ListDomains \
  "$(asapps customer-profiles list-domains)"
expect "connectcampaigns delete-campaign (admin)" "" "$(awscli connectcampaigns delete-campaign --id "$camp_id")"
# Operations the generic engine serves from AWS's model, with the CLI's own
# serializers: agent statuses, vocabularies, Lambda associations, storage configs.
as_id=$(awscli connect create-agent-status --instance-id "$inst_id" --name Lunch --state ENABLED --tags team=blue --query AgentStatusId)
expect "connect describe-agent-status (generic)" $'Lunch\tENABLED\tblue' \
  "$(awscli connect describe-agent-status --instance-id "$inst_id" --agent-status-id "$as_id" --query 'AgentStatus.[Name,State,Tags.team]')"
dup=$(awscli connect create-agent-status --instance-id "$inst_id" --name lunch --state ENABLED 2>&1)
case "$dup" in *"(DuplicateResourceException)"*) pass "connect create-agent-status twice (generic, duplicate)" ;;
  *) fail "connect create-agent-status twice: got '$dup', want DuplicateResourceException" ;; esac
expect "connect list-agent-statuses (generic)" "Lunch" \
  "$(awscli connect list-agent-statuses --instance-id "$inst_id" --query 'AgentStatusSummaryList[].Name')"
expect_error "connect create-agent-status with a bad state (model validation)" InvalidParameterException \
  "1 validation error detected: Value 'SLEEPY' at 'state' failed to satisfy constraint: Member must satisfy enum value set: [ENABLED, DISABLED]" \
  "$(awscli connect create-agent-status --instance-id "$inst_id" --name Nap --state SLEEPY)"
voc_id=$(awscli connect create-vocabulary --instance-id "$inst_id" --vocabulary-name products --language-code en-US \
  --content 'Phrase	IPA	SoundsLike	DisplayAs' --query VocabularyId)
expect "connect describe-vocabulary (generic)" "products" \
  "$(awscli connect describe-vocabulary --instance-id "$inst_id" --vocabulary-id "$voc_id" --query 'Vocabulary.Name')"
fn_arn="arn:aws:lambda:us-east-1:$account:function:router"
awscli connect associate-lambda-function --instance-id "$inst_id" --function-arn "$fn_arn" >/dev/null
expect "connect list-lambda-functions (generic association)" "$fn_arn" \
  "$(awscli connect list-lambda-functions --instance-id "$inst_id" --query 'LambdaFunctions[0]')"
awscli connect associate-instance-storage-config --instance-id "$inst_id" --resource-type CALL_RECORDINGS \
  --storage-config 'StorageType=S3,S3Config={BucketName=recordings,BucketPrefix=calls}' >/dev/null
expect "connect list-instance-storage-configs (generic association)" "recordings" \
  "$(awscli connect list-instance-storage-configs --instance-id "$inst_id" --resource-type CALL_RECORDINGS --query 'StorageConfigs[0].S3Config.BucketName')"
expect_denied "connect create-agent-status (viewer, denied by the generic engine)" connect:CreateAgentStatus \
  "$(asviewer connect create-agent-status --instance-id "$inst_id" --name Nap --state ENABLED)"
expect "connect delete-instance" "" "$(awscli connect delete-instance --instance-id "$inst_id")"
expect "connect delete-instance deletes the service-linked role" "0" \
  "$(awscli iam list-roles --path-prefix "$slr_path" --query 'length(Roles)')"

# AWS Organizations: an organization, an account made with "connect-iam
# accounts create" invited and accepted, an SCP denying
# connect:DeleteInstance attached to it (winning over the member
# administrator's AdministratorAccess), then detached.
member=210987654321
"$tmp/connect-iam" accounts create --data "$tmp/data" --id "$member" >/dev/null
asmember() { AWS_SHARED_CREDENTIALS_FILE="$tmp/data/credentials-$member" awscli "$@"; }
org_id=$(awscli organizations create-organization --feature-set ALL --query Organization.Id)
expect_prefix "organizations create-organization" "o-" "$org_id"
hs_id=$(awscli organizations invite-account-to-organization --target "Id=$member,Type=ACCOUNT" --query Handshake.Id)
expect "organizations accept-handshake (member)" "ACCEPTED" \
  "$(asmember organizations accept-handshake --handshake-id "$hs_id" --query Handshake.State)"
root_id=$(awscli organizations list-roots --query 'Roots[0].Id')
expect "organizations enable-policy-type" "SERVICE_CONTROL_POLICY ENABLED" \
  "$(awscli organizations enable-policy-type --root-id "$root_id" --policy-type SERVICE_CONTROL_POLICY --query 'Root.PolicyTypes[0].[Type,Status]' --output text | tr '\t' ' ')"
scp='{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"connect:DeleteInstance","Resource":"*"}]}'
scp_id=$(awscli organizations create-policy --name NoDeleteInstance --description "No instance deletion" \
  --type SERVICE_CONTROL_POLICY --content "$scp" --query Policy.PolicySummary.Id)
expect_prefix "organizations create-policy" "p-" "$scp_id"
expect "organizations attach-policy" "" "$(awscli organizations attach-policy --policy-id "$scp_id" --target-id "$member")"
expect "organizations list-policies-for-target" "FullAWSAccess,NoDeleteInstance" \
  "$(awscli organizations list-policies-for-target --target-id "$member" --filter SERVICE_CONTROL_POLICY --query "join(',', sort(Policies[].Name))")"
read -r m_inst m_arn < <(asmember connect create-instance --identity-management-type CONNECT_MANAGED --instance-alias cli-member \
  --inbound-calls-enabled --outbound-calls-enabled --query '[Id,Arn]')
expect_error "connect delete-instance (member admin, denied by the SCP)" AccessDeniedException \
  "User: arn:aws:iam::$member:user/admin is not authorized to perform: connect:DeleteInstance on resource: $m_arn with an explicit deny in a service control policy" \
  "$(asmember connect delete-instance --instance-id "$m_inst")"
expect "connect describe-instance (member admin, allowed under the SCP)" "$m_inst" \
  "$(asmember connect describe-instance --instance-id "$m_inst" --query Instance.Id)"
expect "organizations detach-policy" "" "$(awscli organizations detach-policy --policy-id "$scp_id" --target-id "$member")"
expect "connect delete-instance (member admin, after the detach)" "" "$(asmember connect delete-instance --instance-id "$m_inst")"

# Least privilege from observed calls (docs/least-privilege.md): the role
# "observed" (AmazonConnect_FullAccess) is served under --enforce=log (see
# serve above); its workflow's policy is generated from the audit log and
# checked, then attached alone to a fresh role, which runs the workflow
# again under enforcement, and is denied what the workflow did not do.
now_utc() { python3 -c 'import datetime; print(datetime.datetime.now(datetime.timezone.utc).isoformat().replace("+00:00", "Z"))'; }
assume() { awscli sts assume-role --role-arn "arn:aws:iam::$account:role/$1" --role-session-name run --query 'Credentials.[AccessKeyId,SecretAccessKey,SessionToken]'; }
as_session() { local k=$1 s=$2 t=$3; shift 3; AWS_ACCESS_KEY_ID=$k AWS_SECRET_ACCESS_KEY=$s AWS_SESSION_TOKEN=$t awscli "$@"; }
# lp_workflow KEY SECRET TOKEN ALIAS [INSTANCE]: create an instance, then in
# INSTANCE (default: the new one) hours, a queue, a routing profile, a
# security profile, a tagged user (described, updated), a flow and a task.
lp_workflow() {
  local k=$1 s=$2 t=$3 alias=$4 in=${5:-}
  lp_created=$(as_session "$k" "$s" "$t" connect create-instance --identity-management-type CONNECT_MANAGED --instance-alias "$alias" \
    --inbound-calls-enabled --outbound-calls-enabled --query Id)
  case "$lp_created" in
    *"An error"*|"") fail "least privilege ($alias): create-instance: $lp_created" ;;
    *-*-*-*-*) pass "least privilege ($alias): create-instance" ;;
    *) fail "least privilege ($alias): create-instance: '$lp_created' is not an instance ID" ;;
  esac
  [ -n "$in" ] || in=$lp_created
  local hours q rp sp user flow
  hours=$(as_session "$k" "$s" "$t" connect create-hours-of-operation --instance-id "$in" --name "Office $alias" --time-zone Europe/Paris \
    --config '[{"Day":"MONDAY","StartTime":{"Hours":8,"Minutes":0},"EndTime":{"Hours":18,"Minutes":0}}]' --query HoursOfOperationId)
  q=$(as_session "$k" "$s" "$t" connect create-queue --instance-id "$in" --name "Billing $alias" --hours-of-operation-id "$hours" --query QueueId)
  rp=$(as_session "$k" "$s" "$t" connect create-routing-profile --instance-id "$in" --name "Agents $alias" --description billing \
    --default-outbound-queue-id "$q" --media-concurrencies '[{"Channel":"VOICE","Concurrency":1}]' --query RoutingProfileId)
  sp=$(as_session "$k" "$s" "$t" connect create-security-profile --instance-id "$in" --security-profile-name "Agents $alias" --query SecurityProfileId)
  user=$(as_session "$k" "$s" "$t" connect create-user --instance-id "$in" --username "agent-$alias" --password 'Passw0rd!x' \
    --phone-config PhoneType=SOFT_PHONE --security-profile-ids "$sp" --routing-profile-id "$rp" --tags team=billing --query UserId)
  expect "least privilege ($alias): describe-user" "billing" \
    "$(as_session "$k" "$s" "$t" connect describe-user --instance-id "$in" --user-id "$user" --query User.Tags.team)"
  expect "least privilege ($alias): update-user-identity-info" "" \
    "$(as_session "$k" "$s" "$t" connect update-user-identity-info --instance-id "$in" --user-id "$user" --identity-info FirstName=Ada,LastName=Lovelace)"
  flow=$(as_session "$k" "$s" "$t" connect create-contact-flow --instance-id "$in" --name "Tasks $alias" --type CONTACT_FLOW \
    --content '{"Version":"2019-10-30","StartAction":"a1","Actions":[{"Identifier":"a1","Type":"DisconnectParticipant","Parameters":{},"Transitions":{}}]}' \
    --query ContactFlowId)
  local task
  task=$(as_session "$k" "$s" "$t" connect start-task-contact --instance-id "$in" --name "Follow up" --contact-flow-id "$flow" --query ContactId)
  case "$hours$q$rp$sp$user$flow$task" in
    *"An error"*|*None*) fail "least privilege ($alias): workflow: hours=$hours queue=$q routing=$rp security=$sp user=$user flow=$flow task=$task" ;;
    *) pass "least privilege ($alias): workflow (hours, queue, routing profile, security profile, user, flow, task contact)" ;;
  esac
}
observed_arn="arn:aws:iam::$account:role/observed"
awscli iam create-role --role-name observed --assume-role-policy-document "$trust" >/dev/null
awscli iam attach-role-policy --role-name observed --policy-arn arn:aws:iam::aws:policy/AmazonConnect_FullAccess >/dev/null
read -r okey osecret otoken < <(assume observed)
lp_since=$(now_utc)
lp_workflow "$okey" "$osecret" "$otoken" lp-observed
lp_inst=$lp_created
sleep 0.5 # the audit log writes in batches
lp_until=$(now_utc)
expect "least privilege: iam list-users outside FullAccess proceeds under --enforce=log" "admin" \
  "$(as_session "$okey" "$osecret" "$otoken" iam list-users --query 'Users[?UserName==`admin`].UserName')"
sleep 0.5
expect "least privilege: audit records it as would have been denied" "ListUsers ImplicitDeny True iam:ListUsers" \
  "$("$tmp/connect-iam" audit --data "$tmp/data" --event-name ListUsers --principal "arn:aws:sts::$account:assumed-role/observed/run" --format json |
    python3 -c 'import json,sys; r=json.load(sys.stdin)["Records"][0]; a=r["additionalEventData"]["authorization"][0]
print(r["eventName"], r["decision"], r.get("wouldHaveBeenDenied"), a["missing"]["action"])')"
"$tmp/connect-iam" policy generate --data "$tmp/data" --principal "$observed_arn" --since "$lp_since" --until "$lp_until" \
  --with-tag-conditions >"$tmp/generated.json" 2>"$tmp/generate.log" && gen_rc=0 || gen_rc=$?
expect "least privilege: policy generate exits 0" "0" "$gen_rc"
for check in "check validate: PASS" "check re-decide: PASS" "check no new access vs the principal's identity policies: PASS"; do
  if grep -qF "$check" "$tmp/generate.log"; then pass "least privilege: $check"; else fail "least privilege: no '$check' in: $(cat "$tmp/generate.log")"; fi
done
"$tmp/connect-iam" policy generate --data "$tmp/data" --principal "$observed_arn" --since "$lp_since" >/dev/null 2>"$tmp/generate-all.log" && gen_rc=0 || gen_rc=$?
if [ "$gen_rc" = 1 ] && grep -qF "check no new access vs the principal's identity policies: FAIL" "$tmp/generate-all.log"; then
  pass "least privilege: with the logged iam:ListUsers the reasoner reports new access"
else
  fail "least privilege: generating with iam:ListUsers: exit $gen_rc: $(cat "$tmp/generate-all.log")"
fi
expect "least privilege: accessanalyzer validate-policy of the generated policy" "" \
  "$(awscli accessanalyzer validate-policy --policy-type IDENTITY_POLICY --policy-document "file://$tmp/generated.json" \
    --query 'findings[?findingType==`ERROR` || findingType==`SECURITY_WARNING`].issueCode')"
awscli iam create-role --role-name generated --assume-role-policy-document "$trust" >/dev/null
expect "least privilege: put-role-policy with the generated policy" "" \
  "$(awscli iam put-role-policy --role-name generated --policy-name generated --policy-document "file://$tmp/generated.json")"
read -r gkey gsecret gtoken < <(assume generated)
lp_workflow "$gkey" "$gsecret" "$gtoken" lp-replay "$lp_inst"
expect_denied "least privilege: delete-instance denied to the generated policy" connect:DeleteInstance \
  "$(as_session "$gkey" "$gsecret" "$gtoken" connect delete-instance --instance-id "$lp_inst")"
expect_denied "least privilege: the same call on another instance is denied" connect:CreateHoursOfOperation \
  "$(as_session "$gkey" "$gsecret" "$gtoken" connect create-hours-of-operation --instance-id "$lp_created" --name Office --time-zone Europe/Paris \
    --config '[{"Day":"MONDAY","StartTime":{"Hours":8,"Minutes":0},"EndTime":{"Hours":18,"Minutes":0}}]')"
expect_prefix "least privilege: audit unused" "connect: 11 of " \
  "$("$tmp/connect-iam" audit unused --data "$tmp/data" --principal "$observed_arn" --since "$lp_since" --until "$lp_until" --service connect | sed -n 2p)"

# The seed's MFA best practice: connect:* allowed only with
# aws:MultiFactorAuthPresent; denied with long-term keys, allowed with a
# GetSessionToken session opened with the device's code, and the same code
# refused a second time.
awscli iam create-user --user-name mfa-cli >/dev/null
mfa_policy='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"connect:*","Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}]}'
awscli iam put-user-policy --user-name mfa-cli --policy-name ConnectWithMFA --policy-document "$mfa_policy" >/dev/null
read -r mkey msecret < <(awscli iam create-access-key --user-name mfa-cli --query 'AccessKey.[AccessKeyId,SecretAccessKey]')
mfa_serial=$(awscli iam create-virtual-mfa-device --virtual-mfa-device-name mfa-cli --outfile "$tmp/mfa-seed" \
  --bootstrap-method Base32StringSeed --query VirtualMFADevice.SerialNumber)
expect "iam create-virtual-mfa-device" "arn:aws:iam::$account:mfa/mfa-cli" "$mfa_serial"
# Three consecutive codes from the previous 30-second step: two enable the
# device, the third (the next step, which the server accepts already) opens
# the session. Keep clear of a step boundary so that all calls see one step.
while [ $(( $(date +%s) % 30 )) -ge 25 ]; do sleep 1; done
mapfile -t mfa_codes < <("$tmp/connect-iam" mfa code --secret - --at "$(date -u -d @$(( $(date +%s) - 30 )) +%Y-%m-%dT%H:%M:%SZ)" --count 3 <"$tmp/mfa-seed")
expect "iam enable-mfa-device (two consecutive codes)" "" \
  "$(awscli iam enable-mfa-device --user-name mfa-cli --serial-number "$mfa_serial" \
    --authentication-code1 "${mfa_codes[0]}" --authentication-code2 "${mfa_codes[1]}")"
expect_prefix "connect list-instances (mfa-cli, long-term keys, denied)" "An error occurred (AccessDeniedException)" \
  "$(AWS_ACCESS_KEY_ID=$mkey AWS_SECRET_ACCESS_KEY=$msecret awscli connect list-instances)"
read -r skey ssecret stoken < <(AWS_ACCESS_KEY_ID=$mkey AWS_SECRET_ACCESS_KEY=$msecret awscli sts get-session-token \
  --serial-number "$mfa_serial" --token-code "${mfa_codes[2]}" --query 'Credentials.[AccessKeyId,SecretAccessKey,SessionToken]')
expect_prefix "sts get-session-token --serial-number --token-code" "ASIA" "$skey"
expect "connect list-instances (mfa-cli, MFA session, allowed)" "" \
  "$(AWS_ACCESS_KEY_ID=$skey AWS_SECRET_ACCESS_KEY=$ssecret AWS_SESSION_TOKEN=$stoken awscli connect list-instances --query 'InstanceSummaryList[?InstanceAlias==`none`].Id')"
# (AWS's message ends with a space after the full stop, which the server keeps.)
expect_error "sts get-session-token (the same code again, refused)" AccessDenied \
  "MultiFactorAuthentication failed with invalid MFA one time pass code. " \
  "$(AWS_ACCESS_KEY_ID=$mkey AWS_SECRET_ACCESS_KEY=$msecret awscli sts get-session-token --serial-number "$mfa_serial" --token-code "${mfa_codes[2]}")"

# Graceful stop, then the audit log.
kill -TERM "$pid"
if wait "$pid"; then pass "serve stops cleanly on SIGTERM"; else fail "serve exit status $? after SIGTERM"; fi
pid=""
if grep -q "store closed" "$tmp/server.log"; then pass "store closed on shutdown"; else fail "no 'store closed' in the server log"; fi
if grep -qF -e "$CONNECT_IAM_BOOTSTRAP_SECRET_ACCESS_KEY" -e "$msecret" -e "$carol_secret" -e "$tsecret" -e "$viewer_secret" -e "$apps_secret" -e "$osecret" -e "$gsecret" "$tmp/server.log"; then
  fail "a secret key reached the server log"
else
  pass "no secret in the server log"
fi
expect "audit: carol's denied CreateUser" "CreateUser AccessDenied ImplicitDeny" \
  "$("$tmp/connect-iam" audit --data "$tmp/data" --principal "arn:aws:iam::$account:user/carol" --error-code AccessDenied --oldest-first --format json |
    python3 -c 'import json,sys; r=json.load(sys.stdin)["Records"]; print(" ".join([r[0]["eventName"], r[0]["errorCode"], r[0]["decision"]]) if r else "none")')"

expect "audit: viewer's denied Connect update" "UpdateUserIdentityInfo AccessDeniedException ImplicitDeny connect.amazonaws.com" \
  "$("$tmp/connect-iam" audit --data "$tmp/data" --principal "arn:aws:iam::$account:user/viewer" --error-code AccessDeniedException --oldest-first --format json |
    python3 -c 'import json,sys; r=json.load(sys.stdin)["Records"]; print(" ".join([r[0]["eventName"], r[0]["errorCode"], r[0]["decision"], r[0]["eventSource"]]) if r else "none")')"
expect "audit: the member's DeleteInstance denied by the SCP" "DeleteInstance AccessDeniedException ExplicitDeny" \
  "$("$tmp/connect-iam" audit --data "$tmp/data" --principal "arn:aws:iam::$member:user/admin" --error-code AccessDeniedException --oldest-first --format json |
    python3 -c 'import json,sys; r=json.load(sys.stdin)["Records"]; print(" ".join([r[0]["eventName"], r[0]["errorCode"], r[0]["decision"]]) if r else "none")')"
if [ "$failures" -ne 0 ]; then
  echo "e2e-awscli: $failures check(s) FAILED; server log:"
  cat "$tmp/server.log"
  exit 1
fi
echo "e2e-awscli: all checks PASSED"
