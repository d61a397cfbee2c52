package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"runtime/debug"
	"time"
)

// Every write goes through one writer: a goroutine that owns the only
// connection allowed to write and commits the writes that arrive together
// in one transaction. That is faster than each request opening its own
// transaction: the connection's page cache stays warm (SQLite drops a
// connection's cache when another has written), and a burst of writes
// shares one BEGIN, one COMMIT and one sync.
//
// Each write runs inside its own savepoint, so one that fails is undone
// alone and the others in its transaction still commit. A write is
// answered only after its transaction has committed and been synced to
// disk (synchronous = FULL), or with the error that stopped it.

// maxBatch bounds how many writes share a transaction.
const maxBatch = 64

// ErrClosed answers a write that arrives after the store has begun to
// close.
var ErrClosed = errors.New("the shop is shutting down")

// Tx is one write in progress: sqlc's queries inside the writer's
// transaction, and the raw statements of migrations and tests.
type Tx struct {
	*Queries
	tx *sql.Tx
}

// Exec runs a statement that sqlc does not hold.
func (t *Tx) Exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return t.tx.ExecContext(ctx, query, args...)
}

// QueryRow runs a query that sqlc does not hold, inside the write.
func (t *Tx) QueryRow(ctx context.Context, query string, args ...any) *sql.Row {
	return t.tx.QueryRowContext(ctx, query, args...)
}

// WriteFunc is a write: statements run through tx, with the context it is
// given (the caller's, without its cancellation: cancelling a statement
// would undo the others in the same transaction).
type WriteFunc func(ctx context.Context, tx *Tx) error

type writeJob struct {
	ctx  context.Context
	work WriteFunc
	done chan error
}

// Write runs work in a write transaction with others that arrive at the
// same time, and returns once that transaction is committed and on disk
// (nil), or with the error that failed it. work runs on the writer's
// goroutine: it must only run statements, never wait on the network or
// call Write itself. A caller that gives up before its turn comes is
// skipped.
func (s *Store) Write(ctx context.Context, work WriteFunc) error {
	job := &writeJob{ctx: ctx, work: work, done: make(chan error, 1)}
	select {
	case s.writes <- job:
	case <-ctx.Done():
		return ctx.Err()
	case <-s.stop:
		return ErrClosed
	}
	// The writer answers every job it has taken.
	return <-job.done
}

// foreignWriteCheck is how often the writer asks SQLite whether another
// process has written to the file, to forget what the caches hold.
const foreignWriteCheck = 200 * time.Millisecond

// runWriter takes writes until stop is closed, and commits those waiting
// together.
func (s *Store) runWriter(stop <-chan struct{}) {
	batch := make([]*writeJob, 0, maxBatch)
	tick := time.NewTicker(foreignWriteCheck)
	defer tick.Stop()
	version := s.dataVersion(-1)
	for {
		select {
		case job := <-s.writes:
			batch = append(batch[:0], job)
		case <-tick.C:
			version = s.dataVersion(version)
			continue
		case <-stop:
			return
		}
	gather:
		for len(batch) < maxBatch {
			select {
			case job := <-s.writes:
				batch = append(batch, job)
			default:
				break gather
			}
		}
		s.commitBatch(batch)
		clear(batch)
	}
}

// dataVersion reads SQLite's data_version on the writer's connection. It
// changes only when another connection, so another process, has committed:
// then every cache is forgotten, since that write was not seen row by row.
func (s *Store) dataVersion(last int64) int64 {
	var v int64
	if err := s.wconn.QueryRowContext(context.Background(), "PRAGMA data_version").Scan(&v); err != nil {
		s.log.Warn("reading the database's data version failed; forgetting every cache", "err", err)
		s.caches.forgetAll()
		return last
	}
	if last >= 0 && v != last {
		s.caches.forgetAll()
	}
	return v
}

