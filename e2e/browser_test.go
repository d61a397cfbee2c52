// Package e2e drives the shop in headless Chromium, as a shopper would.
package e2e

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"boutique/cart"
	"boutique/demo"
	"boutique/payments/stripefake"
	"boutique/shop"
	"boutique/store"
	"boutique/store/storetest"
)

// startShop serves the shop with the demo catalog on a throwaway SQLite
// file, on loopback, and returns its URL and database.
func startShop(t *testing.T) (string, *store.Store) {
	t.Helper()
	return startShopWith(t, func(*shop.Config) {})
}

// startShopWith is startShop with a change to the configuration.
func startShopWith(t *testing.T, configure func(*shop.Config)) (string, *store.Store) {
	t.Helper()
	ctx := context.Background()
	pool := storetest.Open(t)
	if _, err := demo.Seed(ctx, pool); err != nil {
		t.Fatal(err)
	}
	cfg := shop.Config{
		Currency:    "usd",
		Delivery:    cart.DefaultRules,
		StripeJSURL: shop.DefaultStripeJSURL,
		BcryptCost:  4,
	}
	configure(&cfg)
	app, err := shop.New(pool, slog.New(slog.NewTextHandler(io.Discard, nil)), cfg)
	if err != nil {
		t.Fatal(err)
	}
	app.RunBackground()
	t.Cleanup(app.Close)
	srv := httptest.NewServer(app.Handler())
	t.Cleanup(srv.Close)
	return srv.URL, pool
}

// startStripeShop is startShopWith a fake Stripe, and its test Stripe.js
// for the browser.
func startStripeShop(t *testing.T, configure ...func(*shop.Config)) (string, *store.Store, *stripefake.Fake) {
	t.Helper()
	fake := stripefake.New()
	t.Cleanup(fake.Close)
	base, pool := startShopWith(t, func(cfg *shop.Config) {
		cfg.StripePublicKey, cfg.StripeSecretKey = "pk_test_boutique", "sk_test_boutique"
		cfg.StripeAPIBase, cfg.StripeJSURL = fake.URL(), fake.JSURL()
		for _, c := range configure {
			c(cfg)
		}
	})
	return base, pool, fake
}

// productID is the id of the demo product with this name.
func productID(t *testing.T, pool *store.Store, name string) int64 {
	t.Helper()
	var id int64
	if err := pool.DB().QueryRow(`SELECT id FROM products WHERE name = ?`, name).Scan(&id); err != nil {
		t.Fatalf("product %q: %v", name, err)
	}
	return id
}

// waitTrue evaluates a JavaScript expression every 50ms until it is true,
// for at most 15 seconds. It polls from Go, so it works on pages whose own
// scripts are switched off.
func waitTrue(t *testing.T, ctx context.Context, what, expr string) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](expr))
		if err == nil && ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("waiting for %s: not true after 15s (last error: %v)", what, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// text is the trimmed text of the first element a CSS selector finds.
func text(t *testing.T, ctx context.Context, selector string) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Evaluate[string](
		`(document.querySelector(`+strconv.Quote(selector)+`)?.textContent ?? "").trim()`))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// screenshot saves the page as it is and prints where.
func screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	path := screenshotPath(t, name)
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", path)
}

// newBrowser starts headless Chromium with a fresh profile and no network
// chatter of its own. Every action in the returned context is bounded by
// the timeout.
func newBrowser(t *testing.T, timeout time.Duration) context.Context {
	t.Helper()
	path := chromiumPath(t)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.UserDataDir(t.TempDir()),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(allocCtx)
	ctx, cancelTimeout := context.WithTimeout(ctx, timeout)
	t.Cleanup(func() {
		cancelTimeout()
		cancelCtx()
		cancelAlloc()
	})
	// The page behaves as the focused one, as a shopper's would: without
	// this, a page of several headless browsers at once may not get focus
	// and blur events, and a field's check on leaving it never runs.
	if _, err := chromedp.Call(ctx, emulation.SetFocusEmulationEnabled, emulation.SetFocusEmulationEnabledParams{Enabled: true}); err != nil {
		t.Fatal(err)
	}
	return ctx
}

func chromiumPath(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("BOUTIQUE_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Fatal("no Chromium found: install Debian's chromium (apt-get install chromium) or set BOUTIQUE_CHROMIUM")
	return ""
}

// screenshotPath is where a test saves a screenshot: e2e/screenshots/ or
// the folder BOUTIQUE_SCREENSHOTS names.
func screenshotPath(t *testing.T, name string) string {
	t.Helper()
	dir := os.Getenv("BOUTIQUE_SCREENSHOTS")
	if dir == "" {
		dir = "screenshots"
	}
	dir, err := filepath.Abs(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return filepath.Join(dir, name)
}
