package shop

import (
	"fmt"

	"boutique/cart"
	"net/url"
	"regexp"
	"strings"
)

// Config is what the shop reads from its environment.
type Config struct {
	// Currency is the ISO 4217 code, lower case, that prices are in.
	Currency string
	// Delivery are the delivery rules: the free-delivery threshold and
	// the standard delivery percentage.
	Delivery cart.Rules
	// StripeJSURL is where the checkout loads Stripe.js from. Its origin
	// is the one the Content-Security-Policy lets scripts and frames come
	// from, so tests can serve a stand-in on loopback.
	StripeJSURL string
	// Stripe's keys; without both API keys the checkout says how to set
	// them up instead of taking payments.
	StripePublicKey string
	StripeSecretKey string
	StripeWHSecret  string
	// StripeAPIBase is Stripe's API URL, for stripe-mock or a fake in
	// tests; empty means Stripe itself.
	StripeAPIBase string
}

// PaymentsEnabled says whether both Stripe API keys are set.
func (c Config) PaymentsEnabled() bool { return c.StripePublicKey != "" && c.StripeSecretKey != "" }

// DefaultStripeJSURL is Stripe's own address for Stripe.js.
const DefaultStripeJSURL = "https://js.stripe.com/v3/"

var currencyCode = regexp.MustCompile(`^[a-z]{3}$`)

// ConfigFromEnv reads the configuration, applying defaults and refusing
// values the shop cannot work with.
func ConfigFromEnv(getenv func(string) string) (Config, error) {
	c := Config{
		Currency:        strings.ToLower(strings.TrimSpace(getenv("BOUTIQUE_CURRENCY"))),
		StripeJSURL:     strings.TrimSpace(getenv("STRIPE_JS_URL")),
		StripePublicKey: strings.TrimSpace(getenv("STRIPE_PUBLIC_KEY")),
		StripeSecretKey: strings.TrimSpace(getenv("STRIPE_SECRET_KEY")),
		StripeWHSecret:  strings.TrimSpace(getenv("STRIPE_WH_SECRET")),
		StripeAPIBase:   strings.TrimSpace(getenv("STRIPE_API_BASE")),
	}
	if c.Currency == "" {
		c.Currency = "usd"
	}
	if !currencyCode.MatchString(c.Currency) {
		return c, fmt.Errorf("BOUTIQUE_CURRENCY %q is not a three-letter currency code such as usd", c.Currency)
	}
	c.Delivery = cart.DefaultRules
	if v := strings.TrimSpace(getenv("BOUTIQUE_FREE_DELIVERY_THRESHOLD")); v != "" {
		cents, err := cart.ParseAmount(v)
		if err != nil {
			return c, fmt.Errorf("BOUTIQUE_FREE_DELIVERY_THRESHOLD: %w", err)
		}
		c.Delivery.FreeDeliveryThreshold = cents
	}
	if v := strings.TrimSpace(getenv("BOUTIQUE_STANDARD_DELIVERY_PERCENTAGE")); v != "" {
		bp, err := cart.ParsePercent(v)
		if err != nil {
			return c, fmt.Errorf("BOUTIQUE_STANDARD_DELIVERY_PERCENTAGE: %w", err)
		}
		c.Delivery.DeliveryBasisPoints = bp
	}
	if c.StripeJSURL == "" {
		c.StripeJSURL = DefaultStripeJSURL
	}
	if _, err := origin(c.StripeJSURL); err != nil {
		return c, fmt.Errorf("STRIPE_JS_URL: %w", err)
	}
	if c.StripeAPIBase != "" {
		if _, err := origin(c.StripeAPIBase); err != nil {
			return c, fmt.Errorf("STRIPE_API_BASE: %w", err)
		}
	}
	if c.StripePublicKey != "" && !strings.HasPrefix(c.StripePublicKey, "pk_") {
		return c, fmt.Errorf("STRIPE_PUBLIC_KEY should be a publishable key starting pk_")
	}
	if c.StripeSecretKey != "" && !strings.HasPrefix(c.StripeSecretKey, "sk_") && !strings.HasPrefix(c.StripeSecretKey, "rk_") {
		return c, fmt.Errorf("STRIPE_SECRET_KEY should be a secret key starting sk_ (or a restricted key, rk_)")
	}
	return c, nil
}

// origin is the scheme://host[:port] of an absolute http(s) URL.
func origin(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", err
	}
	if (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return "", fmt.Errorf("%q is not an absolute http or https URL", raw)
	}
	return u.Scheme + "://" + u.Host, nil
}
