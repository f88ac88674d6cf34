// Command benchtable turns the output of the peer benchmarks (go test
// -bench with -count N) into the markdown tables of docs/performance.md:
// the median ns/op, B/op and allocs/op of every engine on every scenario,
// and the ratio of each peer's time to connect-iam's.
//
// Usage:
//
//	benchtable -in raw.txt [-engine eval.txt] [-benchstat stat.txt] [-machine TEXT] [-doc ../docs/performance.md]
//
// Without -doc the tables are written to standard output; with it they
// replace the text between the lines "<!-- bench:begin -->" and
// "<!-- bench:end -->" of that file, and, with -engine (the output of
// package eval's BenchmarkDecide), the text between "<!-- engine:begin -->"
// and "<!-- engine:end -->". Benchmarks other than the engines' (startup,
// memory) are listed with their metrics. scripts/bench.sh runs it.
package main

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"io"
	"log"
	"math"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

const (
	beginMarker = "<!-- bench:begin -->"
	endMarker   = "<!-- bench:end -->"
)

// engines are the benchmark functions, in the table's column order; the
// first is the reference of the ratios.
var engines = []struct{ fn, label string }{
	{"ConnectIAM", "connect-iam"},
	{"Cedar", "cedar-go"},
	{"OPA", "OPA (Rego)"},
	{"MinIO", "MinIO"},
}

// sample is one benchmark result line.
type sample struct{ ns, bytes, allocs float64 }

// results maps "Engine" or "EngineParallel", then the scenario, to its
// samples; order keeps the scenarios in first-seen order.
type results struct {
	byFn  map[string]map[string][]sample
	order []string
	extra []string // other benchmark lines (startup, memory), as printed
}

// lineRE matches "BenchmarkFn/scenario/n-P   N   X ns/op   Y B/op   Z allocs/op".
var lineRE = regexp.MustCompile(`^Benchmark([A-Za-z]+)/(\S+?)(?:-\d+)?\s+\d+\s+([0-9.]+) ns/op(?:\s+([0-9.]+) B/op)?(?:\s+([0-9.]+) allocs/op)?`)

func parse(r io.Reader) (*results, error) {
	res := &results{byFn: map[string]map[string][]sample{}}
	seen := map[string]bool{}
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		line := sc.Text()
		m := lineRE.FindStringSubmatch(line)
		if m == nil {
			if strings.HasPrefix(line, "Benchmark") {
				res.extra = append(res.extra, line)
			}
			continue
		}
		fn, scen := m[1], m[2]
		if !tableFn(fn) {
			res.extra = append(res.extra, line)
			continue
		}
		var s sample
		s.ns, _ = strconv.ParseFloat(m[3], 64)
		s.bytes, _ = strconv.ParseFloat(m[4], 64)
		s.allocs, _ = strconv.ParseFloat(m[5], 64)
		if res.byFn[fn] == nil {
			res.byFn[fn] = map[string][]sample{}
		}
		res.byFn[fn][scen] = append(res.byFn[fn][scen], s)
		if !seen[scen] {
			seen[scen] = true
			res.order = append(res.order, scen)
		}
	}
	return res, sc.Err()
}

// tableFn reports whether a benchmark function's results go into the
// comparison tables: an engine's, its parallel variant, or the engine
// benchmark of package eval (Decide).
func tableFn(fn string) bool {
	if fn == "Decide" {
		return true
	}
	for _, e := range engines {
		if fn == e.fn || fn == e.fn+"Parallel" {
			return true
		}
	}
	return false
}

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// center returns the median sample of a benchmark, and whether it ran.
func (r *results) center(fn, scen string) (sample, bool) {
	ss := r.byFn[fn][scen]
	if len(ss) == 0 {
		return sample{}, false
	}
	var ns, b, a []float64
	for _, s := range ss {
		ns, b, a = append(ns, s.ns), append(b, s.bytes), append(a, s.allocs)
	}
	return sample{median(ns), median(b), median(a)}, true
}

func fmtNS(ns float64) string {
	switch {
	case ns >= 1e9:
		return fmt.Sprintf("%.2f s", ns/1e9)
	case ns >= 1e6:
		return fmt.Sprintf("%.2f ms", ns/1e6)
	case ns >= 1e4:
		return fmt.Sprintf("%.1f µs", ns/1e3)
	case ns >= 1e3:
		return fmt.Sprintf("%.2f µs", ns/1e3)
	}
	return fmt.Sprintf("%.0f ns", ns)
}

func fmtRatio(x float64) string {
	switch {
	case x >= 100:
		return fmt.Sprintf("**%.0f×**", x)
	case x >= 10:
		return fmt.Sprintf("**%.1f×**", x)
	}
	return fmt.Sprintf("**%.2f×**", x)
}

