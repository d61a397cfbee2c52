// Package db owns the SQLite file: opening it the one way the shop uses it,
// the embedded migrations, and the queries sqlc generates from queries/.
package db

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"net/url"
	"sync"

	"modernc.org/sqlite"
)

// ErrNotFound is what a lookup by key returns when no row has that key.
var ErrNotFound = errors.New("not found")

// NotFound turns sql.ErrNoRows into ErrNotFound and leaves other errors as
// they are, so callers above this package need not import database/sql to
// tell a missing row from a failure.
func NotFound(err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	return err
}

// connPragmas run on every new connection, in this order: the busy timeout
// first, so that the pragmas after it wait for a lock instead of failing,
// then WAL (readers never block the writer), foreign keys, and NORMAL
// synchronisation, which is durable in WAL mode except on power loss.
var connPragmas = []string{
	"PRAGMA busy_timeout = 5000",
	"PRAGMA journal_mode = WAL",
	"PRAGMA foreign_keys = ON",
	"PRAGMA synchronous = NORMAL",
	// Read pages through a memory map rather than a read system call each.
	"PRAGMA mmap_size = 268435456",
	"PRAGMA temp_store = MEMORY",
}

// Open opens (creating if needed) the SQLite database at path. Every
// transaction begun on it is BEGIN IMMEDIATE, so a writer takes the write
// lock up front and never fails half-way with SQLITE_BUSY on upgrade.
func Open(ctx context.Context, path string) (*sql.DB, error) {
	if path == "" {
		return nil, errors.New("db: empty database path")
	}
	q := url.Values{}
	q.Set("_txlock", "immediate")
	q.Set("_time_format", "sqlite")
	dsn := "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + q.Encode()

	pool := sql.OpenDB(connector{dsn: dsn, drv: &sqlite.Driver{}, writeLock: &sync.Mutex{}})
	// One writer at a time is SQLite's rule; a handful of connections lets
	// readers run beside it under WAL.
	pool.SetMaxOpenConns(8)
	pool.SetMaxIdleConns(8)
	if err := pool.PingContext(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("db: open %s: %w", path, err)
	}
	return pool, nil
}

type connector struct {
	dsn       string
	drv       *sqlite.Driver
	writeLock *sync.Mutex // shared by the pool's connections; see writelock.go
}

func (c connector) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := c.drv.Open(c.dsn)
	if err != nil {
		return nil, err
	}
	ex, ok := conn.(driver.ExecerContext)
	if !ok {
		conn.Close()
		return nil, errors.New("db: sqlite connection cannot execute statements")
	}
	for _, p := range connPragmas {
		if _, err := ex.ExecContext(ctx, p, nil); err != nil {
			conn.Close()
			return nil, fmt.Errorf("db: %s: %w", p, err)
		}
	}
	return &lockingConn{Conn: conn, lock: c.writeLock}, nil
}

func (c connector) Driver() driver.Driver { return c.drv }

// writerAutocheckpoint is how many pages the WAL may reach before the
// writer's connection checkpoints at a commit (SQLite's default is 1,000).
// A process that checkpoints in the background (Checkpoint) has copied most
// of the WAL by then; but a passive checkpoint cannot finish while writes
// keep coming, so under a steady stream this is where the WAL starts over.
const writerAutocheckpoint = 4000

// WriterConn takes a connection from the pool for a process's one writer to
// keep. Its commits checkpoint only past writerAutocheckpoint: the writer's
// process is expected to call Checkpoint in the background, so that
// commits seldom wait for the WAL to be copied back. Close it to give it
// back.
func WriterConn(ctx context.Context, pool *sql.DB) (*sql.Conn, error) {
	conn, err := pool.Conn(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := conn.ExecContext(ctx, fmt.Sprintf("PRAGMA wal_autocheckpoint = %d", writerAutocheckpoint)); err != nil {
		conn.Close()
		return nil, err
	}
	return conn, nil
}

// Checkpoint copies as much of the WAL into the database file as it can
// without waiting for readers or the writer (a passive checkpoint).
func Checkpoint(ctx context.Context, pool *sql.DB) error {
	// A query, not an Exec: it must not take the shop's write lock, and it
	// answers with a row (busy, pages in the WAL, pages copied).
	var busy, walPages, copied int
	return pool.QueryRowContext(ctx, "PRAGMA wal_checkpoint(PASSIVE)").Scan(&busy, &walPages, &copied)
}
