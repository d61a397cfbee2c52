package shop_test

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	"image/png"
	"mime/multipart"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"
)

// staffShop is a shop with a signed-in staff account, and the fixture.
func staffShop(t *testing.T) *checkoutShop {
	t.Helper()
	s := newWebhookShop(t)
	s.signUp("owner", "owner@example.com", "correct horse")
	s.exec(`UPDATE users SET is_staff = 1 WHERE username = 'owner'`)
	return s
}

// samplePath fills a route pattern's wildcards with something to ask for.
var wildcard = regexp.MustCompile(`\{(\w+)\}`)

func samplePath(pattern string) (method, path string) {
	method, path, _ = strings.Cut(pattern, " ")
	path = strings.TrimSuffix(path, "{$}")
	path = wildcard.ReplaceAllStringFunc(path, func(w string) string {
		if w == "{order_number}" {
			return "0123456789ABCDEF0123456789ABCDEF"
		}
		if w == "{slug}" {
			return "about"
		}
		return "1"
	})
	return method, path
}

// Every owner route, walked from the route table: guests go to log in,
// shoppers get 403, staff get in.
func TestOwnerRoutesAreForStaffOnly(t *testing.T) {
	guest := newWebhookShop(t)
	shopper := guest.another()
	shopper.signUp("shopper", "shopper@example.com", "correct horse")
	staff := staffShop(t)
	patterns := guest.app.OwnerPatterns()
	if len(patterns) < 10 {
		t.Fatalf("only %d owner routes", len(patterns))
	}
	tok := shopper.csrfToken("/accounts/password/change/")
	guestTok := guest.csrfToken("/accounts/login/")
	for _, p := range patterns {
		method, path := samplePath(p)
		var res response
		if method == http.MethodGet {
			res = guest.get(path)
		} else {
			res = guest.post(path, form("csrf_token", guestTok), false)
		}
		if res.status != http.StatusSeeOther || !strings.HasPrefix(res.header.Get("Location"), "/accounts/login/?next=") {
			t.Errorf("guest %s: %d %q", p, res.status, res.header.Get("Location"))
		}
		if method == http.MethodGet {
			res = shopper.get(path)
		} else {
			res = shopper.post(path, form("csrf_token", tok), false)
		}
		if res.status != http.StatusForbidden || !strings.Contains(res.body, "for the shop&#39;s staff") {
			t.Errorf("shopper %s: %d", p, res.status)
		}
		if method == http.MethodGet {
			if res := staff.get(path); res.status == http.StatusForbidden || res.status == http.StatusSeeOther {
				t.Errorf("staff %s: %d", p, res.status)
			}
		}
	}
}

