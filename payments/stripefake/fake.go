// Package stripefake is a small stateful stand-in for Stripe, for tests
// and benchmarks only. stripe-mock checks the shape of every request but
// keeps nothing; this fake keeps PaymentIntents, so a test can pay one or
// have it declined and see what the shop then does. It also serves a test
// Stripe.js whose card field and confirmCardPayment talk to it, so a
// browser can run the whole checkout on loopback.
package stripefake

import (
	"bytes"
	"context"
	"crypto/rand"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/stripe/stripe-go/v76/webhook"

	"boutique/payments"
)

// DeclinedCard is the card number the fake declines, as Stripe's test
// mode does.
const DeclinedCard = "4000000000000002"

// FailedAuthenticationCard is a card whose 3-D Secure challenge the
// shopper fails: the payment stays unpaid, with Stripe's message.
const FailedAuthenticationCard = "4000000000003220"

// Fake is a running fake Stripe.
type Fake struct {
	server *httptest.Server

	mu      sync.Mutex
	intents map[string]*intent
	order   []string          // intent ids in creation order
	idem    map[string]string // idempotency key -> intent id
	calls   map[string]int    // "POST /v1/payment_intents" -> count
	// beforeUpdate, when set, runs at the start of each update.
	beforeUpdate func(id string) error
	// refunds, in the order they were made; refundIdem maps an
	// idempotency key to its refund.
	refunds    []*refund
	refundIdem map[string]*refund
	// beforeRefund, when set, runs at the start of each refund request.
	beforeRefund func()
}

type refund struct {
	ID, Intent, Currency string
	Amount               int64
	Metadata             map[string]string
}

type intent struct {
	ID, Secret  string
	Created     int64
	Amount      int64
	Currency    string
	Status      string
	Metadata    map[string]string
	Billing     payments.Party
	Shipping    *payments.Party
	LastError   string
	ChargeID    string
	ConfirmedBy []string // card numbers tried, in order
}

// New starts a fake Stripe on a loopback port.
func New() *Fake {
	f := &Fake{intents: map[string]*intent{}, idem: map[string]string{}, calls: map[string]int{}, refundIdem: map[string]*refund{}}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/payment_intents", f.create)
	mux.HandleFunc("POST /v1/payment_intents/{id}", f.update)
	mux.HandleFunc("GET /v1/payment_intents/{id}", f.retrieve)
	mux.HandleFunc("GET /v1/payment_intents", f.list)
	mux.HandleFunc("POST /v1/refunds", f.createRefund)
	mux.HandleFunc("GET /v3/", f.stripeJS)
	mux.HandleFunc("POST /test/confirm", f.browserConfirm)
	mux.HandleFunc("OPTIONS /test/confirm", f.browserConfirm)
	f.server = httptest.NewServer(mux)
	return f
}

// URL is the fake's API base, for STRIPE_API_BASE.
func (f *Fake) URL() string { return f.server.URL }

// JSURL is where the fake serves its Stripe.js, for STRIPE_JS_URL.
func (f *Fake) JSURL() string { return f.server.URL + "/v3/" }

// Close stops the fake.
func (f *Fake) Close() { f.server.Close() }

// Intent is a snapshot of one PaymentIntent, and whether it exists.
type Intent struct {
	ID, ClientSecret, Currency, Status, LastError string
	Amount                                        int64
	Metadata                                      map[string]string
	Billing                                       payments.Party
	Shipping                                      *payments.Party
	CardsTried                                    []string
}

// Get returns a snapshot of a PaymentIntent.
func (f *Fake) Get(id string) (Intent, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	in, ok := f.intents[id]
	if !ok {
		return Intent{}, false
	}
	return in.snapshot(), true
}

// All returns every PaymentIntent in creation order.
func (f *Fake) All() []Intent {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]Intent, len(f.order))
	for i, id := range f.order {
		out[i] = f.intents[id].snapshot()
	}
	return out
}

// Calls counts the API requests by "METHOD /path pattern".
func (f *Fake) Calls(key string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[key]
}

