#!/usr/bin/env bash
# Regenerates internal/apimodel/data/*.json.gz from botocore's service
# models (pip package botocore; Apache-2.0). Deterministic: the same
# botocore gives the same bytes. Usage: scripts/update-apimodels.sh [BOTOCORE_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-}
if [ -z "$dir" ]; then
  dir=$(python3 -c 'import botocore, os; print(os.path.dirname(botocore.__file__))' 2>/dev/null) || {
    echo "update-apimodels: botocore not found; install it (pip install botocore) or pass its directory" >&2; exit 1; }
fi
version=$(python3 -c 'import botocore; print(botocore.__version__)' 2>/dev/null || echo unknown)
go run ./internal/apimodel/internal/gen -botocore "$dir" -version "$version" -o internal/apimodel/data
