package shop_test

import (
	"fmt"
	"html"
	"maps"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"boutique/store/storetest"
)

// In the fixture, product 1 (Blue Oxford Shirt, $30.00) comes in sizes and
// product 2 (Zebra Mug, $12.00) does not.

func form(kv ...string) url.Values {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Add(kv[i], kv[i+1])
	}
	return v
}

func wantLines(t *testing.T, s *testShop, want map[string]int64) {
	t.Helper()
	if got := s.bagLines(); !maps.Equal(got, want) {
		t.Fatalf("bag lines %v, want %v", got, want)
	}
}

func TestBagWithoutJavaScript(t *testing.T) {
	s := newTestShop(t, defaultConfig())
	s.loadFixture()
	tok := s.csrfToken("/products/1/")

	steps := []struct {
		name     string
		path     string
		form     url.Values
		location string
		want     map[string]int64
		flash    string
	}{
		{"add a size", "/bag/add/1/", form("csrf_token", tok, "product_size", "M", "quantity", "2", "redirect_url", "/products/1/"),
			"/products/1/", map[string]int64{"1/M": 2}, "Added 2 × Blue Oxford Shirt (size M) to your bag"},
		{"another size is another line", "/bag/add/1/", form("csrf_token", tok, "product_size", "l", "quantity", "1", "redirect_url", "/products/?q=shirt"),
			"/products/?q=shirt", map[string]int64{"1/M": 2, "1/L": 1}, "Added Blue Oxford Shirt (size L) to your bag"},
		{"add without sizes", "/bag/add/2/", form("csrf_token", tok, "quantity", "3"),
			"/products/2/", map[string]int64{"1/M": 2, "1/L": 1, "2/": 3}, "Added 3 × Zebra Mug to your bag"},
		{"adding again grows the line", "/bag/add/1/", form("csrf_token", tok, "product_size", "M", "quantity", "1", "redirect_url", "/bag/"),
			"/bag/", map[string]int64{"1/M": 3, "1/L": 1, "2/": 3}, "Added Blue Oxford Shirt (size M) to your bag"},
		{"adjust a sized line", "/bag/adjust/1/", form("csrf_token", tok, "product_size", "M", "quantity", "5"),
			"/bag/", map[string]int64{"1/M": 5, "1/L": 1, "2/": 3}, "Updated Blue Oxford Shirt (size M) to a quantity of 5"},
		{"adjust to 0 removes", "/bag/adjust/2/", form("csrf_token", tok, "quantity", "0"),
			"/bag/", map[string]int64{"1/M": 5, "1/L": 1}, "Removed Zebra Mug from your bag"},
		{"remove a size", "/bag/remove/1/", form("csrf_token", tok, "product_size", "L"),
			"/bag/", map[string]int64{"1/M": 5}, "Removed Blue Oxford Shirt (size L) from your bag"},
	}
	for _, st := range steps {
		res := s.post(st.path, st.form, false)
		if res.status != http.StatusSeeOther || res.header.Get("Location") != st.location {
			t.Fatalf("%s: %d to %q, want 303 to %q\n%s", st.name, res.status, res.header.Get("Location"), st.location, res.body)
		}
		wantLines(t, s, st.want)
		// The next page shows the message, once.
		page := s.get(st.location)
		if !strings.Contains(page.body, st.flash) {
			t.Fatalf("%s: the page after the redirect lacks %q", st.name, st.flash)
		}
		if strings.Contains(s.get("/products/").body, st.flash) {
			t.Fatalf("%s: the message showed twice", st.name)
		}
	}

	bag := s.get("/bag/").body
	for _, want := range []string{"Blue Oxford Shirt", "SKU FX-1", `class="line-size">M<`, "$30.00 each", "$150.00",
		`class="delivery-amount">$0.00<`, `class="grand grand-total-amount">$150.00<`, "Secure checkout", "Keep shopping"} {
		if !strings.Contains(bag, want) {
			t.Errorf("/bag/ lacks %s", want)
		}
	}
	if strings.Contains(bag, "more to get free delivery") {
		t.Error("a bag over the threshold is nudged")
	}
	if !strings.Contains(bag, `<span class="bag-total">$150.00</span>`) {
		t.Error("the header badge does not show the grand total")
	}
}

