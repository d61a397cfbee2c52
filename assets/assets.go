// Package assets embeds the shop's static files: its own CSS and
// JavaScript, the generated favicon, and vendor/, which the build fills from
// npm (htmx) and which holds nothing committed but its .gitkeep.
package assets

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"sync"
)

//go:embed css js img all:vendor
var files embed.FS

// FS is every embedded asset, by path relative to this folder.
var FS fs.FS = files

var (
	hashOnce sync.Once
	hashes   map[string]string
)

// Version is a short content hash of the named asset, for cache-busting
// URLs, or "" when there is no such asset (as for vendor files before the
// build has copied them in).
func Version(name string) string {
	hashOnce.Do(func() {
		hashes = map[string]string{}
		fs.WalkDir(files, ".", func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			b, err := fs.ReadFile(files, p)
			if err != nil {
				return err
			}
			sum := sha256.Sum256(b)
			hashes[p] = hex.EncodeToString(sum[:6])
			return nil
		})
	})
	return hashes[name]
}

// URL is the path the shop serves an asset at, with its version attached so
// that browsers may cache it for good.
func URL(name string) string {
	u := "/static/" + name
	if v := Version(name); v != "" {
		u += "?v=" + v
	}
	return u
}
