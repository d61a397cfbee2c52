package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"boutique/store"
)

// The flow both bag tests walk, in the demo catalog: two Harbour Stripe Tees
// in M ($24.00 each) and a Speckled Stoneware Mug ($16.00); one more mug;
// then the tees come out.
type bagFlow struct {
	base     string
	tee, mug int64
}

func (f bagFlow) teeLine() string { return fmt.Sprintf("#bag-line-%d-M", f.tee) }
func (f bagFlow) mugLine() string { return fmt.Sprintf("#bag-line-%d-none", f.mug) }

func newBagFlow(t *testing.T) bagFlow {
	base, pool := startShop(t)
	return bagFlow{base: base, tee: productID(t, pool, "Harbour Stripe Tee"), mug: productID(t, pool, "Speckled Stoneware Mug")}
}

func do(t *testing.T, ctx context.Context, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, actions...); err != nil {
		t.Fatal(err)
	}
}

func markPage(t *testing.T, ctx context.Context, expr string) {
	t.Helper()
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](expr)); err != nil {
		t.Fatal(err)
	}
}

func wantText(t *testing.T, ctx context.Context, selector, want string) {
	t.Helper()
	if got := text(t, ctx, selector); got != want {
		t.Fatalf("%s shows %q, want %q", selector, got, want)
	}
}

// addToBag fills the product page's form and presses "Add to bag".
func addToBag(t *testing.T, ctx context.Context, size, quantity string) {
	t.Helper()
	if size != "" {
		do(t, ctx, chromedp.SetValue(chromedp.CSS("#product_size"), size))
	}
	do(t, ctx,
		chromedp.SetValue(chromedp.CSS("#quantity"), quantity),
		chromedp.Click(chromedp.CSS(`#add-to-bag button[type="submit"]`)),
	)
}

func TestBagWithHTMX(t *testing.T) {
	f := newBagFlow(t)
	ctx := newBrowser(t, 90*time.Second)
	htmxReady := `typeof window.htmx === "object" && document.readyState === "complete"`
	// A mark on the page's window: it survives an htmx swap but not a page load.
	const mark, marked = `window.__samePage = true`, `window.__samePage === true`

	do(t, ctx, chromedp.EmulateViewport(1280, 900), chromedp.Navigate(fmt.Sprintf("%s/products/%d/", f.base, f.tee)))
	waitTrue(t, ctx, "htmx", htmxReady)
	markPage(t, ctx, mark)
	addToBag(t, ctx, "M", "2")
	waitTrue(t, ctx, "the mini bag", `document.querySelector("#toasts .bag-toast") !== null`)
	waitTrue(t, ctx, "no page load", marked)
	toast := text(t, ctx, "#toasts .bag-toast")
	for _, want := range []string{"Added 2 × Harbour Stripe Tee (size M) to your bag", "Size M", "Qty 2", "Total $48.00",
		"Spend $2.00 more to get free delivery!", "Go to secure checkout"} {
		if !strings.Contains(toast, want) {
			t.Errorf("the mini bag lacks %q: %q", want, toast)
		}
	}
	// $48.00 + 10% delivery.
	wantText(t, ctx, "#bag-badge .bag-total", "$52.80")
	screenshot(t, ctx, "bag-added-htmx.png")

	do(t, ctx, chromedp.Navigate(fmt.Sprintf("%s/products/%d/", f.base, f.mug)))
	waitTrue(t, ctx, "htmx", htmxReady)
	markPage(t, ctx, mark)
	addToBag(t, ctx, "", "1")
	waitTrue(t, ctx, "the badge", `document.querySelector("#bag-badge .bag-total").textContent === "$64.00"`)
	waitTrue(t, ctx, "no page load", marked)
	if toast := text(t, ctx, "#toasts .bag-toast"); !strings.Contains(toast, "Added Speckled Stoneware Mug to your bag") || strings.Contains(toast, "free delivery") {
		t.Errorf("second mini bag: %q", toast)
	}

	do(t, ctx, chromedp.Navigate(f.base+"/bag/"))
	waitTrue(t, ctx, "htmx", htmxReady)
	markPage(t, ctx, mark)
	do(t, ctx, chromedp.Click(chromedp.CSS(f.mugLine()+` button[aria-label^="One more"]`)))
	waitTrue(t, ctx, "two mugs", `document.querySelector("`+f.mugLine()+` .line-qty")?.value === "2"`)
	waitTrue(t, ctx, "the new grand total", `document.querySelector(".grand-total-amount").textContent === "$80.00"`)
	wantText(t, ctx, f.mugLine()+" .subtotal", "Subtotal$32.00")
	wantText(t, ctx, "#bag-badge .bag-total", "$80.00")

	do(t, ctx, chromedp.Click(chromedp.CSS(f.teeLine()+` .remove button`)))
	waitTrue(t, ctx, "the tees gone", `document.querySelector("`+f.teeLine()+`") === null`)
	// $32.00 + 10% delivery, and a nudge again.
	waitTrue(t, ctx, "the totals", `document.querySelector(".grand-total-amount").textContent === "$35.20"`)
	wantText(t, ctx, ".delivery-amount", "$3.20")
	wantText(t, ctx, "#bag-badge .bag-total", "$35.20")
	wantText(t, ctx, ".bag-totals .nudge", "Spend $18.00 more to get free delivery!")
	waitTrue(t, ctx, "no page load", marked)
	if toasts := text(t, ctx, "#toasts"); !strings.Contains(toasts, "Removed Harbour Stripe Tee (size M) from your bag") {
		t.Errorf("no toast for the removal: %q", toasts)
	}
	screenshot(t, ctx, "bag-htmx.png")
}

