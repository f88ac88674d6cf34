// Package loadgen measures the throughput and latency of an AWS-compatible
// endpoint with real SigV4-signed requests, and of a bare net/http handler
// under the same client, so that the server's cost is reported beside the
// cost of HTTP alone on the same machine in the same run.
package loadgen

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/connect-iam/connect-iam/server/sigv4"
)

// Request describes the request every worker sends.
type Request struct {
	// Service is the signing name ("iam" or "sts") and Region the region
	// signed for.
	Service, Region string
	// Body is the form-encoded awsQuery body, such as
	// "Action=GetUser&Version=2010-05-08".
	Body string
}

// Options configure one measurement.
type Options struct {
	// URL is the endpoint, such as http://127.0.0.1:8080/. It must be a
	// loopback address: the tool is not meant to load other machines.
	URL string
	// Credentials sign the requests; a zero AccessKeyID sends them
	// unsigned (for the bare handler, which ignores the signature anyway,
	// they are signed too so that the client does the same work).
	Credentials sigv4.Credentials
	Request     Request
	// Concurrency is the number of workers, each with requests in flight
	// one at a time. Zero means 8.
	Concurrency int
	// Requests bounds the number of requests; Duration bounds the time.
	// The measurement stops at whichever comes first. Zeros mean 10000
	// and 10 s.
	Requests int
	Duration time.Duration
	// Warmup requests are sent first and not measured; zero means 200.
	Warmup int
	// Client sends the requests; nil means a client with one idle
	// connection per worker.
	Client *http.Client
}

// Result is one measurement.
type Result struct {
	Requests   int           // requests measured
	Errors     int           // responses other than 200, and transport errors
	FirstError string        // the first failure, for diagnosis
	Elapsed    time.Duration // wall time of the measurement
	// PerSecond is Requests/Elapsed.
	PerSecond float64
	P50, P99  time.Duration
	Max       time.Duration

	samples []time.Duration // latencies of the successful requests, sorted
}

// Merge combines measurements of one target taken in several rounds:
// requests, errors and elapsed time add up, and the percentiles are those
// of all the requests together.
func Merge(rs ...Result) Result {
	var out Result
	for _, r := range rs {
		out.Requests += r.Requests
		out.Errors += r.Errors
		out.Elapsed += r.Elapsed
		out.samples = append(out.samples, r.samples...)
		if out.FirstError == "" {
			out.FirstError = r.FirstError
		}
	}
	slices.Sort(out.samples)
	out.summarize()
	return out
}

// summarize sets the rate and the percentiles from the samples.
func (r *Result) summarize() {
	if r.Elapsed > 0 {
		r.PerSecond = float64(r.Requests) / r.Elapsed.Seconds()
	}
	if len(r.samples) == 0 {
		return
	}
	pct := func(p float64) time.Duration { return r.samples[min(len(r.samples)-1, int(p*float64(len(r.samples))))] }
	r.P50, r.P99, r.Max = pct(0.50), pct(0.99), r.samples[len(r.samples)-1]
}

// String formats the result on one line.
func (r Result) String() string {
	return fmt.Sprintf("%8d req  %10.0f req/s  p50 %9s  p99 %9s  max %9s  errors %d",
		r.Requests, r.PerSecond, r.P50.Round(time.Microsecond), r.P99.Round(time.Microsecond), r.Max.Round(time.Microsecond), r.Errors)
}

// CheckLoopback reports an error unless rawURL's host is a loopback
// address.
func CheckLoopback(rawURL string) error {
	req, err := http.NewRequest("GET", rawURL, nil)
	if err != nil {
		return fmt.Errorf("loadgen: endpoint %q: %w", rawURL, err)
	}
	host := req.URL.Hostname()
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return fmt.Errorf("loadgen: endpoint %s is not a loopback address; the load generator measures a local server only (use 127.0.0.1)", rawURL)
	}
	return nil
}

