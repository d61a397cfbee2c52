// Package metrics keeps the shop's counters and latency histograms and
// writes them in the Prometheus text format. It is small on purpose: the
// few metric kinds the shop needs, with labels, and nothing else.
package metrics

import (
	"fmt"
	"io"
	"math"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"
)

// Registry holds every metric and writes them out.
type Registry struct {
	mu      sync.Mutex
	metrics []metric
	gauges  []gaugeFunc
}

type metric interface {
	write(w io.Writer)
}

type gaugeFunc struct {
	name, help string
	value      func() (float64, error)
}

// New makes an empty registry.
func New() *Registry { return &Registry{} }

// CounterVec is a counter with labels.
type CounterVec struct {
	name, help string
	labels     []string
	mu         sync.Mutex
	values     map[string]uint64
}

// Counter registers a counter with the given label names.
func (r *Registry) Counter(name, help string, labels ...string) *CounterVec {
	c := &CounterVec{name: name, help: help, labels: labels, values: map[string]uint64{}}
	r.mu.Lock()
	r.metrics = append(r.metrics, c)
	r.mu.Unlock()
	return c
}

// Inc adds one for the label values, given in the order of the names.
func (c *CounterVec) Inc(values ...string) { c.Add(1, values...) }

// Add adds n for the label values.
func (c *CounterVec) Add(n uint64, values ...string) {
	key := labelString(c.labels, values)
	c.mu.Lock()
	c.values[key] += n
	c.mu.Unlock()
}

// Value reads a counter, for tests.
func (c *CounterVec) Value(values ...string) uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.values[labelString(c.labels, values)]
}

func (c *CounterVec) write(w io.Writer) {
	c.mu.Lock()
	defer c.mu.Unlock()
	fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s counter\n", c.name, c.help, c.name)
	for _, k := range sortedKeys(c.values) {
		fmt.Fprintf(w, "%s%s %d\n", c.name, k, c.values[k])
	}
}

// HistogramVec is a histogram of seconds with labels.
type HistogramVec struct {
	name, help string
	labels     []string
	buckets    []float64
	mu         sync.Mutex
	series     map[string]*histogram
}

type histogram struct {
	counts []uint64 // per bucket, not cumulative
	count  uint64
	sum    float64
}

// DefaultBuckets are latency buckets in seconds, from 1 ms to 10 s.
var DefaultBuckets = []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}

// Histogram registers a histogram with the given buckets and label names.
func (r *Registry) Histogram(name, help string, buckets []float64, labels ...string) *HistogramVec {
	h := &HistogramVec{name: name, help: help, labels: labels, buckets: buckets, series: map[string]*histogram{}}
	r.mu.Lock()
	r.metrics = append(r.metrics, h)
	r.mu.Unlock()
	return h
}

// Observe records a duration for the label values.
func (h *HistogramVec) Observe(d time.Duration, values ...string) {
	v := d.Seconds()
	key := labelString(h.labels, values)
	h.mu.Lock()
	defer h.mu.Unlock()
	s := h.series[key]
	if s == nil {
		s = &histogram{counts: make([]uint64, len(h.buckets))}
		h.series[key] = s
	}
	i := sort.SearchFloat64s(h.buckets, v)
	if i < len(h.buckets) {
		s.counts[i]++
	}
	s.count++
	s.sum += v
}

func (h *HistogramVec) write(w io.Writer) {
	h.mu.Lock()
	defer h.mu.Unlock()
	fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s histogram\n", h.name, h.help, h.name)
	for _, k := range sortedKeys(h.series) {
		s := h.series[k]
		var cum uint64
		for i, b := range h.buckets {
			cum += s.counts[i]
			fmt.Fprintf(w, "%s_bucket%s %d\n", h.name, withLabel(k, "le", formatFloat(b)), cum)
		}
		fmt.Fprintf(w, "%s_bucket%s %d\n", h.name, withLabel(k, "le", "+Inf"), s.count)
		fmt.Fprintf(w, "%s_sum%s %s\n", h.name, k, formatFloat(s.sum))
		fmt.Fprintf(w, "%s_count%s %d\n", h.name, k, s.count)
	}
}

// Gauge registers a gauge read when the metrics are scraped.
func (r *Registry) Gauge(name, help string, value func() (float64, error)) {
	r.mu.Lock()
	r.gauges = append(r.gauges, gaugeFunc{name, help, value})
	r.mu.Unlock()
}

// Write writes every metric in the Prometheus text format.
func (r *Registry) Write(w io.Writer) {
	r.mu.Lock()
	ms := append([]metric(nil), r.metrics...)
	gs := append([]gaugeFunc(nil), r.gauges...)
	r.mu.Unlock()
	for _, m := range ms {
		m.write(w)
	}
	for _, g := range gs {
		v, err := g.value()
		if err != nil {
			continue
		}
		fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s gauge\n%s %s\n", g.name, g.help, g.name, g.name, formatFloat(v))
	}
}

// Handler serves the metrics.
func (r *Registry) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
		r.Write(w)
	})
}

func labelString(names, values []string) string {
	if len(names) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteByte('{')
	for i, n := range names {
		if i > 0 {
			b.WriteByte(',')
		}
		v := ""
		if i < len(values) {
			v = values[i]
		}
		fmt.Fprintf(&b, "%s=%q", n, v)
	}
	b.WriteByte('}')
	return b.String()
}

func withLabel(labels, name, value string) string {
	extra := fmt.Sprintf("%s=%q", name, value)
	if labels == "" {
		return "{" + extra + "}"
	}
	return strings.TrimSuffix(labels, "}") + "," + extra + "}"
}

func formatFloat(v float64) string {
	if math.IsInf(v, 1) {
		return "+Inf"
	}
	return strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%.6f", v), "0"), ".")
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
