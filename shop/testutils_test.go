package shop_test

import (
	"context"
	"database/sql"
	"fmt"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"boutique/cart"
	"boutique/shop"
	"boutique/store"
	"boutique/store/storetest"
)

// testShop is the shop on a throwaway SQLite file, served by httptest.
type testShop struct {
	t      *testing.T
	app    *shop.App
	st     *store.Store
	pool   *sql.DB // the store's read connections
	server *httptest.Server
	client *http.Client
}

func defaultConfig() shop.Config {
	return shop.Config{Currency: "usd", Delivery: cart.DefaultRules, StripeJSURL: shop.DefaultStripeJSURL, BcryptCost: bcrypt.MinCost,
		BaseURL: "https://shop.example", HSTS: true, LowStock: 3}
}

func newTestShop(t *testing.T, cfg shop.Config) *testShop {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return serveShop(t, storetest.Open(t), cfg, jar, httptest.NewServer)
}

// serveShop serves a shop over st with a client that keeps its cookies
// in jar and does not follow redirects, so tests see each 303.
func serveShop(t *testing.T, st *store.Store, cfg shop.Config, jar http.CookieJar, serve func(http.Handler) *httptest.Server) *testShop {
	t.Helper()
	app, err := shop.New(st, slog.New(slog.NewTextHandler(io.Discard, nil)), cfg)
	if err != nil {
		t.Fatal(err)
	}
	// As serve does: the email sender and the sweeps run too.
	app.RunBackground()
	srv := serve(app.Handler())
	t.Cleanup(func() {
		srv.Close()
		app.Close()
	})
	return &testShop{t: t, app: app, st: st, pool: st.DB(), server: srv, client: newClient(srv, jar)}
}

// newClient is a client of its own for a test server (srv.Client() is
// shared), keeping cookies in jar and not following redirects.
func newClient(srv *httptest.Server, jar http.CookieJar) *http.Client {
	return &http.Client{
		Transport:     srv.Client().Transport,
		Jar:           jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

var csrfField = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

// csrfToken is the token in the forms of the page at path.
func (s *testShop) csrfToken(path string) string {
	s.t.Helper()
	m := csrfField.FindStringSubmatch(s.get(path).body)
	if m == nil {
		s.t.Fatalf("no csrf_token field on %s", path)
	}
	return html.UnescapeString(m[1])
}

// post sends a form as a browser on this shop would: from its own origin.
// With htmx set it also sends the headers htmx sends.
func (s *testShop) post(path string, form url.Values, htmx bool) response {
	s.t.Helper()
	req, err := http.NewRequest(http.MethodPost, s.server.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		s.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", s.server.URL)
	if htmx {
		req.Header.Set("HX-Request", "true")
	}
	return s.do(req)
}

// bagLines is every bag line in the database as "product/size" = quantity.
func (s *testShop) bagLines() map[string]int64 {
	s.t.Helper()
	rows, err := s.pool.Query(`SELECT product_id, size, quantity FROM bag_lines`)
	if err != nil {
		s.t.Fatal(err)
	}
	defer rows.Close()
	lines := map[string]int64{}
	for rows.Next() {
		var id, qty int64
		var size string
		if err := rows.Scan(&id, &size, &qty); err != nil {
			s.t.Fatal(err)
		}
		lines[fmt.Sprintf("%d/%s", id, size)] = qty
	}
	if err := rows.Err(); err != nil {
		s.t.Fatal(err)
	}
	return lines
}

type response struct {
	status int
	header http.Header
	body   string
}

func (s *testShop) get(path string) response {
	s.t.Helper()
	return s.do(mustRequest(s.t, http.MethodGet, s.server.URL+path))
}

func (s *testShop) do(req *http.Request) response {
	s.t.Helper()
	res, err := s.client.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		s.t.Fatal(err)
	}
	return response{status: res.StatusCode, header: res.Header, body: string(body)}
}

func mustRequest(t *testing.T, method, url string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	return req
}

// fixture is a small catalog whose every order is worked out by hand in
// the tests. ids are assigned in this order, from 1.
type fixtureProduct struct {
	category    string
	name        string
	description string
	price       int64
	rating      int64 // -1 for unrated
}

var fixtureCategories = []struct{ name, friendly string }{
	{"a_shirts", "Shirts"},
	{"b_mugs", "Mugs"},
	{"c_lamps", "Lamps"},
}

var fixtureProducts = []fixtureProduct{
	{"a_shirts", "Blue Oxford Shirt", "A crisp cotton shirt.", 3000, 45},       // 1
	{"b_mugs", "Zebra Mug", "Stoneware with stripes.", 1200, 30},               // 2
	{"c_lamps", "apple lamp", "A warm light for reading.", 8000, 40},           // 3
	{"a_shirts", "Linen Shirt", "Light and breezy, a cotton cloud.", 4500, 50}, // 4
	{"b_mugs", "Mug Tree", "Holds six MUGS on its branches.", 2500, -1},        // 5
}

// exec runs statements in a write of their own, for a test's set-up.
func (s *testShop) exec(query string, args ...any) {
	s.t.Helper()
	storetest.Exec(s.t, s.st, query, args...)
}

// insert runs an INSERT ... RETURNING id in a write of its own.
func (s *testShop) insert(query string, args ...any) int64 {
	s.t.Helper()
	var id int64
	if err := s.st.Write(context.Background(), func(ctx context.Context, tx *store.Tx) error {
		return tx.QueryRow(ctx, query, args...).Scan(&id)
	}); err != nil {
		s.t.Fatalf("%s: %v", query, err)
	}
	return id
}

func (s *testShop) loadFixture() {
	s.t.Helper()
	err := s.st.Write(context.Background(), func(ctx context.Context, q *store.Tx) error {
		return loadFixture(ctx, q)
	})
	if err != nil {
		s.t.Fatal(err)
	}
}

func loadFixture(ctx context.Context, q *store.Tx) error {
	ids := map[string]int64{}
	for _, c := range fixtureCategories {
		id, err := q.CreateCategory(ctx, store.CreateCategoryParams{Name: c.name, FriendlyName: c.friendly})
		if err != nil {
			return err
		}
		ids[c.name] = id
	}
	for i, p := range fixtureProducts {
		rating := sql.NullInt64{Int64: p.rating, Valid: p.rating >= 0}
		sized := int64(0)
		if p.category == "a_shirts" {
			sized = 1
		}
		id, err := q.CreateProduct(ctx, store.CreateProductParams{
			CategoryID:  sql.NullInt64{Int64: ids[p.category], Valid: true},
			Sku:         "FX-" + strconv.Itoa(i+1),
			Name:        p.name,
			Description: p.description,
			HasSizes:    sized,
			Price:       p.price,
			Rating:      rating,
		})
		if err != nil {
			return err
		}
		if id != int64(i+1) {
			return fmt.Errorf("fixture product %q got id %d, want %d", p.name, id, i+1)
		}
	}
	return nil
}

var productIDs = regexp.MustCompile(`<article class="product-card" data-product-id="(\d+)"`)

// listedIDs are the product ids of the cards on a list page, in order.
func listedIDs(body string) []int64 {
	ids := []int64{}
	for _, m := range productIDs.FindAllStringSubmatch(body, -1) {
		id, _ := strconv.ParseInt(m[1], 10, 64)
		ids = append(ids, id)
	}
	return ids
}