func (in *intent) snapshot() Intent {
	meta := make(map[string]string, len(in.Metadata))
	for k, v := range in.Metadata {
		meta[k] = v
	}
	s := Intent{ID: in.ID, ClientSecret: in.Secret, Currency: in.Currency, Status: in.Status, LastError: in.LastError,
		Amount: in.Amount, Metadata: meta, Billing: in.Billing, CardsTried: append([]string(nil), in.ConfirmedBy...)}
	if in.Shipping != nil {
		sh := *in.Shipping
		s.Shipping = &sh
	}
	return s
}

// Pay confirms a PaymentIntent with a card that works, as a shopper's
// browser would through Stripe.js.
func (f *Fake) Pay(id string, billing payments.Party, shipping *payments.Party) error {
	return f.confirm(id, "4242424242424242", billing, shipping)
}

// PayLater confirms a PaymentIntent with a direct debit: it is processing
// until Settle or FailSettlement.
func (f *Fake) PayLater(id string, billing payments.Party, shipping *payments.Party) error {
	return f.confirmWith(id, "sepa_debit", "", billing, shipping)
}

// Decline confirms a PaymentIntent with a card that is declined.
func (f *Fake) Decline(id string, billing payments.Party, shipping *payments.Party) error {
	return f.confirm(id, DeclinedCard, billing, shipping)
}

var (
	errDeclined       = fmt.Errorf("Your card was declined.")
	errAuthentication = fmt.Errorf("We are unable to authenticate your payment method. Please choose a different payment method and try again.")
	errBankDeclined   = fmt.Errorf("The payment was declined at your bank.")
	errSettlement     = fmt.Errorf("The direct debit was refused by the bank.")
)

func (f *Fake) confirm(id, card string, billing payments.Party, shipping *payments.Party) error {
	return f.confirmWith(id, "card", card, billing, shipping)
}

// confirmWith confirms a PaymentIntent with a payment method type: a card
// (number); ideal, which the bank approves; bancontact, which it
// declines; sepa_debit, which is processing until Settle or
// FailSettlement.
func (f *Fake) confirmWith(id, method, card string, billing payments.Party, shipping *payments.Party) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	in, ok := f.intents[id]
	if !ok {
		return fmt.Errorf("no such payment_intent: %s", id)
	}
	if in.Status != "requires_payment_method" {
		return fmt.Errorf("payment_intent %s is %s and cannot be confirmed", id, in.Status)
	}
	if method != "card" {
		card = method
	}
	in.ConfirmedBy = append(in.ConfirmedBy, card)
	in.Billing = billing
	in.Shipping = shipping
	in.ChargeID = "ch_" + randomHex(12)
	var err error
	switch {
	case method == "card" && card == DeclinedCard:
		err = errDeclined
	case method == "card" && card == FailedAuthenticationCard:
		err = errAuthentication
	case method == "bancontact":
		err = errBankDeclined
	case method == "sepa_debit":
		in.Status, in.LastError = "processing", ""
		return nil
	case method != "card" && method != "ideal":
		err = fmt.Errorf("the test Stripe.js knows no payment method %q", method)
	}
	if err != nil {
		in.LastError = err.Error()
		return err
	}
	in.Status = "succeeded"
	in.LastError = ""
	return nil
}

// Settle ends a processing PaymentIntent (a direct debit) as paid.
func (f *Fake) Settle(id string) error { return f.settle(id, nil) }

// FailSettlement ends a processing PaymentIntent as failed, as a direct
// debit the bank refuses days later.
func (f *Fake) FailSettlement(id string) error { return f.settle(id, errSettlement) }

func (f *Fake) settle(id string, failure error) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	in, ok := f.intents[id]
	if !ok || in.Status != "processing" {
		return fmt.Errorf("payment_intent %s is not processing", id)
	}
	if failure != nil {
		in.Status, in.LastError = "requires_payment_method", failure.Error()
		return nil
	}
	in.Status, in.LastError = "succeeded", ""
	return nil
}

