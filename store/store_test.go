package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"boutique/store"
	"boutique/store/storetest"
)

// Every read connection refuses to write, and the writer's connection
// syncs every commit (synchronous = FULL): an answer is sent only once its
// write is on disk.
func TestOpenSetsPragmasOnEveryConnection(t *testing.T) {
	ctx := context.Background()
	st := storetest.Open(t)
	// Hold several read connections at once so the pragmas are seen on
	// more than the first one the pool made.
	for i := 0; i < 3; i++ {
		conn, err := st.DB().Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		want := map[string]string{"journal_mode": "wal", "foreign_keys": "1", "busy_timeout": "5000", "query_only": "1"}
		for pragma, v := range want {
			var got string
			if err := conn.QueryRowContext(ctx, "PRAGMA "+pragma).Scan(&got); err != nil {
				t.Fatalf("PRAGMA %s: %v", pragma, err)
			}
			if !strings.EqualFold(got, v) {
				t.Errorf("read connection %d: PRAGMA %s = %q, want %q", i, pragma, got, v)
			}
		}
	}
	want := map[string]string{"journal_mode": "wal", "foreign_keys": "1", "busy_timeout": "5000", "query_only": "0", "synchronous": "2"}
	err := st.Write(ctx, func(ctx context.Context, tx *store.Tx) error {
		for pragma, v := range want {
			var got string
			if err := tx.QueryRow(ctx, "PRAGMA "+pragma).Scan(&got); err != nil {
				return fmt.Errorf("PRAGMA %s: %w", pragma, err)
			}
			if !strings.EqualFold(got, v) {
				t.Errorf("the writer's connection: PRAGMA %s = %q, want %q", pragma, got, v)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// A write that does not go through the writer fails.
func TestReadConnectionsRefuseToWrite(t *testing.T) {
	ctx := context.Background()
	st := storetest.Open(t)
	if err := st.Read().TouchBag(ctx, strings.Repeat("a", 32)); err == nil || !strings.Contains(err.Error(), "readonly") {
		t.Fatalf("a write on a read connection: %v, want a refusal", err)
	}
	if _, err := st.DB().ExecContext(ctx, `DELETE FROM products`); err == nil {
		t.Fatal("a raw DELETE on a read connection went through")
	}
}

func TestForeignKeysAreEnforced(t *testing.T) {
	st := storetest.Open(t)
	err := st.Write(context.Background(), func(ctx context.Context, tx *store.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO products (category_id, sku, name, price) VALUES (999, 'X1', 'Ghost', 100)`)
		return err
	})
	if err == nil || !strings.Contains(err.Error(), "FOREIGN KEY") {
		t.Fatalf("insert with a missing category: err = %v, want a FOREIGN KEY failure", err)
	}
}

func TestMigrateIsIdempotent(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "shop.db")
	all, err := store.Migrations()
	if err != nil {
		t.Fatal(err)
	}
	if len(all) == 0 {
		t.Fatal("no embedded migrations")
	}
	st, applied, err := store.Open(ctx, path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(applied) != len(all) {
		t.Fatalf("first run applied %d migrations, want %d", len(applied), len(all))
	}
	before := dumpSchema(t, ctx, st.DB())
	st.Close()

	// A second run, on a fresh open of the same file as at a restart,
	// applies nothing and leaves the schema as it was.
	st, applied, err = store.Open(ctx, path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	pool := st.DB()
	if len(applied) != 0 {
		t.Fatalf("second run applied %d migrations, want 0", len(applied))
	}
	if after := dumpSchema(t, ctx, pool); after != before {
		t.Fatalf("schema changed on the second run:\nbefore:\n%s\nafter:\n%s", before, after)
	}
	v, err := store.SchemaVersion(ctx, pool)
	if err != nil {
		t.Fatal(err)
	}
	if v != all[len(all)-1].Version {
		t.Fatalf("schema version %d, want %d", v, all[len(all)-1].Version)
	}
	var rows int
	if err := pool.QueryRowContext(ctx, `SELECT COUNT(*) FROM schema_migrations`).Scan(&rows); err != nil {
		t.Fatal(err)
	}
	if rows != len(all) {
		t.Fatalf("schema_migrations has %d rows, want %d", rows, len(all))
	}
}

func TestMigrateRefusesANewerDatabase(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "shop.db")
	st := storetest.OpenFile(t, path)
	storetest.Exec(t, st, `INSERT INTO schema_migrations (version, name) VALUES (9999, 'from_the_future')`)
	st.Close()
	_, _, err := store.Open(ctx, path, store.Options{})
	if err == nil || !strings.Contains(err.Error(), "newer") {
		t.Fatalf("Migrate on a newer database: err = %v, want a refusal", err)
	}
}

func TestMigrationsAreNumberedInOrder(t *testing.T) {
	ms, err := store.Migrations()
	if err != nil {
		t.Fatal(err)
	}
	for i, m := range ms {
		if m.Version != i+1 {
			t.Fatalf("migration %d has version %d", i, m.Version)
		}
	}
}

func dumpSchema(t *testing.T, ctx context.Context, pool *sql.DB) string {
	t.Helper()
	rows, err := pool.QueryContext(ctx, `SELECT type, name, COALESCE(sql, '') FROM sqlite_schema ORDER BY type, name`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var b strings.Builder
	for rows.Next() {
		var typ, name, text string
		if err := rows.Scan(&typ, &name, &text); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "%s %s: %s\n", typ, name, text)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// A closed store is one file again: every connection is closed, so SQLite
// folds the WAL back and removes it.
func TestCloseLeavesOneFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "shop.db")
	st, _, err := store.Open(context.Background(), path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	storetest.Exec(t, st, `INSERT INTO categories (name, friendly_name) VALUES ('mugs', 'Mugs')`)
	if _, err := os.Stat(path + "-wal"); err != nil {
		t.Fatalf("no WAL while the store is open: %v", err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	for _, suffix := range []string{"-wal", "-shm"} {
		if _, err := os.Stat(path + suffix); !os.IsNotExist(err) {
			t.Errorf("%s is still there after Close (%v): a connection was left open", suffix, err)
		}
	}
}
