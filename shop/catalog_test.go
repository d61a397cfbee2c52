package shop_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"boutique/store"
	"boutique/store/storetest"
)

func TestProductListSearchFilterAndSort(t *testing.T) {
	s := newTestShop(t, defaultConfig())
	s.loadFixture()

	tests := []struct {
		name  string
		query string
		want  []int64
	}{
		{"everything in catalog order", "", []int64{1, 2, 3, 4, 5}},
		{"search a name", "q=mug", []int64{2, 5}},
		{"search is case-insensitive and reads descriptions", "q=COTTON", []int64{1, 4}},
		{"search with surrounding spaces", "q=" + url.QueryEscape("  shirt "), []int64{1, 4}},
		{"search that matches nothing", "q=xyz", []int64{}},
		{"one category", "category=a_shirts", []int64{1, 4}},
		{"a comma list of categories", "category=a_shirts,c_lamps", []int64{1, 3, 4}},
		{"unknown names in the list are ignored", "category=" + url.QueryEscape(" b_mugs , nope"), []int64{2, 5}},
		{"only unknown categories", "category=nope", []int64{}},
		{"price ascending", "sort=price&direction=asc", []int64{2, 5, 1, 4, 3}},
		{"price descending", "sort=price&direction=desc", []int64{3, 4, 1, 5, 2}},
		{"rating ascending, unrated first", "sort=rating&direction=asc", []int64{5, 2, 3, 1, 4}},
		{"rating descending, unrated last", "sort=rating&direction=desc", []int64{4, 1, 3, 2, 5}},
		{"name ascending ignores case", "sort=name&direction=asc", []int64{3, 1, 4, 5, 2}},
		{"name descending", "sort=name&direction=desc", []int64{2, 5, 4, 1, 3}},
		{"category ascending", "sort=category&direction=asc", []int64{1, 4, 2, 5, 3}},
		{"category descending, ties in catalog order", "sort=category&direction=desc", []int64{3, 2, 5, 1, 4}},
		{"a sort without a direction is ascending", "sort=price", []int64{2, 5, 1, 4, 3}},
		{"an unknown direction is ascending", "sort=price&direction=sideways", []int64{2, 5, 1, 4, 3}},
		{"an unknown sort is ignored", "sort=colour&direction=desc", []int64{1, 2, 3, 4, 5}},
		{"an injection attempt as sort is ignored", "sort=" + url.QueryEscape("price; DROP TABLE products"), []int64{1, 2, 3, 4, 5}},
		{"search and sort together", "q=shirt&sort=price&direction=desc", []int64{4, 1}},
		{"category and sort together", "category=b_mugs&sort=price&direction=desc", []int64{5, 2}},
		{"newest first", "sort=newest&direction=desc", []int64{5, 4, 3, 2, 1}},
		{"the select: price low to high", "order_by=price_asc", []int64{2, 5, 1, 4, 3}},
		{"the select: price high to low", "order_by=price_desc", []int64{3, 4, 1, 5, 2}},
		{"the select: top rated", "order_by=top_rated", []int64{4, 1, 3, 2, 5}},
		{"the select: newest", "order_by=newest", []int64{5, 4, 3, 2, 1}},
		{"the select: featured", "order_by=featured&sort=price", []int64{1, 2, 3, 4, 5}},
		{"the select with a search", "q=mug&order_by=price_desc", []int64{5, 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := s.get("/products/?" + tt.query)
			if res.status != http.StatusOK {
				t.Fatalf("status %d, want 200", res.status)
			}
			if got := listedIDs(res.body); !slices.Equal(got, tt.want) {
				t.Fatalf("products %v, want %v", got, tt.want)
			}
			want := "products found"
			if len(tt.want) == 1 {
				want = "1 product found"
			}
			if !strings.Contains(res.body, want) {
				t.Fatalf("page does not say %q", want)
			}
		})
	}
	// The products table survived the injection attempt.
	if got := listedIDs(s.get("/products/").body); len(got) != 5 {
		t.Fatalf("after the injection attempt: %v", got)
	}
}

func TestProductListSaysHowManyAndShowsCategoryBadges(t *testing.T) {
	s := newTestShop(t, defaultConfig())
	s.loadFixture()

	res := s.get("/products/?category=a_shirts,c_lamps")
	if !strings.Contains(res.body, "3 products found") {
		t.Error(`missing "3 products found"`)
	}
	for _, badge := range []string{">Shirts</a>", ">Lamps</a>"} {
		if !strings.Contains(res.body, `class="badge"`) || !strings.Contains(res.body, badge) {
			t.Errorf("missing category badge %s", badge)
		}
	}
	if strings.Contains(res.body, `class="badge" href="/products/?category=b_mugs"`) {
		t.Error("a badge for a category that was not asked for")
	}
	if res := s.get("/products/?q=lamp"); !strings.Contains(res.body, "1 product found") {
		t.Error(`missing "1 product found"`)
	}
}

