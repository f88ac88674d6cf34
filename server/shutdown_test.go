package server

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

func timeNow() time.Time { return time.Now() }

// TestGracefulShutdown starts a slow request, shuts the server down while
// it runs, and checks that the request completes with its response, that
// Serve returns http.ErrServerClosed and that new connections are refused.
func TestGracefulShutdown(t *testing.T) {
	s, _ := newTestServer(t, Config{})
	entered := make(chan struct{})
	release := make(chan struct{})
	s.RegisterQuery("iam", "Slow", QueryHandlerFunc(func(ctx context.Context, c *QueryCall) (any, error) {
		close(entered)
		<-release
		return struct {
			Done bool `xml:"Done"`
		}{true}, nil
	}))
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- s.Serve(l) }()
	base := "http://" + l.Addr().String()

	type result struct {
		status int
		body   string
		err    error
	}
	slow := make(chan result, 1)
	go func() {
		r := reqSpec{"POST", "/", form, "Action=Slow&Version=2010-05-08", &adminCreds, "iam", false}.build(t, base)
		resp, err := http.DefaultClient.Do(r)
		if err != nil {
			slow <- result{err: err}
			return
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		slow <- result{status: resp.StatusCode, body: string(b)}
	}()
	<-entered

	shut := make(chan error, 1)
	go func() { shut <- s.Shutdown(context.Background()) }()
	// Shutdown closes the listener first; wait for that, then check that
	// the slow request is still running and Shutdown still waiting.
	deadline := time.Now().Add(5 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", l.Addr().String(), time.Second)
		if err != nil {
			break
		}
		c.Close()
		if time.Now().After(deadline) {
			t.Fatal("listener still accepting after Shutdown")
		}
		time.Sleep(5 * time.Millisecond)
	}
	select {
	case err := <-shut:
		t.Fatalf("Shutdown returned %v before the in-flight request finished", err)
	case r := <-slow:
		t.Fatalf("in-flight request ended early: %+v", r)
	default:
	}
	close(release)
	r := <-slow
	if r.err != nil || r.status != 200 || !strings.Contains(r.body, "<Done>true</Done>") {
		t.Errorf("in-flight request: %+v", r)
	}
	if err := <-shut; err != nil {
		t.Errorf("Shutdown: %v", err)
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		t.Errorf("Serve returned %v, want http.ErrServerClosed", err)
	}
}

// TestShutdownDeadline checks that Shutdown gives up when its context
// ends, closing the connections of requests that do not finish.
func TestShutdownDeadline(t *testing.T) {
	s, _ := newTestServer(t, Config{})
	entered := make(chan struct{})
	s.RegisterQuery("iam", "Stuck", QueryHandlerFunc(func(ctx context.Context, c *QueryCall) (any, error) {
		close(entered)
		<-ctx.Done()
		return nil, ctx.Err()
	}))
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = s.Serve(l) }()
	go func() {
		r := reqSpec{"POST", "/", form, "Action=Stuck&Version=2010-05-08", &adminCreds, "iam", false}.build(t, "http://"+l.Addr().String())
		if resp, err := http.DefaultClient.Do(r); err == nil {
			resp.Body.Close()
		}
	}()
	<-entered
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if err := s.Shutdown(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Shutdown = %v, want context.DeadlineExceeded", err)
	}
}

func TestListenAndServeBadAddr(t *testing.T) {
	s, _ := newTestServer(t, Config{Addr: "127.0.0.1:-1"})
	if err := s.ListenAndServe(); err == nil || !strings.Contains(err.Error(), "--addr") {
		t.Errorf("ListenAndServe = %v, want an error naming --addr", err)
	}
}

// TestRun cancels Run's context while a request is in flight: the request
// completes and Run returns nil.
func TestRun(t *testing.T) {
	s, _ := newTestServer(t, Config{ShutdownTimeout: 5 * time.Second})
	entered := make(chan struct{})
	release := make(chan struct{})
	s.RegisterQuery("iam", "Slow", QueryHandlerFunc(func(ctx context.Context, c *QueryCall) (any, error) {
		close(entered)
		<-release
		return nil, nil
	}))
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	ran := make(chan error, 1)
	go func() { ran <- s.Run(ctx, l) }()
	status := make(chan int, 1)
	go func() {
		r := reqSpec{"POST", "/", form, "Action=Slow&Version=2010-05-08", &adminCreds, "iam", false}.build(t, "http://"+l.Addr().String())
		resp, err := http.DefaultClient.Do(r)
		if err != nil {
			status <- -1
			return
		}
		resp.Body.Close()
		status <- resp.StatusCode
	}()
	<-entered
	cancel()
	select {
	case err := <-ran:
		t.Fatalf("Run returned %v with a request in flight", err)
	case <-time.After(50 * time.Millisecond):
	}
	close(release)
	if got := <-status; got != 200 {
		t.Errorf("in-flight request status %d, want 200", got)
	}
	if err := <-ran; err != nil {
		t.Errorf("Run = %v, want nil", err)
	}
}
