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

type cachedSession struct {
	data    []byte
	expires time.Time
}

// sessionCache holds sessions by token, written through: the store puts a
// session here in the writer's transaction, in commit order, and forgets
// it when the write fails.
type sessionCache struct {
	mu sync.Mutex
	m  map[string]cachedSession
	// writes counts the store's writes: a session read from the database
	// is kept only if none came between the read and keeping it, so that
	// an older read cannot overwrite a newer write.
	writes uint64
}

func newSessionCache() *sessionCache { return &sessionCache{m: map[string]cachedSession{}} }

// get is a live session kept, or the count of writes to fill it with.
func (c *sessionCache) get(token string, now time.Time) ([]byte, bool, uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	s, ok := c.m[token]
	if !ok {
		return nil, false, c.writes
	}
	if !now.Before(s.expires) {
		delete(c.m, token)
		return nil, false, c.writes
	}
	return s.data, true, c.writes
}

// fill keeps a session read from the database when no write came since
// get gave writes.
func (c *sessionCache) fill(token string, data []byte, expires time.Time, writes uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.writes == writes {
		c.keep(token, data, expires)
	}
}

// put keeps a session as it is written.
func (c *sessionCache) put(token string, data []byte, expires time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.writes++
	c.keep(token, data, expires)
}

func (c *sessionCache) keep(token string, data []byte, expires time.Time) {
	makeRoom(c.m, token, maxCachedSessions)
	c.m[token] = cachedSession{data: data, expires: expires}
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

func (c *sessionCache) forget(token string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.writes++
	delete(c.m, token)
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
// (boutique reconcile recording a paid order) leaves the header soon.
const bagCacheFor = 10 * time.Second

type cachedBag struct {
	rows    []db.ListBagLinesRow
	fetched time.Time
}

// bagCache holds bags' lines as ListBagLines reads them, for the pages
// that show the bag (every page, in its header). A write to a bag forgets
// it twice: in the writer's turn, and again once the write has committed
// (or failed), so that a read that came between the two is not kept. The
// checkout always reads the bag from the database.
type bagCache struct {
	mu     sync.Mutex
	m      map[string]cachedBag
	writes uint64 // as sessionCache.writes
}

func newBagCache() *bagCache { return &bagCache{m: map[string]cachedBag{}} }

func (c *bagCache) get(bagID string, now time.Time) ([]db.ListBagLinesRow, bool, uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	b, ok := c.m[bagID]
	if ok && now.Sub(b.fetched) >= bagCacheFor {
		delete(c.m, bagID)
		ok = false
	}
	return b.rows, ok, c.writes
}

func (c *bagCache) fill(bagID string, rows []db.ListBagLinesRow, writes uint64, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.writes != writes {
		return
	}
	makeRoom(c.m, bagID, maxCachedBags)
	c.m[bagID] = cachedBag{rows: rows, fetched: now}
}

func (c *bagCache) forget(bagIDs ...string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.writes++
	for _, id := range bagIDs {
		delete(c.m, id)
	}
}

func (c *bagCache) clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.writes++
	clear(c.m)
}

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
