package store

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Caches in front of SQLite for what nearly every page reads: the
// shopper's session, the catalog's navigation, products (with their
// pictures and reviews) and lists, and the bag in the page header. Each is filled by a read method of the store
// and forgotten only by the writer: after every commit, the values of the
// rows its statements changed (SQLite's pre-update hook names each row the
// writer's connection inserts, updates or deletes); and all of them when
// another process has written to the file (data_version, checked every
// foreignWriteCheck).

// Bounds in bytes (as sizeOf counts them) on what the caches hold; past
// them arbitrary entries make room (a value that leaves is read from the
// database again). A list of a large catalog is large: the lists' bound
// keeps a few of them at most, however many searches visitors make.
const (
	maxSessionBytes = 2 << 20
	maxBagBytes     = 2 << 20
	maxProductBytes = 2 << 20
	maxListBytes    = 2 << 20
	maxNavBytes     = 1 << 20
	maxExtrasBytes  = 2 << 20
	maxTrackedBytes = 4 << 20
	// bagCacheFor bounds how long a bag stays without being read again.
	bagCacheFor = time.Hour
)

// entryOverhead is what an entry costs besides its strings and bytes: the
// map's slot, the key and value headers, the expiry.
const entryOverhead = 96

type caches struct {
	sessions *liveCache[string, []byte]
	bags     *liveCache[string, []ListBagLinesRow]
	products *liveCache[int64, GetProductRow]
	lists    *liveCache[SearchProductsParams, []SearchProductsRow]
	nav      *liveCache[struct{}, []ListCategoriesRow]
	extras   *liveCache[int64, ProductExtras]
	// tracked are the products whose stock is counted (in any size):
	// most are not, and their pages need not ask what is left.
	tracked *liveCache[struct{}, map[int64]bool]
}

func newCaches() caches {
	return caches{
		sessions: newLiveCache(maxSessionBytes, func(k string, v []byte) int { return len(k) + len(v) }),
		bags: newLiveCache(maxBagBytes, func(k string, rows []ListBagLinesRow) int {
			n := len(k)
			for _, r := range rows {
				n += entryOverhead + len(r.Size) + len(r.Sku) + len(r.Name)
			}
			return n
		}),
		products: newLiveCache(maxProductBytes, func(_ int64, p GetProductRow) int { return productBytes(p) }),
		lists: newLiveCache(maxListBytes, func(k SearchProductsParams, rows []SearchProductsRow) int {
			n := len(k.Query) + len(k.Categories) + len(k.Sort)
			for _, p := range rows {
				n += entryOverhead + productBytes(GetProductRow(p))
			}
			return n
		}),
		extras: newLiveCache(maxExtrasBytes, func(_ int64, e ProductExtras) int {
			n := 8 * len(e.Pictures)
			for _, r := range e.Reviews {
				n += entryOverhead + len(r.Body) + len(r.Username)
			}
			return n
		}),
		tracked: newLiveCache(maxTrackedBytes, func(_ struct{}, m map[int64]bool) int { return 16 * len(m) }),
		nav: newLiveCache(maxNavBytes, func(_ struct{}, rows []ListCategoriesRow) int {
			n := 0
			for _, c := range rows {
				n += entryOverhead + len(c.Name) + len(c.FriendlyName)
			}
			return n
		}),
	}
}

// productBytes is what a product's strings weigh.
func productBytes(p GetProductRow) int {
	return len(p.Sku) + len(p.Name) + len(p.Description) + len(p.CategoryName) + len(p.CategoryFriendlyName)
}

// forgetCatalog forgets everything that shows a product or a category:
// the header bag shows the products' names and prices too.
func (c *caches) forgetCatalog() {
	c.products.clear()
	c.lists.clear()
	c.extras.clear()
	c.nav.clear()
	c.bags.clear()
}

func (c *caches) forgetAll() {
	c.forgetCatalog()
	c.sessions.clear()
	c.tracked.clear()
}

// changes are what the writer's statements changed since the last commit,
// as far as the caches care. Only the writer's goroutine touches them (the
// hook runs inside its statements).
type changes struct {
	sessions []string
	bags     []string
	catalog  bool
	stock    bool // a size started or stopped being tracked, or its count moved
}

// record is the writer connection's pre-update hook: it notes the key of
// every cached row a statement is about to change.
func (c *changes) record(d sqlite.SQLitePreUpdateData) {
	switch d.TableName {
	case "sessions":
		c.sessions = append(c.sessions, firstColumn(&d))
	case "bags", "bag_lines":
		// Both tables start with the bag's id.
		c.bags = append(c.bags, firstColumn(&d))
	case "products", "categories", "reviews", "product_images":
		c.catalog = true
	case "stock":
		c.stock = true
	}
}

// firstColumn is the first column of the row changed: its value before an
// update or a delete, after an insert (a key never changes in this
// schema).
func firstColumn(d *sqlite.SQLitePreUpdateData) string {
	// The driver stores each value into the slice it is handed, so the
	// slice is passed as it is.
	v := make([]any, 1)
	if d.Op == sqlite3.SQLITE_INSERT {
		d.New(v...)
	} else {
		d.Old(v...)
	}
	s, _ := v[0].(string)
	return s
}

func (c *changes) reset() { *c = changes{sessions: c.sessions[:0], bags: c.bags[:0]} }

// forgetChanged forgets the cached values of what the writer has changed.
func (s *Store) forgetChanged() {
	ch := &s.changed
	if ch.catalog {
		s.caches.forgetCatalog()
	}
	if ch.stock {
		s.caches.tracked.clear()
	}
	if len(ch.sessions) > 0 {
		s.caches.sessions.forget(ch.sessions...)
	}
	if len(ch.bags) > 0 {
		s.caches.bags.forget(ch.bags...)
	}
	ch.reset()
}

