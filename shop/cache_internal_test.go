package shop

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"boutique/db"
)

func TestSessionCacheKeepsTheNewestWrite(t *testing.T) {
	c := newLiveCache[[]byte](maxCachedSessions)
	now := time.Now()
	later := now.Add(time.Hour)
	// A request reads the session from the database (a miss)...
	_, ok, writes := c.get("tok", now)
	if ok {
		t.Fatal("an empty cache had the session")
	}
	// ...another writes a newer version before the first keeps its read.
	c.put("tok", []byte("new"), later)
	c.fill("tok", []byte("old"), later, writes)
	if b, ok, _ := c.get("tok", now); !ok || string(b) != "new" {
		t.Fatalf("got %q %v, want the newer write", b, ok)
	}
	// A read with no write since is kept.
	_, _, writes = c.get("other", now)
	c.fill("other", []byte("read"), later, writes)
	if b, ok, _ := c.get("other", now); !ok || string(b) != "read" {
		t.Fatalf("got %q %v, want the read kept", b, ok)
	}
}

func TestSessionCacheForgetsExpiredAndStaysBounded(t *testing.T) {
	c := newLiveCache[[]byte](maxCachedSessions)
	now := time.Now()
	c.put("old", []byte("x"), now.Add(-time.Second))
	if _, ok, _ := c.get("old", now); ok {
		t.Fatal("an expired session was found")
	}
	for i := range maxCachedSessions + 100 {
		c.put(fmt.Sprint(i), []byte("x"), now.Add(time.Hour))
	}
	if n := len(c.m); n > maxCachedSessions {
		t.Fatalf("%d sessions kept, want at most %d", n, maxCachedSessions)
	}
}

// A session write that does not commit leaves nothing in the cache: the
// next read goes to the database.
func TestSessionStoreForgetsAWriteThatFailed(t *testing.T) {
	app, _, _ := writerApp(t)
	cache := newLiveCache[[]byte](maxCachedSessions)
	failing := sessionStore{q: app.q, cache: cache,
		write: func(ctx context.Context, work func(ctx context.Context, q *db.Queries) error) error {
			// The work runs (and puts the session in the cache), then the
			// commit fails.
			return app.write(ctx, func(ctx context.Context, q *db.Queries) error {
				return errors.Join(work(ctx, q), errors.New("the commit failed"))
			})
		}}
	if err := failing.CommitCtx(context.Background(), "tok", []byte("data"), time.Now().Add(time.Hour)); err == nil {
		t.Fatal("the failed write was reported done")
	}
	if _, ok, _ := cache.get("tok", time.Now()); ok {
		t.Fatal("a write that failed is in the cache")
	}
	if _, found, err := failing.FindCtx(context.Background(), "tok"); err != nil || found {
		t.Fatalf("found %v, %v: the failed write is visible", found, err)
	}
}

// A bag read between a write's two forgets (in the writer's turn, and after
// the commit) is not kept: it may be the bag as it was before the write.
func TestBagCacheDropsAReadMadeDuringAWrite(t *testing.T) {
	c := newLiveCache[[]db.ListBagLinesRow](maxCachedBags)
	now := time.Now()
	old := []db.ListBagLinesRow{{ProductID: 1, Quantity: 1}}
	c.forget("bag") // the write, in the writer's turn
	_, ok, writes := c.get("bag", now)
	if ok {
		t.Fatal("a forgotten bag was found")
	}
	c.forget("bag") // the write has committed
	c.fill("bag", old, now.Add(bagCacheFor), writes)
	if _, ok, _ := c.get("bag", now); ok {
		t.Fatal("a read made before the commit was kept after it")
	}
	_, _, writes = c.get("bag", now)
	c.fill("bag", old, now.Add(bagCacheFor), writes)
	if rows, ok, _ := c.get("bag", now); !ok || len(rows) != 1 {
		t.Fatal("a read with no write since was not kept")
	}
	// Another process may change a bag: it is read again after a while.
	if _, ok, _ := c.get("bag", now.Add(bagCacheFor)); ok {
		t.Fatal("a bag was kept past bagCacheFor")
	}
	c.fill("bag", old, now.Add(bagCacheFor), writes)
	c.clear()
	if _, ok, _ := c.get("bag", now); ok {
		t.Fatal("clear kept a bag")
	}
}

func TestRecentEventsForgetsTheOldest(t *testing.T) {
	r := newRecentEvents()
	for i := range maxRecentEvents + 10 {
		r.add(fmt.Sprint("evt_", i))
	}
	r.add("evt_20") // again: still one entry
	if r.has("evt_0") || r.has("evt_9") || !r.has("evt_10") || !r.has(fmt.Sprint("evt_", maxRecentEvents+9)) {
		t.Fatal("not the oldest forgotten")
	}
	if len(r.ids) != maxRecentEvents {
		t.Fatalf("%d ids kept, want %d", len(r.ids), maxRecentEvents)
	}
}