// Run measures opts.URL.
func Run(ctx context.Context, opts Options) (Result, error) {
	if err := CheckLoopback(opts.URL); err != nil {
		return Result{}, err
	}
	if opts.Concurrency <= 0 {
		opts.Concurrency = 8
	}
	if opts.Requests <= 0 {
		opts.Requests = 10000
	}
	if opts.Duration <= 0 {
		opts.Duration = 10 * time.Second
	}
	if opts.Warmup <= 0 {
		opts.Warmup = 200
	}
	client := opts.Client
	if client == nil {
		client = &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: opts.Concurrency, MaxIdleConns: opts.Concurrency,
			DisableCompression: true}, Timeout: 30 * time.Second}
	}
	one := func() (time.Duration, error) {
		r, err := http.NewRequestWithContext(ctx, http.MethodPost, opts.URL, strings.NewReader(opts.Request.Body))
		if err != nil {
			return 0, err
		}
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
		start := time.Now()
		if opts.Credentials.AccessKeyID != "" {
			if err := sigv4.Sign(r, []byte(opts.Request.Body), opts.Credentials, opts.Request.Region, opts.Request.Service, start); err != nil {
				return 0, err
			}
		}
		resp, err := client.Do(r)
		if err != nil {
			return 0, err
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		d := time.Since(start)
		if err != nil {
			return d, err
		}
		if resp.StatusCode != http.StatusOK {
			return d, fmt.Errorf("HTTP %d: %.300s", resp.StatusCode, body)
		}
		return d, nil
	}
	for i := 0; i < opts.Warmup; i++ {
		if _, err := one(); err != nil {
			return Result{}, fmt.Errorf("loadgen: warm-up request to %s failed: %w", opts.URL, err)
		}
	}
	var (
		next     atomic.Int64
		mu       sync.Mutex
		lat      = make([]time.Duration, 0, opts.Requests)
		errs     int
		firstErr string
		wg       sync.WaitGroup
	)
	deadline := time.Now().Add(opts.Duration)
	start := time.Now()
	for w := 0; w < opts.Concurrency; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			local := make([]time.Duration, 0, opts.Requests/opts.Concurrency+1)
			localErrs, localFirst := 0, ""
			for next.Add(1) <= int64(opts.Requests) && time.Now().Before(deadline) && ctx.Err() == nil {
				d, err := one()
				if err != nil {
					if localFirst == "" {
						localFirst = err.Error()
					}
					localErrs++
					continue
				}
				local = append(local, d)
			}
			mu.Lock()
			lat = append(lat, local...)
			errs += localErrs
			if firstErr == "" {
				firstErr = localFirst
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	if err := ctx.Err(); err != nil {
		return Result{}, err
	}
	if len(lat) == 0 {
		return Result{}, errors.New("loadgen: no request succeeded: " + firstErr)
	}
	slices.Sort(lat)
	res := Result{Requests: len(lat) + errs, Errors: errs, FirstError: firstErr, Elapsed: elapsed, samples: lat}
	res.summarize()
	return res, nil
}

// BareHandler is the baseline: a net/http handler that reads the request
// body and answers with a fixed awsQuery-shaped XML document of the size
// of a small IAM response, doing no authentication or authorization.
func BareHandler() http.Handler {
	const resp = `<GetUserResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><GetUserResult><User>` +
		`<Path>/</Path><UserName>admin</UserName><UserId>AIDAEXAMPLEEXAMPLE123</UserId>` +
		`<Arn>arn:aws:iam::123456789012:user/admin</Arn><CreateDate>2026-01-01T00:00:00Z</CreateDate>` +
		`</User></GetUserResult><ResponseMetadata><RequestId>00000000-0000-4000-8000-000000000000</RequestId>` +
		`</ResponseMetadata></GetUserResponse>`
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "text/xml")
		_, _ = io.WriteString(w, resp)
	})
}