// commitBatch runs a batch of writes in one transaction and answers each.
func (s *Store) commitBatch(batch []*writeJob) {
	ctx := context.Background()
	// Whatever the outcome, the cached values of every row the batch's
	// statements touched are forgotten before anyone is answered.
	defer s.forgetChanged()
	sqlTx, err := s.wconn.BeginTx(ctx, nil)
	if err != nil {
		for _, job := range batch {
			job.done <- err
		}
		return
	}
	tx := &Tx{Queries: s.write.WithTx(sqlTx), tx: sqlTx}
	// A lone write needs no savepoint: its failure is the transaction's.
	alone := len(batch) == 1
	var done []*writeJob // ran without error: answered at the commit
	for i, job := range batch {
		if err := job.ctx.Err(); err != nil {
			job.done <- err
			continue
		}
		if alone {
			if err := s.runJob(job, tx); err != nil {
				sqlTx.Rollback()
				job.done <- err
				return
			}
			done = append(done, job)
			break
		}
		failed, err := s.inSavepoint(ctx, tx, job)
		if err != nil {
			// The transaction itself is broken: nothing in it holds.
			sqlTx.Rollback()
			s.log.Error("write transaction failed; its writes are undone", "err", err)
			if !failed {
				job.done <- err
			}
			for _, j := range append(done, batch[i+1:]...) {
				j.done <- err
			}
			return
		}
		if !failed {
			done = append(done, job)
		}
	}
	if len(done) == 0 {
		sqlTx.Rollback()
		return
	}
	err = sqlTx.Commit()
	outcome := "failed"
	if err == nil {
		s.commits.Add(1)
		outcome = "committed"
	} else {
		// Leave the connection out of any transaction the failed commit
		// may have left open, for the next batch.
		s.wconn.ExecContext(ctx, "ROLLBACK")
		s.log.Error("write transaction failed to commit; its writes are undone", "err", err)
	}
	s.writeTxs.Inc(outcome)
	s.writesDone.Add(uint64(len(done)), outcome)
	s.forgetChanged()
	for _, job := range done {
		job.done <- err
	}
}

// inSavepoint runs a job in a savepoint of the transaction. When the job
// fails, it is answered with its error and its writes are undone (failed);
// err is a failure of the transaction itself.
func (s *Store) inSavepoint(ctx context.Context, tx *Tx, job *writeJob) (failed bool, err error) {
	if err := savepoint(ctx, tx, "SAVEPOINT w"); err != nil {
		return false, err
	}
	if werr := s.runJob(job, tx); werr != nil {
		job.done <- werr
		if err := savepoint(ctx, tx, "ROLLBACK TO w"); err != nil {
			return true, err
		}
		return true, savepoint(ctx, tx, "RELEASE w")
	}
	return false, savepoint(ctx, tx, "RELEASE w")
}

// runJob runs a job's work. A panic in it fails that job alone, as a panic
// in a handler fails its request alone, instead of ending the writer.
func (s *Store) runJob(job *writeJob, tx *Tx) (err error) {
	defer func() {
		if p := recover(); p != nil {
			s.log.Error("panic in a write", "panic", p, "stack", string(debug.Stack()))
			err = fmt.Errorf("panic in a write: %v", p)
		}
	}()
	return job.work(context.WithoutCancel(job.ctx), tx)
}

func savepoint(ctx context.Context, tx *Tx, stmt string) error {
	if _, err := tx.Exec(ctx, stmt); err != nil {
		return fmt.Errorf("%s: %w", stmt, err)
	}
	return nil
}

// checkpointEvery is how often the WAL is copied back into the database
// file while writes come in.
const checkpointEvery = 50 * time.Millisecond

// runCheckpoints copies the WAL back into the database file in the
// background, so that commits seldom wait for it. A passive checkpoint
// waits for nobody and nobody waits for it, and it never cuts the WAL
// under a reader (Litestream reads it inside a read transaction); but it
// cannot finish while writes keep coming, so under a steady stream the
// writer's own connection still checkpoints past writerAutocheckpoint.
func (s *Store) runCheckpoints(stop <-chan struct{}) {
	t := time.NewTicker(checkpointEvery)
	defer t.Stop()
	last := s.commits.Load()
	failing := false
	for {
		select {
		case <-stop:
			return
		case <-t.C:
		}
		if n := s.commits.Load(); n != last {
			last = n
			var busy, walPages, copied int
			err := s.ckptDB.QueryRow("PRAGMA wal_checkpoint(PASSIVE)").Scan(&busy, &walPages, &copied)
			if err != nil && !failing {
				s.log.Warn("background checkpoint failed; commits will checkpoint instead", "err", err)
			} else if err == nil && failing {
				s.log.Info("background checkpoints work again")
			}
			failing = err != nil
		}
	}
}
