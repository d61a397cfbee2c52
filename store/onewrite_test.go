package store_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// The one way to write: outside this package, every statement that
// changes the database (each query in queries/ that inserts, updates,
// replaces or deletes, and any raw Exec) is called on a *store.Tx, which
// only Store.Write hands out, and which the code names tx. The read
// connections refuse writes besides (TestReadConnectionsRefuseToWrite).
// This is the grep of the README, kept true by a test.
func TestEveryWriteGoesThroughTheWriter(t *testing.T) {
	root := ".."
	writes := []string{"Exec", "ExecContext"}
	name := regexp.MustCompile(`(?m)^-- name: (\w+) :\w+`)
	sqls, err := filepath.Glob(filepath.Join(root, "queries", "*.sql"))
	if err != nil || len(sqls) == 0 {
		t.Fatalf("no queries found: %v", err)
	}
	for _, p := range sqls {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		text := string(b)
		ms := name.FindAllStringSubmatchIndex(text, -1)
		for i, m := range ms {
			end := len(text)
			if i+1 < len(ms) {
				end = ms[i+1][0]
			}
			var stmt []string
			for _, line := range strings.Split(text[m[1]:end], "\n") {
				if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "--") {
					stmt = append(stmt, line)
				}
			}
			first := strings.ToUpper(strings.Join(stmt, " "))
			for _, verb := range []string{"INSERT", "UPDATE", "DELETE", "REPLACE"} {
				if strings.HasPrefix(first, verb) {
					writes = append(writes, text[m[2]:m[3]])
				}
			}
		}
	}
	if len(writes) < 20 {
		t.Fatalf("only %d writing queries found: %v", len(writes), writes)
	}
	call := regexp.MustCompile(`(\w+)\.(` + strings.Join(writes, "|") + `)\(`)
	checked := 0
	err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			switch d.Name() {
			case "node_modules", ".git", "store":
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") || strings.HasSuffix(p, "_templ.go") {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		checked++
		for i, line := range strings.Split(string(b), "\n") {
			for _, m := range call.FindAllStringSubmatch(line, -1) {
				if m[1] != "tx" {
					t.Errorf("%s:%d: %s.%s: a write outside Store.Write", p, i+1, m[1], m[2])
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked < 20 {
		t.Fatalf("only %d Go files checked", checked)
	}
}