func TestBagTotalsAndNudge(t *testing.T) {
	s := newTestShop(t, defaultConfig())
	s.loadFixture()
	if body := s.get("/bag/").body; !strings.Contains(body, "Your bag is empty") {
		t.Fatal("an empty bag does not say so")
	}
	tok := s.csrfToken("/products/2/")
	s.post("/bag/add/2/", form("csrf_token", tok, "quantity", "2"), false)
	bag := s.get("/bag/").body
	// 2 × $12.00 = $24.00; delivery 10% = $2.40; $26.40 in all; $26.00 to go.
	for _, want := range []string{`class="bag-total-amount">$24.00<`, `class="delivery-amount">$2.40<`,
		`class="grand grand-total-amount">$26.40<`, "Spend <strong>$26.00</strong> more to get free delivery!",
		`<span class="bag-total">$26.40</span>`} {
		if !strings.Contains(bag, want) {
			t.Errorf("/bag/ lacks %s", want)
		}
	}
}

func TestBagWithHTMX(t *testing.T) {
	s := newTestShop(t, defaultConfig())
	s.loadFixture()
	tok := s.csrfToken("/products/1/")

	res := s.post("/bag/add/1/", form("csrf_token", tok, "product_size", "S", "quantity", "1", "redirect_url", "/products/1/"), true)
	if res.status != http.StatusOK {
		t.Fatalf("htmx add: %d\n%s", res.status, res.body)
	}
	for _, want := range []string{`class="toast success bag-toast"`, "Added Blue Oxford Shirt (size S) to your bag",
		"Your bag (1)", "Size S", "Go to secure checkout", "Spend <strong>$20.00</strong> more to get free delivery!",
		`id="bag-badge"`, `hx-swap-oob="true"`, `<span class="bag-total">$33.00</span>`} {
		if !strings.Contains(res.body, want) {
			t.Errorf("htmx add answer lacks %s", want)
		}
	}
	s.post("/bag/add/2/", form("csrf_token", tok, "quantity", "1"), true)

	res = s.post("/bag/adjust/1/", form("csrf_token", tok, "product_size", "S", "quantity", "2"), true)
	if res.status != http.StatusOK {
		t.Fatalf("htmx adjust: %d", res.status)
	}
	for _, want := range []string{`id="bag-line-1-S-qty"`, `value="2"`, `id="bag-line-1-S-subtotal" hx-swap-oob="true"`,
		`id="bag-totals" class="bag-totals" hx-swap-oob="true"`,
		`class="grand grand-total-amount">$72.00<`, `hx-swap-oob="afterbegin:#toasts"`, "to a quantity of 2"} {
		if !strings.Contains(res.body, want) {
			t.Errorf("htmx adjust answer lacks %s", want)
		}
	}
	if strings.Contains(res.body, "bag-line-2-none") {
		t.Error("the adjust answer carries other lines")
	}

	// Steps count from the line as it is, each one: two "+" from a page
	// that showed 2 make 4.
	for range 2 {
		s.post("/bag/adjust/1/", form("csrf_token", tok, "product_size", "S", "quantity", "3", "step", "1"), true)
	}
	if res := s.post("/bag/adjust/1/", form("csrf_token", tok, "product_size", "S", "quantity", "3", "step", "-1"), true); !strings.Contains(res.body, "to a quantity of 3") {
		t.Fatalf("steps from 2: +1, +1, -1 gave %s", res.body)
	}
	wantLines(t, s, map[string]int64{"1/S": 3, "2/": 1})

	res = s.post("/bag/remove/2/", form("csrf_token", tok), true)
	if res.status != http.StatusOK || !strings.Contains(res.body, `<li id="bag-line-2-none" hx-swap-oob="delete">`) {
		t.Fatalf("htmx remove: %d\n%s", res.status, res.body)
	}
	if !strings.Contains(res.body, `id="bag-totals"`) || !strings.Contains(res.body, "Removed Zebra Mug") {
		t.Error("htmx remove answer lacks the totals or the message")
	}

	res = s.post("/bag/remove/1/", form("csrf_token", tok, "product_size", "S"), true)
	if res.header.Get("HX-Retarget") != "#bag" || !strings.Contains(res.body, "Your bag is empty") {
		t.Fatalf("removing the last line: retarget %q\n%s", res.header.Get("HX-Retarget"), res.body)
	}
	wantLines(t, s, map[string]int64{})
}

