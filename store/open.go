package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"sync"
	"sync/atomic"

	"modernc.org/sqlite"

	"boutique/metrics"
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

// commonPragmas run on every new connection, in this order: the busy
// timeout first, so that the pragmas after it wait for a lock instead of
// failing, then WAL (readers never block the writer) and foreign keys.
var commonPragmas = []string{
	"PRAGMA busy_timeout = 5000",
	"PRAGMA journal_mode = WAL",
	"PRAGMA foreign_keys = ON",
	// No memory map: every page read through one counts in the shop's
	// resident memory, which then grows with the file (100,000 visitors'
	// bags made a 50 MB file and 105 MB resident); read into each
	// connection's own bounded page cache instead.
	"PRAGMA mmap_size = 0",
	"PRAGMA temp_store = MEMORY",
}

// readerPragmas make a read connection refuse every write: a write that
// does not go through the writer fails instead of slipping past it.
var readerPragmas = []string{"PRAGMA query_only = ON"}

// writerPragmas make every commit durable before it is answered: FULL
// syncs the WAL at each commit (a group commit pays one sync for its whole
// batch), where NORMAL left a committed write to be lost by a power cut
// until the next checkpoint.
var writerPragmas = []string{
	"PRAGMA synchronous = FULL",
	fmt.Sprintf("PRAGMA wal_autocheckpoint = %d", writerAutocheckpoint),
}

// writerAutocheckpoint is how many pages the WAL may reach before the
// writer's connection checkpoints at a commit (SQLite's default is 1,000).
// The store checkpoints in the background (runCheckpoints), so by then most
// of the WAL has been copied; but a passive checkpoint cannot finish while
// writes keep coming, so under a steady stream this is where the WAL starts
// over.
const writerAutocheckpoint = 4000

// Options are a store's collaborators, all optional.
type Options struct {
	// Log receives the store's warnings; nil discards them.
	Log *slog.Logger
}

// Store is the shop's SQLite file. Open it once per process and Close it
// last. See doc.go for how reads, writes and caches work.
type Store struct {
	path string
	log  *slog.Logger
	// metrics holds the store's counters; the shop adds its own.
	metrics *metrics.Registry
	// The writer's transactions and the writes they carried: their ratio
	// is how many writes share a commit.
	writeTxs, writesDone *metrics.CounterVec

	readDB  *sql.DB   // query_only connections for every read
	read    *Queries  // sqlc's queries, prepared on readDB
	ckptDB  *sql.DB   // one connection for background checkpoints
	writeDB *sql.DB   // the writer's one connection
	write   *Queries  // sqlc's queries, prepared on it
	wconn   *sql.Conn // that connection, held for good

	writes  chan *writeJob
	commits atomic.Int64
	// changed collects what the writer's statements change, reported by
	// SQLite's pre-update hook; the writer forgets the matching cached
	// values after each commit.
	changed changes

	caches

	stop      chan struct{}
	running   sync.WaitGroup
	closeOnce sync.Once
}

