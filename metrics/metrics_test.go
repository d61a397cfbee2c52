package metrics

import (
	"strings"
	"testing"
	"time"
)

func TestExposition(t *testing.T) {
	r := New()
	c := r.Counter("shop_requests_total", "Requests.", "route", "status")
	c.Inc("GET /", "200")
	c.Inc("GET /", "200")
	c.Inc(`GET /a"b`, "404")
	h := r.Histogram("shop_latency_seconds", "Latency.", []float64{0.01, 0.1}, "route")
	h.Observe(5*time.Millisecond, "GET /")
	h.Observe(50*time.Millisecond, "GET /")
	h.Observe(time.Second, "GET /")
	r.Gauge("shop_backlog", "Backlog.", func() (float64, error) { return 3, nil })
	var b strings.Builder
	r.Write(&b)
	for _, want := range []string{
		"# TYPE shop_requests_total counter",
		`shop_requests_total{route="GET /",status="200"} 2`,
		`shop_requests_total{route="GET /a\"b",status="404"} 1`,
		"# TYPE shop_latency_seconds histogram",
		`shop_latency_seconds_bucket{route="GET /",le="0.01"} 1`,
		`shop_latency_seconds_bucket{route="GET /",le="0.1"} 2`,
		`shop_latency_seconds_bucket{route="GET /",le="+Inf"} 3`,
		`shop_latency_seconds_count{route="GET /"} 3`,
		`shop_latency_seconds_sum{route="GET /"} 1.055`,
		"shop_backlog 3",
	} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("missing %s in\n%s", want, b.String())
		}
	}
	if c.Value("GET /", "200") != 2 {
		t.Fatal("Value")
	}
}
