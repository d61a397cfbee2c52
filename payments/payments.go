// Package payments is the shop's adapter over stripe-go v76: PaymentIntents
// created, updated and read through a client.API of its own, never the
// package-global key, against a configurable API base so tests can point
// it at stripe-mock or a fake.
package payments

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/stripe/stripe-go/v76"
	"github.com/stripe/stripe-go/v76/client"
)

// APIVersion is the Stripe API version stripe-go v76 speaks; webhook
// endpoints must be created with it.
const APIVersion = stripe.APIVersion

// Config is how to reach Stripe.
type Config struct {
	SecretKey string
	// APIBase is Stripe's API URL; empty means Stripe itself.
	APIBase    string
	HTTPClient *http.Client
	Log        *slog.Logger
}

// ErrNoSuchIntent is a PaymentIntent Stripe does not know (with this key).
var ErrNoSuchIntent = errors.New("no such payment intent")

// Client makes the shop's Stripe requests.
type Client struct {
	api *client.API
}

// New builds a client. It makes no request.
func New(cfg Config) *Client {
	hc := cfg.HTTPClient
	if hc == nil {
		// net/http keeps two idle connections a host by default: webhooks
		// and checkouts that call Stripe at once would each open (and
		// shake hands on) a new connection.
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.MaxIdleConnsPerHost = 64
		hc = &http.Client{Timeout: 30 * time.Second, Transport: t}
	}
	log := cfg.Log
	if log == nil {
		log = slog.Default()
	}
	bc := &stripe.BackendConfig{
		HTTPClient:        hc,
		LeveledLogger:     stripeLogger{log},
		MaxNetworkRetries: stripe.Int64(2),
	}
	if cfg.APIBase != "" {
		bc.URL = stripe.String(cfg.APIBase)
	}
	api := &client.API{}
	api.Init(cfg.SecretKey, &stripe.Backends{
		API:     stripe.GetBackendWithConfig(stripe.APIBackend, bc),
		Connect: stripe.GetBackendWithConfig(stripe.ConnectBackend, bc),
		Uploads: stripe.GetBackendWithConfig(stripe.UploadsBackend, bc),
	})
	return &Client{api: api}
}

// An Address as Stripe keeps it.
type Address struct {
	Line1, Line2, City, PostalCode, State, Country string
}

// A Party is who pays (billing details) or who receives (shipping).
type Party struct {
	Name, Email, Phone string
	Address            Address
}

// Intent is what the shop needs of a PaymentIntent.
type Intent struct {
	ID           string
	ClientSecret string
	Status       string // requires_payment_method, succeeded, canceled...
	Amount       int64
	Currency     string
	Metadata     map[string]string
	// Billing comes from the latest charge, when there is one.
	Billing Party
	// Shipping is the PaymentIntent's own shipping, nil when none.
	Shipping *Party
	// LastError is the message of the last failed payment attempt, and
	// LastErrorCode its code (card_declined...).
	LastError     string
	LastErrorCode string
}

// Succeeded says whether Stripe has taken the payment.
func (i Intent) Succeeded() bool { return i.Status == string(stripe.PaymentIntentStatusSucceeded) }

// Processing says whether the payment was made but settles later (a
// direct debit): no order yet, and no new payment either.
func (i Intent) Processing() bool { return i.Status == string(stripe.PaymentIntentStatusProcessing) }

// Create makes a PaymentIntent for the payment methods the Stripe account
// has turned on (automatic_payment_methods: cards, wallets, Link, and
// methods that redirect or settle later), which the Payment Element
// offers. The idempotency key makes a repeated request (a retry, two tabs
// at once) return the same PaymentIntent.
func (c *Client) Create(ctx context.Context, amount int64, currency, idempotencyKey string, metadata map[string]string) (Intent, error) {
	p := &stripe.PaymentIntentParams{
		Amount:                  stripe.Int64(amount),
		Currency:                stripe.String(currency),
		AutomaticPaymentMethods: &stripe.PaymentIntentAutomaticPaymentMethodsParams{Enabled: stripe.Bool(true)},
	}
	p.Context = ctx
	p.SetIdempotencyKey(idempotencyKey)
	for k, v := range metadata {
		p.AddMetadata(k, v)
	}
	pi, err := c.api.PaymentIntents.New(p)
	if err != nil {
		return Intent{}, fmt.Errorf("stripe: create payment intent: %w", err)
	}
	return FromStripe(pi), nil
}

// Update sets a PaymentIntent's amount (unless amount is 0) and metadata
// keys (an empty value deletes the key).
func (c *Client) Update(ctx context.Context, id string, amount int64, metadata map[string]string) (Intent, error) {
	p := &stripe.PaymentIntentParams{}
	p.Context = ctx
	if amount > 0 {
		p.Amount = stripe.Int64(amount)
	}
	for k, v := range metadata {
		p.AddMetadata(k, v)
	}
	pi, err := c.api.PaymentIntents.Update(id, p)
	if err != nil {
		return Intent{}, fmt.Errorf("stripe: update payment intent %s: %w", id, err)
	}
	return FromStripe(pi), nil
}

// Retrieve reads a PaymentIntent with its latest charge, where the billing
// details are (API 2023-10-16 has no charges list). The answer is decoded
// into just what the shop reads (wireIntent), rather than every field of
// the PaymentIntent and its charge as stripe.PaymentIntent would be.
func (c *Client) Retrieve(ctx context.Context, id string) (Intent, error) {
	p := &stripe.PaymentIntentParams{}
	p.Context = ctx
	p.AddExpand("latest_charge")
	var w wireIntent
	err := c.api.PaymentIntents.B.Call(http.MethodGet, stripe.FormatURLPath("/v1/payment_intents/%s", id), c.api.PaymentIntents.Key, p, &w)
	if se := (*stripe.Error)(nil); errors.As(err, &se) && se.HTTPStatusCode == http.StatusNotFound {
		return Intent{}, fmt.Errorf("stripe: retrieve payment intent %s: %w: %w", id, ErrNoSuchIntent, err)
	}
	if err != nil {
		return Intent{}, fmt.Errorf("stripe: retrieve payment intent %s: %w", id, err)
	}
	in, err := w.intent()
	if err != nil {
		return Intent{}, fmt.Errorf("stripe: retrieve payment intent %s: %w", id, err)
	}
	return in, nil
}

