package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// Backup writes a consistent copy of the database at path to out with
// VACUUM INTO, from a read-only connection of its own (the shop may keep
// serving), and checks the copy.
func Backup(ctx context.Context, path, out string) error {
	src, err := sql.Open("sqlite", "file:"+path+"?mode=ro&_pragma=busy_timeout(5000)")
	if err != nil {
		return err
	}
	defer src.Close()
	if _, err := src.ExecContext(ctx, "VACUUM INTO ?", out); err != nil {
		return err
	}
	if err := Check(ctx, out); err != nil {
		return fmt.Errorf("the copy does not check out: %w", err)
	}
	return nil
}

// Check opens a database file read-only and checks its integrity and that
// it is a Boutique database.
func Check(ctx context.Context, path string) error {
	conn, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		return err
	}
	defer conn.Close()
	var result string
	if err := conn.QueryRowContext(ctx, "PRAGMA integrity_check").Scan(&result); err != nil {
		return err
	}
	if result != "ok" {
		return fmt.Errorf("integrity check: %s", result)
	}
	var version int
	if err := conn.QueryRowContext(ctx, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations").Scan(&version); err != nil {
		return errors.Join(errors.New("not a Boutique database"), err)
	}
	return nil
}

// OpenReadOnly opens the database at path for reading only: for tools and
// tests that look at a shop's file from outside it.
func OpenReadOnly(path string) (*sql.DB, error) {
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro&_pragma=busy_timeout(5000)")
	if err != nil {
		return nil, err
	}
	if err := db.Ping(); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}