func TestEmptySearchSaysSo(t *testing.T) {
	s := newTestShop(t, defaultConfig())
	s.loadFixture()
	for _, q := range []string{"q=", "q=+++"} {
		res := s.get("/products/?" + q)
		if res.status != http.StatusOK {
			t.Fatalf("%s: status %d", q, res.status)
		}
		if !strings.Contains(res.body, "You didn&#39;t enter any search criteria!") {
			t.Fatalf("%s: no message about the empty search", q)
		}
		if got := listedIDs(res.body); len(got) != 5 {
			t.Fatalf("%s: listed %v, want every product", q, got)
		}
	}
	if res := s.get("/products/"); strings.Contains(res.body, "search criteria") {
		t.Fatal("the message shows without a search")
	}
}

func TestProductDetail(t *testing.T) {
	s := newTestShop(t, defaultConfig())
	s.loadFixture()

	shirt := s.get("/products/1/")
	if shirt.status != http.StatusOK {
		t.Fatalf("status %d", shirt.status)
	}
	for _, want := range []string{"Blue Oxford Shirt", "$30.00", "SKU FX-1", `name="product_size"`,
		`<option value="XS">`, `<option value="XL">`, `name="quantity"`, `min="1"`, `max="99"`,
		`action="/bag/add/1/"`, `name="redirect_url" value="/products/1/"`} {
		if !strings.Contains(shirt.body, want) {
			t.Errorf("sized product page lacks %s", want)
		}
	}
	mug := s.get("/products/2/")
	if mug.status != http.StatusOK {
		t.Fatalf("status %d", mug.status)
	}
	if strings.Contains(mug.body, `name="product_size"`) {
		t.Error("a product without sizes shows a size select")
	}
	if !strings.Contains(mug.body, `name="quantity"`) {
		t.Error("no quantity field")
	}
}

func TestNotFound(t *testing.T) {
	s := newTestShop(t, defaultConfig())
	s.loadFixture()
	for _, path := range []string{"/products/999/", "/products/abc/", "/products/0/", "/products/-1/",
		"/no/such/page", "/images/999/", "/static/css/", "/static/nope.css"} {
		res := s.get(path)
		if res.status != http.StatusNotFound {
			t.Errorf("%s: status %d, want 404", path, res.status)
			continue
		}
		if !strings.Contains(res.body, "We couldn&#39;t find that page") || !strings.Contains(res.body, `href="/products/"`) {
			t.Errorf("%s: not the friendly 404 page", path)
		}
	}
}

func TestSecurityHeadersOnEveryResponse(t *testing.T) {
	s := newTestShop(t, defaultConfig())
	s.loadFixture()
	home := s.get("/")
	css := regexpFind(t, home.body, `href="(/static/css/boutique\.css\?v=[0-9a-f]+)"`)

	for _, path := range []string{"/", "/products/", "/products/1/", "/products/999/", "/nowhere", "/healthz", css} {
		res := s.get(path)
		csp := res.header.Get("Content-Security-Policy")
		for _, want := range []string{
			"default-src 'self'",
			"script-src 'self' https://js.stripe.com https://*.js.stripe.com;",
			"frame-src https://js.stripe.com https://*.js.stripe.com https://hooks.stripe.com;",
			"connect-src 'self' https://api.stripe.com;",
			"frame-ancestors 'none'",
		} {
			if !strings.Contains(csp+";", want) {
				t.Errorf("%s: CSP %q lacks %q", path, csp, want)
			}
		}
		if strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval") {
			t.Errorf("%s: CSP allows inline code: %q", path, csp)
		}
		if got := res.header.Get("X-Content-Type-Options"); got != "nosniff" {
			t.Errorf("%s: X-Content-Type-Options %q", path, got)
		}
		if got := res.header.Get("Referrer-Policy"); got == "" {
			t.Errorf("%s: no Referrer-Policy", path)
		}
	}
}

func TestCSPFollowsStripeJSURL(t *testing.T) {
	cfg := defaultConfig()
	cfg.StripeJSURL = "http://127.0.0.1:4242/v3/stripe.js"
	s := newTestShop(t, cfg)
	csp := s.get("/").header.Get("Content-Security-Policy")
	for _, want := range []string{"script-src 'self' http://127.0.0.1:4242;", "frame-src http://127.0.0.1:4242 https://hooks.stripe.com;"} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP %q lacks %q", csp, want)
		}
	}
	if strings.Contains(csp, "js.stripe.com") {
		t.Errorf("CSP %q still allows js.stripe.com", csp)
	}
}