// A liveCache holds values read from the database, each until a time. A
// value is kept (fill) only when nothing was forgotten between the read
// and keeping it, so a read made before a write cannot outlive the write.
type liveCache[K comparable, V any] struct {
	mu sync.Mutex
	m  map[K]liveEntry[V]
	// bytes is what the entries take as size counts them, at most max.
	bytes, max int
	size       func(K, V) int
	// forgets counts forget and clear calls.
	forgets atomic.Uint64
}

type liveEntry[V any] struct {
	v     V
	until time.Time
	bytes int
}

// newLiveCache is a cache of at most max bytes, an entry's being
// entryOverhead and what size counts of its key and value.
func newLiveCache[K comparable, V any](max int, size func(K, V) int) *liveCache[K, V] {
	return &liveCache[K, V]{m: map[K]liveEntry[V]{}, max: max, size: size}
}

// drop removes an entry; the caller holds mu.
func (c *liveCache[K, V]) drop(key K) {
	if e, ok := c.m[key]; ok {
		c.bytes -= e.bytes
		delete(c.m, key)
	}
}

// get is a value kept and still good at now, or the count of forgets to
// fill it with.
func (c *liveCache[K, V]) get(key K, now time.Time) (V, bool, uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[key]
	if ok && !now.Before(e.until) {
		c.drop(key)
		ok = false
	}
	return e.v, ok, c.forgets.Load()
}

// fill keeps a value read from the database when nothing was forgotten
// since get gave forgets.
func (c *liveCache[K, V]) fill(key K, v V, until time.Time, forgets uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.forgets.Load() != forgets {
		return
	}
	n := entryOverhead + c.size(key, v)
	if n > c.max {
		return
	}
	c.drop(key)
	for k := range c.m {
		if c.bytes+n <= c.max {
			break
		}
		c.drop(k)
	}
	c.m[key] = liveEntry[V]{v: v, until: until, bytes: n}
	c.bytes += n
}

// forget drops keys whose values a write changed.
func (c *liveCache[K, V]) forget(keys ...K) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.forgets.Add(1)
	for _, k := range keys {
		c.drop(k)
	}
}

// clear drops every value.
func (c *liveCache[K, V]) clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.forgets.Add(1)
	clear(c.m)
	c.bytes = 0
}

// forever is the expiry of values that only a write makes stale.
var forever = time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)

// through reads a value through a cache: kept, or read by load and kept
// until the time load gives.
func through[K comparable, V any](c *liveCache[K, V], key K, load func() (V, time.Time, error)) (V, error) {
	v, ok, forgets := c.get(key, time.Now())
	if ok {
		return v, nil
	}
	v, until, err := load()
	if err != nil {
		return v, err
	}
	c.fill(key, v, until, forgets)
	return v, nil
}

// Product is a product of the catalog by id; an archived one is not there.
func (s *Store) Product(ctx context.Context, id int64) (GetProductRow, error) {
	return through(s.caches.products, id, func() (GetProductRow, time.Time, error) {
		p, err := s.read.GetProduct(ctx, id)
		return p, forever, err
	})
}

// ProductExtras are what a product page shows besides the product: its
// pictures in order and its visible reviews, newest first.
type ProductExtras struct {
	Pictures []int64
	Reviews  []ListProductReviewsRow
}

// Extras are a product's pictures and visible reviews. Shared: callers
// must not change them.
func (s *Store) Extras(ctx context.Context, productID int64) (ProductExtras, error) {
	return through(s.caches.extras, productID, func() (ProductExtras, time.Time, error) {
		var e ProductExtras
		var err error
		if e.Pictures, err = s.read.ListProductImages(ctx, productID); err != nil {
			return e, forever, err
		}
		e.Reviews, err = s.read.ListProductReviews(ctx, ListProductReviewsParams{ProductID: productID})
		return e, forever, err
	})
}

// SearchProducts is a list of the catalog. The rows are shared: callers
// must not change them.
func (s *Store) SearchProducts(ctx context.Context, p SearchProductsParams) ([]SearchProductsRow, error) {
	return through(s.caches.lists, p, func() ([]SearchProductsRow, time.Time, error) {
		rows, err := s.read.SearchProducts(ctx, p)
		return rows, forever, err
	})
}

// Categories are the catalog's categories with their product counts, for
// the navigation of every page. Shared: callers must not change them.
func (s *Store) Categories(ctx context.Context) ([]ListCategoriesRow, error) {
	return through(s.caches.nav, struct{}{}, func() ([]ListCategoriesRow, time.Time, error) {
		rows, err := s.read.ListCategories(ctx)
		return rows, forever, err
	})
}

// TracksStock says whether a product's stock is counted, in any size,
// from a set of the tracked products kept in memory.
func (s *Store) TracksStock(ctx context.Context, productID int64) (bool, error) {
	m, err := through(s.caches.tracked, struct{}{}, func() (map[int64]bool, time.Time, error) {
		ids, err := s.read.TrackedProducts(ctx)
		m := make(map[int64]bool, len(ids))
		for _, id := range ids {
			m[id] = true
		}
		return m, forever, err
	})
	return m[productID], err
}

// BagLines are a bag's lines with their products as they are now, for
// the pages that show the bag. Shared: callers must not change them. The
// checkout reads the bag with Read().ListBagLines instead, never from
// memory.
func (s *Store) BagLines(ctx context.Context, bagID string) ([]ListBagLinesRow, error) {
	if bagID == "" {
		return nil, nil
	}
	return through(s.caches.bags, bagID, func() ([]ListBagLinesRow, time.Time, error) {
		rows, err := s.read.ListBagLines(ctx, bagID)
		return rows, time.Now().Add(bagCacheFor), err
	})
}