// table writes one table for the benchmark functions with the suffix
// ("" or "Parallel"), and returns the smallest peer ratio and, per
// scenario at 100 statements, the ratio to the fastest peer.
func (r *results) table(w io.Writer, suffix string) (minRatio float64, minAt string, at100 map[string]float64) {
	minRatio, at100 = math.Inf(1), map[string]float64{}
	fmt.Fprint(w, "| scenario |")
	for i, e := range engines {
		fmt.Fprintf(w, " %s |", e.label)
		if i > 0 {
			fmt.Fprint(w, " × |")
		}
	}
	fmt.Fprint(w, "\n|---|")
	for i := range engines {
		fmt.Fprint(w, "---:|")
		if i > 0 {
			fmt.Fprint(w, "---:|")
		}
	}
	fmt.Fprintln(w)
	for _, scen := range r.order {
		ref, ok := r.center(engines[0].fn+suffix, scen)
		if !ok {
			continue
		}
		fmt.Fprintf(w, "| %s |", scen)
		fastest := math.Inf(1)
		for i, e := range engines {
			s, ok := r.center(e.fn+suffix, scen)
			if !ok {
				fmt.Fprint(w, " n/a |")
				if i > 0 {
					fmt.Fprint(w, " |")
				}
				continue
			}
			fmt.Fprintf(w, " %s · %.0f B · %.0f allocs |", fmtNS(s.ns), s.bytes, s.allocs)
			if i == 0 {
				continue
			}
			ratio := s.ns / ref.ns
			fmt.Fprintf(w, " %s |", fmtRatio(ratio))
			if ratio < minRatio {
				minRatio, minAt = ratio, e.label+" on "+scen
			}
			fastest = min(fastest, ratio)
		}
		fmt.Fprintln(w)
		if strings.HasSuffix(scen, "/100") && !math.IsInf(fastest, 1) {
			at100[scen] = fastest
		}
	}
	return minRatio, minAt, at100
}

// growth returns connect-iam's time at 1,000 statements over its time
// at 1, per scenario family.
func (r *results) growth() []string {
	var out []string
	for _, scen := range r.order {
		fam, ok := strings.CutSuffix(scen, "/1")
		if !ok {
			continue
		}
		one, ok1 := r.center(engines[0].fn, fam+"/1")
		thousand, ok2 := r.center(engines[0].fn, fam+"/1000")
		if ok1 && ok2 {
			out = append(out, fmt.Sprintf("%s %.2f×", fam, thousand.ns/one.ns))
		}
	}
	return out
}

func render(r *results, machine, stat string) string {
	var b bytes.Buffer
	if machine != "" {
		fmt.Fprintf(&b, "%s\n\n", machine)
	}
	b.WriteString("Median of the runs; each cell is time per decision · bytes · allocations per decision; × is the peer's time over connect-iam's (higher: connect-iam is faster).\n\n")
	minRatio, minAt, at100 := r.table(&b, "")
	fmt.Fprintf(&b, "\nSmallest ratio: %.2f× (%s).", minRatio, minAt)
	if len(at100) > 0 {
		var parts []string
		for _, scen := range r.order {
			if x, ok := at100[scen]; ok {
				parts = append(parts, fmt.Sprintf("%s %.1f×", scen, x))
			}
		}
		fmt.Fprintf(&b, " At 100 statements, over the fastest peer: %s.", strings.Join(parts, ", "))
	}
	if g := r.growth(); len(g) > 0 {
		fmt.Fprintf(&b, " connect-iam's time at 1,000 statements over its time at 1: %s.", strings.Join(g, ", "))
	}
	b.WriteString("\n")
	if _, ok := r.byFn[engines[0].fn+"Parallel"]; ok {
		b.WriteString("\nParallel (`b.RunParallel`, GOMAXPROCS goroutines deciding at once; ns/op is wall time per decision across them):\n\n")
		r.table(&b, "Parallel")
	}
	if len(r.extra) > 0 {
		b.WriteString("\nStartup and memory (connect-iam):\n\n| benchmark | result |\n|---|---|\n")
		for _, l := range r.extra {
			name, metrics := metricsOf(l)
			fmt.Fprintf(&b, "| %s | %s |\n", name, strings.Join(metrics, " · "))
		}
	}
	if stat != "" {
		b.WriteString("\n<details><summary>benchstat output</summary>\n\n```\n")
		b.WriteString(strings.TrimRight(stat, "\n") + "\n```\n\n</details>\n")
	}
	return b.String()
}

