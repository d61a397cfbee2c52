package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"boutique/store"
)

// backup writes a consistent copy of the live database with VACUUM INTO,
// while the shop keeps serving, then checks the copy.
func backup(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("backup", flag.ContinueOnError)
	dbPath := fs.String("db", "boutique.db", "SQLite database file")
	fs.SetOutput(io.Discard)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(stdout, usage)
			return nil
		}
		return fmt.Errorf("backup: %w", err)
	}
	if fs.NArg() != 1 {
		return errors.New("backup: name the file to write: boutique backup [-db FILE] BACKUP")
	}
	out := fs.Arg(0)
	if _, err := os.Stat(out); err == nil {
		return fmt.Errorf("backup: %s exists already; choose a new name", out)
	}
	if _, err := os.Stat(*dbPath); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	start := time.Now()
	if err := store.Backup(ctx, *dbPath, out); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	st, _ := os.Stat(out)
	fmt.Fprintf(stdout, "backed up %s to %s (%d bytes, %s); integrity ok\n", *dbPath, out, st.Size(), time.Since(start).Round(time.Millisecond))
	return nil
}

// restore puts a backup in place of the database. The shop must be
// stopped; the database it replaces is kept beside it.
func restore(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("restore", flag.ContinueOnError)
	dbPath := fs.String("db", "boutique.db", "SQLite database file")
	fs.SetOutput(io.Discard)
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	if fs.NArg() != 1 {
		return errors.New("restore: name the backup: boutique restore [-db FILE] BACKUP (stop the shop first)")
	}
	from := fs.Arg(0)
	if err := store.Check(ctx, from); err != nil {
		return fmt.Errorf("restore: %s: %w", from, err)
	}
	// A shop serving the file would go on writing to the one moved aside.
	release, err := store.LockServing(*dbPath)
	if err != nil {
		return fmt.Errorf("restore: %w: stop the shop first", err)
	}
	defer release()
	if _, err := os.Stat(*dbPath); err == nil {
		aside, err := asideName(*dbPath)
		if err != nil {
			return fmt.Errorf("restore: %w", err)
		}
		for _, suffix := range []string{"", "-wal", "-shm"} {
			if err := os.Rename(*dbPath+suffix, aside+suffix); err != nil && !errors.Is(err, os.ErrNotExist) {
				return fmt.Errorf("restore: moving the current database aside: %w", err)
			}
		}
		fmt.Fprintf(stdout, "kept the current database as %s\n", aside)
	}
	tmp := filepath.Join(filepath.Dir(*dbPath), "."+filepath.Base(*dbPath)+".restoring")
	if err := copyFile(from, tmp); err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	if err := os.Rename(tmp, *dbPath); err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	fmt.Fprintf(stdout, "restored %s from %s; start the shop again\n", *dbPath, from)
	return nil
}

// asideName is a name no file has yet for the database a restore moves
// aside: its time, and a number when that is taken (two restores in one
// second).
func asideName(dbPath string) (string, error) {
	base := dbPath + ".before-restore-" + time.Now().UTC().Format("20060102T150405Z")
	for n := 0; n < 1000; n++ {
		name := base
		if n > 0 {
			name = fmt.Sprintf("%s-%d", base, n)
		}
		taken := false
		for _, suffix := range []string{"", "-wal", "-shm"} {
			if _, err := os.Lstat(name + suffix); !errors.Is(err, os.ErrNotExist) {
				taken = true
			}
		}
		if !taken {
			return name, nil
		}
	}
	return "", errors.New("no free name to keep the current database under")
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		os.Remove(to)
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
