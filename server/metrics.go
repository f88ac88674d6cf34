package server

import (
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metrics are the server's Prometheus collectors. Label values are bounded:
// service is a registered signing name or "unknown", operation a
// registered operation or "unknown", code an AWS error code or "OK".
type metrics struct {
	requests  *prometheus.CounterVec
	latency   *prometheus.HistogramVec
	decisions *prometheus.CounterVec
}

func newMetrics(reg *prometheus.Registry) *metrics {
	m := &metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "connect_iam",
			Name:      "requests_total",
			Help:      "API requests by service, operation and AWS error code (OK for success).",
		}, []string{"service", "operation", "code"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: "connect_iam",
			Name:      "request_duration_seconds",
			Help:      "API request latency by service and operation, from routing to the last byte written.",
			Buckets:   []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
		}, []string{"service", "operation"}),
		decisions: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "connect_iam",
			Name:      "authorization_decisions_total",
			Help:      "Authorization decisions by service and result (allow, explicit_deny, implicit_deny).",
		}, []string{"service", "result"}),
	}
	reg.MustRegister(m.requests, m.latency, m.decisions)
	// The process and Go runtime collectors are registered when the
	// registry does not have them yet (a caller may share a registry).
	for _, c := range []prometheus.Collector{collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{})} {
		if err := reg.Register(c); err != nil {
			if _, dup := err.(prometheus.AlreadyRegisteredError); !dup {
				panic(err)
			}
		}
	}
	return m
}

func (m *metrics) handler(reg *prometheus.Registry) http.Handler {
	return promhttp.HandlerFor(reg, promhttp.HandlerOpts{Registry: reg})
}
