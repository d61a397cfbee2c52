package shop

import (
	"io/fs"
	"net/http"
	"strings"

	"boutique/assets"
)

// static serves the embedded assets. A URL that carries the asset's current
// version (?v=, as assets.URL writes it) may be cached for good; any other
// is revalidated. Folders are not listed.
func (app *App) static() http.Handler {
	files := http.StripPrefix("/static/", http.FileServerFS(assets.FS))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := strings.TrimPrefix(r.URL.Path, "/static/")
		if name == "" || strings.HasSuffix(name, "/") {
			app.notFound(w, r)
			return
		}
		if st, err := fs.Stat(assets.FS, name); err != nil || st.IsDir() {
			app.notFound(w, r)
			return
		}
		if v := r.URL.Query().Get("v"); v != "" && v == assets.Version(name) {
			w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		} else {
			w.Header().Set("Cache-Control", "no-cache")
		}
		files.ServeHTTP(w, r)
	})
}