func TestBagWithoutJavaScript(t *testing.T) {
	f := newBagFlow(t)
	ctx := newBrowser(t, 90*time.Second)
	do(t, ctx, chromedp.EmulateViewport(1280, 900))
	if _, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
		t.Fatal(err)
	}

	do(t, ctx, chromedp.Navigate(fmt.Sprintf("%s/products/%d/", f.base, f.tee)))
	if loaded, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`typeof window.htmx !== "undefined"`)); err != nil || loaded {
		t.Fatalf("htmx loaded with JavaScript off (%v)", err)
	}
	addToBag(t, ctx, "M", "2")
	// The form posts, the shop redirects back, and the page says what happened.
	waitTrue(t, ctx, "the message after the redirect", `(document.querySelector("#toasts")?.textContent ?? "").includes("Added 2 × Harbour Stripe Tee (size M) to your bag")`)
	wantText(t, ctx, "#bag-badge .bag-total", "$52.80")

	do(t, ctx, chromedp.Navigate(fmt.Sprintf("%s/products/%d/", f.base, f.mug)))
	addToBag(t, ctx, "", "1")
	waitTrue(t, ctx, "the message after the redirect", `(document.querySelector("#toasts")?.textContent ?? "").includes("Added Speckled Stoneware Mug to your bag")`)
	wantText(t, ctx, "#bag-badge .bag-total", "$64.00")

	do(t, ctx, chromedp.Navigate(f.base+"/bag/"))
	do(t, ctx, chromedp.Click(chromedp.CSS(f.mugLine()+` button[aria-label^="One more"]`)))
	waitTrue(t, ctx, "the new grand total", `document.querySelector(".grand-total-amount")?.textContent === "$80.00"`)
	wantText(t, ctx, f.mugLine()+" .subtotal", "Subtotal$32.00")

	do(t, ctx, chromedp.Click(chromedp.CSS(f.teeLine()+` .remove button`)))
	waitTrue(t, ctx, "the tees gone", `document.querySelector(".grand-total-amount")?.textContent === "$35.20"`)
	if still, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.querySelector("`+f.teeLine()+`") !== null`)); still {
		t.Fatal("the tee line is still on the page")
	}
	wantText(t, ctx, "#bag-badge .bag-total", "$35.20")
	if toasts := text(t, ctx, "#toasts"); !strings.Contains(toasts, "Removed Harbour Stripe Tee (size M) from your bag") {
		t.Errorf("no message for the removal: %q", toasts)
	}
	screenshot(t, ctx, "bag-nojs.png")
}

// phoneAndDesktop are the widths the browser tests of quick clicks run
// at.
var phoneAndDesktop = []int64{390, 1280}

// clickTwice clicks the middle of an element twice, gap apart, the second
// click a double click's second, as a shopper's finger or mouse would.
func clickTwice(t *testing.T, ctx context.Context, selector string, gap time.Duration) {
	t.Helper()
	do(t, ctx, chromedp.ScrollIntoView(chromedp.CSS(selector)))
	x := evalFloat(t, ctx, `(r => r.left + r.width / 2)(document.querySelector('`+selector+`').getBoundingClientRect())`)
	y := evalFloat(t, ctx, `(r => r.top + r.height / 2)(document.querySelector('`+selector+`').getBoundingClientRect())`)
	do(t, ctx, chromedp.MouseClickXY(x, y))
	time.Sleep(gap)
	do(t, ctx, chromedp.MouseClickXY(x, y, chromedp.ClickCount(2)))
}

// openMugAt opens the mug's page in a new browser of a width, htmx ready.
func openMugAt(t *testing.T, width int64) (bagFlow, context.Context) {
	t.Helper()
	f := newBagFlow(t)
	ctx := newBrowser(t, 60*time.Second)
	do(t, ctx, chromedp.EmulateViewport(width, 844), chromedp.Navigate(fmt.Sprintf("%s/products/%d/", f.base, f.mug)))
	waitTrue(t, ctx, "htmx", `typeof window.htmx === "object" && document.readyState === "complete"`)
	return f, ctx
}

// A shopper's double click on "Add to bag" (two clicks 80 ms apart, the
// shop answering the first in between) adds once, on a phone and a
// desktop.
func TestDoubleClickAddsOnce(t *testing.T) {
	for _, width := range phoneAndDesktop {
		t.Run(fmt.Sprint(width), func(t *testing.T) {
			f, ctx := openMugAt(t, width)
			clickTwice(t, ctx, `#add-to-bag button[type="submit"]`, 80*time.Millisecond)
			waitTrue(t, ctx, "the mini bag", `document.querySelector("#toasts .bag-toast") !== null`)
			// The toast leaves the page's buttons free.
			if covered := evalBool(t, ctx, `(() => { const b = document.querySelector('#add-to-bag button[type="submit"]').getBoundingClientRect();
				const hit = document.elementFromPoint(b.left + b.width / 2, b.top + b.height / 2); return !!hit?.closest("#toasts"); })()`); covered {
				t.Error("the toast covers Add to bag")
			}
			screenshot(t, ctx, fmt.Sprintf("added-%d.png", width))
			time.Sleep(700 * time.Millisecond) // a second add, if one was sent, has landed
			do(t, ctx, chromedp.Navigate(f.base+"/bag/"))
			wantText(t, ctx, "#bag-badge .bag-total", "$17.60") // one mug and its delivery
		})
	}
}

