package store

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"
)

// A cache holds at most its bytes, whatever its values weigh: large
// values push others out, one larger than the whole cache is not kept,
// and what leaves (forgotten, expired, pushed out) is counted out.
func TestLiveCacheIsBoundedInBytes(t *testing.T) {
	const max = 4096
	c := newLiveCache(max, func(k string, v []byte) int { return len(k) + len(v) })
	now := time.Now()
	for i := range 200 {
		_, _, forgets := c.get("k", now)
		c.fill(fmt.Sprint("key", i), make([]byte, 10+i*7%900), forever, forgets)
		if c.bytes > max {
			t.Fatalf("after %d fills the cache holds %d bytes, more than %d", i+1, c.bytes, max)
		}
	}
	total := 0
	for k, e := range c.m {
		total += entryOverhead + len(k) + len(e.v)
	}
	if total != c.bytes {
		t.Fatalf("the cache counts %d bytes but holds %d", c.bytes, total)
	}
	_, _, forgets := c.get("huge", now)
	c.fill("huge", make([]byte, max), forever, forgets)
	if _, ok, _ := c.get("huge", now); ok {
		t.Fatal("a value larger than the cache was kept")
	}
	for k := range c.m {
		c.forget(k)
	}
	_, _, forgets = c.get("brief", now)
	c.fill("brief", []byte("x"), now.Add(time.Second), forgets)
	c.get("brief", now.Add(time.Hour)) // expired: dropped
	if c.bytes != 0 || len(c.m) != 0 {
		t.Fatalf("%d bytes in %d entries left after every entry left", c.bytes, len(c.m))
	}
}

func TestLiveCacheDropsAReadMadeBeforeAForget(t *testing.T) {
	c := newLiveCache(2*entryOverhead, func(string, int) int { return 0 }) // two entries
	now := time.Now()
	_, ok, forgets := c.get("a", now) // a read from the database begins...
	if ok {
		t.Fatal("an empty cache had a value")
	}
	c.forget("a") // ...a write commits and is forgotten...
	c.fill("a", 1, forever, forgets)
	if _, ok, _ := c.get("a", now); ok {
		t.Fatal("a read made before the write was kept after it")
	}
	_, _, forgets = c.get("a", now)
	c.fill("a", 2, forever, forgets)
	if v, ok, _ := c.get("a", now); !ok || v != 2 {
		t.Fatal("a read with no write since was not kept")
	}
	// Past its time, a value is gone; past max entries, one makes room.
	_, _, forgets = c.get("b", now)
	c.fill("b", 3, now.Add(time.Second), forgets)
	if _, ok, _ := c.get("b", now.Add(2*time.Second)); ok {
		t.Fatal("a value was kept past its time")
	}
	for _, k := range []string{"c", "d", "e"} {
		_, _, forgets = c.get(k, now)
		c.fill(k, 0, forever, forgets)
	}
	if len(c.m) > 2 {
		t.Fatalf("%d entries, at most 2", len(c.m))
	}
	c.clear()
	if len(c.m) != 0 {
		t.Fatal("clear kept values")
	}
}

// cachedBag says whether the store holds a bag in memory.
func (s *Store) cachedBag(id string) bool {
	_, ok, _ := s.caches.bags.get(id, time.Now())
	return ok
}

