package payments

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/stripe/stripe-go/v76"
)

// The one-pass decode reads a PaymentIntent as stripe-go's full decode
// does, for every shape the shop meets.
func TestWireIntentDecodesAsStripeGoDoes(t *testing.T) {
	cases := map[string]string{
		"paid, charge expanded": `{
			"id": "pi_1", "object": "payment_intent", "amount": 2745, "currency": "usd", "status": "succeeded",
			"client_secret": "pi_1_secret_x", "metadata": {"bag": "[[1,\"M\",2,1200]]", "bag_parts": "1", "save_info": "true", "username": "ada"},
			"latest_charge": {"id": "ch_1", "object": "charge", "amount": 2745, "paid": true, "payment_intent": "pi_1",
				"billing_details": {"name": "Ada Lovelace", "email": "ada@example.com", "phone": "+353 1 234",
					"address": {"line1": "1 Main St", "line2": "Flat 2", "city": "Cork", "postal_code": "T12", "state": "Munster", "country": "IE"}}},
			"shipping": {"name": "Ada L", "phone": "+353 9", "carrier": null, "tracking_number": null,
				"address": {"line1": "2 Side St", "line2": null, "city": "Kinsale", "postal_code": null, "state": null, "country": "IE"}},
			"last_payment_error": null, "payment_method_types": ["card"], "livemode": false}`,
		"charge as an id": `{"id": "pi_2", "object": "payment_intent", "amount": 100, "currency": "eur", "status": "succeeded",
			"metadata": {}, "latest_charge": "ch_2", "shipping": null}`,
		"declined": `{"id": "pi_3", "object": "payment_intent", "amount": 100, "currency": "usd", "status": "requires_payment_method",
			"metadata": {"bag_parts": "1"}, "latest_charge": null,
			"last_payment_error": {"type": "card_error", "code": "card_declined", "message": "Your card was declined."}}`,
		"nulls everywhere": `{"id": "pi_4", "object": "payment_intent", "amount": 100, "currency": "usd", "status": "succeeded",
			"metadata": null, "latest_charge": {"id": "ch_4", "object": "charge", "billing_details": {"name": null, "email": null, "phone": null, "address": null}},
			"shipping": {"name": null, "phone": null, "address": null}}`,
	}
	for name, body := range cases {
		t.Run(name, func(t *testing.T) {
			var pi stripe.PaymentIntent
			if err := json.Unmarshal([]byte(body), &pi); err != nil {
				t.Fatal(err)
			}
			want := FromStripe(&pi)
			var w wireIntent
			if err := json.Unmarshal([]byte(body), &w); err != nil {
				t.Fatal(err)
			}
			got, err := w.intent()
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("one-pass decode:\n%+v\nstripe-go:\n%+v", got, want)
			}
		})
	}
}
