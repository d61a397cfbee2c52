package shop

import (
	"context"
	"sync"
	"time"

	"boutique/db"
)

// Two small caches in front of the database for what nearly every page
// reads: the shopper's session and the product shown. A read from SQLite,
// warm as it may be, was an eighth of a product page's time each. Both
// are filled from the database and kept right by the only process that
// writes what they hold: the shop itself (no command changes sessions or
// products while it runs, see the README).

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
	if _, ok := c.m[token]; !ok && len(c.m) >= maxCachedSessions {
		for k := range c.m {
			delete(c.m, k)
			break
		}
	}
	c.m[token] = cachedSession{data: data, expires: expires}
}

func (c *sessionCache) forget(token string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.writes++
	delete(c.m, token)
}

// productCache holds the catalog's products by id, as GetProduct reads
// them, until the owner changes the catalog.
type productCache struct {
	mu sync.Mutex
	m  map[int64]db.GetProductRow
	// gen counts the catalog's changes: a row read from the database
	// before a change is not kept after it.
	gen uint64
}

func newProductCache() *productCache { return &productCache{m: map[int64]db.GetProductRow{}} }

// get is a product kept, and the generation to fill it with.
func (c *productCache) get(id int64) (db.GetProductRow, bool, uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	p, ok := c.m[id]
	return p, ok, c.gen
}

// put keeps a product read at generation gen, unless the catalog has
// changed since.
func (c *productCache) put(p db.GetProductRow, gen uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen == c.gen {
		c.m[p.ID] = p
	}
}

func (c *productCache) clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	clear(c.m)
	c.gen++
}

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
	app.products.put(p, gen)
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
	if _, ok := c.m[bagID]; !ok && len(c.m) >= maxCachedBags {
		for k := range c.m {
			delete(c.m, k)
			break
		}
	}
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
// few hundred bytes a product.
const maxCachedLists = 32

// listCache holds the catalog lists SearchProducts makes, by search,
// categories and sort, until the owner changes the catalog: the list was
// over half of a /products/ page's time.
type listCache struct {
	mu  sync.Mutex
	m   map[db.SearchProductsParams][]db.SearchProductsRow
	gen uint64 // as productCache.gen
}

func newListCache() *listCache {
	return &listCache{m: map[db.SearchProductsParams][]db.SearchProductsRow{}}
}

func (c *listCache) get(p db.SearchProductsParams) ([]db.SearchProductsRow, bool, uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	rows, ok := c.m[p]
	return rows, ok, c.gen
}

func (c *listCache) put(p db.SearchProductsParams, rows []db.SearchProductsRow, gen uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen {
		return
	}
	if _, ok := c.m[p]; !ok && len(c.m) >= maxCachedLists {
		for k := range c.m {
			delete(c.m, k)
			break
		}
	}
	c.m[p] = rows
}

func (c *listCache) clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	clear(c.m)
	c.gen++
}

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
