package shop_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func scrape(t *testing.T, s *checkoutShop) string {
	t.Helper()
	rec := httptest.NewRecorder()
	s.app.MetricsHandler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	b, _ := io.ReadAll(rec.Body)
	return string(b)
}

// After a checkout and a webhook, the counters have moved.
func TestMetricsCountCheckoutsAndWebhooks(t *testing.T) {
	s := newWebhookShop(t)
	before := scrape(t, s)
	if strings.Contains(before, `boutique_orders_created_total{source="form"}`) {
		t.Fatal("orders counted before any")
	}
	pid := s.placeOrder()
	s.deliver(s.fake.IntentEvent("payment_intent.succeeded", pid))
	other := s.another()
	pid2, _, _ := other.checkoutPaid(shopper, &shopper)
	s.deliver(s.fake.IntentEvent("payment_intent.succeeded", pid2))

	after := scrape(t, s)
	for _, want := range []string{
		`boutique_orders_created_total{source="form"} 1`,
		`boutique_orders_created_total{source="webhook"} 1`,
		`boutique_webhook_events_total{type="payment_intent.succeeded",outcome="already recorded"} 1`,
		`boutique_webhook_events_total{type="payment_intent.succeeded",outcome="created"} 1`,
		`boutique_http_requests_total{route="POST /checkout/{$}",status="303"} 1`,
		`boutique_http_requests_total{route="GET /checkout/{$}",status="200"} 4`,
		`boutique_http_request_duration_seconds_count{route="POST /checkout/wh/{$}"} 2`,
		"boutique_outbox_backlog ",
		"# TYPE boutique_http_request_duration_seconds histogram",
	} {
		if !strings.Contains(after, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
}

func TestReadyz(t *testing.T) {
	s := newWebhookShop(t)
	if res := s.get("/readyz"); res.status != http.StatusOK || res.body != "ready\n" {
		t.Fatalf("%d %q", res.status, res.body)
	}
	s.app.Drain()
	if res := s.get("/readyz"); res.status != http.StatusServiceUnavailable {
		t.Fatalf("draining: %d", res.status)
	}
	if res := s.get("/healthz"); res.status != http.StatusOK {
		t.Fatalf("healthz while draining: %d", res.status)
	}
}