func TestBagRefusesBadInput(t *testing.T) {
	s := newTestShop(t, defaultConfig())
	s.loadFixture()
	tok := s.csrfToken("/products/1/")
	s.post("/bag/add/1/", form("csrf_token", tok, "product_size", "M", "quantity", "95"), false)
	s.post("/bag/add/2/", form("csrf_token", tok, "quantity", "1"), false)
	before := s.bagLines()
	if len(before) != 2 {
		t.Fatalf("setup: %v", before)
	}

	tests := []struct {
		name   string
		path   string
		form   url.Values
		status int
		says   string
	}{
		{"quantity 0", "/bag/add/2/", form("csrf_token", tok, "quantity", "0"), 422, "whole number from 1 to 99"},
		{"quantity 100", "/bag/add/2/", form("csrf_token", tok, "quantity", "100"), 422, "whole number from 1 to 99"},
		{"negative quantity", "/bag/add/2/", form("csrf_token", tok, "quantity", "-1"), 422, "whole number"},
		{"fractional quantity", "/bag/add/2/", form("csrf_token", tok, "quantity", "1.5"), 422, "whole number"},
		{"no quantity", "/bag/add/2/", form("csrf_token", tok), 422, "whole number"},
		{"words for a quantity", "/bag/add/2/", form("csrf_token", tok, "quantity", "two"), 422, "whole number"},
		{"no size for a sized product", "/bag/add/1/", form("csrf_token", tok, "quantity", "1"), 422, "Please choose a size"},
		{"an unknown size", "/bag/add/1/", form("csrf_token", tok, "quantity", "1", "product_size", "XXL"), 422, "Size must be one of XS, S, M, L, XL"},
		{"a size for an unsized product", "/bag/add/2/", form("csrf_token", tok, "quantity", "1", "product_size", "M"), 422, "doesn&#39;t come in sizes"},
		{"a line past 99", "/bag/add/1/", form("csrf_token", tok, "quantity", "5", "product_size", "M"), 422, "You already have 95 of Blue Oxford Shirt (size M)"},
		{"an unknown product", "/bag/add/999/", form("csrf_token", tok, "quantity", "1"), 404, "find that page"},
		{"a product id that is no number", "/bag/add/abc/", form("csrf_token", tok, "quantity", "1"), 404, "find that page"},
		{"redirect to another site", "/bag/add/2/", form("csrf_token", tok, "quantity", "1", "redirect_url", "https://evil.example/"), 422, "only take you back to a page of this shop"},
		{"redirect to a scheme-relative URL", "/bag/add/2/", form("csrf_token", tok, "quantity", "1", "redirect_url", "//evil.example/x"), 422, "only take you back"},
		{"redirect with a backslash", "/bag/add/2/", form("csrf_token", tok, "quantity", "1", "redirect_url", "/\\evil.example"), 422, "only take you back"},
		{"redirect to javascript", "/bag/add/2/", form("csrf_token", tok, "quantity", "1", "redirect_url", "javascript:alert(1)"), 422, "only take you back"},
		{"adjust to 100", "/bag/adjust/2/", form("csrf_token", tok, "quantity", "100"), 422, "whole number from 0 to 99"},
		{"adjust to -1", "/bag/adjust/2/", form("csrf_token", tok, "quantity", "-1"), 422, "whole number from 0 to 99"},
		{"adjust without a size", "/bag/adjust/1/", form("csrf_token", tok, "quantity", "3"), 422, "Please choose a size"},
		{"adjust a line not in the bag", "/bag/adjust/1/", form("csrf_token", tok, "quantity", "3", "product_size", "XS"), 422, "isn&#39;t in your bag"},
		{"adjust an unknown product", "/bag/adjust/999/", form("csrf_token", tok, "quantity", "3"), 404, "find that page"},
		{"remove a line not in the bag", "/bag/remove/1/", form("csrf_token", tok, "product_size", "L"), 422, "isn&#39;t in your bag"},
		{"remove with a bad size", "/bag/remove/1/", form("csrf_token", tok, "product_size", "huge"), 422, "Size must be one of"},
		{"no CSRF token", "/bag/add/2/", form("quantity", "1"), 403, "nothing was changed"},
		{"a wrong CSRF token", "/bag/remove/2/", form("csrf_token", "AAAA"+tok[4:]), 403, "nothing was changed"},
	}
	for _, tt := range tests {
		for _, htmx := range []bool{false, true} {
			res := s.post(tt.path, tt.form, htmx)
			if res.status != tt.status {
				t.Errorf("%s (htmx %v): status %d, want %d", tt.name, htmx, res.status, tt.status)
			}
			if !htmx && !strings.Contains(res.body, tt.says) {
				t.Errorf("%s: the page does not say %q", tt.name, tt.says)
			}
			if htmx && (res.header.Get("HX-Retarget") != "#toasts" || !strings.Contains(res.body, `class="toast error"`)) {
				t.Errorf("%s (htmx): no error toast (retarget %q)", tt.name, res.header.Get("HX-Retarget"))
			}
			if got := s.bagLines(); !maps.Equal(got, before) {
				t.Fatalf("%s (htmx %v) changed the bag: %v, was %v", tt.name, htmx, got, before)
			}
		}
	}

	// A post from another site is refused even with a good token.
	req, err := http.NewRequest(http.MethodPost, s.server.URL+"/bag/add/2/", strings.NewReader(form("csrf_token", tok, "quantity", "1").Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", "https://evil.example")
	if res := s.do(req); res.status != http.StatusForbidden {
		t.Fatalf("cross-origin post: %d, want 403", res.status)
	}
	if got := s.bagLines(); !maps.Equal(got, before) {
		t.Fatalf("the cross-origin post changed the bag: %v", got)
	}
}

func TestBagKeepsTheShoppersInputOnError(t *testing.T) {
	s := newTestShop(t, defaultConfig())
	s.loadFixture()
	tok := s.csrfToken("/products/1/")
	res := s.post("/bag/add/1/", form("csrf_token", tok, "product_size", "L", "quantity", "120"), false)
	if res.status != http.StatusUnprocessableEntity {
		t.Fatalf("status %d", res.status)
	}
	if !strings.Contains(res.body, `<option value="L" selected>`) || !strings.Contains(res.body, `name="quantity" value="120"`) {
		t.Fatal("the form came back without what the shopper typed")
	}
}

// 32 adds sent at once on one session all count.
func TestBagConcurrentAddsLoseNothing(t *testing.T) {
	s := newTestShop(t, defaultConfig())
	s.loadFixture()
	tok := s.csrfToken("/products/2/")

	const n = 32
	var wg sync.WaitGroup
	statuses := make(chan int, n)
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, err := http.NewRequest(http.MethodPost, s.server.URL+"/bag/add/2/",
				strings.NewReader(form("csrf_token", tok, "quantity", "1").Encode()))
			if err != nil {
				statuses <- 0
				return
			}
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("Origin", s.server.URL)
			req.Header.Set("HX-Request", "true")
			res, err := s.client.Do(req)
			if err != nil {
				statuses <- 0
				return
			}
			res.Body.Close()
			statuses <- res.StatusCode
		}()
	}
	wg.Wait()
	close(statuses)
	for st := range statuses {
		if st != http.StatusOK {
			t.Errorf("an add answered %d", st)
		}
	}
	wantLines(t, s, map[string]int64{"2/": n})
}

