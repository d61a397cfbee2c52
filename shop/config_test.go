package shop_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"boutique/shop"
)

func env(kv ...string) func(string) string {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return func(k string) string { return m[k] }
}

// The shop's currency is one Stripe charges in, read with its own minor
// units; any other is refused at start, saying which are known.
func TestConfigCurrencies(t *testing.T) {
	for _, tt := range []struct {
		currency, threshold string
		want, step          int64
	}{
		{"", "", 5000, 1}, {"JPY", "5000", 5000, 1}, {"kwd", "5", 5000, 10}, {"usd", "50", 5000, 1}, {"isk", "50", 5000, 100},
	} {
		c, err := shop.ConfigFromEnv(env("BOUTIQUE_CURRENCY", tt.currency, "BOUTIQUE_FREE_DELIVERY_THRESHOLD", tt.threshold))
		if err != nil || c.Delivery.FreeDeliveryThreshold != tt.want || c.Delivery.Step != tt.step {
			t.Errorf("%q %q: threshold %d step %d, %v", tt.currency, tt.threshold, c.Delivery.FreeDeliveryThreshold, c.Delivery.Step, err)
		}
	}
	_, err := shop.ConfigFromEnv(env("BOUTIQUE_CURRENCY", "xyz"))
	if err == nil || !strings.Contains(err.Error(), "not a currency this shop can charge in") || !strings.Contains(err.Error(), "jpy") {
		t.Fatalf("an unknown currency: %v", err)
	}
	if _, err := shop.ConfigFromEnv(env("BOUTIQUE_CURRENCY", "jpy", "BOUTIQUE_FREE_DELIVERY_THRESHOLD", "50.5")); err == nil {
		t.Fatal("a threshold in fractions of a yen was taken")
	}
}

func TestConfigTimeZone(t *testing.T) {
	c, err := shop.ConfigFromEnv(env("BOUTIQUE_TIME_ZONE", "Europe/Dublin"))
	if err != nil || c.TimeZone.String() != "Europe/Dublin" {
		t.Fatalf("%v, %v", c.TimeZone, err)
	}
	if c, err := shop.ConfigFromEnv(env()); err != nil || c.TimeZone.String() != "UTC" {
		t.Fatalf("the default: %v, %v", c.TimeZone, err)
	}
	if _, err := shop.ConfigFromEnv(env("BOUTIQUE_TIME_ZONE", "Mars/Olympus")); err == nil || !strings.Contains(err.Error(), "not a time zone") {
		t.Fatalf("an unknown zone: %v", err)
	}
}

func TestConfigApplePayDomainFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "apple-developer-merchantid-domain-association")
	if err := os.WriteFile(path, []byte("association"), 0o600); err != nil {
		t.Fatal(err)
	}
	if c, err := shop.ConfigFromEnv(env("BOUTIQUE_APPLE_PAY_DOMAIN_FILE", path)); err != nil || string(c.ApplePayDomainFile) != "association" {
		t.Fatalf("%q, %v", c.ApplePayDomainFile, err)
	}
	if _, err := shop.ConfigFromEnv(env("BOUTIQUE_APPLE_PAY_DOMAIN_FILE", path+".missing")); err == nil {
		t.Fatal("a file that is not there was taken")
	}
}