// wireIntent is the part of a PaymentIntent's JSON the shop reads, for a
// one-pass decode of Stripe's answers and of webhook events.
type wireIntent struct {
	stripe.APIResource
	ID           string            `json:"id"`
	ClientSecret string            `json:"client_secret"`
	Status       string            `json:"status"`
	Amount       int64             `json:"amount"`
	Currency     string            `json:"currency"`
	Metadata     map[string]string `json:"metadata"`
	// LatestCharge is the charge's id, or the charge itself when expanded.
	LatestCharge     json.RawMessage `json:"latest_charge"`
	Shipping         *wireParty      `json:"shipping"`
	LastPaymentError *struct {
		Message string `json:"message"`
		Code    string `json:"code"`
	} `json:"last_payment_error"`
}

type wireParty struct {
	Name    string `json:"name"`
	Email   string `json:"email"`
	Phone   string `json:"phone"`
	Address *struct {
		Line1      string `json:"line1"`
		Line2      string `json:"line2"`
		City       string `json:"city"`
		PostalCode string `json:"postal_code"`
		State      string `json:"state"`
		Country    string `json:"country"`
	} `json:"address"`
}

func (p *wireParty) party(withEmail bool) Party {
	out := Party{Name: p.Name, Phone: p.Phone}
	if withEmail {
		out.Email = p.Email
	}
	if a := p.Address; a != nil {
		out.Address = Address{Line1: a.Line1, Line2: a.Line2, City: a.City, PostalCode: a.PostalCode, State: a.State, Country: a.Country}
	}
	return out
}

// intent is the Intent of a decoded PaymentIntent, as FromStripe makes it.
func (w *wireIntent) intent() (Intent, error) {
	in := Intent{ID: w.ID, ClientSecret: w.ClientSecret, Status: w.Status, Amount: w.Amount, Currency: w.Currency, Metadata: w.Metadata}
	if in.Metadata == nil {
		in.Metadata = map[string]string{}
	}
	if len(w.LatestCharge) > 0 && w.LatestCharge[0] == '{' {
		var ch struct {
			BillingDetails *wireParty `json:"billing_details"`
		}
		if err := json.Unmarshal(w.LatestCharge, &ch); err != nil {
			return in, fmt.Errorf("latest charge: %w", err)
		}
		if b := ch.BillingDetails; b != nil {
			in.Billing = b.party(true)
		}
	}
	if s := w.Shipping; s != nil {
		sh := s.party(false)
		in.Shipping = &sh
	}
	if e := w.LastPaymentError; e != nil {
		in.LastError, in.LastErrorCode = e.Message, e.Code
	}
	return in, nil
}

// FromStripe keeps what the shop needs of a stripe-go PaymentIntent.
func FromStripe(pi *stripe.PaymentIntent) Intent {
	in := Intent{
		ID:           pi.ID,
		ClientSecret: pi.ClientSecret,
		Status:       string(pi.Status),
		Amount:       pi.Amount,
		Currency:     string(pi.Currency),
		Metadata:     pi.Metadata,
	}
	if in.Metadata == nil {
		in.Metadata = map[string]string{}
	}
	if ch := pi.LatestCharge; ch != nil && ch.BillingDetails != nil {
		b := ch.BillingDetails
		in.Billing = Party{Name: b.Name, Email: b.Email, Phone: b.Phone, Address: address(b.Address)}
	}
	if s := pi.Shipping; s != nil {
		in.Shipping = &Party{Name: s.Name, Phone: s.Phone, Address: address(s.Address)}
	}
	if e := pi.LastPaymentError; e != nil {
		in.LastError = e.Msg
		in.LastErrorCode = string(e.Code)
	}
	return in
}

func address(a *stripe.Address) Address {
	if a == nil {
		return Address{}
	}
	return Address{Line1: a.Line1, Line2: a.Line2, City: a.City, PostalCode: a.PostalCode, State: a.State, Country: a.Country}
}

// stripeLogger sends stripe-go's own log lines to slog.
type stripeLogger struct{ log *slog.Logger }

func (l stripeLogger) Debugf(format string, v ...interface{}) {}
func (l stripeLogger) Infof(format string, v ...interface{})  {}
func (l stripeLogger) Warnf(format string, v ...interface{}) {
	l.log.Warn("stripe: " + fmt.Sprintf(format, v...))
}
func (l stripeLogger) Errorf(format string, v ...interface{}) {
	l.log.Error("stripe: " + fmt.Sprintf(format, v...))
}

// ListSince lists the PaymentIntents created since a time, newest first,
// following Stripe's pages.
func (c *Client) ListSince(ctx context.Context, since time.Time) ([]Intent, error) {
	p := &stripe.PaymentIntentListParams{CreatedRange: &stripe.RangeQueryParams{GreaterThanOrEqual: since.Unix()}}
	p.Context = ctx
	p.Limit = stripe.Int64(100)
	var out []Intent
	it := c.api.PaymentIntents.List(p)
	for it.Next() {
		out = append(out, FromStripe(it.PaymentIntent()))
	}
	if err := it.Err(); err != nil {
		return out, fmt.Errorf("stripe: list payment intents: %w", err)
	}
	return out, nil
}
