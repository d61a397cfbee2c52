package e2e

import (
	"slices"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

func TestProductsSortedByPriceDescending(t *testing.T) {
	base, _ := startShop(t)
	ctx := newBrowser(t, 60*time.Second)

	err := chromedp.Do(ctx,
		chromedp.EmulateViewport(1280, 900),
		chromedp.Navigate(base+"/products/?sort=price&direction=desc"),
		chromedp.WaitVisible(chromedp.CSS(".product-card")),
	)
	if err != nil {
		t.Fatal(err)
	}

	prices, err := chromedp.Run(ctx, chromedp.Evaluate[[]int64](
		`Array.from(document.querySelectorAll(".product-card .price")).map(p => Number(p.dataset.priceCents))`))
	if err != nil {
		t.Fatal(err)
	}
	if len(prices) < 40 {
		t.Fatalf("%d product cards, want the whole demo catalog", len(prices))
	}
	if prices[0] != slices.Max(prices) {
		t.Fatalf("first card costs %d cents, but the highest price is %d", prices[0], slices.Max(prices))
	}
	if !slices.IsSortedFunc(prices, func(a, b int64) int { return int(b - a) }) {
		t.Fatalf("prices are not in descending order: %v", prices)
	}

	// What the shopper reads on the first card.
	firstPrice, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(".product-card .price")))
	if err != nil {
		t.Fatal(err)
	}
	if firstPrice != "$195.00" {
		t.Fatalf("first card shows %q, want the demo catalog's dearest price $195.00", firstPrice)
	}
	sortValue, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById("order-by").selectedOptions[0].textContent`))
	if err != nil {
		t.Fatal(err)
	}
	if sortValue != "Price: high to low" {
		t.Fatalf("the sort select shows %q, want Price: high to low", sortValue)
	}
	// One select: choosing "Price: low to high" sorts the other way.
	markPage(t, ctx, `(document.getElementById("order-by").value = "price_asc", document.getElementById("order-by").dispatchEvent(new Event("change", {bubbles: true})), true)`)
	waitTrue(t, ctx, "the ascending list", `location.search.includes("order_by=price_asc") && document.readyState === "complete"`)
	if first := text(t, ctx, ".product-card .price"); first == "$195.00" {
		t.Fatal("low to high still starts with the dearest")
	}
	do(t, ctx, chromedp.Navigate(base+"/products/?sort=price&direction=desc"))

	// The stylesheet and htmx were allowed by the CSP and loaded.
	loaded, err := chromedp.Run(ctx, chromedp.Evaluate[map[string]any](`({
		header: getComputedStyle(document.querySelector(".site-header")).backgroundColor,
		htmx: typeof window.htmx === "object" && window.htmx.version,
	})`))
	if err != nil {
		t.Fatal(err)
	}
	if loaded["header"] != "rgb(31, 58, 95)" {
		t.Errorf("the stylesheet did not apply: header background %v", loaded["header"])
	}
	if loaded["htmx"] != "2.0.11" {
		t.Errorf("htmx is %v, want 2.0.11 (run `make assets` to copy it from npm)", loaded["htmx"])
	}
	// Pictures load lazily; load them all now and count the ones that fail.
	broken, err := chromedp.Run(ctx, chromedp.Evaluate[int](`Promise.all(Array.from(document.images).map(img => {
		img.loading = "eager";
		return img.decode().then(() => 0, () => 1);
	})).then(r => r.reduce((a, b) => a + b, 0))`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}
	if broken != 0 {
		t.Errorf("%d product pictures did not load", broken)
	}

	screenshot(t, ctx, "products-price-desc.png")
}
