package shop

import (
	"errors"
	"io"
	"net/http"
	"strings"

	"boutique/payments"
)

// maxWebhookBytes bounds a webhook body; Stripe's events are far smaller.
const maxWebhookBytes = 64 << 10

// webhook is POST /checkout/wh/: Stripe's events, verified by signature on
// the raw body. It answers 2xx when the event is handled or not the
// shop's, 400 for a body that is not a signed event of this endpoint, and
// 5xx only when recording failed, so that Stripe retries.
func (app *App) webhook(w http.ResponseWriter, r *http.Request) {
	if app.cfg.StripeWHSecret == "" {
		app.log.Error("webhook: STRIPE_WH_SECRET is not set, so no event can be verified; Stripe will retry")
		http.Error(w, "webhook secret not configured", http.StatusServiceUnavailable)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxWebhookBytes))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			http.Error(w, "body too large", http.StatusRequestEntityTooLarge)
			return
		}
		http.Error(w, "could not read body", http.StatusBadRequest)
		return
	}
	ev, err := payments.VerifyEvent(body, r.Header.Get("Stripe-Signature"), app.cfg.StripeWHSecret, app.cfg.StripeWHAllowOtherAPIVersion)
	if err != nil {
		switch {
		case errors.Is(err, payments.ErrAPIVersion):
			app.log.Error("webhook: event refused: another API version; set STRIPE_WH_ALLOW_OTHER_API_VERSION=true to accept it, or recreate the endpoint with this version",
				"event", ev.ID, "type", ev.Type, "err", err)
			http.Error(w, "unsupported API version", http.StatusBadRequest)
		case errors.Is(err, payments.ErrEventBody):
			app.log.Warn("webhook: signed body is not an event we can read", "event", ev.ID, "err", err)
			http.Error(w, "unparsable event", http.StatusBadRequest)
		default:
			app.log.Warn("webhook: bad signature", "err", err)
			http.Error(w, "bad signature", http.StatusBadRequest)
		}
		return
	}
	if ev.APIVersion != payments.APIVersion {
		app.log.Warn("webhook: accepting an event of another API version (STRIPE_WH_ALLOW_OTHER_API_VERSION is set)",
			"event", ev.ID, "api_version", ev.APIVersion, "expected", payments.APIVersion)
	}

	outcome, err := app.orders.HandleEvent(r.Context(), ev)
	if err != nil {
		app.log.Error("webhook: recording failed; Stripe will retry", "event", ev.ID, "type", ev.Type, "err", err)
		http.Error(w, "could not record the event", http.StatusInternalServerError)
		return
	}
	app.webhookAnswer(w, ev, outcome)
}

func (app *App) webhookAnswer(w http.ResponseWriter, ev payments.Event, outcome string) {
	app.log.Info("webhook", "event", ev.ID, "type", ev.Type, "outcome", outcome)
	app.metrics.webhooks.Inc(ev.Type, webhookOutcome(outcome))
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	io.WriteString(w, ev.Type+": "+outcome+"\n")
}

// webhookOutcome folds an outcome into a few values for the metrics.
func webhookOutcome(outcome string) string {
	switch {
	case strings.HasPrefix(outcome, "no order"):
		return "no order"
	case strings.HasPrefix(outcome, "not succeeded"):
		return "not succeeded"
	}
	return outcome
}
