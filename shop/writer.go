package shop

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"runtime/debug"
	"time"

	"boutique/db"
)

// The shop's writes go through one writer: a goroutine that owns one
// connection and commits the writes that arrive together in one
// transaction. Two things make that faster than each request opening its
// own transaction on any connection of the pool:
//
//   - The connection's page cache stays warm. SQLite throws a
//     connection's cache away when another connection has written since its
//     last transaction, so writes spread over the pool each began by
//     reading the pages they touch again.
//   - A burst of writes (webhooks arriving together, shoppers adding to
//     their bags at once) shares one BEGIN and one COMMIT, and the pages
//     they have in common are written to the WAL once.
//
// Each write runs inside its own savepoint, so one that fails is undone
// alone and the others in its transaction still commit. A write is
// answered only after its transaction has committed, or with the error
// that stopped it; nothing is reported done that was not.

// maxBatch bounds how many writes share a transaction.
const maxBatch = 64

// errShuttingDown answers a write that arrives after the shop has begun to
// close.
var errShuttingDown = errors.New("the shop is shutting down")

type writeJob struct {
	ctx  context.Context
	work func(ctx context.Context, q *db.Queries) error
	done chan error
}

// write runs work in a write transaction with others that arrive at the same
// time, and returns once that transaction has committed (nil) or failed.
// work must only run statements through q: it runs on the writer's
// goroutine, so it must not wait on the network or call write itself, and
// it may run while other writes wait. Its context is the caller's without
// its cancellation, since cancelling a statement would undo the writes of
// others in the same transaction; a caller that has given up before its
// turn comes is skipped.
func (app *App) write(ctx context.Context, work func(ctx context.Context, q *db.Queries) error) error {
	job := &writeJob{ctx: ctx, work: work, done: make(chan error, 1)}
	select {
	case app.writes <- job:
	case <-ctx.Done():
		return ctx.Err()
	case <-app.stop:
		return errShuttingDown
	}
	// The writer answers every job it has taken.
	return <-job.done
}

// runWriter takes writes until stop is closed, and commits those waiting
// together. conn is the writer's own connection.
func (app *App) runWriter(conn *sql.Conn, stop <-chan struct{}) {
	defer conn.Close()
	batch := make([]*writeJob, 0, maxBatch)
	for {
		select {
		case job := <-app.writes:
			batch = append(batch[:0], job)
		case <-stop:
			return
		}
	gather:
		for len(batch) < maxBatch {
			select {
			case job := <-app.writes:
				batch = append(batch, job)
			default:
				break gather
			}
		}
		app.commitBatch(conn, batch)
		clear(batch)
	}
}

// commitBatch runs a batch of writes in one transaction and answers each.
func (app *App) commitBatch(conn *sql.Conn, batch []*writeJob) {
	ctx := context.Background()
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		for _, job := range batch {
			job.done <- err
		}
		return
	}
	q := app.q.WithTx(tx)
	// A lone write needs no savepoint: its failure is the transaction's.
	alone := len(batch) == 1
	var done []*writeJob // ran without error: answered at the commit
	for i, job := range batch {
		if err := job.ctx.Err(); err != nil {
			job.done <- err
			continue
		}
		if alone {
			if err := app.runJob(job, q); err != nil {
				tx.Rollback()
				job.done <- err
				return
			}
			done = append(done, job)
			break
		}
		failed, err := app.inSavepoint(ctx, tx, q, job)
		if err != nil {
			// The transaction itself is broken: nothing in it holds.
			tx.Rollback()
			app.log.Error("write transaction failed; its writes are undone", "err", err)
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
		tx.Rollback()
		return
	}
	err = tx.Commit()
	outcome := "failed"
	if err == nil {
		app.commits.Add(1)
		outcome = "committed"
	} else {
		// Leave the connection out of any transaction the failed commit
		// may have left open, for the next batch.
		conn.ExecContext(ctx, "ROLLBACK")
		app.log.Error("write transaction failed to commit; its writes are undone", "err", err)
	}
	app.metrics.writeTxs.Inc(outcome)
	app.metrics.writes.Add(uint64(len(done)), outcome)
	for _, job := range done {
		job.done <- err
	}
}

// inSavepoint runs a job in a savepoint of the transaction. When the job
// fails, it is answered with its error and its writes are undone (failed);
// err is a failure of the transaction itself.
func (app *App) inSavepoint(ctx context.Context, tx *sql.Tx, q *db.Queries, job *writeJob) (failed bool, err error) {
	if err := savepoint(ctx, tx, "SAVEPOINT w"); err != nil {
		return false, err
	}
	if werr := app.runJob(job, q); werr != nil {
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
func (app *App) runJob(job *writeJob, q *db.Queries) (err error) {
	defer func() {
		if p := recover(); p != nil {
			app.log.Error("panic in a write", "panic", p, "stack", string(debug.Stack()))
			err = fmt.Errorf("panic in a write: %v", p)
		}
	}()
	return job.work(context.WithoutCancel(job.ctx), q)
}

func savepoint(ctx context.Context, tx *sql.Tx, stmt string) error {
	if _, err := tx.ExecContext(ctx, stmt); err != nil {
		return fmt.Errorf("%s: %w", stmt, err)
	}
	return nil
}

// checkpointEvery is how often the WAL is copied back into the database
// file while writes come in.
const checkpointEvery = 50 * time.Millisecond

// runCheckpoints copies the WAL back into the database file in the
// background, so that commits seldom wait for it. A passive checkpoint
// waits for nobody and nobody waits for it, but it cannot finish while
// writes keep coming, and only a finished one lets the WAL start over: so
// under a steady stream the writer's own connection still checkpoints when
// the WAL passes its backstop (db.WriterConn), with little left to copy.
func (app *App) runCheckpoints(stop <-chan struct{}) {
	t := time.NewTicker(checkpointEvery)
	defer t.Stop()
	last := app.commits.Load()
	failing := false
	for {
		select {
		case <-stop:
			return
		case <-t.C:
		}
		if n := app.commits.Load(); n != last {
			last = n
			err := db.Checkpoint(context.Background(), app.db)
			if err != nil && !failing {
				app.log.Warn("background checkpoint failed; commits will checkpoint instead", "err", err)
			} else if err == nil && failing {
				app.log.Info("background checkpoints work again")
			}
			failing = err != nil
		}
	}
}