func TestBagSurvivesARestart(t *testing.T) {
	path := t.TempDir() + "/shop.db"
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	st := storetest.OpenFile(t, path)
	first := serveShop(t, st, defaultConfig(), jar, httptest.NewServer)
	first.loadFixture()
	tok := first.csrfToken("/products/1/")
	if res := first.post("/bag/add/1/", form("csrf_token", tok, "product_size", "XL", "quantity", "4"), false); res.status != http.StatusSeeOther {
		t.Fatalf("add: %d", res.status)
	}
	first.server.Close()
	first.app.Close()
	st.Close()

	second := serveShop(t, storetest.OpenFile(t, path), defaultConfig(), jar, httptest.NewServer)
	bag := second.get("/bag/").body
	if !strings.Contains(bag, `id="bag-line-1-XL"`) || !strings.Contains(bag, `value="4"`) {
		t.Fatalf("after a restart the bag is gone:\n%s", bag)
	}
}

// The CSRF cookie comes with the first page, the session's with the first
// change (a page that is only read stores no session); both HttpOnly,
// SameSite=Lax, and Secure over HTTPS.
func TestCookies(t *testing.T) {
	check := func(t *testing.T, s *testShop, secure bool) {
		t.Helper()
		names := map[string]bool{}
		look := func(res response) {
			for _, c := range (&http.Response{Header: res.header}).Cookies() {
				names[c.Name] = true
				if !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Secure != secure {
					t.Errorf("cookie %s: HttpOnly %v, SameSite %v, Secure %v; want true, Lax, %v", c.Name, c.HttpOnly, c.SameSite, c.Secure, secure)
				}
			}
		}
		res := s.get("/products/1/")
		look(res)
		if names["boutique_session"] || !names["csrf_token"] {
			t.Errorf("a product page set %v, want the CSRF cookie alone", names)
		}
		m := csrfField.FindStringSubmatch(res.body)
		if m == nil {
			t.Fatal("no csrf_token on the product page")
		}
		look(s.post("/bag/add/1/", form("csrf_token", html.UnescapeString(m[1]), "product_size", "M", "quantity", "1"), false))
		if !names["boutique_session"] {
			t.Errorf("the first add set %v, want the session's cookie too", names)
		}
	}
	t.Run("http", func(t *testing.T) {
		s := newTestShop(t, defaultConfig())
		s.loadFixture()
		check(t, s, false)
	})
	t.Run("https", func(t *testing.T) {
		jar, _ := cookiejar.New(nil)
		s := serveShop(t, storetest.Open(t), defaultConfig(), jar, httptest.NewTLSServer)
		s.loadFixture()
		check(t, s, true)
	})
}