func TestNoInlineScriptsOrStyles(t *testing.T) {
	s := newTestShop(t, defaultConfig())
	s.loadFixture()
	for _, path := range []string{"/", "/products/", "/products/1/", "/nowhere"} {
		body := s.get(path).body
		if strings.Contains(body, "<script>") || strings.Contains(body, "<style") || strings.Contains(body, " style=") || strings.Contains(body, " onclick=") {
			t.Errorf("%s has inline script or style", path)
		}
	}
}

func TestProductListPages(t *testing.T) {
	s := newTestShop(t, defaultConfig())
	s.loadFixture()
	for i := range 100 {
		s.exec(`INSERT INTO products (category_id, sku, name, price) VALUES (2, ?, ?, ?)`,
			fmt.Sprintf("P-%03d", i), fmt.Sprintf("Pot %03d", i), 100+i)
	}
	first := s.get("/products/?category=b_mugs&sort=price&direction=asc")
	ids := listedIDs(first.body)
	if len(ids) != 48 || !strings.Contains(first.body, "102 products found") || !strings.Contains(first.body, "Page 1 of 3") {
		t.Fatalf("page 1: %d cards", len(ids))
	}
	next := regexpFind(t, first.body, `rel="next" href="([^"]+)"`)
	if !strings.Contains(next, "page=2") || !strings.Contains(next, "sort=price") || !strings.Contains(next, "category=b_mugs") {
		t.Fatalf("next link %q", next)
	}
	last := s.get("/products/?category=b_mugs&sort=price&direction=asc&page=3")
	if n := len(listedIDs(last.body)); n != 6 || !strings.Contains(last.body, "Page 3 of 3") {
		t.Fatalf("page 3: %d cards", n)
	}
	// Past the end is the last page; nonsense is the first.
	if n := len(listedIDs(s.get("/products/?category=b_mugs&page=99").body)); n != 6 {
		t.Fatalf("page 99: %d cards", n)
	}
	if n := len(listedIDs(s.get("/products/?page=abc").body)); n != 48 {
		t.Fatalf("page abc: %d cards", n)
	}
}

// A change to the catalog made through the store shows on every page that
// shows it, in this process and from another process on the same file:
// no handler forgets anything.
func TestCatalogChangesShowOnEveryPage(t *testing.T) {
	for _, from := range []string{"this process", "another process"} {
		t.Run(from, func(t *testing.T) {
			s := newTestShop(t, defaultConfig())
			s.loadFixture()
			tok := s.csrfToken("/products/2/")
			if res := s.post("/bag/add/2/", form("csrf_token", tok, "quantity", "2"), false); res.status != http.StatusSeeOther {
				t.Fatalf("add: %d", res.status)
			}
			pages := []string{"/", "/products/", "/products/?category=b_mugs", "/products/?q=zebra", "/products/2/", "/bag/"}
			// Every page read once, so that whatever the shop keeps in
			// memory is kept.
			for _, p := range pages {
				if res := s.get(p); res.status != http.StatusOK || !strings.Contains(res.body, "Zebra Mug") && p != "/" {
					t.Fatalf("%s before: %d", p, res.status)
				}
			}
			if !strings.Contains(s.get("/").body, "2 products") {
				t.Fatal("the home page does not count the mugs")
			}

			write := s.exec
			if from == "another process" {
				other, _, err := store.Open(context.Background(), s.st.Path(), store.Options{})
				if err != nil {
					t.Fatal(err)
				}
				defer other.Close()
				write = func(query string, args ...any) { storetest.Exec(t, other, query, args...) }
			}
			write(`UPDATE products SET name = 'Quagga Mug', price = 1550 WHERE id = 2`)
			write(`UPDATE products SET archived_at = '2026-01-01T00:00:00.000Z' WHERE id = 5`)

			want := map[string][]string{
				"/":                          {"1 products"},
				"/products/":                 {"Quagga Mug", "$15.50"},
				"/products/?category=b_mugs": {"Quagga Mug"},
				"/products/?q=quagga":        {"Quagga Mug"},
				"/products/2/":               {"Quagga Mug", "$15.50"},
				"/bag/":                      {"Quagga Mug", "$31.00"},
			}
			deadline := time.Now().Add(5 * time.Second)
			for p, texts := range want {
				for {
					body := s.get(p).body
					missing := ""
					for _, text := range texts {
						if !strings.Contains(body, text) {
							missing = text
						}
					}
					if strings.Contains(body, "Zebra Mug") || strings.Contains(body, "Mug Tree") {
						missing = "not the old name or the archived product"
					}
					if missing == "" {
						break
					}
					if from == "this process" || time.Now().After(deadline) {
						t.Fatalf("%s after the change lacks %q", p, missing)
					}
					time.Sleep(20 * time.Millisecond)
				}
			}
			if res := s.get("/products/5/"); res.status != http.StatusNotFound {
				t.Fatalf("the archived product's page: %d", res.status)
			}
		})
	}
}
