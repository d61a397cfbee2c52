package shop

import "net/http"

// Handler is the whole shop: every route, wrapped in the middleware that
// every response goes through.
func (app *App) Handler() http.Handler {
	// Pages and the bag: with the shopper's session, and CSRF checks on
	// everything that changes state.
	pages := http.NewServeMux()
	pages.HandleFunc("GET /{$}", app.home)
	pages.HandleFunc("GET /products/{$}", app.productList)
	pages.HandleFunc("GET /products/{id}/{$}", app.productDetail)
	pages.HandleFunc("GET /bag/{$}", app.bagView)
	pages.HandleFunc("POST /bag/add/{id}/{$}", app.bagAdd)
	pages.HandleFunc("POST /bag/adjust/{id}/{$}", app.bagAdjust)
	pages.HandleFunc("POST /bag/remove/{id}/{$}", app.bagRemove)
	pages.HandleFunc("GET /checkout/{$}", app.checkoutPage)
	pages.HandleFunc("POST /checkout/{$}", app.checkoutSubmit)
	pages.HandleFunc("POST /checkout/cache_checkout_data/{$}", app.cacheCheckoutData)
	pages.HandleFunc("POST /checkout/validate/{$}", app.validateField)
	pages.HandleFunc("GET /checkout/checkout_success/{order_number}/{$}", app.checkoutSuccess)
	pages.HandleFunc("GET /accounts/signup/{$}", app.signupPage)
	pages.HandleFunc("POST /accounts/signup/{$}", app.signup)
	pages.HandleFunc("GET /accounts/login/{$}", app.loginPage)
	pages.HandleFunc("POST /accounts/login/{$}", app.login)
	pages.HandleFunc("POST /accounts/logout/{$}", app.logout)
	pages.HandleFunc("GET /accounts/password/change/{$}", app.passwordChangePage)
	pages.HandleFunc("POST /accounts/password/change/{$}", app.passwordChange)
	pages.HandleFunc("GET /accounts/password/reset/{$}", app.passwordResetPage)
	pages.HandleFunc("POST /accounts/password/reset/{$}", app.passwordReset)
	pages.HandleFunc("GET /accounts/password/reset/{token}/{$}", app.passwordResetConfirmPage)
	pages.HandleFunc("POST /accounts/password/reset/{token}/{$}", app.passwordResetConfirm)
	pages.HandleFunc("GET /profile/{$}", app.profilePage)
	pages.HandleFunc("POST /profile/{$}", app.profileUpdate)
	pages.HandleFunc("GET /profile/order_history/{order_number}/{$}", app.orderHistory)
	for _, rt := range app.ownerRoutes() {
		pages.HandleFunc(rt.pattern, app.staffOnly(rt.handler))
	}
	// Everything else is the friendly 404 page.
	pages.HandleFunc("/", app.notFound)

	// Files and probes: no session, nothing to protect.
	mux := http.NewServeMux()
	mux.HandleFunc("GET /images/{id}/{$}", app.image)
	mux.Handle("GET /static/", app.static())
	mux.HandleFunc("GET /healthz", app.healthz)
	// Stripe's webhook: no session and no CSRF token; the signature on the
	// body proves where it comes from.
	mux.HandleFunc("POST /checkout/wh/{$}", app.webhook)
	mux.Handle("/", app.secureCookies(app.sessions.LoadAndSave(app.inSession(app.limitBody(app.csrf(pages))))))

	return app.recoverPanic(app.logRequests(app.secureHeaders(mux)))
}
