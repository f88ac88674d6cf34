#!/usr/bin/env bash
# Runs every fuzz target of the module (each `func FuzzXxx` in a _test.go
# file outside bench/) for a given time, one after another, and reports
# per target: executions, seconds, executions per second, and whether it
# passed. A target that finds a failure keeps its input in the package's
# testdata/fuzz/ (commit it with the fix, as a regression test).
#
#   bash scripts/fuzz.sh [TIME] [REGEXP]
#
# TIME is a -fuzztime (default 10s). REGEXP selects targets by
# "package/FuzzName" (default all). MIN (default 1000) is the executions
# per second under which a target is flagged "slow". The report goes to
# stdout; the raw output of each run to fuzz-out/ (ignored by git). Exit
# status 1 when a target failed.
set -uo pipefail
cd "$(dirname "$0")/.."

fuzztime="${1:-10s}"
select="${2:-.}"
min="${MIN:-1000}"
out=fuzz-out
mkdir -p "$out"

targets=$(grep -rIl --include='*_test.go' -E '^func Fuzz[A-Za-z0-9_]*\(f \*testing\.F\)' . |
	grep -v '^./bench/' | sort | while read -r file; do
		dir=$(dirname "$file")
		grep -oE '^func Fuzz[A-Za-z0-9_]*' "$file" | sed 's/^func //' | while read -r name; do
			echo "${dir#./}/$name"
		done
	done | sort -u | grep -E "$select")

failed=0
printf '%-40s %-32s %12s %8s %10s  %s\n' package target execs seconds execs/s result
for t in $targets; do
	pkg=${t%/*}
	name=${t##*/}
	log="$out/$(echo "$pkg" | tr / _)_$name.txt"
	go test -run '^$' -fuzz "^$name\$" -fuzztime "$fuzztime" "./$pkg" >"$log" 2>&1
	rc=$?
	# The last progress line: "fuzz: elapsed: 10s, execs: 123456 (12345/sec), ..."
	execs=$(grep -oE 'execs: [0-9]+' "$log" | tail -1 | grep -oE '[0-9]+' || true)
	elapsed=$(grep -oE 'elapsed: [0-9]+s' "$log" | tail -1 | grep -oE '[0-9]+' || true)
	execs=${execs:-0}
	elapsed=${elapsed:-0}
	rate=0
	if [ "$elapsed" -gt 0 ]; then
		rate=$((execs / elapsed))
	fi
	result=ok
	if [ $rc -ne 0 ]; then
		result="FAIL (see $log)"
		failed=1
	elif [ "$rate" -lt "$min" ]; then
		result="slow (< $min/s)"
	fi
	printf '%-40s %-32s %12s %8s %10s  %s\n' "$pkg" "$name" "$execs" "$elapsed" "$rate" "$result"
done
exit $failed