// The bag's "+" clicked twice quickly adds two, and the line, the totals
// and the badge agree with the bag; focus stays on the button. On a phone
// and a desktop.
func TestBagStepsTwiceQuickly(t *testing.T) {
	for _, width := range phoneAndDesktop {
		t.Run(fmt.Sprint(width), func(t *testing.T) {
			f, ctx := openMugAt(t, width)
			addToBag(t, ctx, "", "1")
			waitTrue(t, ctx, "the mini bag", `document.querySelector("#toasts .bag-toast") !== null`)
			do(t, ctx, chromedp.Navigate(f.base+"/bag/"))
			waitTrue(t, ctx, "htmx", `typeof window.htmx === "object" && document.readyState === "complete"`)
			plus := f.mugLine() + ` button[aria-label^="One more"]`
			clickTwice(t, ctx, plus, 0)
			waitTrue(t, ctx, "three mugs", `document.querySelector("`+f.mugLine()+` .line-qty")?.value === "3" && document.querySelector(".grand-total-amount")?.textContent === "$52.80"`)
			time.Sleep(500 * time.Millisecond)                // nothing more is on its way
			wantText(t, ctx, ".grand-total-amount", "$52.80") // 3 × $16.00 + 10%
			wantText(t, ctx, "#bag-badge .bag-total", "$52.80")
			if v := evalString(t, ctx, `document.querySelector("`+f.mugLine()+` .line-qty").value`); v != "3" {
				t.Fatalf("the line reads %s", v)
			}
			if !evalBool(t, ctx, `document.activeElement?.matches('`+plus+`') ?? false`) {
				t.Error("focus left the + button")
			}
		})
	}
}

func evalFloat(t *testing.T, ctx context.Context, expr string) float64 {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[float64](expr))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// A discount code entered on the bag page: htmx swaps the bag in place
// with the discount and the new totals, and the badge follows; Remove
// takes it off the same way.
func TestDiscountCodeWithHTMX(t *testing.T) {
	base, pool := startShop(t)
	mug := productID(t, pool, "Speckled Stoneware Mug")
	if err := pool.Write(context.Background(), func(ctx context.Context, tx *store.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO discount_codes (code, percent, created_at) VALUES ('MUGS25', 25, '2026-01-01T00:00:00.000Z')`)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	ctx := newBrowser(t, 60*time.Second)
	htmxReady := `typeof window.htmx === "object" && document.readyState === "complete"`
	do(t, ctx, chromedp.EmulateViewport(1280, 900), chromedp.Navigate(fmt.Sprintf("%s/products/%d/", base, mug)))
	waitTrue(t, ctx, "htmx", htmxReady)
	addToBag(t, ctx, "", "2") // $32.00 + $3.20 delivery
	waitTrue(t, ctx, "the badge", `document.querySelector("#bag-badge .bag-total").textContent === "$35.20"`)

	do(t, ctx, chromedp.Navigate(base+"/bag/"))
	waitTrue(t, ctx, "htmx", htmxReady)
	markPage(t, ctx, `window.__samePage = true`)
	do(t, ctx,
		chromedp.SendKeys(chromedp.CSS("#discount-code"), "mugs25"),
		chromedp.Click(chromedp.CSS(`#discount-form button[type="submit"]`)),
	)
	// 25% of $32.00 off: $27.20.
	waitTrue(t, ctx, "the discount", `document.querySelector(".discount-amount")?.textContent === "−$8.00"`)
	wantText(t, ctx, ".grand-total-amount", "$27.20")
	wantText(t, ctx, "#bag-badge .bag-total", "$27.20")
	waitTrue(t, ctx, "no page load", `window.__samePage === true`)
	screenshot(t, ctx, "bag-discount.png")

	do(t, ctx, chromedp.Click(chromedp.CSS(`#discount-form button[name="remove"]`)))
	waitTrue(t, ctx, "the discount gone", `document.querySelector(".discount-amount") === null && document.querySelector(".grand-total-amount").textContent === "$35.20"`)
	waitTrue(t, ctx, "no page load", `window.__samePage === true`)
}
