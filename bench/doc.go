// Package bench compares connect-iam's decision engine with other policy
// engines on identical scenarios: cedar-go, the Open Policy Agent (Rego,
// prepared query) and MinIO's IAM policy package. It is a separate module
// so that none of these engines becomes a dependency of connect-iam; MinIO's
// package is AGPL-licensed and is imported here, in tests, only.
//
// The package has no code of its own: everything is in its tests. Run
//
//	go test -run . ./...                     # check every engine's decisions
//	go test -run '^$' -bench . -benchmem ./... # time them
//
// or ../scripts/bench.sh, which runs the benchmarks with -count 6 and
// writes the comparison table into ../docs/performance.md. See README.md.
package bench
