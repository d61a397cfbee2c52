package store

import (
	"context"
	"database/sql"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strconv"

	"boutique/db"
)

// A Migration is one embedded file migrations/NNNN_name.sql.
type Migration struct {
	Version int
	Name    string
	SQL     string
}

var migrationName = regexp.MustCompile(`^(\d{4})_([a-z0-9_]+)\.sql$`)

// Migrations lists the embedded migrations in version order. Versions start
// at 1 and have no gaps, so a missing or misnamed file is caught here rather
// than silently skipped.
func Migrations() ([]Migration, error) {
	entries, err := fs.ReadDir(db.Migrations, "migrations")
	if err != nil {
		return nil, err
	}
	var ms []Migration
	for _, e := range entries {
		m := migrationName.FindStringSubmatch(e.Name())
		if m == nil {
			return nil, fmt.Errorf("store: migration file %q is not named NNNN_name.sql", e.Name())
		}
		v, _ := strconv.Atoi(m[1])
		body, err := fs.ReadFile(db.Migrations, path.Join("migrations", e.Name()))
		if err != nil {
			return nil, err
		}
		ms = append(ms, Migration{Version: v, Name: m[2], SQL: string(body)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].Version < ms[j].Version })
	for i, m := range ms {
		if m.Version != i+1 {
			return nil, fmt.Errorf("store: migrations must be numbered 1, 2, 3...: found %04d_%s where %04d was expected", m.Version, m.Name, i+1)
		}
	}
	return ms, nil
}

// Migrate applies every migration the database has not seen, each in its own
// transaction together with its row in schema_migrations, and returns the
// ones it applied. Running it again applies nothing. A database whose schema
// is newer than this binary is refused rather than served.
func Migrate(ctx context.Context, pool *sql.DB) ([]Migration, error) {
	ms, err := Migrations()
	if err != nil {
		return nil, err
	}
	if _, err := pool.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    INTEGER PRIMARY KEY,
		name       TEXT    NOT NULL,
		applied_at TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
	)`); err != nil {
		return nil, fmt.Errorf("store: create schema_migrations: %w", err)
	}
	var newest int
	if err := pool.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&newest); err != nil {
		return nil, fmt.Errorf("store: read schema version: %w", err)
	}
	if newest > len(ms) {
		return nil, fmt.Errorf("store: the database is at schema version %d but this binary knows only %d; run a newer boutique", newest, len(ms))
	}
	var applied []Migration
	for _, m := range ms {
		done, err := apply(ctx, pool, m)
		if err != nil {
			return applied, fmt.Errorf("store: migration %04d_%s: %w", m.Version, m.Name, err)
		}
		if done {
			applied = append(applied, m)
		}
	}
	return applied, nil
}

// apply runs one migration unless it is already recorded. The check and the
// record happen in the same immediate transaction, so two processes starting
// at once cannot both apply it.
func apply(ctx context.Context, pool *sql.DB, m Migration) (bool, error) {
	tx, err := pool.BeginTx(ctx, nil)
	if err != nil {
		return false, err
	}
	defer tx.Rollback()
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM schema_migrations WHERE version = ?`, m.Version).Scan(&n); err != nil {
		return false, err
	}
	if n > 0 {
		return false, nil
	}
	if _, err := tx.ExecContext(ctx, m.SQL); err != nil {
		return false, err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name) VALUES (?, ?)`, m.Version, m.Name); err != nil {
		return false, err
	}
	return true, tx.Commit()
}

// SchemaVersion is the newest migration recorded in the database.
func SchemaVersion(ctx context.Context, pool *sql.DB) (int, error) {
	var v int
	err := pool.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&v)
	return v, err
}
