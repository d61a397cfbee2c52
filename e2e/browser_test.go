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
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"boutique/db/dbtest"
	"boutique/demo"
	"boutique/shop"
)

// startShop serves the shop with the demo catalog on a throwaway SQLite
// file, on loopback.
func startShop(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	pool := dbtest.Open(t)
	if _, err := demo.Seed(ctx, pool); err != nil {
		t.Fatal(err)
	}
	app, err := shop.New(pool, slog.New(slog.NewTextHandler(io.Discard, nil)), shop.Config{
		Currency:    "usd",
		StripeJSURL: shop.DefaultStripeJSURL,
	})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(app.Handler())
	t.Cleanup(srv.Close)
	return srv.URL
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