// --- the API ---

func (f *Fake) count(r *http.Request, pattern string) {
	f.mu.Lock()
	f.calls[r.Method+" "+pattern]++
	f.mu.Unlock()
}

// checkAuth refuses requests without a secret key or with another API
// version than stripe-go v76 pins.
func checkAuth(w http.ResponseWriter, r *http.Request) bool {
	if !strings.HasPrefix(r.Header.Get("Authorization"), "Bearer sk_") {
		stripeError(w, http.StatusUnauthorized, "invalid_request_error", "", "Invalid API Key provided.")
		return false
	}
	if v := r.Header.Get("Stripe-Version"); v != payments.APIVersion {
		stripeError(w, http.StatusBadRequest, "invalid_request_error", "", "Unexpected Stripe-Version "+v)
		return false
	}
	return true
}

func (f *Fake) create(w http.ResponseWriter, r *http.Request) {
	f.count(r, "/v1/payment_intents")
	if !checkAuth(w, r) || !parseForm(w, r) {
		return
	}
	amount, err := strconv.ParseInt(r.PostForm.Get("amount"), 10, 64)
	if err != nil || amount < 50 {
		stripeError(w, http.StatusBadRequest, "invalid_request_error", "amount_too_small", "Amount must be at least 50 cents.")
		return
	}
	currency := r.PostForm.Get("currency")
	if currency == "" || (r.PostForm.Get("payment_method_types[0]") != "card" && r.PostForm.Get("automatic_payment_methods[enabled]") != "true") {
		stripeError(w, http.StatusBadRequest, "invalid_request_error", "parameter_missing", "currency and payment_method_types or automatic_payment_methods are required")
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	key := r.Header.Get("Idempotency-Key")
	if id, ok := f.idem[key]; ok && key != "" {
		writeJSON(w, f.intents[id].json(false))
		return
	}
	id := "pi_" + randomHex(12)
	in := &intent{ID: id, Secret: id + "_secret_" + randomHex(8), Amount: amount, Currency: currency,
		Status: "requires_payment_method", Metadata: metadata(r.PostForm, nil), Created: time.Now().Unix()}
	f.intents[id] = in
	f.order = append(f.order, id)
	if key != "" {
		f.idem[key] = id
	}
	writeJSON(w, in.json(false))
}

// BeforeUpdate runs hook at the start of every PaymentIntent update,
// before the fake takes its lock: a test can hold an update back (as a slow
// network would) or, by returning an error, have it fail as Stripe's
// payment_intent_unexpected_state does, with the error's text as message.
func (f *Fake) BeforeUpdate(hook func(id string) error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.beforeUpdate = hook
}

func (f *Fake) update(w http.ResponseWriter, r *http.Request) {
	f.count(r, "/v1/payment_intents/{id}")
	if !checkAuth(w, r) || !parseForm(w, r) {
		return
	}
	f.mu.Lock()
	hook := f.beforeUpdate
	f.mu.Unlock()
	if hook != nil {
		if err := hook(r.PathValue("id")); err != nil {
			stripeError(w, http.StatusBadRequest, "invalid_request_error", "payment_intent_unexpected_state", err.Error())
			return
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	in, ok := f.pathIntent(w, r)
	if !ok {
		return
	}
	if s := r.PostForm.Get("amount"); s != "" {
		if in.Status == "succeeded" || in.Status == "canceled" {
			stripeError(w, http.StatusBadRequest, "invalid_request_error", "payment_intent_unexpected_state",
				"This PaymentIntent's amount could not be updated because it has a status of "+in.Status+".")
			return
		}
		amount, err := strconv.ParseInt(s, 10, 64)
		if err != nil || amount < 50 {
			stripeError(w, http.StatusBadRequest, "invalid_request_error", "amount_too_small", "Amount must be at least 50 cents.")
			return
		}
		in.Amount = amount
	}
	in.Metadata = metadata(r.PostForm, in.Metadata)
	if len(in.Metadata) > payments.MaxMetadataKeys {
		stripeError(w, http.StatusBadRequest, "invalid_request_error", "", "You can specify up to 50 keys.")
		return
	}
	writeJSON(w, in.json(false))
}

// pathIntent is the PaymentIntent a request's path names, or a 404; the
// caller holds f.mu.
func (f *Fake) pathIntent(w http.ResponseWriter, r *http.Request) (*intent, bool) {
	in, ok := f.intents[r.PathValue("id")]
	if !ok {
		stripeError(w, http.StatusNotFound, "invalid_request_error", "resource_missing", "No such payment_intent: '"+r.PathValue("id")+"'")
	}
	return in, ok
}

func (f *Fake) retrieve(w http.ResponseWriter, r *http.Request) {
	f.count(r, "/v1/payment_intents/{id}")
	if !checkAuth(w, r) {
		return
	}
	expand := false
	for k, vs := range r.URL.Query() {
		// stripe-go writes expand[0]=...; curl users write expand[]=...
		if strings.HasPrefix(k, "expand[") {
			for _, v := range vs {
				expand = expand || v == "latest_charge"
			}
		}
	}
	// Encoded under the lock, sent after it: a slow reader must not hold
	// up every other request.
	f.mu.Lock()
	in, ok := f.pathIntent(w, r)
	var body []byte
	if ok {
		body, _ = json.Marshal(in.json(expand))
	}
	f.mu.Unlock()
	if ok {
		w.Header().Set("Content-Type", "application/json")
		w.Write(append(body, '\n'))
	}
}

// metadata applies metadata[key]=value pairs to old; an empty value
// deletes the key, as at Stripe.
func metadata(form url.Values, old map[string]string) map[string]string {
	m := map[string]string{}
	for k, v := range old {
		m[k] = v
	}
	for k, vs := range form {
		if key, ok := strings.CutPrefix(k, "metadata["); ok && strings.HasSuffix(key, "]") {
			key = strings.TrimSuffix(key, "]")
			if vs[0] == "" {
				delete(m, key)
			} else {
				m[key] = vs[0]
			}
		}
	}
	return m
}

func (in *intent) json(expandCharge bool) map[string]any {
	o := map[string]any{
		"id": in.ID, "object": "payment_intent", "amount": in.Amount, "currency": in.Currency,
		"status": in.Status, "client_secret": in.Secret, "metadata": in.Metadata,
		"payment_method_types": []string{"card"}, "livemode": false, "created": in.Created,
	}
	if in.Shipping != nil {
		o["shipping"] = partyJSON(*in.Shipping, false)
	}
	if in.LastError != "" {
		o["last_payment_error"] = map[string]any{"type": "card_error", "code": "card_declined", "message": in.LastError}
	}
	if in.ChargeID != "" {
		if expandCharge {
			o["latest_charge"] = map[string]any{
				"id": in.ChargeID, "object": "charge", "amount": in.Amount, "currency": in.Currency,
				"payment_intent": in.ID, "billing_details": partyJSON(in.Billing, true),
				"paid": in.Status == "succeeded",
			}
		} else {
			o["latest_charge"] = in.ChargeID
		}
	}
	return o
}

func partyJSON(p payments.Party, withEmail bool) map[string]any {
	o := map[string]any{
		"name": p.Name, "phone": p.Phone,
		"address": map[string]any{
			"line1": p.Address.Line1, "line2": p.Address.Line2, "city": p.Address.City,
			"postal_code": p.Address.PostalCode, "state": p.Address.State, "country": p.Address.Country,
		},
	}
	if withEmail {
		o["email"] = p.Email
	}
	return o
}

func parseForm(w http.ResponseWriter, r *http.Request) bool {
	if err := r.ParseForm(); err != nil {
		stripeError(w, http.StatusBadRequest, "invalid_request_error", "", err.Error())
		return false
	}
	return true
}

func stripeError(w http.ResponseWriter, status int, typ, code, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]any{"error": map[string]any{"type": typ, "code": code, "message": msg}})
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(v)
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// --- the browser side: a test Stripe.js and the confirmation it calls ---

//go:embed stripe.js
var stripeJS []byte

func (f *Fake) stripeJS(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
	w.Write(stripeJS)
}

// browserConfirm is what the test Stripe.js's confirmCardPayment posts:
// the client secret, the card number typed into its card field, and the
// billing and shipping details as the page passed them.
func (f *Fake) browserConfirm(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Access-Control-Allow-Origin", "*")
	w.Header().Set("Access-Control-Allow-Headers", "Content-Type")
	w.Header().Set("Access-Control-Allow-Methods", "POST")
	if r.Method == http.MethodOptions {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	var req struct {
		ClientSecret string   `json:"client_secret"`
		Method       string   `json:"method"`
		CardNumber   string   `json:"card_number"`
		Billing      *jsParty `json:"billing_details"`
		Shipping     *jsParty `json:"shipping"`
	}
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(&req); err != nil {
		writeJSON(w, map[string]any{"error": map[string]any{"type": "invalid_request_error", "message": err.Error()}})
		return
	}
	id, _, _ := strings.Cut(req.ClientSecret, "_secret_")
	f.mu.Lock()
	in, ok := f.intents[id]
	ok = ok && in.Secret == req.ClientSecret
	f.mu.Unlock()
	if !ok {
		writeJSON(w, map[string]any{"error": map[string]any{"type": "invalid_request_error", "message": "No such payment_intent."}})
		return
	}
	if req.Method == "" {
		req.Method = "card"
	}
	if req.Method == "card" && len(req.CardNumber) < 16 {
		writeJSON(w, map[string]any{"error": map[string]any{"type": "validation_error", "code": "incomplete_number", "message": "Your card number is incomplete."}})
		return
	}
	var billing payments.Party
	if req.Billing != nil {
		billing = req.Billing.party()
	}
	var shipping *payments.Party
	if req.Shipping != nil {
		p := req.Shipping.party()
		shipping = &p
	}
	err := f.confirmWith(id, req.Method, req.CardNumber, billing, shipping)
	snap, _ := f.Get(id)
	answer := map[string]any{"paymentIntent": map[string]any{"id": snap.ID, "status": snap.Status, "amount": snap.Amount, "currency": snap.Currency}}
	if req.Method == "ideal" || req.Method == "bancontact" {
		// The shopper went to their bank and comes back to the
		// return_url; Stripe.js says how it went in the redirect.
		answer["redirect_status"] = map[bool]string{true: "succeeded", false: "failed"}[err == nil]
		writeJSON(w, answer)
		return
	}
	if err != nil {
		code := "card_declined"
		if errors.Is(err, errAuthentication) {
			code = "payment_intent_authentication_failure"
		}
		writeJSON(w, map[string]any{"error": map[string]any{"type": "card_error", "code": code, "message": err.Error(),
			"payment_intent": answer["paymentIntent"]}})
		return
	}
	writeJSON(w, answer)
}

type jsParty struct {
	Name    string `json:"name"`
	Email   string `json:"email"`
	Phone   string `json:"phone"`
	Address struct {
		Line1      string `json:"line1"`
		Line2      string `json:"line2"`
		City       string `json:"city"`
		Country    string `json:"country"`
		State      string `json:"state"`
		PostalCode string `json:"postal_code"`
	} `json:"address"`
}

func (p jsParty) party() payments.Party {
	a := p.Address
	return payments.Party{Name: p.Name, Email: p.Email, Phone: p.Phone, Address: payments.Address{
		Line1: a.Line1, Line2: a.Line2, City: a.City, Country: a.Country, State: a.State, PostalCode: a.PostalCode}}
}

// list is GET /v1/payment_intents: newest first, with created[gte], limit
// and starting_after, as Stripe pages lists.
func (f *Fake) list(w http.ResponseWriter, r *http.Request) {
	f.count(r, "/v1/payment_intents")
	if !checkAuth(w, r) {
		return
	}
	q := r.URL.Query()
	limit := 10
	if n, err := strconv.Atoi(q.Get("limit")); err == nil && n >= 1 && n <= 100 {
		limit = n
	}
	var since int64
	if s := q.Get("created[gte]"); s != "" {
		since, _ = strconv.ParseInt(s, 10, 64)
	}
	after := q.Get("starting_after")
	f.mu.Lock()
	defer f.mu.Unlock()
	var data []map[string]any
	skipping := after != ""
	hasMore := false
	for i := len(f.order) - 1; i >= 0; i-- {
		in := f.intents[f.order[i]]
		if skipping {
			skipping = in.ID != after
			continue
		}
		if in.Created < since {
			continue
		}
		if len(data) == limit {
			hasMore = true
			break
		}
		data = append(data, in.json(false))
	}
	if data == nil {
		data = []map[string]any{}
	}
	writeJSON(w, map[string]any{"object": "list", "url": "/v1/payment_intents", "has_more": hasMore, "data": data})
}

// --- webhook events ---

// An Event is a Stripe event as the fake sends it to a webhook endpoint.
type Event struct {
	ID   string
	Type string
	Body []byte
}

// NewEvent wraps an object in an event of the given type and API version
// ("" for the version stripe-go v76 pins).
func NewEvent(typ string, object map[string]any, apiVersion string) Event {
	if apiVersion == "" {
		apiVersion = payments.APIVersion
	}
	id := "evt_" + randomHex(12)
	body, _ := json.Marshal(map[string]any{
		"id": id, "object": "event", "api_version": apiVersion, "type": typ,
		"created": time.Now().Unix(), "livemode": false, "pending_webhooks": 1,
		"data": map[string]any{"object": object},
	})
	return Event{ID: id, Type: typ, Body: body}
}

// IntentEvent is a payment_intent.* event with the PaymentIntent as it is
// now; like Stripe's, it names the latest charge by id only.
func (f *Fake) IntentEvent(typ, id string) Event {
	f.mu.Lock()
	defer f.mu.Unlock()
	return NewEvent(typ, f.intents[id].json(false), "")
}

// RefundEvent is charge.refunded for a PaymentIntent's charge, saying
// amountRefunded in all; -1 for what the fake's refunds come to.
func (f *Fake) RefundEvent(id string, amountRefunded int64) Event {
	f.mu.Lock()
	defer f.mu.Unlock()
	in := f.intents[id]
	if amountRefunded < 0 {
		amountRefunded = f.refunded(id)
	}
	return NewEvent("charge.refunded", map[string]any{
		"id": in.ChargeID, "object": "charge", "amount": in.Amount, "amount_refunded": amountRefunded,
		"refunded": amountRefunded >= in.Amount, "payment_intent": in.ID, "currency": in.Currency,
	}, "")
}

// DisputeEvent is charge.dispute.created for a PaymentIntent's charge.
func (f *Fake) DisputeEvent(id string) Event {
	f.mu.Lock()
	defer f.mu.Unlock()
	in := f.intents[id]
	return NewEvent("charge.dispute.created", map[string]any{
		"id": "dp_" + randomHex(12), "object": "dispute", "amount": in.Amount, "charge": in.ChargeID,
		"payment_intent": in.ID, "reason": "fraudulent", "status": "needs_response", "currency": in.Currency,
	}, "")
}

// Sign is the Stripe-Signature header for a body signed at a time.
func Sign(body []byte, secret string, at time.Time) string {
	return webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: body, Secret: secret, Timestamp: at}).Header
}

// Deliver signs an event now and posts it to a webhook endpoint, as
// Stripe does, and returns the answer's status.
func Deliver(ctx context.Context, client *http.Client, url, secret string, ev Event) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(ev.Body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	req.Header.Set("Stripe-Signature", Sign(ev.Body, secret, time.Now()))
	res, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	// Read to the end so that the connection is kept alive for the next.
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res.StatusCode, nil
}

// AddPaid puts a succeeded PaymentIntent straight into the fake, as if a
// shopper had paid it, for benchmarks that need many.
func (f *Fake) AddPaid(amount int64, currency string, metadata map[string]string, billing payments.Party) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	id := "pi_" + randomHex(12)
	meta := make(map[string]string, len(metadata))
	for k, v := range metadata {
		meta[k] = v
	}
	ship := billing
	f.intents[id] = &intent{ID: id, Secret: id + "_secret_" + randomHex(8), Amount: amount, Currency: currency,
		Status: "succeeded", Metadata: meta, Billing: billing, Shipping: &ship, ChargeID: "ch_" + randomHex(12),
		Created: time.Now().Unix()}
	f.order = append(f.order, id)
	return id
}

