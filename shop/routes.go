package shop

import "net/http"

// Handler is the whole shop: every route, wrapped in the middleware that
// every response goes through.
func (app *App) Handler() http.Handler {
	// Pages and the bag: with the shopper's session, and CSRF checks on
	// everything that changes state.
	pages := http.NewServeMux()
	page := func(pattern string, h http.HandlerFunc) { pages.Handle(pattern, named(pattern, h)) }
	page("GET /{$}", app.home)
	page("GET /products/{$}", app.productList)
	page("GET /products/{id}/{$}", app.productDetail)
	page("GET /bag/{$}", app.bagView)
	page("POST /bag/add/{id}/{$}", app.bagAdd)
	page("POST /bag/adjust/{id}/{$}", app.bagAdjust)
	page("POST /bag/remove/{id}/{$}", app.bagRemove)
	page("POST /bag/discount/{$}", app.bagDiscount)
	page("GET /checkout/{$}", app.checkoutPage)
	page("POST /checkout/{$}", app.checkoutSubmit)
	page("POST /checkout/cache_checkout_data/{$}", app.cacheCheckoutData)
	page("GET /checkout/return/{$}", app.checkoutReturn)
	page("POST /checkout/validate/{$}", app.validateField)
	page("GET /checkout/checkout_success/{order_number}/{$}", app.checkoutSuccess)
	page("GET /accounts/signup/{$}", app.signupPage)
	page("POST /accounts/signup/{$}", app.signup)
	page("GET /accounts/signup/sent/{$}", app.signupSentPage)
	page("GET /accounts/confirm/{token}/{$}", app.signupConfirmPage)
	page("POST /accounts/confirm/{token}/{$}", app.signupConfirm)
	page("GET /accounts/login/{$}", app.loginPage)
	page("POST /accounts/login/{$}", app.login)
	page("POST /accounts/logout/{$}", app.logout)
	page("GET /accounts/password/change/{$}", app.passwordChangePage)
	page("POST /accounts/password/change/{$}", app.passwordChange)
	page("GET /accounts/password/reset/{$}", app.passwordResetPage)
	page("POST /accounts/password/reset/{$}", app.passwordReset)
	page("GET /accounts/password/reset/{token}/{$}", app.passwordResetConfirmPage)
	page("POST /accounts/password/reset/{token}/{$}", app.passwordResetConfirm)
	page("POST /products/{id}/review/{$}", app.reviewPost)
	page("GET /pages/{slug}/{$}", app.shopPage)
	page("GET /profile/{$}", app.profilePage)
	page("POST /profile/{$}", app.profileUpdate)
	page("GET /profile/order_history/{order_number}/{$}", app.orderHistory)
	for _, rt := range app.ownerRoutes() {
		page(rt.pattern, app.staffOnly(rt.handler))
	}
	// Everything else is the friendly 404 page.
	page("/", app.notFound)

	// Files and probes: no session, nothing to protect.
	mux := http.NewServeMux()
	mux.Handle("GET /images/{id}/{$}", named("GET /images/{id}/{$}", app.image))
	mux.Handle("GET /static/", named("GET /static/", app.static().ServeHTTP))
	mux.Handle("GET /healthz", named("GET /healthz", app.healthz))
	mux.Handle("GET "+applePayPath, named("GET "+applePayPath, app.applePayDomain))
	mux.Handle("GET /readyz", named("GET /readyz", app.readyz))
	// Stripe's webhook: no session and no CSRF token; the signature on the
	// body proves where it comes from.
	mux.Handle("POST /checkout/wh/{$}", named("POST /checkout/wh/{$}", app.webhook))
	mux.Handle("/", app.secureCookies(app.sessions.LoadAndSave(app.inSession(app.limitBody(app.csrf(pages))))))

	return app.recoverPanic(app.logRequests(app.secureHeaders(app.compress(mux))))
}

type routeKey struct{}

// routeSlot is where the handler a request reached writes its route
// pattern, for the request log and the metrics.
type routeSlot struct{ pattern string }

// named marks a handler with its route pattern.
func named(pattern string, h http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if slot, ok := r.Context().Value(routeKey{}).(*routeSlot); ok {
			slot.pattern = pattern
		}
		h(w, r)
	})
}
