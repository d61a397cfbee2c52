package store

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

func openStoreAt(t testing.TB) (*Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "shop.db")
	s, _, err := Open(context.Background(), path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, path
}

func openStore(t testing.TB) *Store {
	s, _ := openStoreAt(t)
	return s
}

// stoppedWriter is a store whose writer goroutine has stopped, for a test
// that runs batches on the writer's connection by hand.
func stoppedWriter(t *testing.T) *Store {
	t.Helper()
	s, _, err := Open(context.Background(), filepath.Join(t.TempDir(), "shop.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	close(s.stop)
	s.running.Wait()
	t.Cleanup(func() { s.closeDBs() })
	return s
}

// bagKey is a bag id (32 characters) made from a short name.
func bagKey(name string) string { return fmt.Sprintf("%032s", name) }

func bagExists(t *testing.T, s *Store, name string) bool {
	t.Helper()
	var n int
	if err := s.DB().QueryRow(`SELECT COUNT(*) FROM bags WHERE id = ?`, bagKey(name)).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n == 1
}

func touchJob(ctx context.Context, name string, fail error) *writeJob {
	return &writeJob{ctx: ctx, done: make(chan error, 1), work: func(ctx context.Context, q *Tx) error {
		if err := q.TouchBag(ctx, bagKey(name)); err != nil {
			return err
		}
		return fail
	}}
}

func TestWriterBatchUndoesOnlyTheWriteThatFailed(t *testing.T) {
	s := stoppedWriter(t)

	boom := errors.New("boom")
	gaveUp, cancel := context.WithCancel(context.Background())
	cancel()
	bg := context.Background()
	jobs := []*writeJob{
		touchJob(bg, "a", nil),
		touchJob(bg, "b", boom),    // writes, then fails: its write is undone
		touchJob(gaveUp, "c", nil), // its caller gave up: never runs
		touchJob(bg, "d", nil),
	}
	s.commitBatch(jobs)

	want := []error{nil, boom, context.Canceled, nil}
	for i, job := range jobs {
		if err := <-job.done; !errors.Is(err, want[i]) {
			t.Errorf("job %d answered %v, want %v", i, err, want[i])
		}
	}
	for id, want := range map[string]bool{"a": true, "b": false, "c": false, "d": true} {
		if got := bagExists(t, s, id); got != want {
			t.Errorf("bag %s exists: %v, want %v", id, got, want)
		}
	}
}

func TestWriterLoneWriteThatFailsLeavesNothing(t *testing.T) {
	s := stoppedWriter(t)
	boom := errors.New("boom")
	job := touchJob(context.Background(), "lone", boom)
	s.commitBatch([]*writeJob{job})
	if err := <-job.done; !errors.Is(err, boom) {
		t.Fatalf("answered %v, want boom", err)
	}
	if bagExists(t, s, "lone") {
		t.Fatal("the failed write was committed")
	}
}

// Writes that arrive while one is running go in together, and each is
// answered only once it is in the database.
func TestWriterGathersWaitingWrites(t *testing.T) {
	s := openStore(t)
	ctx := context.Background()
	release := make(chan struct{})
	first := make(chan error, 1)
	go func() {
		first <- s.Write(ctx, func(ctx context.Context, q *Tx) error {
			<-release
			return q.TouchBag(ctx, bagKey("first"))
		})
	}()
	const n = 20
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			id := fmt.Sprintf("bag-%02d", i)
			if err := s.Write(ctx, func(ctx context.Context, q *Tx) error { return q.TouchBag(ctx, bagKey(id)) }); err != nil {
				errs <- err
				return
			}
			if !bagExists(t, s, id) {
				errs <- fmt.Errorf("%s answered before it was committed", id)
			}
		}()
	}
	time.Sleep(100 * time.Millisecond) // the 20 queue behind the first
	close(release)
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if c := s.commits.Load(); c >= 1+n {
		t.Errorf("%d commits for %d writes: the waiting writes were not gathered", c, 1+n)
	}
}