// metricsOf splits a benchmark line into its name (without the
// GOMAXPROCS suffix) and its "value unit" pairs, values made readable.
func metricsOf(line string) (string, []string) {
	f := strings.Fields(line)
	if len(f) < 2 {
		return line, nil
	}
	name := regexp.MustCompile(`-\d+$`).ReplaceAllString(strings.TrimPrefix(f[0], "Benchmark"), "")
	var out []string
	for i := 2; i+1 < len(f); i += 2 {
		v, err := strconv.ParseFloat(f[i], 64)
		if err != nil {
			continue
		}
		switch unit := f[i+1]; {
		case strings.HasSuffix(unit, "ns/op") || strings.HasSuffix(unit, "-ns"):
			out = append(out, fmtNS(v)+" "+strings.TrimSuffix(strings.TrimSuffix(unit, "ns/op"), "-ns"))
		default:
			out = append(out, strconv.FormatFloat(v, 'f', -1, 64)+" "+unit)
		}
	}
	for i := range out {
		out[i] = strings.TrimSpace(out[i])
	}
	return name, out
}

// renderEngine is the table of package eval's BenchmarkDecide: the
// median and the range of each size's runs.
func renderEngine(r *results, machine string) string {
	var b bytes.Buffer
	if machine != "" {
		fmt.Fprintf(&b, "%s\n\n", machine)
	}
	b.WriteString("| benchmark | ns/op (median) | range of the runs | B/op | allocs/op |\n|---|---:|---:|---:|---:|\n")
	for _, scen := range r.order {
		ss := r.byFn["Decide"][scen]
		if len(ss) == 0 {
			continue
		}
		c, _ := r.center("Decide", scen)
		lo, hi := math.Inf(1), math.Inf(-1)
		for _, s := range ss {
			lo, hi = min(lo, s.ns), max(hi, s.ns)
		}
		fmt.Fprintf(&b, "| `BenchmarkDecide/%s` | %.0f | %.0f–%.0f | %.0f | %.0f |\n", scen, c.ns, lo, hi, c.bytes, c.allocs)
	}
	return b.String()
}

// splice replaces the text between the markers of doc; section names
// the markers, "bench" for <!-- bench:begin --> and <!-- bench:end -->.
func splice(doc []byte, section, body string) ([]byte, error) {
	beginMarker := strings.Replace(beginMarker, "bench", section, 1)
	endMarker := strings.Replace(endMarker, "bench", section, 1)
	i := bytes.Index(doc, []byte(beginMarker))
	j := bytes.Index(doc, []byte(endMarker))
	if i < 0 || j < i {
		return nil, fmt.Errorf("the document has no %q line followed by a %q line; add both where the tables belong", beginMarker, endMarker)
	}
	var out bytes.Buffer
	out.Write(doc[:i+len(beginMarker)])
	out.WriteString("\n")
	out.WriteString(body)
	out.Write(doc[j:])
	return out.Bytes(), nil
}

func main() {
	in := flag.String("in", "", "go test -bench output to read (required)")
	engine := flag.String("engine", "", "go test -bench Decide output of package eval, for the engine section")
	statFile := flag.String("benchstat", "", "benchstat output to include")
	machine := flag.String("machine", "", "a line describing the machine, Go version and date")
	docPath := flag.String("doc", "", "markdown file whose marked section to replace (default: write to stdout)")
	flag.Parse()
	log.SetFlags(0)
	log.SetPrefix("benchtable: ")
	if *in == "" {
		log.Fatal("-in is required: the output of go test -bench")
	}
	f, err := os.Open(*in)
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	res, err := parse(f)
	if err != nil {
		log.Fatalf("%s: %v", *in, err)
	}
	if len(res.byFn[engines[0].fn]) == 0 {
		log.Fatalf("%s: no Benchmark%s results; run the benchmarks of the bench module first", *in, engines[0].fn)
	}
	var stat string
	if *statFile != "" {
		b, err := os.ReadFile(*statFile)
		if err != nil {
			log.Fatal(err)
		}
		stat = string(b)
	}
	body := render(res, *machine, stat)
	var engineBody string
	if *engine != "" {
		ef, err := os.Open(*engine)
		if err != nil {
			log.Fatal(err)
		}
		er, err := parse(ef)
		ef.Close()
		if err != nil {
			log.Fatalf("%s: %v", *engine, err)
		}
		if len(er.byFn["Decide"]) == 0 {
			log.Fatalf("%s: no BenchmarkDecide results; run go test -bench Decide ./eval first", *engine)
		}
		engineBody = renderEngine(er, *machine)
	}
	if *docPath == "" {
		fmt.Print(engineBody, body)
		return
	}
	doc, err := os.ReadFile(*docPath)
	if err != nil {
		log.Fatal(err)
	}
	out, err := splice(doc, "bench", body)
	if err == nil && engineBody != "" {
		out, err = splice(out, "engine", engineBody)
	}
	if err != nil {
		log.Fatalf("%s: %v", *docPath, err)
	}
	if err := os.WriteFile(*docPath, out, 0o644); err != nil {
		log.Fatal(err)
	}
}
