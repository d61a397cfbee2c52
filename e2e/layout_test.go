package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"boutique/shop"
)

// Every page, at a phone's 390 px and a desktop's 1280 px: none scrolls
// sideways, axe-core (from npm) finds no accessibility violation on it,
// and a screenshot of each is kept (e2e/screenshots, or
// BOUTIQUE_SCREENSHOTS). A staff account buys a mug, so the bag,
// checkout, confirmation, profile and owner pages all have something on
// them.
func TestEveryPageFitsAPhone(t *testing.T) {
	base, pool, _ := startStripeShop(t)
	if _, err := shop.CreateAdmin(context.Background(), pool, "owner", func() (string, string, error) {
		return "owner@example.com", "correct horse", nil
	}); err != nil {
		t.Fatal(err)
	}
	mug := productID(t, pool, "Speckled Stoneware Mug")
	ctx := newBrowser(t, 240*time.Second)
	do(t, ctx, chromedp.EmulateViewport(1280, 900), chromedp.Navigate(base+"/accounts/login/"))
	do(t, ctx,
		chromedp.SendKeys(chromedp.CSS("#id_login"), "owner"),
		chromedp.SendKeys(chromedp.CSS("#id_password"), "correct horse"),
		chromedp.Click(chromedp.CSS(`.account-form button[type="submit"]`)),
	)
	waitTrue(t, ctx, "signed in", `location.pathname === "/"`)
	do(t, ctx, chromedp.Navigate(fmt.Sprintf("%s/products/%d/", base, mug)))
	waitTrue(t, ctx, "htmx", `typeof window.htmx === "object" && document.readyState === "complete"`)
	addToBag(t, ctx, "", "2")
	waitTrue(t, ctx, "the mini bag", `document.querySelector("#toasts .bag-toast") !== null`)

	pages := []struct{ name, path string }{
		{"home", "/"}, {"products", "/products/"}, {"product", fmt.Sprintf("/products/%d/", mug)},
		{"bag", "/bag/"}, {"checkout", "/checkout/"}, {"login", "/accounts/login/"}, {"signup", "/accounts/signup/"}, {"delivery-page", "/pages/delivery/"},
	}
	visit := func(width int64, name, path string) {
		t.Helper()
		do(t, ctx, chromedp.EmulateViewport(width, 900), chromedp.Navigate(base+path))
		waitTrue(t, ctx, name, `document.readyState === "complete"`)
		time.Sleep(100 * time.Millisecond) // the card field and htmx settle
		over := evalString(t, ctx, `(() => {
			const w = document.documentElement.clientWidth;
			if (document.documentElement.scrollWidth <= w) return "";
			const wide = [...document.querySelectorAll("body *")].filter(e => e.getBoundingClientRect().right > w + 1 && !e.closest(".category-nav"))
				.map(e => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + (e.className && typeof e.className === "string" ? "." + e.className.split(" ").join(".") : ""));
			return document.documentElement.scrollWidth + " px wide; past the edge: " + wide.slice(0, 6).join(", ");
		})()`)
		if over != "" {
			t.Errorf("%s at %d px scrolls sideways: %s", name, width, over)
		}
		screenshot(t, ctx, fmt.Sprintf("%s-%d.png", name, width))
		for _, v := range axeViolations(t, ctx) {
			t.Errorf("%s at %d px: accessibility: %s", name, width, v)
		}
	}
	for _, width := range []int64{390, 1280} {
		for _, p := range pages {
			visit(width, p.name, p.path)
		}
	}
	// On a phone the categories and the account are behind one Menu
	// button, which opens without sending the page sideways.
	do(t, ctx, chromedp.EmulateViewport(390, 844), chromedp.Navigate(base+"/"))
	waitTrue(t, ctx, "home", `document.readyState === "complete"`)
	if evalBool(t, ctx, `getComputedStyle(document.querySelector(".category-nav")).display !== "none"`) {
		t.Error("the category bar shows on a phone")
	}
	do(t, ctx, chromedp.Click(chromedp.CSS(".phone-menu summary")))
	waitTrue(t, ctx, "the menu", `document.querySelector(".phone-menu").open`)
	if n := evalFloat(t, ctx, `[...document.querySelectorAll(".phone-categories a")].filter(a => a.getBoundingClientRect().width > 0).length`); n < 8 {
		t.Errorf("the menu shows %v category links", n)
	}
	if !evalBool(t, ctx, `[...document.querySelectorAll(".phone-menu .account-menu a")].some(a => a.textContent === "owner" && a.getBoundingClientRect().width > 0)`) {
		t.Error("the menu lacks the account")
	}
	if evalBool(t, ctx, `document.documentElement.scrollWidth > document.documentElement.clientWidth`) {
		t.Error("the open menu sends the page sideways")
	}
	screenshot(t, ctx, "menu-390.png")

	// On a phone's first screen the product page shows Add to bag.
	do(t, ctx, chromedp.EmulateViewport(390, 844), chromedp.Navigate(fmt.Sprintf("%s/products/%d/", base, mug)))
	waitTrue(t, ctx, "the product", `document.readyState === "complete"`)
	if bottom := evalFloat(t, ctx, `document.querySelector('#add-to-bag button[type="submit"]').getBoundingClientRect().bottom`); bottom > 844 {
		t.Errorf("Add to bag ends %.0f px down a 844 px phone screen", bottom)
	}

	// Pay, then the pages an order makes.
	do(t, ctx, chromedp.EmulateViewport(1280, 900), chromedp.Navigate(base+"/checkout/"))
	waitTrue(t, ctx, "the card field", `document.querySelector("#payment-element input") !== null && !document.getElementById("submit-button").disabled`)
	fillOrderForm(t, ctx)
	typeCard(t, ctx, "4242 4242 4242 4242")
	do(t, ctx, chromedp.Click(chromedp.CSS("#submit-button")))
	waitTrue(t, ctx, "the confirmation page", `location.pathname.startsWith("/checkout/checkout_success/")`)
	confirmation := evalString(t, ctx, `location.pathname`)
	number := strings.Split(strings.TrimSuffix(confirmation, "/"), "/")[3]
	more := []struct{ name, path string }{
		{"confirmation", confirmation}, {"profile", "/profile/"}, {"owner-dashboard", "/owner/"},
		{"owner-orders", "/owner/orders/"}, {"owner-order", "/owner/orders/" + number + "/"},
		{"owner-products", "/owner/products/"}, {"owner-payments", "/owner/payments/"}, {"owner-pages", "/owner/pages/"},
		{"owner-discounts", "/owner/discounts/"}, {"owner-stock", fmt.Sprintf("/owner/products/%d/stock/", mug)},
	}
	for _, width := range []int64{390, 1280} {
		for _, p := range more {
			visit(width, p.name, p.path)
		}
	}
}

// axeViolations runs axe-core, as npm installed it, on the page, and
// returns each violation with the first places it was found.
func axeViolations(t *testing.T, ctx context.Context) []string {
	t.Helper()
	src, err := os.ReadFile(filepath.Join("..", "node_modules", "axe-core", "axe.min.js"))
	if err != nil {
		t.Fatalf("axe-core is not installed (run make assets): %v", err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](string(src)+";true")); err != nil {
		t.Fatal(err)
	}
	found, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`axe.run(document, {resultTypes: ["violations"]}).then(r =>
		r.violations.map(v => v.id + " (" + v.impact + "): " + v.help + " at " + v.nodes.slice(0, 3).map(n => n.target.join(" ")).join(" | ")))`,
		chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}
	return found
}
