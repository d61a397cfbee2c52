package store

import (
	"errors"
	"fmt"
	"os"
	"syscall"
)

// ErrInUse is a database that a running shop is serving.
var ErrInUse = errors.New("a running shop is serving the database")

// LockServing takes the database's serving lock: an exclusive flock on
// path+".lock", which serve holds for as long as it runs and restore for
// as long as it replaces the file, so that neither runs beside the other
// (nor two shops on one file). The kernel releases it when the process
// ends, however it ends; the file itself stays. Commands that only read
// or write through SQLite (backup, reconcile, createadmin, demo) do not
// take it.
func LockServing(path string) (release func() error, err error) {
	f, err := os.OpenFile(path+".lock", os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, fmt.Errorf("the serving lock: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("%s: %w", path, ErrInUse)
		}
		return nil, fmt.Errorf("the serving lock: %w", err)
	}
	return f.Close, nil
}
