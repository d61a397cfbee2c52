// Package dbtest gives tests a real, migrated SQLite file of their own.
package dbtest

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"

	"boutique/db"
)

// Open opens a fresh database file in the test's temporary folder, applies
// every migration, and closes it when the test ends.
func Open(t testing.TB) *sql.DB {
	t.Helper()
	ctx := context.Background()
	pool, err := db.Open(ctx, filepath.Join(t.TempDir(), "shop.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pool.Close() })
	if _, err := db.Migrate(ctx, pool); err != nil {
		t.Fatal(err)
	}
	return pool
}