// --- refunds ---

// A Refund is a snapshot of one refund the fake made.
type Refund struct {
	ID, PaymentIntent string
	Amount            int64
	Metadata          map[string]string
}

// Refunds are the refunds of a PaymentIntent, oldest first.
func (f *Fake) Refunds(pid string) []Refund {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []Refund
	for _, r := range f.refunds {
		if r.Intent == pid {
			out = append(out, Refund{ID: r.ID, PaymentIntent: r.Intent, Amount: r.Amount, Metadata: r.Metadata})
		}
	}
	return out
}

// BeforeRefund runs hook at the start of every refund request, before
// the fake takes its lock: a test can hold a refund back, as a slow
// network would, so that a second request for it overlaps the first.
func (f *Fake) BeforeRefund(hook func()) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.beforeRefund = hook
}

// refunded is what a PaymentIntent's refunds come to; the caller holds
// f.mu.
func (f *Fake) refunded(pid string) int64 {
	var n int64
	for _, r := range f.refunds {
		if r.Intent == pid {
			n += r.Amount
		}
	}
	return n
}

// createRefund is POST /v1/refunds for a PaymentIntent, as Stripe makes
// them: at most what is left of the payment, once per idempotency key.
func (f *Fake) createRefund(w http.ResponseWriter, r *http.Request) {
	f.count(r, "/v1/refunds")
	if !checkAuth(w, r) || !parseForm(w, r) {
		return
	}
	f.mu.Lock()
	hook := f.beforeRefund
	f.mu.Unlock()
	if hook != nil {
		hook()
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	key := r.Header.Get("Idempotency-Key")
	if old, ok := f.refundIdem[key]; ok && key != "" {
		writeJSON(w, old.json())
		return
	}
	in, ok := f.intents[r.PostForm.Get("payment_intent")]
	if !ok {
		stripeError(w, http.StatusNotFound, "invalid_request_error", "resource_missing", "No such payment_intent: '"+r.PostForm.Get("payment_intent")+"'")
		return
	}
	if in.Status != "succeeded" {
		stripeError(w, http.StatusBadRequest, "invalid_request_error", "charge_not_refundable", "This PaymentIntent has no successful charge to refund.")
		return
	}
	left := in.Amount - f.refunded(in.ID)
	amount := left
	if s := r.PostForm.Get("amount"); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n < 1 {
			stripeError(w, http.StatusBadRequest, "invalid_request_error", "parameter_invalid_integer", "Invalid amount.")
			return
		}
		amount = n
	}
	if amount > left || amount < 1 {
		stripeError(w, http.StatusBadRequest, "invalid_request_error", "amount_too_large",
			fmt.Sprintf("Refund amount (%d) is greater than unrefunded amount on charge (%d)", amount, left))
		return
	}
	ref := &refund{ID: "re_" + randomHex(12), Intent: in.ID, Currency: in.Currency, Amount: amount, Metadata: metadata(r.PostForm, nil)}
	f.refunds = append(f.refunds, ref)
	if key != "" {
		f.refundIdem[key] = ref
	}
	writeJSON(w, ref.json())
}

func (r *refund) json() map[string]any {
	return map[string]any{"id": r.ID, "object": "refund", "amount": r.Amount, "payment_intent": r.Intent,
		"status": "succeeded", "metadata": r.Metadata, "currency": r.Currency}
}