// Open opens (creating if needed) the SQLite database at path, applies the
// migrations it lacks, and starts its writer. It returns the migrations it
// applied; on an error nothing is left open.
func Open(ctx context.Context, path string, opts Options) (*Store, []Migration, error) {
	if path == "" {
		return nil, nil, errors.New("store: empty database path")
	}
	s := &Store{path: path, log: opts.Log, writes: make(chan *writeJob), stop: make(chan struct{}), metrics: metrics.New()}
	s.writeTxs = s.metrics.Counter("boutique_db_write_transactions_total", "Write transactions the store's writer committed, or failed to commit.", "outcome")
	s.writesDone = s.metrics.Counter("boutique_db_writes_total", "Writes the store's writer committed in those transactions.", "outcome")
	if s.log == nil {
		s.log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	s.caches = newCaches()
	var applied []Migration
	// On an error nothing is left open.
	fail := func(err error) (*Store, []Migration, error) {
		s.closeDBs()
		return nil, applied, err
	}

	// The writer first: it creates the file and the schema.
	s.writeDB = sql.OpenDB(connector{dsn: dsn(path), pragmas: writerPragmas, hook: s.changed.record})
	s.writeDB.SetMaxOpenConns(1)
	if err := s.writeDB.PingContext(ctx); err != nil {
		return fail(fmt.Errorf("store: open %s: %w", path, err))
	}
	var err error
	if applied, err = Migrate(ctx, s.writeDB); err != nil {
		return fail(err)
	}
	s.changed.reset()
	if s.write, err = Prepare(ctx, s.writeDB); err != nil {
		return fail(fmt.Errorf("store: preparing the writer's queries: %w", err))
	}
	if s.wconn, err = s.writeDB.Conn(ctx); err != nil {
		return fail(err)
	}

	s.readDB = sql.OpenDB(connector{dsn: dsn(path), pragmas: readerPragmas})
	// Readers run beside the writer under WAL; with the caches in front,
	// a few are plenty on a small machine, and each keeps a page cache.
	s.readDB.SetMaxOpenConns(4)
	s.readDB.SetMaxIdleConns(4)
	if s.read, err = Prepare(ctx, s.readDB); err != nil {
		return fail(fmt.Errorf("store: preparing the queries: %w", err))
	}
	s.ckptDB = sql.OpenDB(connector{dsn: dsn(path)})
	s.ckptDB.SetMaxOpenConns(1)

	s.run(s.runWriter)
	s.run(s.runCheckpoints)
	return s, applied, nil
}

func dsn(path string) string {
	q := url.Values{}
	q.Set("_txlock", "immediate")
	q.Set("_time_format", "sqlite")
	return "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + q.Encode()
}

// run starts work that ends when the store closes.
func (s *Store) run(work func(stop <-chan struct{})) {
	s.running.Add(1)
	go func() {
		defer s.running.Done()
		work(s.stop)
	}()
}

// Path is the database file's path.
func (s *Store) Path() string { return s.path }

// Read is sqlc's queries on the read connections. They refuse to write:
// every write goes through Write.
func (s *Store) Read() *Queries { return s.read }

// Metrics is the registry of the store's counters, for the shop to add its
// own to and serve.
func (s *Store) Metrics() *metrics.Registry { return s.metrics }

// DB is the pool of read connections, for a query sqlc does not hold.
func (s *Store) DB() *sql.DB { return s.readDB }

// Close stops the writer once the writes it has taken are done, folds the
// WAL back into the database file (so a stopped shop is one file), and
// closes every connection.
func (s *Store) Close() error {
	var err error
	s.closeOnce.Do(func() {
		close(s.stop)
		s.running.Wait()
		if _, cerr := s.ckptDB.Exec("PRAGMA wal_checkpoint(TRUNCATE)"); cerr != nil {
			s.log.Warn("checkpoint at close failed", "err", cerr)
		}
		err = s.closeDBs()
	})
	return err
}

func (s *Store) closeDBs() error {
	var errs []error
	for _, q := range []*Queries{s.read, s.write} {
		if q != nil {
			errs = append(errs, q.Close())
		}
	}
	if s.wconn != nil {
		errs = append(errs, s.wconn.Close())
	}
	for _, d := range []*sql.DB{s.writeDB, s.readDB, s.ckptDB} {
		if d != nil {
			errs = append(errs, d.Close())
		}
	}
	return errors.Join(errs...)
}

// connector opens connections with the common pragmas, then its own. A
// connector with a hook is the writer's: the hook hears of every row its
// statements change.
type connector struct {
	dsn     string
	pragmas []string
	hook    sqlite.PreUpdateHookFn
}

var driverSQLite = &sqlite.Driver{}

func (c connector) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := driverSQLite.Open(c.dsn)
	if err != nil {
		return nil, err
	}
	ex, ok := conn.(driver.ExecerContext)
	if !ok {
		conn.Close()
		return nil, errors.New("store: sqlite connection cannot execute statements")
	}
	for _, p := range append(commonPragmas[:len(commonPragmas):len(commonPragmas)], c.pragmas...) {
		if _, err := ex.ExecContext(ctx, p, nil); err != nil {
			conn.Close()
			return nil, fmt.Errorf("store: %s: %w", p, err)
		}
	}
	if c.hook != nil {
		h, ok := conn.(sqlite.HookRegisterer)
		if !ok {
			conn.Close()
			return nil, errors.New("store: sqlite connection cannot report its changes")
		}
		h.RegisterPreUpdateHook(c.hook)
	}
	return conn, nil
}

func (c connector) Driver() driver.Driver { return driverSQLite }