// Each write through the writer forgets, by itself, exactly what the
// caches hold of the rows it changed: no caller has to.
func TestWritesForgetWhatTheyChange(t *testing.T) {
	ctx := context.Background()
	s := openStore(t)
	mine, other := bagKey("mine"), bagKey("other")
	for _, id := range []string{mine, other} {
		if err := s.AddToBag(ctx, id, 1, "", 1); err == nil {
			t.Fatal("a bag line for a product that does not exist")
		}
	}
	write := func(query string, args ...any) {
		t.Helper()
		if err := s.Write(ctx, func(ctx context.Context, tx *Tx) error { _, err := tx.Exec(ctx, query, args...); return err }); err != nil {
			t.Fatal(err)
		}
	}
	write(`INSERT INTO categories (name, friendly_name) VALUES ('mugs', 'Mugs')`)
	write(`INSERT INTO products (category_id, sku, name, price) VALUES (1, 'M1', 'Mug', 1200)`)
	for _, id := range []string{mine, other} {
		if err := s.AddToBag(ctx, id, 1, "", 1); err != nil {
			t.Fatal(err)
		}
	}
	fill := func() {
		t.Helper()
		for _, id := range []string{mine, other} {
			if _, err := s.BagLines(ctx, id); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := s.Product(ctx, 1); err != nil {
			t.Fatal(err)
		}
		if err := s.Sessions().CommitCtx(ctx, "tok", []byte("v1"), time.Now().Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		if b, _, _ := s.Sessions().FindCtx(ctx, "tok"); string(b) != "v1" {
			t.Fatalf("session %q", b)
		}
	}
	fill()
	if !s.cachedBag(mine) || !s.cachedBag(other) {
		t.Fatal("the bags were not kept")
	}

	// A bag's change forgets that bag alone.
	if _, err := s.SetBagLine(ctx, mine, 1, "", 5); err != nil {
		t.Fatal(err)
	}
	if s.cachedBag(mine) || !s.cachedBag(other) {
		t.Fatalf("after a change to one bag: mine kept %v, other kept %v", s.cachedBag(mine), s.cachedBag(other))
	}
	if rows, _ := s.BagLines(ctx, mine); len(rows) != 1 || rows[0].Quantity != 5 {
		t.Fatalf("the bag reads %+v", rows)
	}

	// A session's new data is what the next read finds.
	if err := s.Sessions().CommitCtx(ctx, "tok", []byte("v2"), time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if b, _, _ := s.Sessions().FindCtx(ctx, "tok"); string(b) != "v2" {
		t.Fatalf("after a new commit the session reads %q", b)
	}
	if err := s.Sessions().DeleteCtx(ctx, "tok"); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := s.Sessions().FindCtx(ctx, "tok"); ok {
		t.Fatal("a deleted session was still found")
	}

	// A product's change forgets the catalog and every bag (they show
	// its name and price).
	fill()
	write(`UPDATE products SET price = 1500, name = 'Big Mug' WHERE id = 1`)
	if p, _ := s.Product(ctx, 1); p.Price != 1500 || p.Name != "Big Mug" {
		t.Fatalf("the product reads %+v", p)
	}
	if s.cachedBag(other) {
		t.Fatal("a bag showing the product was kept after its price changed")
	}
	if rows, _ := s.BagLines(ctx, other); rows[0].Price != 1500 {
		t.Fatalf("the bag shows %+v", rows[0])
	}
	cats, _ := s.Categories(ctx)
	write(`INSERT INTO products (category_id, sku, name, price) VALUES (1, 'M2', 'Cup', 900)`)
	if again, _ := s.Categories(ctx); again[0].ProductCount != cats[0].ProductCount+1 {
		t.Fatalf("the navigation counts %d products, want %d", again[0].ProductCount, cats[0].ProductCount+1)
	}
	list, _ := s.SearchProducts(ctx, SearchProductsParams{})
	if len(list) != 2 {
		t.Fatalf("the list holds %d products", len(list))
	}

	// Deleting old bags (the sweep) forgets them too.
	write(`UPDATE bags SET updated_at = '2000-01-01T00:00:00.000Z'`)
	s.BagLines(ctx, other)
	if d, err := s.Sweep(ctx, time.Now(), time.Now(), time.Now()); err != nil || d.Bags != 2 {
		t.Fatalf("deleted %d bags, %v", d.Bags, err)
	}
	if rows, _ := s.BagLines(ctx, other); len(rows) != 0 {
		t.Fatalf("a deleted bag still reads %+v", rows)
	}
}

// Another process's write (here another store on the same file) is not
// seen row by row: the writer notices it through SQLite's data_version and
// forgets everything, within foreignWriteCheck.
func TestAnotherProcesssWriteEmptiesTheCaches(t *testing.T) {
	ctx := context.Background()
	s, path := openStoreAt(t)
	other, _, err := Open(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if err := s.Write(ctx, func(ctx context.Context, tx *Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO products (sku, name, price) VALUES ('M1', 'Mug', 1200)`)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if p, err := s.Product(ctx, 1); err != nil || p.Name != "Mug" {
		t.Fatal(p, err)
	}
	// Nothing of ours writes meanwhile: only the other process.
	if err := other.Write(ctx, func(ctx context.Context, tx *Tx) error {
		_, err := tx.Exec(ctx, `UPDATE products SET name = 'Renamed elsewhere' WHERE id = 1`)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * foreignWriteCheck)
	for {
		p, err := s.Product(ctx, 1)
		if err != nil {
			t.Fatal(err)
		}
		if p.Name == "Renamed elsewhere" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("another process's change was not seen within %s", 10*foreignWriteCheck)
		}
		time.Sleep(foreignWriteCheck / 4)
	}
}

// The background checkpoints do not make the writer forget: they change
// no row, and data_version moves only for another connection's commit.
func TestCheckpointsKeepTheCaches(t *testing.T) {
	ctx := context.Background()
	s := openStore(t)
	if err := s.Write(ctx, func(ctx context.Context, tx *Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO products (sku, name, price) VALUES ('M1', 'Mug', 1200)`)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Product(ctx, 1); err != nil {
		t.Fatal(err)
	}
	// Several checkpoints and data_version checks go by.
	time.Sleep(3 * foreignWriteCheck)
	if _, err := s.ckptDB.Exec("PRAGMA wal_checkpoint(PASSIVE)"); err != nil && !strings.Contains(err.Error(), "busy") {
		t.Fatal(err)
	}
	time.Sleep(2 * foreignWriteCheck)
	if _, ok, _ := s.caches.products.get(1, time.Now()); !ok {
		t.Fatal("the product cache was emptied though nothing changed")
	}
}
