#!/usr/bin/env bash
# Runs the peer benchmarks of the bench/ module (connect-iam, cedar-go,
# OPA, MinIO on identical scenarios; see bench/README.md) with -count 6,
# summarises them with benchstat, measures connect-iam's startup and the
# memory of 10,000 compiled policies, runs package eval's BenchmarkDecide,
# and writes the tables into docs/performance.md between its
# bench:begin/bench:end and engine:begin/engine:end markers.
#
#   bash scripts/bench.sh
#
# Environment: COUNT (default 6), BENCHTIME (default 300ms; OPA at 1,000
# statements takes milliseconds per decision, so a longer time mostly
# lengthens the run), BENCH (a -bench regexp, default every engine and
# their parallel variants). The raw results stay in bench/out/ (ignored by
# git). A full run takes about ten minutes on two cores.
set -euo pipefail
cd "$(dirname "$0")/.."

count="${COUNT:-6}"
benchtime="${BENCHTIME:-300ms}"
pattern="${BENCH:-^Benchmark(ConnectIAM|Cedar|OPA|MinIO)(Parallel)?\$}"
out=bench/out
mkdir -p "$out"

cd bench
echo "checking every engine's decisions" >&2
go test -count=1 -run . ./...

echo "timing: -count $count -benchtime $benchtime" >&2
go test -run '^$' -bench "$pattern" -benchmem -count "$count" -benchtime "$benchtime" -timeout 60m . | tee out/raw.txt >&2

echo "startup and memory" >&2
go test -run '^$' -bench '^Benchmark(Startup|CompiledPolicyMemory)$' -benchtime 5x -count 1 . | tee out/startup.txt >&2

echo "engine benchmark (package eval)" >&2
(cd .. && go test -run '^$' -bench '^BenchmarkDecide$' -benchmem -count "$count" -benchtime "$benchtime" ./eval) | tee out/eval.txt >&2

go run golang.org/x/perf/cmd/benchstat@v0.0.0-20260908200009-22c9c6c9d4da out/raw.txt > out/benchstat.txt

cpu=$(sed -n 's/^cpu: //p' out/raw.txt | head -1)
machine="Machine: ${cpu:-unknown CPU}, $(nproc) cores ($(uname -sm)), load average $(cut -d' ' -f1-3 /proc/loadavg) at the end of the run; $(go version | cut -d' ' -f3-); $(date -u '+%Y-%m-%d %H:%M UTC'); -count $count, -benchtime $benchtime."
cat out/raw.txt out/startup.txt > out/all.txt
go run ./cmd/benchtable -in out/all.txt -engine out/eval.txt -benchstat out/benchstat.txt -machine "$machine" -doc ../docs/performance.md
echo "wrote docs/performance.md" >&2
