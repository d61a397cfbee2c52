// Package storetest gives tests a real, migrated SQLite file of their own.
package storetest

import (
	"context"
	"path/filepath"
	"testing"

	"boutique/store"
)

// Open opens a store on a fresh database file in the test's temporary
// folder, and closes it when the test ends.
func Open(t testing.TB) *store.Store {
	t.Helper()
	return OpenFile(t, filepath.Join(t.TempDir(), "shop.db"))
}

// OpenFile is Open on a file of the test's choosing, for a test that opens
// the same file again (a restart).
func OpenFile(t testing.TB, path string) *store.Store {
	t.Helper()
	st, _, err := store.Open(context.Background(), path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// Exec runs raw statements in one write, for a test's set-up.
func Exec(t testing.TB, st *store.Store, query string, args ...any) {
	t.Helper()
	err := st.Write(context.Background(), func(ctx context.Context, tx *store.Tx) error {
		_, err := tx.Exec(ctx, query, args...)
		return err
	})
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}
