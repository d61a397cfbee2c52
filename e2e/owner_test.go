package e2e

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"boutique/shop"
	"boutique/store/storetest"
)

// The owner logs in, adds a product with a picture, finds it in the
// catalog, and marks an order shipped, which emails the shopper.
func TestOwnerInTheBrowser(t *testing.T) {
	base, pool := startShop(t)
	ctx := context.Background()
	if _, err := shop.CreateAdmin(ctx, pool, "owner", func() (string, string, error) {
		return "owner@example.com", "correct horse", nil
	}); err != nil {
		t.Fatal(err)
	}
	// An order to ship, as the checkout would have recorded it.
	storetest.Exec(t, pool, `INSERT INTO orders (order_number, stripe_pid, source, full_name, email, country, town_or_city,
		street_address1, original_bag, order_total, delivery_cost, grand_total, amount_paid, currency)
		VALUES ('AB12CD34EF56AB12CD34EF56AB12CD34', 'pi_owner_test', 'form', 'Ada Lovelace', 'ada@example.com', 'IE', 'Galway',
		'12 Harbour Row', '[[26,"",2,1600]]', 3200, 320, 3520, 3520, 'usd');
		INSERT INTO order_line_items (order_id, product_id, quantity, unit_price, lineitem_total, product_name, sku)
		VALUES (last_insert_rowid(), 26, 2, 1600, 3200, 'Speckled Stoneware Mug', 'KIT-0001')`)
	picture := filepath.Join(t.TempDir(), "lamp.png")
	if err := os.WriteFile(picture, testPNG(t), 0o644); err != nil {
		t.Fatal(err)
	}

	b := newBrowser(t, 120*time.Second)
	do(t, b, chromedp.EmulateViewport(1280, 1000), chromedp.Navigate(base+"/owner/"))
	waitTrue(t, b, "the log-in page", `location.pathname === "/accounts/login/"`)
	do(t, b,
		chromedp.SendKeys(chromedp.CSS("#id_login"), "owner"),
		chromedp.SendKeys(chromedp.CSS("#id_password"), "correct horse"),
		chromedp.Click(chromedp.CSS(`.account-form button[type="submit"]`)),
	)
	waitTrue(t, b, "the dashboard", `location.pathname === "/owner/" && document.getElementById("sales-chart") !== null`)
	screenshot(t, b, "owner-dashboard.png")

	do(t, b, chromedp.Navigate(base+"/owner/products/new/"))
	markPage(t, b, `(document.getElementById("id_category").value = "7") === "7"`)
	do(t, b,
		chromedp.SendKeys(chromedp.CSS("#id_sku"), "DEC-0100"),
		chromedp.SendKeys(chromedp.CSS("#id_name"), "Tide Pool Lamp"),
		chromedp.SendKeys(chromedp.CSS("#id_description"), "A glass lamp the colour of a rock pool."),
		chromedp.SendKeys(chromedp.CSS("#id_price"), "64.00"),
		chromedp.SetUploadFiles(chromedp.CSS("#id_image"), []string{picture}),
		chromedp.Click(chromedp.CSS(`.owner-form button[type="submit"]`)),
	)
	waitTrue(t, b, "the new product's page", `document.querySelector("h1")?.textContent === "Tide Pool Lamp"`)
	waitTrue(t, b, "its picture", `(() => { const i = document.querySelector(".detail img"); return i && i.complete && i.naturalWidth > 0; })()`)
	do(t, b, chromedp.Navigate(base+"/products/?q=tide+pool"))
	if got := text(t, b, ".product-card h2"); got != "Tide Pool Lamp" {
		t.Fatalf("the catalog shows %q", got)
	}

	do(t, b, chromedp.Navigate(base+"/owner/orders/AB12CD34EF56AB12CD34EF56AB12CD34/"))
	do(t, b,
		chromedp.SendKeys(chromedp.CSS("#id_tracking_note"), "Parcel 998877"),
		chromedp.Click(chromedp.CSS(`#ship-form button[type="submit"]`)),
	)
	waitTrue(t, b, "shipped", `document.getElementById("order-status")?.textContent === "shipped"`)
	screenshot(t, b, "owner-order.png")
	var body string
	if err := pool.DB().QueryRow(`SELECT body FROM outbox WHERE recipient = 'ada@example.com' AND subject LIKE '%has shipped'`).Scan(&body); err != nil {
		t.Fatalf("no shipping email: %v", err)
	}
	if !strings.Contains(body, "Parcel 998877") {
		t.Fatalf("the email lacks the tracking note:\n%s", body)
	}
}

func testPNG(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 64, 64))
	for x := range 64 {
		for y := range 64 {
			img.Set(x, y, color.RGBA{40, uint8(100 + x), uint8(120 + y), 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