func pngBytes(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for x := range w {
		for y := range h {
			img.Set(x, y, color.RGBA{uint8(x), uint8(y), uint8(x ^ y), 255})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// postMultipart posts the product form with an optional file.
func (s *testShop) postMultipart(path string, fields map[string]string, filename string, file []byte) response {
	s.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	if filename != "" {
		fw, _ := mw.CreateFormFile("image", filename)
		fw.Write(file)
	}
	mw.Close()
	req, err := http.NewRequest(http.MethodPost, s.server.URL+path, &body)
	if err != nil {
		s.t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Origin", s.server.URL)
	return s.do(req)
}

func (s *testShop) count(query string, args ...any) int {
	s.t.Helper()
	var n int
	if err := s.pool.QueryRow(query, args...).Scan(&n); err != nil {
		s.t.Fatal(err)
	}
	return n
}

func TestOwnerAddsEditsAndDeletesProducts(t *testing.T) {
	s := staffShop(t)
	// Lists seen before each change show it after it.
	if strings.Contains(s.get("/products/?q=tumbler").body, "Sea Glass Tumbler") {
		t.Fatal("setup: the product is listed before it is added")
	}
	tok := s.csrfToken("/owner/products/new/")
	fields := map[string]string{"csrf_token": tok, "category": "1", "sku": "NEW-1", "name": "Sea Glass Tumbler",
		"description": "Recycled glass.", "price": "18.50", "rating": "4.5"} // a typed rating is ignored now
	res := s.postMultipart("/owner/products/new/", fields, "tumbler.png", pngBytes(t, 64, 64))
	if res.status != http.StatusSeeOther {
		t.Fatalf("add: %d\n%s", res.status, res.body)
	}
	loc := res.header.Get("Location")
	page := s.get(loc).body
	for _, want := range []string{"Sea Glass Tumbler", "$18.50", "No reviews yet", "SKU NEW-1", "Added Sea Glass Tumbler"} {
		if !strings.Contains(page, want) {
			t.Errorf("the new product's page lacks %s", want)
		}
	}
	img := regexp.MustCompile(`<img src="(/images/\d+/)" srcset="[^"]*" sizes="[^"]*" alt="Sea Glass Tumbler"`).FindStringSubmatch(page)
	if img == nil {
		t.Fatal("no picture on the product page")
	}
	pic := s.get(img[1])
	if pic.header.Get("Content-Type") != "image/png" || !strings.Contains(pic.header.Get("Cache-Control"), "max-age") {
		t.Fatalf("picture served as %q, %q", pic.header.Get("Content-Type"), pic.header.Get("Cache-Control"))
	}
	if !strings.Contains(s.get("/products/?q=tumbler").body, "Sea Glass Tumbler") {
		t.Fatal("not in the catalog")
	}
	id := strings.TrimSuffix(strings.TrimPrefix(loc, "/products/"), "/")

	// Edit: a new price, the picture kept.
	fields["price"] = "19.00"
	fields["name"] = "Sea Glass Tumbler, Large"
	if res := s.postMultipart("/owner/products/"+id+"/edit/", fields, "", nil); res.status != http.StatusSeeOther {
		t.Fatalf("edit: %d\n%s", res.status, res.body)
	}
	if page := s.get(loc).body; !strings.Contains(page, "$19.00") || !strings.Contains(page, img[1]) {
		t.Fatal("the edit did not take, or lost the picture")
	}
	if !strings.Contains(s.get("/products/?q=tumbler").body, "Sea Glass Tumbler, Large") {
		t.Fatal("the list still shows the product as it was")
	}
	// Delete: no order names it, so it is gone.
	if res := s.post("/owner/products/"+id+"/delete/", form("csrf_token", tok), false); res.status != http.StatusSeeOther {
		t.Fatalf("delete: %d", res.status)
	}
	if s.count(`SELECT COUNT(*) FROM products WHERE id = ?`, id) != 0 {
		t.Fatal("the product is still there")
	}
	if res := s.get(loc); res.status != http.StatusNotFound {
		t.Fatalf("deleted product page: %d", res.status)
	}
}

func TestOwnerRefusesBadPictures(t *testing.T) {
	s := staffShop(t)
	tok := s.csrfToken("/owner/products/new/")
	fields := map[string]string{"csrf_token": tok, "sku": "BAD-1", "name": "Bad", "price": "1.00"}
	products, images := s.count(`SELECT COUNT(*) FROM products`), s.count(`SELECT COUNT(*) FROM images`)
	for _, tt := range []struct {
		name   string
		file   []byte
		status int
		says   string
	}{
		{"page.html", []byte("<html><script>alert(1)</script></html>"), 422, "page.html is not a PNG, JPEG or WebP picture."},
		{"fake.png", []byte("GIF89a not really a png"), 422, "is not a PNG, JPEG or WebP picture."},
		{"huge.png", append(pngBytes(t, 8, 8), make([]byte, 5<<20)...), 422, "That picture is larger than 5 MB."},
		{"enormous.png", make([]byte, 6<<20), 413, "product picture at most 5 MB"},
		{"bomb.png", pngClaiming(t, 20000, 20000), 422, "bomb.png could not be read as a picture."},
	} {
		res := s.postMultipart("/owner/products/new/", fields, tt.name, tt.file)
		if res.status != tt.status || !strings.Contains(res.body, tt.says) {
			t.Errorf("%s: %d, want %d saying %q", tt.name, res.status, tt.status, tt.says)
		}
	}
	if s.count(`SELECT COUNT(*) FROM products`) != products || s.count(`SELECT COUNT(*) FROM images`) != images {
		t.Fatal("a refused upload stored something")
	}
}

// A product that an order names is archived, not deleted: it leaves the
// catalog, and the order keeps its line as it was.
func TestOwnerArchivesOrderedProducts(t *testing.T) {
	s := staffShop(t)
	buyer := s.another()
	pid := buyer.placeOrder()
	before := s.count(`SELECT COUNT(*) FROM order_line_items WHERE product_id = 2 AND product_name = 'Zebra Mug' AND unit_price = 1200 AND quantity = 2`)
	if before != 1 {
		t.Fatalf("setup: %d lines", before)
	}
	stok := s.csrfToken("/owner/products/2/delete/")
	if page := s.get("/owner/products/2/delete/").body; !strings.Contains(page, "archived") {
		t.Fatal("the confirmation does not say it will be archived")
	}
	if res := s.post("/owner/products/2/delete/", form("csrf_token", stok), false); res.status != http.StatusSeeOther {
		t.Fatalf("delete: %d", res.status)
	}
	if s.count(`SELECT COUNT(*) FROM products WHERE id = 2 AND archived_at IS NOT NULL`) != 1 {
		t.Fatal("not archived")
	}
	if after := s.count(`SELECT COUNT(*) FROM order_line_items WHERE product_id = 2 AND product_name = 'Zebra Mug' AND unit_price = 1200 AND quantity = 2`); after != 1 {
		t.Fatal("the past order's line changed")
	}
	if res := s.get("/products/2/"); res.status != http.StatusNotFound {
		t.Fatalf("archived product page: %d", res.status)
	}
	if strings.Contains(s.get("/products/").body, "Zebra Mug") {
		t.Fatal("archived product in the catalog")
	}
	if res := buyer.get("/profile/order_history/" + s.order(pid).number + "/"); res.status == http.StatusInternalServerError {
		t.Fatal("the order page broke")
	}
	// Nobody can add it to a bag any more.
	btok := buyer.csrfToken("/products/1/")
	if res := buyer.post("/bag/add/2/", form("csrf_token", btok, "quantity", "1"), false); res.status != http.StatusNotFound {
		t.Fatalf("add an archived product: %d", res.status)
	}
}

func TestOwnerCategories(t *testing.T) {
	s := staffShop(t)
	tok := s.csrfToken("/owner/categories/")
	if res := s.post("/owner/categories/", form("csrf_token", tok, "friendly_name", "Garden & Outdoors"), false); res.status != http.StatusSeeOther {
		t.Fatalf("add: %d", res.status)
	}
	if s.count(`SELECT COUNT(*) FROM categories WHERE name = 'garden_outdoors' AND friendly_name = 'Garden & Outdoors'`) != 1 {
		t.Fatal("not added")
	}
	if res := s.post("/owner/categories/", form("csrf_token", tok, "friendly_name", "garden outdoors"), false); res.status != http.StatusUnprocessableEntity {
		t.Fatalf("a duplicate: %d", res.status)
	}
	// A product of the category, seen before the rename, shows the new name
	// after it.
	var pid int64
	if err := s.pool.QueryRow(`SELECT id FROM products WHERE category_id = 1 AND archived_at IS NULL LIMIT 1`).Scan(&pid); err != nil {
		t.Fatal(err)
	}
	productPage := fmt.Sprintf("/products/%d/", pid)
	s.get(productPage)
	if res := s.post("/owner/categories/1/", form("csrf_token", tok, "friendly_name", "Shirts & Blouses"), false); res.status != http.StatusSeeOther {
		t.Fatalf("rename: %d", res.status)
	}
	if !strings.Contains(s.get("/").body, "Shirts &amp; Blouses") {
		t.Fatal("the rename is not in the navigation")
	}
	page := s.get(productPage).body
	crumbs := page[strings.Index(page, `class="breadcrumbs"`):]
	crumbs = crumbs[:strings.Index(crumbs, "</nav>")]
	if !strings.Contains(crumbs, ">Shirts &amp; Blouses</a>") {
		t.Fatal("the product page still shows the category's old name")
	}
}

func TestOwnerOrdersShippingAndPaymentsHealth(t *testing.T) {
	s := staffShop(t)
	buyer := s.another()
	pid := buyer.placeOrder()
	number := s.order(pid).number

	// A failed payment and a flagged order, for the health page.
	buyer2 := s.another()
	buyer2.add(2, "", 1)
	sec2, tok2 := buyer2.openCheckout()
	buyer2.cache(sec2, tok2, false)
	s.fake.Decline(pidOf(sec2), shopper, &shopper)
	s.deliver(s.fake.IntentEvent("payment_intent.payment_failed", pidOf(sec2)))
	s.exec(`UPDATE orders SET review_reason = 'paid $1.00 but the bag came to $2.00' WHERE stripe_pid = ?`, pid)

	list := s.get("/owner/orders/?q=" + strings.ToLower(number[:10])).body
	if !strings.Contains(list, number[:8]) || !strings.Contains(list, "1 orders") {
		t.Fatal("search by order number found nothing")
	}
	if list := s.get("/owner/orders/?q=ada@example").body; !strings.Contains(list, number[:8]) {
		t.Fatal("search by email found nothing")
	}
	if list := s.get("/owner/orders/?status=shipped").body; strings.Contains(list, number[:8]) {
		t.Fatal("the status filter let a paid order through")
	}
	page := s.get("/owner/orders/" + number + "/").body
	for _, want := range []string{number, "Zebra Mug", "12 Harbour Row", "Flat 3", pid, "dashboard.stripe.com/test/payments/" + pid, "paid $1.00 but the bag came to $2.00"} {
		if !strings.Contains(page, want) {
			t.Errorf("order page lacks %s", want)
		}
	}
	toShip := func() string {
		page := s.get("/owner/").body
		i := strings.Index(page, `id="to-ship"`)
		if i < 0 {
			t.Fatal("no to-ship list on the dashboard")
		}
		return page[i : i+strings.Index(page[i:], "</section>")]
	}
	if list := toShip(); !strings.Contains(list, number[:8]) || !strings.Contains(list, "To ship (1)") {
		t.Fatalf("the paid order is not in the to-ship list:\n%s", list)
	}
	if dash := s.get("/owner/").body; !strings.Contains(dash, `<a href="/owner/" aria-current="page">Dashboard</a>`) ||
		strings.Contains(dash, `aria-current>`) {
		t.Fatal("the owner tabs do not mark the current page")
	}
	stok := s.csrfToken("/owner/orders/" + number + "/")
	if res := s.post("/owner/orders/"+number+"/ship/", form("csrf_token", stok, "tracking_note", "Parcel 12345 with An Post"), false); res.status != http.StatusSeeOther {
		t.Fatalf("ship: %d", res.status)
	}
	if s.order(pid).status != "shipped" {
		t.Fatal("not shipped")
	}
	if list := toShip(); strings.Contains(list, number[:8]) || !strings.Contains(list, "Every paid order has shipped") {
		t.Fatal("a shipped order is still in the to-ship list")
	}
	if s.count(`SELECT COUNT(*) FROM outbox WHERE recipient = 'ada@example.com' AND subject LIKE '%has shipped' AND body LIKE '%Parcel 12345 with An Post%'`) != 1 {
		t.Fatal("no shipping email in the outbox")
	}
	if page := s.get("/owner/orders/" + number + "/").body; !strings.Contains(page, "Parcel 12345 with An Post") || !strings.Contains(page, "by owner") {
		t.Fatal("the status history lacks the shipment")
	}
	// The shopper follows the order on its confirmation: the status, each
	// step with its time, and the tracking note.
	confirmation := buyer.get("/checkout/checkout_success/" + number + "/").body
	for _, want := range []string{`<dd id="order-status">Shipped</dd>`, "Paid, being prepared", "Parcel 12345 with An Post", "Continue shopping"} {
		if !strings.Contains(confirmation, want) {
			t.Errorf("the shopper's confirmation lacks %s", want)
		}
	}

	health := s.get("/owner/payments/").body
	for _, want := range []string{"Your card was declined.", pidOf(sec2), number[:8], "paid $1.00 but the bag came to $2.00"} {
		if !strings.Contains(health, want) {
			t.Errorf("payments health lacks %s", want)
		}
	}
	if strings.Contains(health, `id="webhook-warning"`) {
		t.Error("a warning although webhooks arrive")
	}
	// No webhook for a day while checkouts happen: a warning.
	s.exec(`UPDATE stripe_events SET received_at = '2000-01-01T00:00:00.000Z'`)
	if health := s.get("/owner/payments/").body; !strings.Contains(health, `id="webhook-warning"`) || !strings.Contains(health, "No webhook event has arrived for a day") {
		t.Error("no warning when webhooks stopped")
	}

	dash := s.get("/owner/").body
	for _, want := range []string{`id="sales-chart"`, "<rect class=\"bar\"", "Zebra Mug", "shipped", "Last 30 days: <strong>1 orders</strong>"} {
		if !strings.Contains(dash, want) {
			t.Errorf("dashboard lacks %s", want)
		}
	}
}

// The shop's pages start as templates showing the shop's settings; the
// owner edits them in Markdown, which renders without any script, and
// every page's footer links them.
func TestShopPagesInMarkdown(t *testing.T) {
	s := staffShop(t)
	page := s.get("/pages/delivery/")
	if page.status != http.StatusOK || !strings.Contains(page.body, "<h2>Delivery</h2>") || !strings.Contains(page.body, "$50.00") ||
		!strings.Contains(page.body, "hello@boutique.example") {
		t.Fatalf("the delivery page: %d\n%s", page.status, page.body)
	}
	home := s.get("/").body
	for _, want := range []string{`href="/pages/about/"`, `href="/pages/delivery/"`, `href="/pages/privacy/"`, `href="/pages/terms/"`,
		`href="/pages/contact/"`, "Free delivery on orders of $50.00 or more"} {
		if !strings.Contains(home, want) {
			t.Errorf("the home page lacks %s", want)
		}
	}
	tok := s.csrfToken("/owner/pages/about/")
	body := "We make **mugs** in Cork.\n\n<script>alert(1)</script>\n\n[click](javascript:alert(1)) and [write](mailto:{contact_email})"
	if res := s.post("/owner/pages/about/", form("csrf_token", tok, "title", "Our story", "body", body), false); res.status != http.StatusSeeOther {
		t.Fatalf("save: %d", res.status)
	}
	about := s.get("/pages/about/").body
	if !strings.Contains(about, "<h1>Our story</h1>") || !strings.Contains(about, "<strong>mugs</strong>") ||
		!strings.Contains(about, `href="mailto:hello@boutique.example"`) {
		t.Fatalf("the edited page:\n%s", about)
	}
	if strings.Contains(about, "<script>alert") || strings.Contains(about, "javascript:") {
		t.Fatal("the page carries a script")
	}
	if res := s.post("/owner/pages/about/", form("csrf_token", tok, "title", "", "body", "x"), false); res.status != http.StatusUnprocessableEntity {
		t.Fatalf("an empty title: %d", res.status)
	}
	if res := s.get("/pages/nope/"); res.status != http.StatusNotFound {
		t.Fatalf("an unknown page: %d", res.status)
	}
}

// A product has several pictures: the owner adds them, makes one the
// main picture, moves them and removes them; the product page shows them
// all, and uploads are kept with smaller copies for srcset.
func TestProductsHaveSeveralPictures(t *testing.T) {
	s := staffShop(t)
	tok := s.csrfToken("/owner/products/new/")
	fields := map[string]string{"csrf_token": tok, "category": "1", "sku": "PIC-1", "name": "Striped Deckchair", "price": "80.00"}
	res := s.postMultipart("/owner/products/new/", fields, "front.png", pngBytes(t, 500, 500))
	if res.status != http.StatusSeeOther {
		t.Fatalf("add: %d\n%s", res.status, res.body)
	}
	id := strings.TrimSuffix(strings.TrimPrefix(res.header.Get("Location"), "/products/"), "/")
	for _, name := range []string{"side.png", "back.png"} {
		if res := s.postMultipart("/owner/products/"+id+"/edit/", fields, name, pngBytes(t, 300, 300)); res.status != http.StatusSeeOther {
			t.Fatalf("add %s: %d\n%s", name, res.status, res.body)
		}
	}
	pictures := func() []string {
		var ids []string
		rows, err := s.pool.Query(`SELECT image_id FROM product_images WHERE product_id = ? ORDER BY position`, id)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var i string
			rows.Scan(&i)
			ids = append(ids, i)
		}
		return ids
	}
	main := func() string {
		var i string
		s.pool.QueryRow(`SELECT image_id FROM products WHERE id = ?`, id).Scan(&i)
		return i
	}
	pics := pictures()
	if len(pics) != 3 || main() != pics[0] {
		t.Fatalf("pictures %v, main %s; want three, the first upload main", pics, main())
	}
	page := s.get("/products/" + id + "/").body
	for i, p := range pics {
		if !strings.Contains(page, "/images/"+p+"/?w=200") || !strings.Contains(page, fmt.Sprintf("Striped Deckchair, picture %d", i+1)) {
			t.Errorf("the product page lacks picture %d", i+1)
		}
	}
	if !strings.Contains(page, `srcset="/images/`+pics[0]+`/?w=200 200w, /images/`+pics[0]+`/?w=400 400w`) {
		t.Error("the main picture has no srcset")
	}
	// A smaller copy: the 500 px upload at 200 and 400; the 300 px one
	// only at 200 (at 400 the picture itself).
	for _, tt := range []struct {
		pic   string
		w     string
		width int
	}{{pics[0], "200", 200}, {pics[0], "400", 400}, {pics[1], "200", 200}, {pics[1], "400", 300}, {pics[0], "300", 500}} {
		res := s.get("/images/" + tt.pic + "/?w=" + tt.w)
		cfg, err := png.DecodeConfig(strings.NewReader(res.body))
		if res.status != http.StatusOK || err != nil || cfg.Width != tt.width {
			t.Errorf("/images/%s/?w=%s: %d, width %d (%v), want %d", tt.pic, tt.w, res.status, cfg.Width, err, tt.width)
		}
	}
	act := func(pic, action string) {
		t.Helper()
		tok := s.csrfToken("/owner/products/" + id + "/edit/")
		if res := s.post("/owner/products/"+id+"/pictures/"+pic+"/"+action+"/", form("csrf_token", tok), false); res.status != http.StatusSeeOther {
			t.Fatalf("%s %s: %d", action, pic, res.status)
		}
	}
	act(pics[2], "main")
	if got := pictures(); strings.Join(got, ",") != strings.Join([]string{pics[2], pics[0], pics[1]}, ",") || main() != pics[2] {
		t.Fatalf("after make main: %v, main %s", got, main())
	}
	if list := s.get("/products/?q=deckchair").body; !strings.Contains(list, `src="/images/`+pics[2]+`/"`) {
		t.Fatal("the card does not show the new main picture")
	}
	act(pics[1], "earlier")
	if got := pictures(); strings.Join(got, ",") != strings.Join([]string{pics[2], pics[1], pics[0]}, ",") {
		t.Fatalf("after move earlier: %v", got)
	}
	act(pics[2], "remove")
	if got := pictures(); strings.Join(got, ",") != strings.Join([]string{pics[1], pics[0]}, ",") || main() != pics[1] {
		t.Fatalf("after removing the main picture: %v, main %s", got, main())
	}
	if page := s.get("/products/" + id + "/?picture=" + pics[0]).body; !strings.Contains(page, `<img src="/images/`+pics[0]+`/" srcset`) {
		t.Fatal("?picture= does not show the chosen picture large")
	}
}

// The owner downloads the orders of some days as CSV.
func TestOwnerExportsOrders(t *testing.T) {
	s := staffShop(t)
	buyer := s.another()
	pid := buyer.placeOrder()
	number := s.order(pid).number
	today := time.Now().UTC().Format(time.DateOnly)
	res := s.get("/owner/export/orders/?since=" + today + "&until=" + today)
	if res.status != http.StatusOK || res.header.Get("Content-Type") != "text/csv; charset=utf-8" ||
		!strings.Contains(res.header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("export: %d %q %q", res.status, res.header.Get("Content-Type"), res.header.Get("Content-Disposition"))
	}
	if !strings.HasPrefix(res.body, "order_number,date,status") || !strings.Contains(res.body, number+",") || !strings.Contains(res.body, ",54.00,") {
		t.Fatalf("the CSV:\n%s", res.body)
	}
	if lines := s.get("/owner/export/lines/?since=" + today + "&until=" + today).body; strings.Count(lines, number) != 2 {
		t.Fatalf("the lines CSV has %d lines of the order:\n%s", strings.Count(lines, number), lines)
	}
	if res := s.get("/owner/export/orders/?since=2026-13-01&until=" + today); res.status != http.StatusBadRequest {
		t.Fatalf("a bad date: %d", res.status)
	}
	if page := s.get("/owner/orders/").body; !strings.Contains(page, `action="/owner/export/orders/"`) {
		t.Fatal("the orders page offers no export")
	}
}

// The owner's product list is paged, however large the catalog.
func TestOwnerProductListIsPaged(t *testing.T) {
	s := staffShop(t)
	for i := range 120 {
		s.exec(`INSERT INTO products (category_id, sku, name, price) VALUES (1, ?, ?, 100)`, fmt.Sprintf("BULK-%03d", i), fmt.Sprintf("Bulk %03d", i))
	}
	total := s.count(`SELECT COUNT(*) FROM products`)
	first := s.get("/owner/products/").body
	if n := strings.Count(first, "/edit/"); n != 50 {
		t.Fatalf("page 1 lists %d products, want 50", n)
	}
	if !strings.Contains(first, fmt.Sprintf("%d products · page 1 of %d", total, (total+49)/50)) || !strings.Contains(first, `rel="next"`) {
		t.Fatal("page 1 does not say where it is or link on")
	}
	last := s.get(fmt.Sprintf("/owner/products/?page=%d", 99)).body
	if n := strings.Count(last, "/edit/"); n != total-50*((total-1)/50) || strings.Contains(last, `rel="next"`) {
		t.Fatalf("the last page lists %d products", n)
	}
}

// pngClaiming is a tiny PNG whose header claims a size: 20000×20000 would
// decode to 1.6 GB.
func pngClaiming(t *testing.T, w, h uint32) []byte {
	t.Helper()
	b := pngBytes(t, 1, 1)
	// The IHDR chunk follows the 8-byte signature: length, "IHDR", then
	// width and height, and its CRC after 13 bytes of data.
	binary.BigEndian.PutUint32(b[16:], w)
	binary.BigEndian.PutUint32(b[20:], h)
	binary.BigEndian.PutUint32(b[29:], crc32.ChecksumIEEE(b[12:29]))
	return b
}
