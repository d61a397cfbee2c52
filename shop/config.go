package shop

import (
	"cmp"
	"fmt"
	"net/netip"
	"os"
	"strconv"
	"time"

	"golang.org/x/crypto/bcrypt"

	"boutique/cart"
	"boutique/orders"
	"net/url"
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
	// StripeWHAllowOtherAPIVersion accepts webhook events of another API
	// version than stripe-go v76's 2023-10-16. Off by default: objects of
	// another version may decode wrongly.
	StripeWHAllowOtherAPIVersion bool
	// ContactEmail is the address shoppers can write to; emails name it.
	ContactEmail string
	// TimeZone is the shop's, for the times pages and emails show
	// (BOUTIQUE_TIME_ZONE, an IANA name; UTC when nil).
	TimeZone *time.Location
	// SMTP is the mail server; without a host, email is logged instead.
	SMTP orders.SMTPConfig
	// OutboxRetry is the first delay before a failed email is tried
	// again; each failure doubles it, up to an hour.
	OutboxRetry time.Duration
	// OutboxLease is how long the sender's claim on an email holds: an
	// email whose sender died mid-send goes again once it lapses.
	OutboxLease time.Duration
	// BaseURL is the shop's public address for links in emails; without
	// it (or serve's -domain) no email with a link is sent.
	BaseURL string
	// HSTS sends Strict-Transport-Security on HTTPS answers.
	HSTS bool
	// NewPaymentsPerBag and NewPaymentsPerAddress bound the PaymentIntents
	// a bag and a client address may have made in the last hour; 0 is no
	// bound.
	NewPaymentsPerBag, NewPaymentsPerAddress int64
	// ApplePayDomainFile is the domain association file Stripe gives for
	// Apple Pay (Dashboard, Payment method domains), served at
	// /.well-known/apple-developer-merchantid-domain-association; nil
	// when not set.
	ApplePayDomainFile []byte
	// LowStock is the count at or below which a tracked size is low: the
	// product page says how many are left, and the dashboard lists it.
	LowStock int64
	// BcryptCost is the work factor of password hashes (tests lower it).
	BcryptCost int
	// TrustedProxies are the reverse proxies whose X-Forwarded-Proto and
	// X-Forwarded-For are believed (serve -trust-proxy).
	TrustedProxies []netip.Prefix
}

// Orders is what the order domain reads of the configuration.
func (c Config) Orders() orders.Config {
	return orders.Config{Rules: orders.Rules{Currency: c.Currency, Delivery: c.Delivery}, ContactEmail: c.ContactEmail, TimeZone: c.TimeZone}
}

// PaymentsEnabled says whether both Stripe API keys are set.
func (c Config) PaymentsEnabled() bool { return c.StripePublicKey != "" && c.StripeSecretKey != "" }

// DefaultStripeJSURL is Stripe's own address for Stripe.js.
const DefaultStripeJSURL = "https://js.stripe.com/v3/"

// DefaultContactEmail is the address shoppers are given when none is set.
const DefaultContactEmail = "hello@boutique.example"

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
	cur, ok := cart.LookupCurrency(c.Currency)
	if !ok {
		return c, fmt.Errorf("BOUTIQUE_CURRENCY %q is not a currency this shop can charge in; use one of %s",
			c.Currency, strings.Join(cart.Currencies(), ", "))
	}
	c.ContactEmail = cmp.Or(strings.TrimSpace(getenv("BOUTIQUE_CONTACT_EMAIL")), DefaultContactEmail)
	c.TimeZone = time.UTC
	if tz := strings.TrimSpace(getenv("BOUTIQUE_TIME_ZONE")); tz != "" {
		loc, err := time.LoadLocation(tz)
		if err != nil {
			return c, fmt.Errorf("BOUTIQUE_TIME_ZONE %q is not a time zone such as Europe/Dublin: %w", tz, err)
		}
		c.TimeZone = loc
	}
	c.SMTP = orders.SMTPConfig{
		Host:     strings.TrimSpace(getenv("SMTP_HOST")),
		Port:     587,
		Username: getenv("SMTP_USERNAME"),
		Password: getenv("SMTP_PASSWORD"),
		From:     cmp.Or(strings.TrimSpace(getenv("SMTP_FROM")), c.ContactEmail),
	}
	if v := strings.TrimSpace(getenv("SMTP_PORT")); v != "" {
		p, err := strconv.Atoi(v)
		if err != nil || p < 1 || p > 65535 {
			return c, fmt.Errorf("SMTP_PORT %q is not a port number", v)
		}
		c.SMTP.Port = p
	}
	c.OutboxRetry = orders.DefaultRetry
	c.OutboxLease = orders.DefaultLease
	if v := strings.TrimSpace(getenv("BOUTIQUE_EMAIL_LEASE")); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < 2*time.Second {
			return c, fmt.Errorf("BOUTIQUE_EMAIL_LEASE %q: give a duration of at least 2s, such as 2m", v)
		}
		c.OutboxLease = d
	}
	c.BcryptCost = bcrypt.DefaultCost
	if c.BaseURL = strings.TrimSpace(getenv("BOUTIQUE_BASE_URL")); c.BaseURL != "" {
		if _, err := origin(c.BaseURL); err != nil {
			return c, fmt.Errorf("BOUTIQUE_BASE_URL: %w", err)
		}
	}
	var err error
	if c.StripeWHAllowOtherAPIVersion, err = boolSetting(getenv, "STRIPE_WH_ALLOW_OTHER_API_VERSION", false); err != nil {
		return c, err
	}
	if c.HSTS, err = boolSetting(getenv, "BOUTIQUE_HSTS", true); err != nil {
		return c, err
	}
	if c.NewPaymentsPerBag, err = countSetting(getenv, "BOUTIQUE_NEW_PAYMENTS_PER_BAG", 10); err != nil {
		return c, err
	}
	if c.NewPaymentsPerAddress, err = countSetting(getenv, "BOUTIQUE_NEW_PAYMENTS_PER_ADDRESS", 30); err != nil {
		return c, err
	}
	if c.LowStock, err = countSetting(getenv, "BOUTIQUE_LOW_STOCK", 3); err != nil {
		return c, err
	}
	if path := strings.TrimSpace(getenv("BOUTIQUE_APPLE_PAY_DOMAIN_FILE")); path != "" {
		if c.ApplePayDomainFile, err = os.ReadFile(path); err != nil {
			return c, fmt.Errorf("BOUTIQUE_APPLE_PAY_DOMAIN_FILE: %w", err)
		}
	}
	c.Delivery = cart.DefaultRules
	c.Delivery.Step = cur.Step
	if v := strings.TrimSpace(getenv("BOUTIQUE_FREE_DELIVERY_THRESHOLD")); v != "" {
		cents, err := cart.ParseAmount(v, c.Currency)
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

// countSetting reads a count of at least 0, def when it is unset.
func countSetting(getenv func(string) string, name string, def int64) (int64, error) {
	v := strings.TrimSpace(getenv(name))
	if v == "" {
		return def, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		return def, fmt.Errorf("%s %q: give a whole number, 0 for no limit", name, v)
	}
	return n, nil
}

// boolSetting reads a true/false variable, def when it is unset.
func boolSetting(getenv func(string) string, name string, def bool) (bool, error) {
	switch v := strings.ToLower(strings.TrimSpace(getenv(name))); v {
	case "":
		return def, nil
	case "0", "false", "no":
		return false, nil
	case "1", "true", "yes":
		return true, nil
	default:
		return def, fmt.Errorf("%s %q: use true or false", name, v)
	}
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
