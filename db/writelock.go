package db

import (
	"context"
	"database/sql/driver"
	"errors"
	"sync"
)

// SQLite lets one writer in at a time; the others wait in its busy handler,
// which sleeps and retries (1, 2, 5, 10... up to 100 ms between tries). Under
// concurrent writes those sleeps, not the writes, become the latency. So the
// shop's connections take a process-wide write lock instead: a transaction
// holds it from BEGIN to COMMIT or ROLLBACK (every transaction here is BEGIN
// IMMEDIATE, a write transaction), and a write outside a transaction holds it
// for its statement. Writers then queue in Go and go in one after another,
// and SQLite never has to make them sleep. Reads never take it.

// lockingConn is a connection that takes the write lock for its writes.
type lockingConn struct {
	driver.Conn
	lock *sync.Mutex
	inTx bool
}

var (
	_ driver.ConnBeginTx        = (*lockingConn)(nil)
	_ driver.ConnPrepareContext = (*lockingConn)(nil)
	_ driver.ExecerContext      = (*lockingConn)(nil)
	_ driver.QueryerContext     = (*lockingConn)(nil)
	_ driver.Pinger             = (*lockingConn)(nil)
	_ driver.SessionResetter    = (*lockingConn)(nil)
	_ driver.Validator          = (*lockingConn)(nil)
)

func (c *lockingConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	c.lock.Lock()
	tx, err := c.Conn.(driver.ConnBeginTx).BeginTx(ctx, opts)
	if err != nil {
		c.lock.Unlock()
		return nil, err
	}
	c.inTx = true
	return &lockingTx{Tx: tx, conn: c}, nil
}

// Begin is the old entry point; database/sql uses BeginTx.
func (c *lockingConn) Begin() (driver.Tx, error) {
	return c.BeginTx(context.Background(), driver.TxOptions{})
}

func (c *lockingConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	st, err := c.Conn.(driver.ConnPrepareContext).PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	return &lockingStmt{Stmt: st, conn: c}, nil
}

func (c *lockingConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	if !c.inTx {
		c.lock.Lock()
		defer c.lock.Unlock()
	}
	return c.Conn.(driver.ExecerContext).ExecContext(ctx, query, args)
}

func (c *lockingConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	return c.Conn.(driver.QueryerContext).QueryContext(ctx, query, args)
}

func (c *lockingConn) Ping(ctx context.Context) error { return c.Conn.(driver.Pinger).Ping(ctx) }

func (c *lockingConn) ResetSession(ctx context.Context) error {
	return c.Conn.(driver.SessionResetter).ResetSession(ctx)
}

func (c *lockingConn) IsValid() bool { return c.Conn.(driver.Validator).IsValid() }

// lockingTx releases the write lock when the transaction ends.
type lockingTx struct {
	driver.Tx
	conn *lockingConn
	done bool
}

func (t *lockingTx) end(err error) error {
	if !t.done {
		t.done = true
		t.conn.inTx = false
		t.conn.lock.Unlock()
	}
	return err
}

func (t *lockingTx) Commit() error   { return t.end(t.Tx.Commit()) }
func (t *lockingTx) Rollback() error { return t.end(t.Tx.Rollback()) }

// lockingStmt takes the write lock for an Exec outside a transaction.
type lockingStmt struct {
	driver.Stmt
	conn *lockingConn
}

var (
	_ driver.StmtExecContext  = (*lockingStmt)(nil)
	_ driver.StmtQueryContext = (*lockingStmt)(nil)
)

func (s *lockingStmt) ExecContext(ctx context.Context, args []driver.NamedValue) (driver.Result, error) {
	if !s.conn.inTx {
		s.conn.lock.Lock()
		defer s.conn.lock.Unlock()
	}
	ex, ok := s.Stmt.(driver.StmtExecContext)
	if !ok {
		return nil, errors.New("db: statement cannot execute with a context")
	}
	return ex.ExecContext(ctx, args)
}

func (s *lockingStmt) QueryContext(ctx context.Context, args []driver.NamedValue) (driver.Rows, error) {
	q, ok := s.Stmt.(driver.StmtQueryContext)
	if !ok {
		return nil, errors.New("db: statement cannot query with a context")
	}
	return q.QueryContext(ctx, args)
}
