package shop

import "net/http"

// Handler is the whole shop: every route, wrapped in the middleware that
// every response goes through.
func (app *App) Handler() http.Handler {
	mux := http.NewServeMux()

	mux.HandleFunc("GET /{$}", app.home)
	mux.HandleFunc("GET /products/{$}", app.productList)
	mux.HandleFunc("GET /products/{id}/{$}", app.productDetail)
	mux.HandleFunc("GET /images/{id}/{$}", app.image)

	mux.Handle("GET /static/", app.static())
	mux.HandleFunc("GET /healthz", app.healthz)

	// Everything else is the friendly 404 page.
	mux.HandleFunc("/", app.notFound)

	return app.recoverPanic(app.logRequests(app.secureHeaders(mux)))
}
