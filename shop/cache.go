package shop

import (
	"context"
	"sync"
	"time"

	"boutique/db"
)

// Small caches in front of the database for what nearly every page reads:
// the shopper's session, the product shown, the catalog list and the bag in
// the header. A read from SQLite, warm as it may be, was an eighth of a
// product page's time each, and a write anywhere made the next read on
// every other connection start cold. They are filled from the database and
// kept right by the only process that writes what they hold: the shop
// itself (see the README for the commands to run while it is stopped); the
// bag, which boutique reconcile may empty from another process, is kept 10
// seconds at most.

// maxCachedSessions bounds the session cache; past it an arbitrary entry
// makes room (a session that leaves is read from the database again).
const maxCachedSessions = 20000

// A liveCache holds what the shop writes and reads again at once (sessions
// by token, bags by id), each entry until a time: a session's expiry, or a
// short while for a bag. The shop's writes keep it right: put (the value
// as it is written, in the writer's turn, so in commit order) or forget;
// a value read from the database is kept (fill) only when no write came
// between the read and keeping it, so an older read cannot overwrite a
// newer write.
type liveCache[V any] struct {
	mu     sync.Mutex
	m      map[string]liveEntry[V]
	max    int
	writes uint64 // puts and forgets so far
}

type liveEntry[V any] struct {
	v     V
	until time.Time
}

func newLiveCache[V any](max int) *liveCache[V] {
	return &liveCache[V]{m: map[string]liveEntry[V]{}, max: max}
}

// get is a value kept and still good at now, or the count of writes to
// fill it with.
func (c *liveCache[V]) get(key string, now time.Time) (V, bool, uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[key]
	if ok && !now.Before(e.until) {
		delete(c.m, key)
		ok = false
	}
	return e.v, ok, c.writes
}

// fill keeps a value read from the database when no write came since get
// gave writes.
func (c *liveCache[V]) fill(key string, v V, until time.Time, writes uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.writes == writes {
		c.keep(key, v, until)
	}
}

// put keeps a value as it is written.
func (c *liveCache[V]) put(key string, v V, until time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.writes++
	c.keep(key, v, until)
}

func (c *liveCache[V]) keep(key string, v V, until time.Time) {
	makeRoom(c.m, key, c.max)
	c.m[key] = liveEntry[V]{v: v, until: until}
}

// forget drops keys whose values a write changes or may have changed.
func (c *liveCache[V]) forget(keys ...string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.writes++
	for _, k := range keys {
		delete(c.m, k)
	}
}

// clear drops every value.
func (c *liveCache[V]) clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.writes++
	clear(c.m)
}

// makeRoom drops an arbitrary entry of m when key is new and m holds max
// entries already.
func makeRoom[K comparable, V any](m map[K]V, key K, max int) {
	if _, ok := m[key]; ok || len(m) < max {
		return
	}
	for k := range m {
		delete(m, k)
		return
	}
}

// catalogCache holds what is read of the catalog (products by id, lists
// by search) until the owner changes the catalog, max entries at most.
type catalogCache[K comparable, V any] struct {
	mu  sync.Mutex
	m   map[K]V
	max int
	// gen counts the catalog's changes: a value read from the database
	// before a change is not kept after it.
	gen uint64
}

func newCatalogCache[K comparable, V any](max int) *catalogCache[K, V] {
	return &catalogCache[K, V]{m: map[K]V{}, max: max}
}

// get is a value kept, and the generation to fill it with.
func (c *catalogCache[K, V]) get(k K) (V, bool, uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.m[k]
	return v, ok, c.gen
}

// put keeps a value read at generation gen, unless the catalog has changed
// since.
func (c *catalogCache[K, V]) put(k K, v V, gen uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen {
		return
	}
	makeRoom(c.m, k, c.max)
	c.m[k] = v
}

func (c *catalogCache[K, V]) clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	clear(c.m)
	c.gen++
}

// maxCachedProducts bounds the product cache far above a small shop's
// catalog.
const maxCachedProducts = 10000

// product is GetProduct through the product cache.
func (app *App) product(ctx context.Context, id int64) (db.GetProductRow, error) {
	p, ok, gen := app.products.get(id)
	if ok {
		return p, nil
	}
	p, err := app.q.GetProduct(ctx, id)
	if err != nil {
		return p, err
	}
	app.products.put(id, p, gen)
	return p, nil
}

// maxCachedBags bounds the bag cache as maxCachedSessions does sessions.
const maxCachedBags = 20000

// bagCacheFor is how long a bag is kept without a write to it: long enough
// for a shopper's browsing, short enough that a bag another process empties
// (boutique reconcile recording a paid order) leaves the header soon. The
// bag cache holds the lines ListBagLines reads, for the pages that show the
// bag (every page, in its header); a write to a bag forgets it twice: in the
// writer's turn, and again once the write has committed (or failed), so
// that a read that came between the two is not kept. The checkout always
// reads the bag from the database.
const bagCacheFor = 10 * time.Second

// maxCachedLists bounds the list cache: a list of the whole catalog is a
// few hundred bytes a product. Lists were over half of a /products/ page's
// time.
const maxCachedLists = 32

// searchProducts is SearchProducts through the list cache. The rows are
// shared: callers must not change them.
func (app *App) searchProducts(ctx context.Context, p db.SearchProductsParams) ([]db.SearchProductsRow, error) {
	rows, ok, gen := app.lists.get(p)
	if ok {
		return rows, nil
	}
	rows, err := app.q.SearchProducts(ctx, p)
	if err != nil {
		return nil, err
	}
	app.lists.put(p, rows, gen)
	return rows, nil
}

// maxRecentEvents is how many webhook events recentEvents remembers.
const maxRecentEvents = 10000

// recentEvents are the ids of the webhook events this process has recorded
// lately, oldest forgotten first. Stripe repeats an event it thinks was not
// received, usually within minutes; a repeat found here is answered without
// a request to Stripe. The database stays the record: an event not found
// here is checked in its transaction.
type recentEvents struct {
	mu   sync.Mutex
	ids  map[string]struct{}
	ring []string // in the order they came, to forget the oldest
	next int
}

func newRecentEvents() *recentEvents {
	return &recentEvents{ids: map[string]struct{}{}, ring: make([]string, maxRecentEvents)}
}

func (r *recentEvents) has(id string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	_, ok := r.ids[id]
	return ok
}

func (r *recentEvents) add(id string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.ids[id]; ok {
		return
	}
	if old := r.ring[r.next]; old != "" {
		delete(r.ids, old)
	}
	r.ring[r.next] = id
	r.ids[id] = struct{}{}
	r.next = (r.next + 1) % len(r.ring)
}