// A visitor who only reads pages stores nothing: 1,000 cookieless GETs of
// catalog pages leave no session in the database.
func TestBrowsingStoresNoSession(t *testing.T) {
	s := newTestShop(t, defaultConfig())
	s.loadFixture()
	pages := []string{"/", "/products/", "/products/1/", "/products/2/", "/products/?q=mug", "/bag/", "/products/?category=b_mugs"}
	for i := range 1000 {
		res, err := http.Get(s.server.URL + pages[i%len(pages)]) // no cookie jar: a new visitor each time
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d", pages[i%len(pages)], res.StatusCode)
		}
	}
	var n int
	if err := s.pool.QueryRow(`SELECT COUNT(*) FROM sessions`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Fatalf("%d sessions stored for 1,000 page views", n)
	}
}

// A new visitor's first adds, sent together before the browser has a
// session (a double click), each start a session, but all go to one bag:
// the one the browser's session shows.
func TestFirstAddsTogetherShareOneBag(t *testing.T) {
	s := newTestShop(t, defaultConfig())
	s.loadFixture()
	tok := s.csrfToken("/products/2/") // sets the CSRF cookie, no session
	const n = 8
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, _ := http.NewRequest(http.MethodPost, s.server.URL+"/bag/add/2/", strings.NewReader(form("csrf_token", tok, "quantity", "1").Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("Origin", s.server.URL)
			req.Header.Set("HX-Request", "true")
			if res, err := s.client.Do(req); err == nil {
				res.Body.Close()
			}
		}()
	}
	wg.Wait()
	wantLines(t, s, map[string]int64{"2/": n})
	if bag := s.get("/bag/").body; !strings.Contains(bag, fmt.Sprintf(`value="%d"`, n)) {
		t.Fatalf("the shopper's bag does not show the %d adds", n)
	}
}
