package shop

import (
	"context"
	"net/http"
	"time"

	"boutique/metrics"
	"boutique/store"
)

// shopMetrics are what the shop counts.
type shopMetrics struct {
	registry *metrics.Registry
	requests *metrics.CounterVec
	latency  *metrics.HistogramVec
	orders   *metrics.CounterVec
	webhooks *metrics.CounterVec
}

func newMetrics(r *metrics.Registry, q *store.Queries) *shopMetrics {
	m := &shopMetrics{
		registry: r,
		requests: r.Counter("boutique_http_requests_total", "HTTP requests by route and status.", "route", "status"),
		latency:  r.Histogram("boutique_http_request_duration_seconds", "HTTP request latency by route.", metrics.DefaultBuckets, "route"),
		orders:   r.Counter("boutique_orders_created_total", "Orders recorded, by the path that recorded them.", "source"),
		webhooks: r.Counter("boutique_webhook_events_total", "Stripe webhook events by type and outcome.", "type", "outcome"),
	}
	r.Gauge("boutique_outbox_backlog", "Emails waiting to be sent.", func() (float64, error) {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		n, err := q.OutboxBacklog(ctx)
		return float64(n), err
	})
	return m
}

// MetricsHandler serves the shop's metrics in the Prometheus text format,
// for a listener of its own (serve -metrics-addr).
func (app *App) MetricsHandler() http.Handler { return app.metrics.registry.Handler() }