func TestWriteAfterCloseIsRefused(t *testing.T) {
	s := openStore(t)
	s.Close()
	done := make(chan error, 1)
	go func() {
		done <- s.Write(context.Background(), func(ctx context.Context, q *Tx) error { return q.TouchBag(ctx, bagKey("late")) })
	}()
	select {
	case err := <-done:
		if !errors.Is(err, ErrClosed) {
			t.Fatalf("write after Close: %v, want ErrClosed", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("a write after Close did not return within 5s")
	}
}

// Commits do not copy the WAL back into the database file themselves (not
// below the backstop); the background checkpoints do.
func TestBackgroundCheckpointCopiesTheWAL(t *testing.T) {
	s, path := openStoreAt(t)
	size := func() int64 {
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		return fi.Size()
	}
	before := size()
	data := []byte(strings.Repeat("x", 2000))
	for i := range 100 {
		err := s.Write(context.Background(), func(ctx context.Context, q *Tx) error {
			return q.CommitSession(ctx, CommitSessionParams{Token: fmt.Sprintf("t%03d", i), Data: data, Expiry: "2999-01-01T00:00:00"})
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	deadline := time.Now().Add(10 * time.Second)
	for size() <= before {
		if time.Now().After(deadline) {
			t.Fatalf("the database file is still %d bytes 10s after 200 KB of writes: no checkpoint", before)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// A write that panics fails alone; the writer and the writes beside it go
// on.
func TestWriterSurvivesAPanickingWrite(t *testing.T) {
	s := stoppedWriter(t)
	bg := context.Background()
	bad := &writeJob{ctx: bg, done: make(chan error, 1), work: func(ctx context.Context, q *Tx) error {
		if err := q.TouchBag(ctx, bagKey("bad")); err != nil {
			return err
		}
		var m map[string]int
		m["boom"]++ // panics
		return nil
	}}
	jobs := []*writeJob{touchJob(bg, "before", nil), bad, touchJob(bg, "after", nil)}
	s.commitBatch(jobs)
	if err := <-jobs[1].done; err == nil || !strings.Contains(err.Error(), "panic") {
		t.Fatalf("the panicking write answered %v", err)
	}
	for _, j := range []int{0, 2} {
		if err := <-jobs[j].done; err != nil {
			t.Fatalf("job %d beside the panic: %v", j, err)
		}
	}
	if !bagExists(t, s, "before") || !bagExists(t, s, "after") || bagExists(t, s, "bad") {
		t.Fatal("the batch around the panic did not commit as it should")
	}
	// A lone panicking write, through a running writer.
	s = openStore(t)
	err := s.Write(bg, func(ctx context.Context, q *Tx) error { panic("alone") })
	if err == nil {
		t.Fatal("a lone panicking write was reported done")
	}
	if err := s.Write(bg, func(ctx context.Context, q *Tx) error { return q.TouchBag(ctx, bagKey("later")) }); err != nil {
		t.Fatalf("the writer stopped after a panic: %v", err)
	}
}

// A caller that gives up once its write has begun does not interrupt it:
// the work runs with a context that cannot be cancelled, so the statements
// of the others in its transaction are not undone with it.
func TestWriteOutlivesItsCallersCancel(t *testing.T) {
	s := stoppedWriter(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	job := &writeJob{ctx: ctx, done: make(chan error, 1), work: func(wctx context.Context, q *Tx) error {
		cancel() // the shopper closes the tab mid-write
		return q.TouchBag(wctx, bagKey("kept"))
	}}
	other := touchJob(context.Background(), "other", nil)
	s.commitBatch([]*writeJob{job, other})
	for _, j := range []*writeJob{job, other} {
		if err := <-j.done; err != nil {
			t.Fatalf("answered %v", err)
		}
	}
	if !bagExists(t, s, "kept") || !bagExists(t, s, "other") {
		t.Fatal("a cancel during a write undid writes")
	}
}
