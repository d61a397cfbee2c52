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
	return OpenFile(t, filepath.Join(t.TempDir(), "shop.db"))
}

// OpenFile is Open on a file of the test's choosing, for a test that opens
// the same file again (a restart).
func OpenFile(t testing.TB, path string) *sql.DB {
	t.Helper()
	ctx := context.Background()
	pool, err := db.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pool.Close() })
	if _, err := db.Migrate(ctx, pool); err != nil {
		t.Fatal(err)
	}
	return pool
}
